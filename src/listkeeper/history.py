"""Run history and per-link verdict history, on top of the state store, for the health report and the dashboard.

* ``runs``: one row per ``check``/``sync`` run: start, end, exit code, counts per link verdict and per finding
  kind, requests per service (``links`` for the link checker). A run that could check nothing (exit 3) is recorded
  too, with empty counts: whether the nightly job itself is healthy is part of the list's health.
* ``history_links`` + ``link_history``: each link's verdict *changes*. A row is written only when a link's verdict
  differs from its previous one, so a link that is ok every night costs one row, not one per night; the verdict of
  a link at any time is its latest change at or before that time.

Retention (``[history] retention_days``, default 90): runs and verdict changes older than the window are deleted
after every recorded run, except each link's latest change before the window (it is the link's verdict at the
window's start); links not seen in any run within the window are forgotten. With 10,000 links and 90 nightly runs
the whole state file stays well under 20 MB (``benchmarks/state_size.py``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from listkeeper.state import State, open_state

if TYPE_CHECKING:
    from listkeeper.report.model import CheckReport

DAY = 86_400.0
RETENTION_DAYS = 90.0
ALIVE = frozenset({"ok", "redirected"})


@dataclass(frozen=True)
class Run:
    id: int
    command: str
    started: float
    finished: float
    exit_code: int
    verdicts: dict[str, int]
    kinds: dict[str, int]
    requests: dict[str, int]

    @property
    def links(self) -> int:
        """How many links the run has a verdict for."""
        return sum(self.verdicts.values())

    @property
    def healthy(self) -> bool:
        """The run did its job: 0 (nothing failing) or 1 (findings that fail the run) are a working job."""
        return self.exit_code in (0, 1)


@dataclass(frozen=True)
class LinkState:
    """A link's current verdict (as of the last run that checked it) and since when it holds."""

    url: str
    verdict: str
    status: int | None
    since: float
    first_seen: float


@dataclass(frozen=True)
class Change:
    url: str
    at: float
    old: str | None  # None: first time the link was seen
    new: str


def _counts(values: Mapping[str, int]) -> str:
    return json.dumps({key: int(n) for key, n in sorted(values.items()) if n}, sort_keys=True)


def record_run(
    state: State,
    *,
    command: str,
    started: float,
    finished: float,
    exit_code: int,
    verdicts: Mapping[str, int],
    kinds: Mapping[str, int],
    requests: Mapping[str, int],
    links: Mapping[str, tuple[str, int | None]] | None = None,
    retention_days: float = RETENTION_DAYS,
) -> int:
    """Record one run, and (``links``: URL → (verdict, status)) each link's verdict if it changed; then prune.

    Everything commits in one transaction. Returns the run's id.
    """
    with state.transaction() as conn:
        cursor = conn.execute(
            "INSERT INTO runs (command, started, finished, exit_code, verdicts, kinds, requests) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (command, started, finished, exit_code, _counts(verdicts), _counts(kinds), _counts(requests)),
        )
        run_id = int(cursor.lastrowid or 0)
        if links:
            _record_links(state, links, started)
        prune(state, retention_days=retention_days, now=started)
    return run_id


def _record_links(state: State, links: Mapping[str, tuple[str, int | None]], at: float) -> None:
    conn = state.conn
    ids = dict(conn.execute("SELECT url, id FROM history_links"))
    new = [(url, at, at) for url in links if url not in ids]
    conn.executemany("INSERT INTO history_links (url, first_seen, last_seen) VALUES (?, ?, ?)", new)
    if new:
        ids = dict(conn.execute("SELECT url, id FROM history_links"))
    conn.executemany(
        "UPDATE history_links SET last_seen = ? WHERE id = ?", [(at, ids[url]) for url in links if url in ids]
    )
    latest = {
        link: (verdict, status)
        for link, verdict, status, _ in conn.execute(
            "SELECT link, verdict, status, MAX(at) FROM link_history GROUP BY link"
        )
    }
    rows = []
    for url, (verdict, status) in links.items():
        link = ids[url]
        if latest.get(link, (None,))[0] != verdict:
            rows.append((link, at, verdict, status))
    conn.executemany("INSERT OR REPLACE INTO link_history (link, at, verdict, status) VALUES (?, ?, ?, ?)", rows)


def prune(state: State, *, retention_days: float, now: float) -> None:
    """Delete what is older than the retention window (see the module docstring). Joins the open transaction."""
    cutoff = now - retention_days * DAY
    conn = state.conn
    conn.execute("DELETE FROM runs WHERE started < ?", (cutoff,))
    conn.execute("DELETE FROM link_history WHERE link IN (SELECT id FROM history_links WHERE last_seen < ?)", (cutoff,))
    conn.execute("DELETE FROM history_links WHERE last_seen < ?", (cutoff,))
    conn.execute(
        "DELETE FROM link_history AS h WHERE h.at < ? AND EXISTS "
        "(SELECT 1 FROM link_history AS n WHERE n.link = h.link AND n.at > h.at AND n.at <= ?)",
        (cutoff, cutoff),
    )


def record_report(
    state: State, report: CheckReport, *, command: str, exit_code: int, retention_days: float = RETENTION_DAYS
) -> int:
    """Record a check report as one run. A run that checked nothing keeps no link verdicts (they are no evidence)."""
    from listkeeper.report.summary import kind_counts, verdict_counts

    requests = {"links": report.stats.requests}
    for name, info in report.sources.items():
        requests[name] = int(info.get("requests") or 0)
    links = None if report.nothing_checked else {r.url: (r.verdict.value, r.status) for r in report.results}
    return record_run(
        state,
        command=command,
        started=report.started.timestamp(),
        finished=report.finished.timestamp(),
        exit_code=exit_code,
        verdicts={} if report.nothing_checked else verdict_counts(report),
        kinds=kind_counts(report),
        requests=requests,
        links=links,
        retention_days=retention_days,
    )


def log_run(
    path: Path, report: CheckReport, *, command: str, exit_code: int, retention_days: float = RETENTION_DAYS
) -> None:
    """Open the state store at ``path`` and record ``report`` as one run (see :func:`record_report`)."""
    with open_state(path) as state:
        record_report(state, report, command=command, exit_code=exit_code, retention_days=retention_days)


# -- reading ------------------------------------------------------------------------------------------------------


def _run(row: tuple[Any, ...]) -> Run:
    rid, command, started, finished, code, verdicts, kinds, requests = row
    return Run(
        int(rid), command, started, finished, int(code), json.loads(verdicts), json.loads(kinds), json.loads(requests)
    )


def runs(state: State, *, since: float | None = None) -> list[Run]:
    """Recorded runs, oldest first."""
    rows = state.conn.execute(
        "SELECT id, command, started, finished, exit_code, verdicts, kinds, requests FROM runs "
        "WHERE started >= ? ORDER BY started, id",
        (since if since is not None else float("-inf"),),
    )
    return [_run(row) for row in rows]


def current_links(state: State) -> list[LinkState]:
    """Every link of the most recent run that checked links, with its verdict and since when it holds."""
    row = state.conn.execute("SELECT MAX(last_seen) FROM history_links").fetchone()
    if row is None or row[0] is None:
        return []
    rows = state.conn.execute(
        "SELECT l.url, h.verdict, h.status, MAX(h.at), l.first_seen FROM history_links AS l "
        "JOIN link_history AS h ON h.link = l.id WHERE l.last_seen = ? GROUP BY l.id ORDER BY l.url",
        (row[0],),
    )
    return [LinkState(url, verdict, status, since, first) for url, verdict, status, since, first in rows]


def changes(state: State, *, since: float) -> list[Change]:
    """Verdict changes at or after ``since``, newest first (the first sighting of a link counts as a change)."""
    rows = state.conn.execute(
        "SELECT l.url, h.at, h.verdict, "
        "(SELECT p.verdict FROM link_history AS p WHERE p.link = h.link AND p.at < h.at ORDER BY p.at DESC LIMIT 1) "
        "FROM link_history AS h JOIN history_links AS l ON l.id = h.link WHERE h.at >= ? "
        "ORDER BY h.at DESC, l.url",
        (since,),
    )
    return [Change(url, at, old, new) for url, at, new, old in rows]


def host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower() or "(no host)"
    except ValueError:
        return "(invalid)"


def host_health(links: Iterable[LinkState]) -> dict[str, Counter[str]]:
    """Host → verdict counts of its current links."""
    out: dict[str, Counter[str]] = {}
    for link in links:
        out.setdefault(host(link.url), Counter())[link.verdict] += 1
    return out
