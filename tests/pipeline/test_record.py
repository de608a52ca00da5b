"""What a run records in the state store: observations, never reused facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from listkeeper import memory
from listkeeper.pipeline.record import record
from listkeeper.pipeline.targets import Targets
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.state import open_state
from listkeeper.subjects import github

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
