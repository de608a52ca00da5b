"""Planning as a whole: which kinds change nothing, dismissals, the shapes the sources emit."""

from __future__ import annotations

from datetime import date

from listkeeper import changes
from listkeeper.catalog.load import LoadedCatalog
from listkeeper.evidence import DeadMemory
from listkeeper.findings import Kind, Location
from tests.changes.common import TODAY, finding, run


def test_inconclusive_and_unsupported_kinds_change_nothing(loaded: LoadedCatalog) -> None:
    found = [
        finding(kind, "hf:model/THUDM/cogvlm-chat-hf")
        for kind in (Kind.SUSPECT, Kind.BLOCKED, Kind.RATE_LIMITED, Kind.TIMEOUT, Kind.ERROR, Kind.UNKNOWN, Kind.GATED)
    ]
    found += [finding(Kind.WITHDRAWN, "arxiv:2311.03079")]  # withdrawn without arXiv's reason: nothing to write
    found += [finding(Kind.MOVED, "hf:model/THUDM/cogvlm-chat-hf")]  # moved without a proposal
    assert run(loaded, *found) == []
    # (archived and withdrawn with a reason are written since issue 13: test_update_writes_what_the_sources_know)


def test_dismissed_subjects_are_skipped(loaded: LoadedCatalog) -> None:
    new = finding(Kind.NEW_RELEASE, "hf:model/zai-org/cogvlm-unwanted", evidence={"entry": "cogvlm"})
    assert run(loaded, new) == []
    dead = finding(Kind.DEAD, "hf:model/BAAI/Bunny-v1_0-3B")
    assert changes.plan(loaded, [dead], today=TODAY, dismissed={"hf:model/baai/bunny-v1_0-3b"}) == []
    assert len(changes.plan(loaded, [dead], today=TODAY)) == 1


def test_shapes_the_sources_emit(loaded: LoadedCatalog) -> None:
    """Evidence as ``memory``, the Hub collection watcher and arXiv write it."""
    dead = finding(
        Kind.DEAD,
        "hf:model/zai-org/cogvlm-grounding-hf",
        message="404\n  Not Found",
        evidence={"memory": DeadMemory.from_json({"first_seen": "2026-11-20T01:00:00+00:00", "dead_checks": 3})},
    )
    [change] = run(loaded, dead)
    assert change.new == {"state": "dead", "since": date(2026, 11, 20), "evidence": "404 Not Found"}
    added = finding(
        Kind.NEW_RELEASE,
        "hf:model/zai-org/cogvlm-video-llama3-chat",
        evidence={"collection": "THUDM/cogvlm-6603c50b9b43d044171d0854", "first_seen": "2026-11-26"},
        locations=[Location("catalog/cogvlm.yaml", 17, "entries[0].collections[0]")],
    )
    [change] = run(loaded, added)
    assert change.path == ("entries", 0, "checkpoints")
    assert change.new["mark"]["evidence"] == (
        "added to the collection THUDM/cogvlm-6603c50b9b43d044171d0854: "
        "https://huggingface.co/zai-org/cogvlm-video-llama3-chat"
    )
    title = "CogVLM: Visual Expert for Pretrained\n  Language Models, revised"
    changed = finding(
        Kind.CHANGED,
        "arxiv:2311.03079",
        evidence={"field": "title", "old": "CogVLM: Visual Expert for Pretrained Language Models.", "new": title},
    )
    [change] = run(loaded, changed)
    assert change.new == "CogVLM: Visual Expert for Pretrained Language Models, revised"
