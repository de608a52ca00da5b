"""Writing files so that a crash (even SIGKILL) leaves either the old file or the new one, never half of one;
and several files (:func:`replace_all`) so that a crash leaves all of them old or, after :func:`recover`, all new."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import stat
from collections.abc import Mapping
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


# -- several files at once ------------------------------------------------------------------------------------------

JOURNAL_NAME = "update-journal.json"
_STAGED_SUFFIX = ".listkeeper-staged"
#: Test hook: after this many replacements, the process kills itself with SIGKILL (a crash at that exact point).
KILL_AFTER_ENV = "LISTKEEPER_TEST_KILL_AFTER_REPLACE"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_all(files: Mapping[Path, bytes | str], journal_dir: Path) -> None:
    """Replace several files so that a reader (and the next run) sees all of them new or all of them old.

    Every new file is staged first (a temporary file beside its target, fsynced), then a journal naming each target,
    its staged file and the new content's sha256 is written atomically to ``journal_dir``, then the targets are
    replaced one by one and the journal is deleted. A run killed before the journal exists leaves the old files
    (and staged files that :func:`recover` removes); a run killed after it is finished by :func:`recover`.
    """
    if not files:
        return
    recover(journal_dir)
    for directory in {path.parent for path in files}:  # no journal now: staged files are a killed run's orphans
        for leftover in directory.glob(f".*{_STAGED_SUFFIX}") if directory.is_dir() else []:
            leftover.unlink(missing_ok=True)
    staged: list[tuple[Path, Path, str]] = []
    try:
        for path, data in sorted(files.items()):
            raw = data.encode("utf-8") if isinstance(data, str) else data
            if not path.parent.is_dir():
                raise UsageError(f"{path}: directory {path.parent} does not exist")
            tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}{_STAGED_SUFFIX}"
            try:
                mode: int | None = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                mode = None
            try:
                with open(tmp, "xb") as handle:
                    staged.append((path, tmp, _sha(raw)))
                    handle.write(raw)
                    handle.flush()
                    os.fsync(handle.fileno())
                if mode is not None:
                    os.chmod(tmp, mode)
            except IsADirectoryError:
                raise UsageError(f"{path}: is a directory") from None
            except OSError as exc:
                raise UsageError(f"{path}: cannot write: {exc.strerror}") from None
        journal_dir.mkdir(parents=True, exist_ok=True)
        entries = [{"target": str(p.resolve()), "staged": str(t.resolve()), "sha256": s} for p, t, s in staged]
        write_atomic(journal_dir / JOURNAL_NAME, json.dumps({"v": 1, "files": entries}, indent=1) + "\n")
    except BaseException:
        for _path, tmp, _sha256 in staged:
            tmp.unlink(missing_ok=True)
        raise
    _finish(journal_dir / JOURNAL_NAME, entries)


def _finish(journal: Path, entries: list[dict[str, str]]) -> None:
    kill_after = os.environ.get(KILL_AFTER_ENV)
    if kill_after == "0":
        os.kill(os.getpid(), signal.SIGKILL)
    for count, entry in enumerate(entries, start=1):
        staged, target = Path(entry["staged"]), Path(entry["target"])
        if staged.exists():
            try:
                os.replace(staged, target)
            except OSError as exc:
                raise UsageError(
                    f"{target}: cannot replace it ({exc.strerror}); the next run finishes the update from {journal}"
                ) from None
            _fsync_dir(target.parent)
        if kill_after is not None and count == int(kill_after):
            os.kill(os.getpid(), signal.SIGKILL)
    journal.unlink(missing_ok=True)
    _fsync_dir(journal.parent)


def recover(journal_dir: Path) -> str | None:
    """Finish (or, when nothing was replaced yet and a staged file is gone, roll back) a set of replacements that a
    killed run left; returns what was done, None when there was nothing to do."""
    journal = journal_dir / JOURNAL_NAME
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        entries = [
            {"target": str(e["target"]), "staged": str(e["staged"]), "sha256": str(e["sha256"])} for e in data["files"]
        ]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{journal}: unreadable update journal ({exc}); remove it after checking the files") from None
    missing = [e for e in entries if not Path(e["staged"]).exists() and _digest(Path(e["target"])) != e["sha256"]]
    if not missing:
        _finish(journal, entries)
        return f"finished an interrupted update of {len(entries)} files"
    done = [e for e in entries if not Path(e["staged"]).exists() and e not in missing]
    if not done:
        for entry in entries:
            Path(entry["staged"]).unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        return f"rolled back an interrupted update of {len(entries)} files"
    names = ", ".join(e["target"] for e in missing)
    raise UsageError(f"{journal}: an interrupted update cannot be finished ({names} lost its staged copy)")
