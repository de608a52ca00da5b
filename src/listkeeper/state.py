"""The state store: one SQLite file that remembers what earlier runs saw.

* ``link_results``: every link verdict with its time, so "dead" can require repeated evidence over hours and
  links found ok recently can be skipped.
* ``kv``: JSON facts per source and key (ETags, last-seen arXiv versions, collection items, known repos ...).
* ``dismissed``: subjects a maintainer declined (a closed, unmerged bot PR); never proposed again.

Writes happen in transactions, so a run killed mid-way leaves the last committed state. A run holds an exclusive
file lock (``<state>.lock``) for its whole duration: two runs never interleave, and the scheduler daemon shares
the same lock with manual runs.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from listkeeper.errors import StateLocked

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
]


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

    def get_with_age(self, namespace: str, key: str) -> tuple[Any, float] | None:
        """The value and its age in seconds, or None."""
        row = self.conn.execute(
            "SELECT value, updated_at FROM kv WHERE namespace = ? AND key = ?", (namespace, key)
        ).fetchone()
        return None if row is None else (json.loads(row[0]), time.time() - row[1])

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

    # -- dismissals ------------------------------------------------------------------------------------------

    def dismiss(self, subject: str, reason: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO dismissed (subject, reason, at) VALUES (?, ?, ?)", (subject, reason, time.time())
        )

    def dismissed(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT subject FROM dismissed")}

    def close(self) -> None:
        self.conn.close()


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
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


@contextlib.contextmanager
def open_state(path: Path, *, wait: bool = False, lock: bool = True) -> Iterator[State]:
    """Open (creating and migrating) the state store, holding the run lock unless ``lock=False``."""
    with run_lock(path, wait=wait) if lock else contextlib.nullcontext():
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            _migrate(conn)
            yield State(conn, path)
        finally:
            conn.close()
