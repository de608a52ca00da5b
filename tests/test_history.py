"""Run history and per-link verdict history in a real state store: changes only, retention, what a run records."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from listkeeper import history, memory
from listkeeper.links.status import CheckStats, LinkResult, Verdict
from listkeeper.report.model import CheckReport
from listkeeper.state import State, open_state

DAY = history.DAY
T0 = 1_780_000_000.0


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    with open_state(tmp_path / "state.sqlite") as opened:
        yield opened


def run(state: State, at: float, links: dict[str, tuple[str, int | None]], retention: float = 90.0) -> int:
    return history.record_run(
        state,
        command="check",
        started=at,
        finished=at + 10,
        exit_code=0,
        verdicts={"ok": sum(v == "ok" for v, _ in links.values())},
        kinds={},
        requests={"links": len(links)},
        links=links,
        retention_days=retention,
    )


def rows(state: State, url: str) -> list[tuple[float, str]]:
    return list(
        state.conn.execute(
            "SELECT h.at, h.verdict FROM link_history h JOIN history_links l ON l.id = h.link WHERE l.url = ? "
            "ORDER BY h.at",
            (url,),
        )
    )


def test_only_changes_of_verdict_are_stored(state: State) -> None:
    for night in range(10):
        run(state, T0 + night * DAY, {"https://a.example": ("ok", 200), "https://b.example": ("ok", 200)})
    run(state, T0 + 10 * DAY, {"https://a.example": ("dead", 404), "https://b.example": ("ok", 200)})
    assert rows(state, "https://a.example") == [(T0, "ok"), (T0 + 10 * DAY, "dead")]
    assert rows(state, "https://b.example") == [(T0, "ok")]
    assert [r.started for r in history.runs(state)] == [T0 + n * DAY for n in range(11)]
    current = {link.url: link for link in history.current_links(state)}
    assert current["https://a.example"].verdict == "dead" and current["https://a.example"].since == T0 + 10 * DAY
    assert current["https://b.example"].since == T0 and current["https://b.example"].first_seen == T0
    assert [(c.url, c.old, c.new) for c in history.changes(state, since=T0 + 5 * DAY)] == [
        ("https://a.example", "ok", "dead")
    ]


def test_retention_keeps_the_window_and_each_links_verdict_at_its_start(state: State) -> None:
    for night in range(120):
        links = {"https://stable.example": ("ok", 200)}
        links["https://flip.example"] = ("dead", 404) if 10 <= night < 50 else ("ok", 200)
        if night < 20:
            links["https://removed.example"] = ("ok", 200)  # left the list on night 20
        run(state, T0 + night * DAY, links)
    now, cutoff = T0 + 119 * DAY, T0 + 29 * DAY
    kept = history.runs(state)
    assert len(kept) == 91 and kept[0].started == cutoff and kept[-1].started == now
    assert rows(state, "https://stable.example") == [(T0, "ok")]  # its verdict at the window's start
    assert rows(state, "https://flip.example") == [(T0 + 10 * DAY, "dead"), (T0 + 50 * DAY, "ok")]
    assert rows(state, "https://removed.example") == []
    assert "https://removed.example" not in {u for (u,) in state.conn.execute("SELECT url FROM history_links")}


def test_a_shorter_retention_prunes_at_the_next_run(state: State) -> None:
    for night in range(30):
        run(state, T0 + night * DAY, {"https://a.example": ("ok", 200)})
    run(state, T0 + 30 * DAY, {"https://a.example": ("ok", 200)}, retention=7)
    assert [r.started for r in history.runs(state)] == [T0 + n * DAY for n in range(23, 31)]


def report(results: list[LinkResult], nothing: bool = False) -> CheckReport:
    started = datetime.fromtimestamp(T0, UTC)
    return CheckReport(
        results=results,
        locations={},
        findings=[],
        stats=CheckStats(requests=len(results)),
        sources={"hf": {"requests": 2, "unavailable": None, "subjects": 3}},
        started=started,
        finished=started + timedelta(seconds=12),
        nothing_checked=nothing,
    )


def test_a_check_report_is_recorded_as_one_run(state: State) -> None:
    results = [
        LinkResult("https://a.example", Verdict.OK, 200),
        LinkResult("https://b.example", Verdict.DEAD, 404),
        LinkResult("https://c.example", Verdict.OK, 200, cached=True),
    ]
    history.record_report(state, report(results), command="check", exit_code=0)
    (recorded,) = history.runs(state)
    assert recorded.command == "check" and recorded.exit_code == 0 and recorded.finished - recorded.started == 12
    assert recorded.verdicts == {"ok": 2, "dead": 1} and recorded.requests == {"links": 3, "hf": 2}
    assert {link.url: link.verdict for link in history.current_links(state)} == {
        "https://a.example": "ok",
        "https://b.example": "dead",
        "https://c.example": "ok",
    }


def test_a_run_that_checked_nothing_is_logged_without_link_verdicts(state: State) -> None:
    results = [LinkResult("https://a.example", Verdict.ERROR, None, detail="connection refused")]
    history.record_report(state, report(results, nothing=True), command="sync", exit_code=3)
    (recorded,) = history.runs(state)
    assert recorded.exit_code == 3 and not recorded.healthy and recorded.verdicts == {}
    assert history.current_links(state) == []


def test_memory_keeps_one_row_per_run_of_equal_verdicts(state: State) -> None:
    """A link ok every night used to cost a link_results row per night (20 kept per link: 200,000 rows for a
    10,000-link list); the latest row now moves forward instead, and the dead rule reads the same."""
    key = "https://ok.example"
    for night in range(30):
        memory.record(state, key, "ok", status=200, at=T0 + night * DAY)
    assert [(o.verdict, o.checked_at) for o in memory.history(state, key)] == [("ok", T0 + 29 * DAY)]
    hit = memory.fresh_ok(state, key, ttl_hours=24, now=T0 + 29 * DAY + 3600)
    assert hit is not None and hit.cached
    for night in range(30, 33):
        memory.record(state, key, "dead", status=404, at=T0 + night * DAY)
    memory.record(state, key, "timeout", at=T0 + 33 * DAY)
    memory.record(state, key, "timeout", at=T0 + 34 * DAY)
    assert [o.verdict for o in memory.history(state, key)] == ["timeout", "dead", "dead", "dead", "ok"]
    assert memory.is_confirmed_dead(state, key, checks=3, hours=20, now=T0 + 34 * DAY)
