"""Applying planned changes: idempotence, cross-file rules, stale changes named with file and path."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper import changes
from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.errors import EditError
from listkeeper.findings import Kind
from listkeeper.fsutil import write_atomic
from tests.changes.common import cog, finding, run

ALL = [
    finding(Kind.MOVED, "hf:model/THUDM/cogvlm-chat-hf", new_subject="hf:model/zai-org/cogvlm-chat-hf"),
    finding(Kind.MOVED, "gh:BAAI-DCAI/Bunny", new_subject="gh:BAAI-DCAI/Bunny-v2"),
    finding(Kind.DEAD, "hf:model/zai-org/cogvlm-grounding-hf", message="404"),
    finding(Kind.DEAD, "hf:collection/THUDM/cogvlm-6603c50b9b43d044171d0854", message="404"),
    finding(Kind.DEAD, "url:https://example.org/sat", message="410 Gone"),
    finding(Kind.NEW_RELEASE, "hf:model/zai-org/cogagent-9b-20241220", evidence={"created_at": "2024-12-20"}),
    finding(
        Kind.CHANGED,
        "arxiv:2311.03079",
        evidence={"field": "title", "old": "CogVLM: Visual Expert for Pretrained Language Models", "new": "CogVLM 2"},
    ),
    finding(Kind.SUSPECT, "hf:model/zai-org/cogagent-chat-hf"),
]


@pytest.mark.parametrize("dead", ["mark", "remove"])
def test_applying_twice_changes_nothing_more(catalog_dir: Path, dead: changes.DeadAction) -> None:
    loaded = load_catalog(catalog_dir)
    planned = run(loaded, *ALL, dead=dead)
    assert len(planned) == 7
    for file, text in changes.apply(loaded, planned).items():
        write_atomic(Path(file), text)
    again = load_catalog(catalog_dir)
    assert run(again, *ALL, dead=dead) == []
    assert changes.apply(again, []) == {}


def test_apply_refuses_an_edit_that_breaks_a_cross_file_rule(loaded: LoadedCatalog, catalog_dir: Path) -> None:
    bad = changes.Change(
        cog(catalog_dir),
        ("entries", 0, "checkpoints", 1, "hf"),
        "replace",
        "zai-org/cogvlm-grounding-hf",
        "BAAI/Bunny-v1_0-3B",
        ALL[0],
        "test",
    )
    with pytest.raises(EditError, match="cross-file rules"):
        changes.apply(loaded, [bad])


def test_apply_reports_a_stale_change_with_file_and_path(loaded: LoadedCatalog, catalog_dir: Path) -> None:
    stale = changes.Change(cog(catalog_dir), ("entries", 0, "checkpoints", 9), "remove", None, None, ALL[0], "x")
    with pytest.raises(EditError, match=r"cogvlm\.yaml: entries\[0\]\.checkpoints\[9\]: no such key path"):
        changes.apply(loaded, [stale])
