"""Writing files so that a crash (even SIGKILL) leaves either the old file or the new one, never half of one."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from listkeeper.errors import UsageError

_TMP_SUFFIX = ".listkeeper-tmp"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (str is written as UTF-8, line endings untouched) via a temporary file in the
    same directory, fsync and :func:`os.replace`.

    The new file keeps the old one's permission bits (a fresh file gets the umask's), because a temporary file
    would otherwise make a shared list unreadable to others. Temporary files left by a killed run are removed by
    the next write to the same directory.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not path.parent.is_dir():
        raise UsageError(f"{path}: directory {path.parent} does not exist")
    remove_stale_temps(path.parent)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}{_TMP_SUFFIX}"
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None


def remove_stale_temps(directory: Path) -> list[Path]:
    """Delete temporary files a killed run left in ``directory``; returns what was removed."""
    removed = []
    for leftover in directory.glob(f".*{_TMP_SUFFIX}"):
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed
