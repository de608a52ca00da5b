"""Evidence over time: a link or subject is *dead* only when dead results repeat across hours.

Single observations lie: a host is down for a minute, a CDN returns 404 during a deploy, a Hub repo is briefly
private while it is renamed. So every conclusion is recorded in the state store (``link_results``; the key column
holds URLs for links and subject ids such as ``hf:model/owner/name`` for source facts) and a dead result becomes a
``Kind.DEAD`` finding only when it is *confirmed*:

* the current **streak** of dead results is at least ``checks`` long, and
* its first dead result is at least ``hours`` before ``now``.

The streak is read newest-first. A conclusive non-dead result (``ok``, ``redirected``) ends it. Inconclusive results
(``blocked``, ``rate-limited``, ``timeout``, ``error``, ``unknown``) neither end nor extend it: a bot wall or an outage
between two 404s says nothing about the link, so it must neither reset the clock (the link would never be confirmed
behind a flaky host) nor count as dead evidence (an outage would then confirm a death).

Unconfirmed dead findings are downgraded to ``Kind.SUSPECT`` with the evidence so far ("dead 1 of 2 checks, first
seen ..."); ``strict`` keeps them dead at once.

Links found ok (or permanently redirected) within ``ok_ttl_hours`` are not requested again: :func:`fresh_ok`.

Repeated equal verdicts other than dead are kept as one row whose time moves forward (each dead result is evidence
and gets its own row). History is pruned to the last :data:`HISTORY` rows per key, but the first row of the current
dead streak is always kept, so a link checked more often than ``HISTORY`` times within ``hours`` still gets confirmed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from listkeeper.evidence import DeadMemory, http_status
from listkeeper.findings import Finding, Kind
from listkeeper.links.status import LinkResult, Verdict
from listkeeper.sources.base import Fact
from listkeeper.state import State
from listkeeper.subjects import Subject

#: Rows kept per key (plus the first row of a current dead streak).
HISTORY = 20
#: Seconds within which a repeated verdict is the same observation (not new evidence).
SAME_OBSERVATION = 300.0

DEAD = "dead"
#: Verdicts that end a dead streak.
ALIVE = frozenset({Verdict.OK.value, Verdict.REDIRECTED.value})
#: Verdicts that say nothing about whether the link or subject exists.
INCONCLUSIVE = frozenset(
    {Verdict.BLOCKED.value, Verdict.RATE_LIMITED.value, Verdict.TIMEOUT.value, Verdict.ERROR.value, "unknown"}
)
RECORDABLE = ALIVE | INCONCLUSIVE | {DEAD}


@dataclass(frozen=True)
class Observation:
    """One row of ``link_results``."""

    key: str
    checked_at: float
    verdict: str
    status: int | None = None
    final_url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Streak:
    """The current run of dead results for one key (inconclusive results skipped)."""

    dead: int  # how many dead results in the run (0: no run)
    first_seen: float | None  # checked_at of the first dead result of the run


def evidence_key(subject: Subject) -> str:
    """The ``link_results`` key for a subject: the URL itself for ``url:`` subjects, else the id of its identity
    (:meth:`Subject.identity`), so every spelling of one subject adds to one history."""
    return subject.id if subject.kind == "url" else str(subject.identity())


@contextmanager
def _writing(state: State) -> Iterator[sqlite3.Connection]:
    """Join the caller's transaction if one is open (so a batch commits together), else open one."""
    if state.conn.in_transaction:
        yield state.conn
    else:
        with state.transaction() as conn:
            yield conn


def _history(conn: sqlite3.Connection, key: str) -> list[tuple[int, Observation]]:
    rows = conn.execute(
        "SELECT rowid, checked_at, verdict, status, final_url, detail FROM link_results WHERE url = ? "
        "ORDER BY checked_at DESC, rowid DESC",
        (key,),
    )
    return [
        (rowid, Observation(key, at, verdict, status, final, detail))
        for rowid, at, verdict, status, final, detail in rows
    ]


def _streak_rows(history: list[tuple[int, Observation]]) -> list[int]:
    """Rowids of the dead results in the current streak, newest first."""
    dead: list[int] = []
    for rowid, obs in history:
        if obs.verdict in ALIVE:
            break
        if obs.verdict == DEAD:
            dead.append(rowid)
    return dead


def record(
    state: State,
    key: str,
    verdict: str,
    *,
    status: int | None = None,
    final_url: str | None = None,
    detail: str = "",
    at: float,
) -> None:
    """Append one observation for ``key`` and prune its history, inside a transaction.

    Joins an open transaction (``with state.transaction(): ...``) so many observations commit together; otherwise
    opens its own. A verdict other than dead that equals the latest row's is not stored again: the latest row's
    time (and status, final URL, detail) moves forward instead, so a link that is ok every night keeps one row, not
    one per night (the streak and :func:`fresh_ok` read exactly the same). A dead verdict recorded again within
    :data:`SAME_OBSERVATION` seconds of the latest row is one observation, not two (a retry, or the engine and
    :func:`apply_dead_rule` both recording one run's dead result, is not independent evidence), so it is not
    stored again.
    """
    verdict = str(verdict)
    if verdict not in RECORDABLE:
        raise ValueError(f"cannot record verdict {verdict!r} for {key}; expected one of {sorted(RECORDABLE)}")
    with _writing(state) as conn:
        latest = conn.execute(
            "SELECT checked_at, verdict FROM link_results WHERE url = ? ORDER BY checked_at DESC, rowid DESC LIMIT 1",
            (key,),
        ).fetchone()
        if latest is not None and latest[1] == verdict and verdict != DEAD and at >= latest[0]:
            # The same conclusive-alive or inconclusive verdict again: it neither ends nor extends anything the
            # dead rule reads, so the latest row just moves forward in time (one row per run of equal verdicts).
            conn.execute(
                "UPDATE link_results SET checked_at = ?, status = ?, final_url = ?, detail = ? "
                "WHERE rowid = (SELECT rowid FROM link_results WHERE url = ? ORDER BY checked_at DESC, rowid DESC "
                "LIMIT 1)",
                (at, status, final_url, detail, key),
            )
        elif latest is None or latest[1] != verdict or abs(at - latest[0]) >= SAME_OBSERVATION:
            conn.execute(
                "INSERT INTO link_results (url, checked_at, verdict, status, final_url, detail) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, at, verdict, status, final_url, detail),
            )
        _prune(conn, key)


