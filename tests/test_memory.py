"""The dead-over-time rule and the ok-TTL, on a real SQLite state file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from listkeeper import memory
from listkeeper.errors import StateLocked
from listkeeper.findings import Finding, Kind, Location
from listkeeper.links.status import LinkResult, Verdict
from listkeeper.sources.base import Fact
from listkeeper.state import State, open_state
from listkeeper.subjects import hf_model, url

H = 3600.0
T0 = 1_750_000_000.0  # 2025-06-15T15:06Z


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    with open_state(tmp_path / "state.sqlite") as opened:
        yield opened


def confirmed(state: State, key: str, now: float, checks: int = 2, hours: float = 20) -> bool:
    return memory.is_confirmed_dead(state, key, checks=checks, hours=hours, now=now)


def test_a_streak_must_span_the_hours(state: State) -> None:
    key = "https://gone.example/x"
    memory.record(state, key, "dead", status=404, at=T0)
    assert not confirmed(state, key, T0)
    assert not confirmed(state, key, T0 + 30 * H)  # one result is not a streak, however old
    memory.record(state, key, "dead", status=404, at=T0 + 1 * H)
    assert not confirmed(state, key, T0 + 1 * H)  # two results, one hour apart
    assert not confirmed(state, key, T0 + 19.9 * H)
    assert confirmed(state, key, T0 + 20 * H)
    assert memory.streak(state, key) == memory.Streak(2, T0)


def test_an_ok_result_breaks_the_streak(state: State) -> None:
    key = "https://flaky.example"
    memory.record(state, key, "dead", at=T0)
    memory.record(state, key, "ok", status=200, at=T0 + 10 * H)
    memory.record(state, key, "dead", at=T0 + 21 * H)
    assert not confirmed(state, key, T0 + 21 * H)
    assert memory.streak(state, key) == memory.Streak(1, T0 + 21 * H)
    memory.record(state, key, "dead", at=T0 + 30 * H)
    assert not confirmed(state, key, T0 + 30 * H)  # streak began at 21 h: only 9 h old
    assert confirmed(state, key, T0 + 41 * H)


def test_a_redirect_also_breaks_the_streak(state: State) -> None:
    key = "gh:o/n"
    memory.record(state, key, "dead", at=T0)
    memory.record(state, key, "redirected", final_url="gh:o2/n", at=T0 + 5 * H)
    memory.record(state, key, "dead", at=T0 + 25 * H)
    assert not confirmed(state, key, T0 + 25 * H)


@pytest.mark.parametrize("inconclusive", ["blocked", "rate-limited", "timeout", "error", "unknown"])
def test_inconclusive_results_neither_break_nor_extend(state: State, inconclusive: str) -> None:
    key = "https://walled.example"
    memory.record(state, key, "dead", at=T0)
    memory.record(state, key, inconclusive, at=T0 + 10 * H)
    assert not confirmed(state, key, T0 + 21 * H)  # the inconclusive result is not a second dead check
    memory.record(state, key, "dead", at=T0 + 21 * H)
    memory.record(state, key, inconclusive, at=T0 + 22 * H)
    assert confirmed(state, key, T0 + 22 * H)  # ... and did not reset the clock either


def test_checks_setting_is_respected(state: State) -> None:
    key = "https://three.example"
    for i in range(2):
        memory.record(state, key, "dead", at=T0 + i * 12 * H)
    assert confirmed(state, key, T0 + 24 * H, checks=2)
    assert not confirmed(state, key, T0 + 24 * H, checks=3)
    assert confirmed(state, key, T0 + 12 * H, checks=1, hours=0)
    with pytest.raises(ValueError, match="between 1 and"):
        confirmed(state, key, T0, checks=memory.HISTORY + 1)


def test_history_is_pruned_but_keeps_the_streak_start(state: State) -> None:
    key = "https://hourly.example"
    for i in range(30):
        memory.record(state, key, "dead", at=T0 + i * H)
    kept = memory.history(state, key)
    assert len(kept) == memory.HISTORY + 1
    assert kept[-1].checked_at == T0  # the first dead result still dates the streak
    assert confirmed(state, key, T0 + 29 * H)

    other = "https://mixed.example"
    for i in range(30):
        memory.record(state, other, "ok" if i % 2 else "timeout", at=T0 + i * H)
    assert len(memory.history(state, other)) == memory.HISTORY
    assert memory.history(state, other)[0].checked_at == T0 + 29 * H


def test_record_validates_and_is_idempotent(state: State) -> None:
    with pytest.raises(ValueError, match="cannot record verdict 'gone'"):
        memory.record(state, "k", "gone", at=T0)
    memory.record(state, "k", "dead", at=T0)
    memory.record(state, "k", Verdict.DEAD, at=T0)  # the same observation again
    memory.record(state, "k", "dead", at=T0 + 299)  # e.g. the engine and apply_dead_rule both recording one run
    assert len(memory.history(state, "k")) == 1
    assert not confirmed(state, "k", T0 + 299, checks=2, hours=0)
    memory.record(state, "k", "dead", at=T0 + 300)
    assert confirmed(state, "k", T0 + 300, checks=2, hours=0)
    memory.record(state, "k", "timeout", at=T0 + 301)  # a different verdict is a new observation
    assert [o.verdict for o in memory.history(state, "k")] == ["timeout", "dead", "dead"]


def test_fresh_ok_skips_recent_successes_only(state: State) -> None:
    memory.record(state, "https://ok.example", "ok", status=200, detail="HTTP 200", at=T0)
    hit = memory.fresh_ok(state, "https://ok.example", ttl_hours=24, now=T0 + 23 * H)
    assert hit == LinkResult("https://ok.example", Verdict.OK, status=200, detail="HTTP 200", cached=True)
    assert memory.fresh_ok(state, "https://ok.example", ttl_hours=24, now=T0 + 24 * H) is None
    assert memory.fresh_ok(state, "https://ok.example", ttl_hours=0, now=T0) is None
    assert memory.fresh_ok(state, "https://never.example", ttl_hours=24, now=T0) is None

    memory.record(state, "https://moved.example", "redirected", status=301, final_url="https://new.example", at=T0)
    moved = memory.fresh_ok(state, "https://moved.example", ttl_hours=24, now=T0 + H)
    assert moved is not None and moved.verdict is Verdict.REDIRECTED and moved.final_url == "https://new.example"

    memory.record(state, "https://ok.example", "timeout", at=T0 + H)  # something went wrong since: look again
    assert memory.fresh_ok(state, "https://ok.example", ttl_hours=24, now=T0 + 2 * H) is None


def test_record_fact(state: State) -> None:
    subject = hf_model("o/gone")
    memory.record_fact(state, Fact(subject, exists=False), at=T0)
    memory.record_fact(state, Fact(subject, exists=None), at=T0 + H)
    memory.record_fact(state, Fact(hf_model("o/old"), exists=True, moved_to=hf_model("o/new")), at=T0)
    assert [o.verdict for o in memory.history(state, "hf:model/o/gone")] == ["unknown", "dead"]
    assert memory.history(state, "hf:model/o/old")[0].final_url == "hf:model/o/new"


def _dead(subject_url: str = "https://gone.example/x") -> Finding:
    return Finding(
        Kind.DEAD,
        url(subject_url),
        "HTTP 404",
        evidence={"status": 404},
        locations=(Location("README.md", 7),),
        source="links",
    )


def test_apply_dead_rule_downgrades_until_confirmed(state: State) -> None:
    moved = Finding(Kind.MOVED, hf_model("o/a"), "renamed", new_subject=hf_model("o/b"), source="hf")
    first = memory.apply_dead_rule([moved, _dead()], state, checks=2, hours=20, strict=False, now=T0)
    assert first[0] is moved
    suspect = first[1]
    assert suspect.kind is Kind.SUSPECT
    assert suspect.locations == (Location("README.md", 7),)
    assert suspect.evidence["status"] == 404
    assert suspect.evidence["memory"].note.startswith("dead 1 of 2 checks, first seen 2025-06-15T15:06Z")
    assert "dead 1 of 2 checks" in suspect.message

    early = memory.apply_dead_rule([_dead()], state, checks=2, hours=20, strict=False, now=T0 + 2 * H)
    assert early[0].kind is Kind.SUSPECT
    assert early[0].evidence["memory"].dead_checks == 2

    late = memory.apply_dead_rule([_dead()], state, checks=2, hours=20, strict=False, now=T0 + 21 * H)
    assert late[0].kind is Kind.DEAD
    assert late[0].message == "HTTP 404"
    assert late[0].evidence["memory"].confirmed == "over time"
    assert [o.status for o in memory.history(state, "https://gone.example/x")] == [404, 404, 404]


def test_apply_dead_rule_strict_keeps_dead_and_records(state: State) -> None:
    out = memory.apply_dead_rule([_dead()], state, checks=2, hours=20, strict=True, now=T0)
    assert out[0].kind is Kind.DEAD
    assert out[0].evidence["memory"].confirmed == "strict"
    assert memory.streak(state, "https://gone.example/x") == memory.Streak(1, T0)


def test_source_subjects_use_their_id_as_key(state: State) -> None:
    gone = Finding(Kind.DEAD, hf_model("o/n"), "repository not found", source="hf")
    memory.record(state, "hf:model/o/n", "dead", at=T0 - 30 * H)
    out = memory.apply_dead_rule([gone], state, checks=2, hours=20, strict=False, now=T0)
    assert out[0].kind is Kind.DEAD


def test_a_failed_transaction_leaves_previous_rows(state: State) -> None:
    key = "https://keep.example"
    memory.record(state, key, "ok", at=T0)
    with pytest.raises(RuntimeError), state.transaction():
        memory.record(state, key, "dead", at=T0 + H)
        memory.apply_dead_rule([_dead(key)], state, checks=2, hours=20, strict=False, now=T0 + 2 * H)
        raise RuntimeError("crash in the middle of a batch")
    assert [(o.verdict, o.checked_at) for o in memory.history(state, key)] == [("ok", T0)]


def test_a_killed_process_leaves_previous_rows(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with open_state(path) as state:
        memory.record(state, "https://keep.example", "ok", at=T0)
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from listkeeper import memory
        from listkeeper.state import open_state
        with open_state(Path({str(path)!r})) as state:
            with state.transaction():
                memory.record(state, "https://keep.example", "dead", at={T0 + H})
                memory.record(state, "https://new.example", "dead", at={T0 + H})
                os._exit(9)  # killed before commit
        """
    )
    assert subprocess.run([sys.executable, "-c", script], timeout=30).returncode == 9
    with open_state(path) as state:
        assert [o.verdict for o in memory.history(state, "https://keep.example")] == ["ok"]
        assert memory.history(state, "https://new.example") == []


def test_a_second_run_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with open_state(path), pytest.raises(StateLocked), open_state(path):
        pass
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from listkeeper.state import open_state
        with open_state(Path({str(path)!r})):
            print("held", flush=True)
            sys.stdin.readline()
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            with pytest.raises(StateLocked), open_state(path):
                pass
        finally:
            assert holder.stdin is not None
            holder.stdin.write("\n")
            holder.stdin.close()
            holder.wait(timeout=30)
    with open_state(path) as state:  # released when the holder exits
        memory.record(state, "https://after.example", "ok", at=T0)
        assert len(memory.history(state, "https://after.example")) == 1


def test_engine_and_rule_recording_one_run_count_once(state: State) -> None:
    result = LinkResult("https://gone.example/x", Verdict.DEAD, status=404, detail="HTTP 404")
    memory.record(state, result.url, "dead", status=result.status, detail=result.detail, at=T0 - 10)  # the engine's
    out = memory.apply_dead_rule([_dead()], state, checks=2, hours=0, strict=False, now=T0)
    assert out[0].kind is Kind.SUSPECT  # one run is one check, even with hours=0
    assert len(memory.history(state, "https://gone.example/x")) == 1
