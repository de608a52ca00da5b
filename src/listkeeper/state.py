"""The state store: one SQLite file that remembers what earlier runs saw.

* ``link_results``: every link verdict with its time, so "dead" can require repeated evidence over hours and
  links found ok recently can be skipped.
* ``kv``: JSON facts per source and key (ETags, last-seen arXiv versions, collection items, known repos ...).
* ``dismissed``: subjects a maintainer declined (a closed, unmerged bot PR, or a ticked box on the dashboard
  issue); never proposed again.
* ``runs``, ``history_links``, ``link_history``: one row per run and every link's verdict changes, for the health
  report and the dashboard (:mod:`listkeeper.history`), pruned to a retention window.

**Schema migrations** are the numbered scripts in :data:`_MIGRATIONS` (append-only: a released script is never
edited; a new table is a new script at the end). ``PRAGMA user_version`` holds how many have run; opening an older
file runs the missing ones in place, each in its own transaction together with the version bump, so a file is
always at some exact version. A file with a *newer* version than this listkeeper knows is refused
(:class:`StateTooNew`): an older program must not write into a schema it does not understand.

**A corrupt or unreadable file** (not SQLite, truncated, a damaged page, a directory in its place) is never used
and never silently replaced: opening it raises :class:`StateCorrupt` (exit 2) naming the file. With
``--reset-state`` (:data:`RESET_ON_CORRUPT`) the damaged file is moved aside to
``<name>.corrupt-<UTC time>`` (with its ``-wal``/``-shm`` files), the move is reported on stderr, and a new store
is created in its place.

Writes happen in transactions, so a run killed mid-way leaves the last committed state. A run holds an exclusive
file lock (``<state>.lock``) for its whole duration: two runs never interleave, and the scheduler daemon shares
the same lock with manual runs.
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from listkeeper.errors import ConfigError, StateLocked
from listkeeper.findings import Finding, findings_from_json, findings_to_json

#: Set by ``--reset-state``: a corrupt state file is moved aside and a new one created instead of failing.
RESET_ON_CORRUPT: contextvars.ContextVar[bool] = contextvars.ContextVar("listkeeper_reset_state", default=False)
#: SQLite result codes that mean the file's content is damaged (as opposed to busy or locked).
_CORRUPT_CODES = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_SEQUENCE"})
#: ... and those that mean it cannot be opened or read at all.
_UNREADABLE_CODES = frozenset({"SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM", "SQLITE_READONLY"})


class StateCorrupt(ConfigError):
    """The state file exists but is not a usable SQLite database (exit 2, nothing written)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: the state store is corrupt or unreadable ({reason})")
        self.path = path
        self.tip = (
            f"Run again with --reset-state to move it aside as {path.name}.corrupt-<time> and start a new state "
            "store (the link history starts over), or pass --state to use another file."
        )


class StateTooNew(ConfigError):
    """The state file was written by a newer listkeeper (its schema version is unknown here)."""

    def __init__(self, path: Path, version: int, known: int) -> None:
        super().__init__(
            f"{path}: the state store has schema version {version}, but this listkeeper knows versions up to "
            f"{known}: it was written by a newer listkeeper"
        )
        self.tip = "Upgrade listkeeper, or pass --state to use another file; the file was left as it is."


_MIGRATIONS: list[str] = [
    """
    CREATE TABLE link_results (
        url        TEXT NOT NULL,
        checked_at REAL NOT NULL,
        verdict    TEXT NOT NULL,
        status     INTEGER,
        final_url  TEXT,
        detail     TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX link_results_url ON link_results (url, checked_at);
    CREATE TABLE kv (
        namespace  TEXT NOT NULL,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (namespace, key)
    );
    CREATE TABLE dismissed (
        subject TEXT PRIMARY KEY,
        reason  TEXT NOT NULL,
        at      REAL NOT NULL
    );
    """,
    # 2: run history and per-link verdict history (listkeeper.history).
    """
    CREATE TABLE runs (
        id         INTEGER PRIMARY KEY,
        command    TEXT NOT NULL,
        started    REAL NOT NULL,
        finished   REAL NOT NULL,
        exit_code  INTEGER NOT NULL,
        verdicts   TEXT NOT NULL,
        kinds      TEXT NOT NULL,
        requests   TEXT NOT NULL
    );
    CREATE INDEX runs_started ON runs (started);
    CREATE TABLE history_links (
        id         INTEGER PRIMARY KEY,
        url        TEXT NOT NULL UNIQUE,
        first_seen REAL NOT NULL,
        last_seen  REAL NOT NULL
    );
    CREATE TABLE link_history (
        link    INTEGER NOT NULL,
        at      REAL NOT NULL,
        verdict TEXT NOT NULL,
        status  INTEGER,
        PRIMARY KEY (link, at)
    ) WITHOUT ROWID;
    """,
    # 3: subjects' evidence is kept under their identity (Subject.identity: Hub and GitHub ids lower-case, arXiv ids
    # without version), so two spellings of one subject share one history. URLs are keys of their own: untouched.
    """
    UPDATE link_results SET url = lower(url) WHERE url LIKE 'hf:%' OR url LIKE 'gh:%';
    UPDATE link_results SET url = substr(rtrim(url, '0123456789'), 1, length(rtrim(url, '0123456789')) - 1)
        WHERE url LIKE 'arxiv:%' AND rtrim(url, '0123456789') GLOB '*v' AND rtrim(url, '0123456789') != url;
    """,
]
#: The schema version this listkeeper writes.
SCHEMA_VERSION = len(_MIGRATIONS)


