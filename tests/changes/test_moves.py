"""The plan for moved findings: ids rewritten, tracking rules and dismissals following a move."""

from __future__ import annotations

from pathlib import Path

from listkeeper import changes, subjects
from listkeeper.catalog.load import LoadedCatalog
from listkeeper.evidence import OrgRename, Release, typed
from listkeeper.findings import Finding, Kind
from tests.changes.common import TODAY, cog, finding, run, stated


def test_moved_rewrites_every_kind_of_id(loaded: LoadedCatalog, catalog_dir: Path) -> None:
    found = [
        finding(Kind.MOVED, "hf:model/THUDM/cogvlm-chat-hf", new_subject="hf:model/zai-org/cogvlm-chat-hf"),
        finding(Kind.MOVED, "gh:thudm/cogvlm", new_subject="gh:zai-org/CogVLM"),  # ids match case-insensitively
        finding(Kind.MOVED, "url:https://example.org/sat", new_subject="url:https://example.org/sat/v2"),
        finding(
            Kind.MOVED,
            "hf:collection/THUDM/cogvlm-6603c50b9b43d044171d0854",
            new_subject="hf:collection/zai-org/cogvlm-6603c50b9b43d044171d0854",
        ),
        finding(Kind.MOVED, "hf:space/THUDM/CogVLM-CogAgent", new_subject="hf:space/zai-org/CogVLM-CogAgent"),
    ]
    planned = run(loaded, *found)
    assert [(c.path, c.op, c.old, c.new) for c in planned] == [
        (("entries", 0, "checkpoints", 0, "hf"), "replace", "THUDM/cogvlm-chat-hf", "zai-org/cogvlm-chat-hf"),
        (("entries", 0, "code", 0), "replace", "THUDM/CogVLM", "zai-org/CogVLM"),
        (
            ("entries", 0, "collections", 0),
            "replace",
            "THUDM/cogvlm-6603c50b9b43d044171d0854",
            "zai-org/cogvlm-6603c50b9b43d044171d0854",
        ),
        (("entries", 0, "demos", 0, "space"), "replace", "THUDM/CogVLM-CogAgent", "zai-org/CogVLM-CogAgent"),
        (("entries", 0, "links", 0, "url"), "replace", "https://example.org/sat", "https://example.org/sat/v2"),
    ]
    assert {c.file for c in planned} == {cog(catalog_dir)}
    new = changes.apply(loaded, planned)[cog(catalog_dir)]
    assert "    code: [zai-org/CogVLM]   # renamed org\n" in new
    assert "      - hf: zai-org/cogvlm-chat-hf\n" in new


def test_moved_onto_an_existing_checkpoint_removes_the_old_one(loaded: LoadedCatalog) -> None:
    moved = finding(Kind.MOVED, "hf:model/THUDM/cogvlm-chat-hf", new_subject="hf:model/zai-org/cogagent-chat-hf")
    [change] = run(loaded, moved)
    assert (change.op, change.path, change.old) == (
        "remove",
        ("entries", 0, "checkpoints", 0),
        {"hf": "THUDM/cogvlm-chat-hf", "size": "17B"},
    )


def test_moved_to_another_kind_changes_nothing(loaded: LoadedCatalog) -> None:
    moved = finding(Kind.MOVED, "gh:THUDM/CogVLM", new_subject="url:https://example.org/cogvlm")
    assert run(loaded, moved) == []


def test_move_beats_dead_for_the_same_item(loaded: LoadedCatalog) -> None:
    dead = finding(Kind.DEAD, "hf:model/THUDM/cogvlm-chat-hf")
    moved = finding(Kind.MOVED, "hf:model/THUDM/cogvlm-chat-hf", new_subject="hf:model/zai-org/cogvlm-chat-hf")
    [change] = run(loaded, dead, moved)
    assert change.op == "replace"


def test_moves_rewrite_tracking_rules_and_findings_match_by_alias(tmp_path: Path) -> None:
    loaded = stated(tmp_path)
    org = {"org_renamed": OrgRename("THUDM", "zai-org")}
    findings = [
        Finding(
            Kind.MOVED,
            subjects.hf_model("THUDM/cogvlm-chat-hf"),
            "moved",
            org,
            new_subject=subjects.hf_model("zai-org/cogvlm-chat-hf"),
        ),
        Finding(Kind.MOVED, subjects.github("THUDM/CogVLM"), "m", {}, new_subject=subjects.github("zai-org/CogVLM")),
        Finding(
            Kind.MOVED,
            subjects.github("THUDM/CogVLM-old"),
            "m",
            {},
            new_subject=subjects.github("zai-org/CogVLM-old"),
        ),
        Finding(
            Kind.NEW_RELEASE,
            subjects.github("dvlab-research/MGM-v2"),
            "r",
            {**typed(Release.listed("v2", None)), "alias": "dvlab-research/MGM"},
        ),
    ]
    described = sorted(c.describe().split(" (")[0] for c in changes.plan(loaded, findings, today=TODAY))
    assert described == [
        "entries[0].checkpoints[0].hf: THUDM/cogvlm-chat-hf → zai-org/cogvlm-chat-hf",
        "entries[0].code[0].release: v1.1 → v2",
        "entries[0].code[1]: THUDM/CogVLM → zai-org/CogVLM",
        "entries[0].dismissed[0]: gh:thudm/cogvlm-old → gh:zai-org/CogVLM-old",
        "entries[0].track.github[0]: THUDM/CogVLM → zai-org/CogVLM",
        "entries[0].track.hf_authors[0].author: THUDM → zai-org",
    ]
