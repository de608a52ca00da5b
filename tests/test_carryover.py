"""Links a run could not reach, carried over to the next (:mod:`listkeeper.carryover`), in a real state file."""

from __future__ import annotations

from pathlib import Path

from listkeeper import carryover
from listkeeper.state import open_state


def test_a_store_without_the_table_has_nothing_carried_over(tmp_path: Path) -> None:
    with open_state(tmp_path / "state.sqlite") as state:
        assert carryover.pending(state) == []


def test_only_this_runs_unanswered_remain_and_the_longest_waiting_come_first(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with open_state(path) as state:
        carryover.replace(state, ["https://b.example/", "https://a.example/", "https://b.example/"], at=100.0)
    with open_state(path) as state:  # it is in the file, not in memory
        assert carryover.pending(state) == ["https://b.example/", "https://a.example/"]
        # The next run answered a, left b again and could not reach c: b keeps its first time and stays first.
        carryover.replace(state, ["https://c.example/", "https://b.example/"], at=200.0)
        assert carryover.pending(state) == ["https://b.example/", "https://c.example/"]
        carryover.replace(state, [], at=300.0)
        assert carryover.pending(state) == []