def _prune(conn: sqlite3.Connection, key: str) -> None:
    history = _history(conn, key)
    if len(history) <= HISTORY:
        return
    keep = {rowid for rowid, _ in history[:HISTORY]}
    if streak := _streak_rows(history):
        keep.add(streak[-1])  # the first dead result of the current streak dates the streak
    drop = [(rowid,) for rowid, _ in history if rowid not in keep]
    conn.executemany("DELETE FROM link_results WHERE rowid = ?", drop)


def record_fact(state: State, fact: Fact, *, at: float) -> None:
    """Record what a source said about a subject: exists → ok (moved → redirected), gone → dead, None → unknown."""
    if fact.exists is None:
        verdict = "unknown"
    elif not fact.exists:
        verdict = DEAD
    else:
        verdict = Verdict.REDIRECTED.value if fact.moved_to is not None else Verdict.OK.value
    final = str(fact.moved_to) if fact.moved_to is not None else None
    record(state, evidence_key(fact.subject), verdict, final_url=final, at=at)


def history(state: State, key: str) -> list[Observation]:
    """Every kept observation for ``key``, newest first."""
    return [obs for _, obs in _history(state.conn, key)]


def streak(state: State, key: str) -> Streak:
    """The current dead streak of ``key``."""
    rows = _history(state.conn, key)
    dead = _streak_rows(rows)
    if not dead:
        return Streak(0, None)
    first = next(obs.checked_at for rowid, obs in rows if rowid == dead[-1])
    return Streak(len(dead), first)


def is_confirmed_dead(state: State, key: str, *, checks: int, hours: float, now: float) -> bool:
    """True when the current dead streak has at least ``checks`` results and began ``hours`` or more before now."""
    if not 1 <= checks <= HISTORY:
        raise ValueError(f"confirm checks must be between 1 and {HISTORY}, got {checks}")
    current = streak(state, key)
    return current.dead >= checks and current.first_seen is not None and now - current.first_seen >= hours * 3600


def fresh_ok(state: State, key: str, *, ttl_hours: float, now: float) -> LinkResult | None:
    """The latest result for ``key`` if it is ok/redirected and younger than ``ttl_hours``: skip the request.

    Only the latest result counts: anything that went wrong since the last ok is worth a fresh look.
    """
    if ttl_hours <= 0:
        return None
    row = state.conn.execute(
        "SELECT checked_at, verdict, status, final_url, detail FROM link_results WHERE url = ? "
        "ORDER BY checked_at DESC, rowid DESC LIMIT 1",
        (key,),
    ).fetchone()
    if row is None:
        return None
    checked_at, verdict, status, final_url, detail = row
    if verdict not in ALIVE or now - checked_at >= ttl_hours * 3600 or checked_at > now:
        return None
    return LinkResult(key, Verdict(verdict), status=status, final_url=final_url, detail=detail, cached=True)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%MZ")


def _memory_note(current: Streak, checks: int, hours: float, now: float) -> str:
    assert current.first_seen is not None
    age = (now - current.first_seen) / 3600
    count = f"dead {current.dead} of {checks} checks" if current.dead < checks else f"dead {current.dead} checks"
    return f"{count}, first seen {_iso(current.first_seen)} ({age:.1f} h ago; confirmation needs {hours:g} h)"


def apply_dead_rule(
    findings: Iterable[Finding], state: State, *, checks: int, hours: float, strict: bool, now: float
) -> list[Finding]:
    """Record the dead evidence in ``findings`` and downgrade unconfirmed ``Kind.DEAD`` findings to ``Kind.SUSPECT``.

    Every other finding passes through unchanged, in order. All evidence is written in one transaction.
    """
    findings = list(findings)
    out: list[Finding] = []
    with _writing(state):
        for finding in findings:
            if finding.kind is not Kind.DEAD:
                out.append(finding)
                continue
            key = evidence_key(finding.subject)
            status = http_status(finding.evidence)
            if "reused" not in finding.evidence:  # a source repeating an earlier answer (backoff) is no new evidence
                record(state, key, DEAD, status=status, detail=finding.message, at=now)
            out.append(_judge(finding, state, key, checks=checks, hours=hours, strict=strict, now=now))
    return out


def _judge(finding: Finding, state: State, key: str, *, checks: int, hours: float, strict: bool, now: float) -> Finding:
    confirmed = is_confirmed_dead(state, key, checks=checks, hours=hours, now=now)
    current = streak(state, key)
    memory = DeadMemory(
        dead_checks=current.dead,
        checks_needed=checks,
        hours_needed=hours,
        first_seen=_iso(current.first_seen) if current.first_seen is not None else None,
        note=_memory_note(current, checks, hours, now),
        confirmed=("over time" if confirmed else "strict") if confirmed or strict else None,
    )
    if memory.confirmed is not None:
        return replace(finding, evidence={**finding.evidence, "memory": memory})
    return replace(
        finding,
        kind=Kind.SUSPECT,
        message=f"{finding.message} (not confirmed yet: {memory.note})",
        evidence={**finding.evidence, "memory": memory},
    )
