"""What the source adapters keep between runs beyond facts: when to ask again about a subject that was missing or
unknowable, and when the next request to a rate-limited service may start.

Two small tables in the state store, created on first use (so they never compete with the store's migrations):

* ``source_backoff``: per adapter and subject, the last negative answer (``dead`` or ``unknown``) with its findings
  and when to ask again. A dead subject is asked again after ``ttl_hours`` (the memory rule wants independent
  evidence hours apart, not every run); an unknown one after 2 h, doubling per failure up to ``ttl_hours``. Until
  then a run repeats the stored findings, marked ``evidence["reused"]``, without a request; the memory rule does
  not count a repeated finding as a new observation.
* ``source_pacing``: per service, the wall-clock time before which no request may start. arXiv's "one request
  every three seconds" is per client machine, so it must hold across processes: two runs 1.1 s apart share it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from listkeeper.evidence import Reuse
from listkeeper.findings import Finding, Location
from listkeeper.state import State
from listkeeper.subjects import Subject

Outcome = Literal["dead", "unknown"]
UNKNOWN_FIRST_HOURS = 2.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS source_backoff (
    source   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    failures INTEGER NOT NULL,
    asked_at REAL NOT NULL,
    next_at  REAL NOT NULL,
    findings TEXT NOT NULL,
    PRIMARY KEY (source, subject)
);
CREATE TABLE IF NOT EXISTS source_pacing (
    service TEXT PRIMARY KEY,
    next_at REAL NOT NULL
);
"""


def _ensure(conn: sqlite3.Connection) -> None:
    for statement in filter(str.strip, _SCHEMA.split(";")):
        conn.execute(statement)


# --- backoff -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backoff:
    """The last negative answer about one subject and when to ask again."""

    subject: Subject
    outcome: Outcome
    failures: int
    asked_at: float
    next_at: float
    findings: tuple[Finding, ...]

    def due(self, now: datetime) -> bool:
        return now.timestamp() >= self.next_at

    def replay(self, locations: tuple[Location, ...]) -> list[Finding]:
        """The stored findings, at the subject's current locations, marked as repeated (not a new observation)."""
        note = Reuse(_iso(self.asked_at), _iso(self.next_at), self.failures)
        return [
            Finding(
                f.kind,
                f.subject,
                f"{f.message} (as of {note.asked_at}; asked again from {note.next_ask})",
                {**f.evidence, "reused": note},
                locations or f.locations,
                f.new_subject,
                f.source,
            )
            for f in self.findings
        ]


def pending(state: State, source: str) -> dict[Subject, Backoff]:
    """Every stored negative answer of ``source``."""
    _ensure(state.conn)
    rows = state.conn.execute(
        "SELECT subject, outcome, failures, asked_at, next_at, findings FROM source_backoff WHERE source = ?",
        (source,),
    )
    out = {}
    for subject, outcome, failures, asked_at, next_at, findings in rows:
        parsed = Subject.parse(subject)
        stored = tuple(Finding.from_json(f) for f in json.loads(findings))
        out[parsed] = Backoff(parsed, outcome, failures, asked_at, next_at, stored)
    return out


def delay_hours(outcome: Outcome, failures: int, ttl_hours: float) -> float:
    """How long to wait before asking again after ``failures`` negative answers in a row."""
    if outcome == "dead":
        return ttl_hours
    return min(ttl_hours, UNKNOWN_FIRST_HOURS * 2.0 ** max(0, failures - 1))


def remember(
    state: State,
    source: str,
    subject: Subject,
    outcome: Outcome,
    findings: list[Finding],
    *,
    now: datetime,
    ttl_hours: float,
    previous: Backoff | None,
) -> None:
    """Store a negative answer asked in this run (call inside the adapter's transaction)."""
    _ensure(state.conn)
    failures = (previous.failures if previous is not None and previous.outcome == outcome else 0) + 1
    at = now.timestamp()
    next_at = at + delay_hours(outcome, failures, ttl_hours) * 3600
    state.conn.execute(
        "INSERT OR REPLACE INTO source_backoff (source, subject, outcome, failures, asked_at, next_at, findings) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (source, str(subject), outcome, failures, at, next_at, json.dumps([f.to_json() for f in findings])),
    )


def forget(state: State, source: str, subject: Subject) -> None:
    """The subject answered: no backoff any more."""
    _ensure(state.conn)
    state.conn.execute("DELETE FROM source_backoff WHERE source = ? AND subject = ?", (source, str(subject)))


def outcome_of(findings: list[Finding]) -> Outcome | None:
    """``dead``/``unknown`` when the findings say the subject is missing or could not be asked, else None."""
    kinds = {str(f.kind) for f in findings}
    if "dead" in kinds:
        return "dead"
    if "unknown" in kinds:
        return "unknown"
    return None


# --- pacing ------------------------------------------------------------------------------------------------------


def wait_turn(state: State, service: str, *, most: float, sleep: Any = time.sleep) -> float:
    """Sleep until ``service`` may be asked again (as stored by any process), never more than ``most`` seconds (a
    clock set back must not stall a run); returns the seconds slept."""
    _ensure(state.conn)
    row = state.conn.execute("SELECT next_at FROM source_pacing WHERE service = ?", (service,)).fetchone()
    wait = 0.0 if row is None else min(row[0] - time.time(), most)
    if wait > 0:
        sleep(wait)
        return wait
    return 0.0


def hold_off(state: State, service: str, seconds: float) -> None:
    """No request to ``service`` before ``seconds`` from now (by any process sharing this state store)."""
    _ensure(state.conn)
    until = time.time() + max(0.0, seconds)
    state.conn.execute(
        "INSERT INTO source_pacing (service, next_at) VALUES (?, ?) "
        "ON CONFLICT (service) DO UPDATE SET next_at = max(next_at, excluded.next_at)",
        (service, until),
    )


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()
