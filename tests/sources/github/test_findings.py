"""Findings from what a GitHub repository turned out to be: typed evidence, the old name as alias after a move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from listkeeper.evidence import FieldChange, Release, alias, shape, to_json
from listkeeper.findings import Kind, Location
from listkeeper.sources.base import SourceResult
from listkeeper.sources.github.common import NAME, SEEN_NS, Outcome, Repo, Writes
from listkeeper.sources.github.findings import judge
from listkeeper.state import State, open_state
from listkeeper.subjects import Subject

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
WHERE = Location("catalog/cog.yaml", 9, "entries[0].code[0]")


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    with open_state(tmp_path / "state.sqlite") as st:
        yield st


def test_a_moved_repo_s_other_findings_name_the_new_id_and_keep_the_old_as_alias(state: State) -> None:
    repo = Repo("THUDM/CogVLM", [WHERE], tracked=True, listed_release="v1.0")
    latest = {
        "tag": "v1.1",
        "published_at": "2024-06-01T00:00:00Z",
        "url": "https://github.com/r/v1.1",
        "kind": "release",
    }
    data = {"full_name": "zai-org/CogVLM", "archived": True, "url": "https://github.com/zai-org/CogVLM", "via": "rest"}
    data |= {"license": "MIT", "latest": latest}
    result, writes = SourceResult(NAME), Writes()
    judge(repo, Outcome(True, data), result, state, writes, NOW, {"thudm/cogvlm": "Apache-2.0"})
    assert [f.kind for f in result.findings] == [Kind.MOVED, Kind.ARCHIVED, Kind.NEW_RELEASE, Kind.CHANGED]
    moved, archived, release, changed = result.findings
    assert (moved.subject, moved.new_subject) == (
        Subject("github", "THUDM/CogVLM"),
        Subject("github", "zai-org/CogVLM"),
    )
    assert alias(moved.evidence) is None
    assert all(f.subject == Subject("github", "zai-org/CogVLM") for f in (archived, release, changed))
    assert all(alias(f.evidence) == "THUDM/CogVLM" for f in (archived, release, changed))
    assert shape(release.evidence, Release) == Release.listed("v1.1", "2024-06-01T00:00:00Z")
    assert shape(changed.evidence, FieldChange) == FieldChange("license", "Apache-2.0", "MIT")
    assert list(to_json(changed.evidence)) == ["field", "old", "new", "url", "alias"]
    assert writes == [(SEEN_NS, "THUDM/CogVLM", {"tag": "v1.1"})]


def test_an_unknown_repo_says_why_and_a_missing_one_when(state: State) -> None:
    result, writes = SourceResult(NAME), Writes()
    judge(
        Repo("a/b", [WHERE]),
        Outcome(None, evidence={"reason": "GitHub GraphQL: FORBIDDEN: no"}),
        result,
        state,
        writes,
        NOW,
    )
    judge(Repo("a/gone", [WHERE]), Outcome(False, evidence={"error_type": "NOT_FOUND"}), result, state, writes, NOW)
    unknown, dead = result.findings
    assert (unknown.kind, unknown.evidence) == (Kind.UNKNOWN, {"reason": "GitHub GraphQL: FORBIDDEN: no"})
    assert result.facts[Subject("github", "a/b")].data == {"error": "GitHub GraphQL: FORBIDDEN: no"}
    assert (dead.kind, dead.evidence) == (Kind.DEAD, {"error_type": "NOT_FOUND", "observed": NOW.isoformat()})
