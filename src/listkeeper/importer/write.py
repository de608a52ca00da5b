"""Family models → YAML files, written all-or-nothing.

The files are staged in a hidden directory inside the output directory (one file per family, never one per link)
and moved into place only after the account succeeds. The staging directory is removed on every exit: an error,
Ctrl-C, or SIGTERM (turned into :class:`Terminated` while staging; held back until the move into place is done,
so the output is never half-replaced). A directory left by a run killed with SIGKILL is removed by the next
import into the same directory (its name carries the dead process's id).

The YAML is what a person would write: keys in schema order, defaults left out, block style, Unicode as is,
strings quoted only where YAML would otherwise read them as something else ("490", "2311.03079").
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TypeVar

import yaml

from listkeeper.catalog.model import Family
from listkeeper.errors import ListkeeperError, UsageError

T = TypeVar("T")


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: same YAML, many times faster
STAGING_PREFIX = ".listkeeper-import-"
_STAGING = re.compile(re.escape(STAGING_PREFIX) + r"(\d+)-")


class Terminated(ListkeeperError):
    """SIGTERM arrived while the import was staging its files (nothing written), or while it moved them into place
    (then the move was finished first: every file written)."""

    exit_code = 128 + signal.SIGTERM

    def __init__(self, *, written: bool = False) -> None:
        if written:
            super().__init__("terminated (SIGTERM) after every catalog file was in place; temporary files removed")
        else:
            super().__init__("terminated (SIGTERM): nothing written, temporary files removed")


class _Guard:
    """Notes a SIGTERM; the import checks for it between steps (:meth:`check`) and after moving its files into place.

    The handler only sets a flag: an exception raised from a signal handler can surface inside a library's
    callback (pydantic's serializer calls ours), which may swallow it and carry on.
    """

    def __init__(self) -> None:
        self.held = False
        self.pending = False

    def handler(self, _signum: int, _frame: FrameType | None) -> None:
        self.pending = True

    def check(self) -> None:
        if self.pending and not self.held:
            raise Terminated

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        self.check()
        self.held = True
        try:
            yield
        finally:
            self.held = False
        if self.pending:
            raise Terminated(written=True)


@contextlib.contextmanager
def _sigterm_guard() -> Iterator[_Guard]:
    guard = _Guard()
    if threading.current_thread() is not threading.main_thread():
        yield guard  # signals are delivered to the main thread only
        return
    previous = signal.signal(signal.SIGTERM, guard.handler)
    try:
        yield guard
    finally:
        signal.signal(signal.SIGTERM, previous)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(out: Path) -> list[Path]:
    """Staging directories that a killed import (its process gone) left in ``out``; removed, and returned."""
    removed = []
    for path in out.glob(f"{STAGING_PREFIX}*"):
        found = _STAGING.match(path.name)
        if path.is_dir() and found and not _alive(int(found.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def family_yaml(family: Family, source: str | None = None) -> str:
    """One family file's text."""
    data = family.model_dump(mode="python", exclude_defaults=True)
    body = yaml.dump(
        data,
        # libyaml escapes characters beyond the BMP ("\U0001F449"); PyYAML's own emitter writes emoji as they are.
        Dumper=yaml.SafeDumper if _beyond_bmp(data) else _DUMPER,
        sort_keys=False,
        allow_unicode=True,
        width=120,
        default_flow_style=False,
        indent=2,
    )
    head = f"# Imported by `listkeeper import` from {source}; edit freely.\n" if source else ""
    return head + body


def _beyond_bmp(value: object) -> bool:
    """Whether any text in ``value`` (nested dicts, lists, strings) has a character beyond U+FFFF (emoji)."""
    if isinstance(value, str):
        return not value.isascii() and any(ord(char) > 0xFFFF for char in value)
    if isinstance(value, dict):
        return any(_beyond_bmp(key) or _beyond_bmp(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_beyond_bmp(item) for item in value)
    return False


def file_name(family: Family) -> str:
    return f"{family.id}.yaml"


def write_families(
    families: list[Family],
    out: Path,
    *,
    force: bool = False,
    source: str | None = None,
    check: Callable[[Path], T] | None = None,
) -> tuple[list[Path], T | None]:
    """Write one file per family into ``out``.

    Existing files are never overwritten without ``force``. Everything is written into a temporary directory
    inside ``out`` first and ``check`` (e.g. loading the catalog and counting links) runs on that directory; only
    when it returns are the files moved into place, so a failure leaves ``out`` as it was.
    """
    names = [file_name(f) for f in families]
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory")
    existing = sorted(n for n in names if (out / n).exists())
    if existing and not force:
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        raise UsageError(f"{out}: would overwrite {shown}; pass --force to replace them")
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out)
    with _sigterm_guard() as guard:
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
        try:
            for family, name in zip(families, names, strict=True):
                guard.check()
                with open(staging / name, "w", encoding="utf-8", newline="\n") as handle:
                    handle.write(family_yaml(family, source))
            guard.check()
            result = check(staging) if check is not None else None
            written = []
            with guard.critical():
                for name in names:
                    os.replace(staging / name, out / name)
                    written.append(out / name)
            return written, result
        finally:
            shutil.rmtree(staging, ignore_errors=True)
