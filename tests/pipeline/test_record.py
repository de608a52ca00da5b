"""What a run records in the state store (observations, never reused facts) and what the store answers without a
request (ok links within the TTL; links left unanswered last run go first)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from listkeeper import memory
from listkeeper.findings import Location
from listkeeper.pipeline.record import cached_ok, carried_first, record
from listkeeper.pipeline.targets import Targets
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.state import open_state
from listkeeper.subjects import github, url

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EARLIER = (NOW - timedelta(hours=3)).isoformat()


def test_reused_facts_are_not_recorded_as_observations(tmp_path: Path) -> None:
    """A cached "exists" must not end a dead streak that link checks of the same subject built up."""
    subject = github("o/r")
    cached = Fact(subject, True, data={"fetched_at": EARLIER}, reused=True)
    fresh = Fact(subject, True, data={"fetched_at": NOW.isoformat()})
    with open_state(tmp_path / "state.sqlite") as state:
        memory.record(state, "gh:o/r", "dead", status=404, at=(NOW - timedelta(hours=2)).timestamp())
        record(state, {}, Targets(), [SourceResult("github", {subject: cached})], NOW)
        assert memory.streak(state, "gh:o/r").dead == 1
        assert len(memory.history(state, "gh:o/r")) == 1
        record(state, {}, Targets(), [SourceResult("github", {subject: fresh})], NOW)
        assert memory.streak(state, "gh:o/r").dead == 0
        assert [obs.verdict for obs in memory.history(state, "gh:o/r")] == ["ok", "dead"]


def key(address: str) -> str:
    return memory.evidence_key(url(address))


def test_ok_results_within_the_ttl_are_answered_from_the_store(tmp_path: Path) -> None:
    targets = Targets()
    where = Location("README.md", 1)
    for address in ("https://ok.example/", "https://old.example/", "https://again.example/", "https://dead.example/"):
        targets.add(address, url(address), where)
    with open_state(tmp_path / "state.sqlite") as state:
        at = NOW.timestamp()
        memory.record(state, key("https://ok.example/"), "ok", status=200, at=at - 3600)
        memory.record(state, key("https://old.example/"), "ok", status=200, at=at - 30 * 3600)  # past the TTL
        memory.record(state, key("https://again.example/"), "ok", status=200, at=at - 3600)
        memory.record(state, key("https://dead.example/"), "dead", status=404, at=at - 3600)
        cached = cached_ok(state, targets, 24.0, at, recheck=frozenset({"url:https://again.example/"}))
    assert list(cached) == ["https://ok.example/"]
    assert cached["https://ok.example/"].cached and cached["https://ok.example/"].status == 200


def test_links_left_unanswered_last_run_are_asked_first() -> None:
    to_check = ["https://a/", "https://b/", "https://c/", "https://d/"]
    ordered, carried = carried_first(to_check, ["https://c/", "https://gone/", "https://a/"])
    assert ordered == ["https://c/", "https://a/", "https://b/", "https://d/"] and carried == 2
    assert carried_first(to_check, []) == (to_check, 0)