#: Where the last check's findings are kept in the ``kv`` table (namespace, key).
LAST_FINDINGS = ("runs", "last-findings")


class State:
    """An open state store. Use :func:`open_state` to get one with its lock held."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # -- transactions ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.rollback()
            raise
        else:
            self.conn.commit()

    # -- key/value facts -------------------------------------------------------------------------------------

    def get(self, namespace: str, key: str) -> Any | None:
        row = self.conn.execute("SELECT value FROM kv WHERE namespace = ? AND key = ?", (namespace, key)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, namespace: str, key: str, value: Any, *, at: float | None = None) -> None:
        """Write one fact. Call inside :meth:`transaction` to group writes."""
        self.conn.execute(
            "INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (namespace, key, json.dumps(value, sort_keys=True), time.time() if at is None else at),
        )

    def items(self, namespace: str) -> dict[str, Any]:
        rows = self.conn.execute("SELECT key, value FROM kv WHERE namespace = ?", (namespace,))
        return {key: json.loads(value) for key, value in rows}

    # -- the last check's findings (what ``update``, ``pr`` and the dashboard act on) -----------------------------

    def save_last_findings(self, findings: Iterable[Finding]) -> None:
        """Keep this check's findings, replacing the previous run's. Call inside :meth:`transaction`."""
        self.put(*LAST_FINDINGS, findings_to_json(findings))

    def load_last_findings(self) -> list[Finding] | None:
        """The last check's findings, or None when no check has recorded any."""
        stored = self.get(*LAST_FINDINGS)
        if stored is None:
            return None
        return findings_from_json(stored, f"{self.path} ({'/'.join(LAST_FINDINGS)})")

    # -- dismissals ------------------------------------------------------------------------------------------

    def dismiss(self, subject: str, reason: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO dismissed (subject, reason, at) VALUES (?, ?, ?)", (subject, reason, time.time())
        )

    def dismissed(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT subject FROM dismissed")}

    def close(self) -> None:
        self.conn.close()


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StateTooNew(path, version, SCHEMA_VERSION)
    for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")


@contextlib.contextmanager
def run_lock(path: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the exclusive run lock that belongs to the state file at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise StateLocked(f"{lock_path} is held by another listkeeper run") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _reason(exc: sqlite3.Error) -> str:
    return str(exc) or type(exc).__name__


def _is_damage(exc: sqlite3.Error) -> bool:
    """True when an SQLite error says the file is damaged or unreadable (not busy, locked or a bug of ours)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name in _CORRUPT_CODES or name in _UNREADABLE_CODES or name.startswith(("SQLITE_CORRUPT", "SQLITE_IOERR"))


def _connect(path: Path) -> sqlite3.Connection:
    """Open, verify and migrate the store; a damaged or unreadable file raises :class:`StateCorrupt`."""
    if path.exists() and not path.is_file():
        raise StateCorrupt(path, "a directory or other non-file is in its place")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.Error as exc:
        raise StateCorrupt(path, _reason(exc)) from None
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            found = " ".join(" ".join(str(p) for p in problems).split())
            raise StateCorrupt(path, "integrity check failed: " + (found if len(found) <= 200 else found[:199] + "…"))
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StateCorrupt(path, _reason(exc)) from None
    except BaseException:
        conn.close()
        raise
    try:
        _migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()  # an unfinished migration's transaction is rolled back: the file stays at its version
        if _is_damage(exc):
            raise StateCorrupt(path, _reason(exc)) from None
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def move_aside(path: Path, *, now: datetime | None = None) -> Path:
    """Rename a damaged state file (and its ``-wal``/``-shm`` companions) to ``<name>.corrupt-<UTC time>``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    serial = 1
    while target.exists():
        serial += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{serial}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            os.replace(companion, target.with_name(target.name + suffix))
    return target


def _open(path: Path, reset: bool) -> sqlite3.Connection:
    try:
        return _connect(path)
    except StateCorrupt as exc:
        if not reset or not (path.exists() or path.is_symlink()):
            raise
        moved = move_aside(path)
        sys.stderr.write(f"warning: {exc}; moved it aside to {moved} and started a new state store\n")
        return _connect(path)


@contextlib.contextmanager
def open_state(path: Path, *, wait: bool = False, lock: bool = True, reset: bool | None = None) -> Iterator[State]:
    """Open (creating and migrating) the state store, holding the run lock unless ``lock=False``.

    A damaged file raises :class:`StateCorrupt`, also when the damage shows only later, in a query made inside the
    ``with`` block; ``reset`` (default: :data:`RESET_ON_CORRUPT`, set by ``--reset-state``) moves a damaged file
    aside at open and starts a new store instead.
    """
    with run_lock(path, wait=wait) if lock else contextlib.nullcontext():
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = _open(path, RESET_ON_CORRUPT.get() if reset is None else reset)
        try:
            yield State(conn, path)
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise
            raise StateCorrupt(path, _reason(exc)) from None
        finally:
            conn.close()
