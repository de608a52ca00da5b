"""The plan for an item's facts: dead marks and removals, titles, versions, withdrawals, archives, licenses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from listkeeper import changes, subjects
from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.evidence import FieldChange, Release, VersionChange, typed
from listkeeper.findings import Finding, Kind
from tests.changes.common import COG, TODAY, cog, finding, run, stated


def test_dead_marks_mapping_items_and_removes_scalar_items(loaded: LoadedCatalog, catalog_dir: Path) -> None:
    found = [
        finding(
            Kind.DEAD,
            "hf:model/zai-org/cogvlm-grounding-hf",
            message="HTTP 404 on 2 checks over 26 hours",
            evidence={"since": "2026-11-25T02:00:00Z"},
        ),
        finding(Kind.DEAD, "gh:THUDM/CogVLM", message="repository not found"),
    ]
    planned = run(loaded, *found)
    assert [(c.path, c.op) for c in planned] == [
        (("entries", 0, "checkpoints", 1), "mark"),
        (("entries", 0, "code", 0), "remove"),
    ]
    assert planned[0].new == {
        "state": "dead",
        "since": date(2026, 11, 25),
        "evidence": "HTTP 404 on 2 checks over 26 hours",
    }
    assert "schema has no mark" in planned[1].reason
    text = changes.apply(loaded, planned)[cog(catalog_dir)]
    assert (
        "      - {hf: zai-org/cogvlm-grounding-hf, mark: {state: dead, since: 2026-11-25, evidence: HTTP 404 on 2 "
        "checks over 26 hours}}\n" in text
    )
    assert "    code: []   # renamed org\n" in text


def test_dead_remove_mode_removes(loaded: LoadedCatalog, catalog_dir: Path) -> None:
    dead = finding(Kind.DEAD, "hf:model/THUDM/cogvlm-chat-hf")
    [change] = run(loaded, dead, dead="remove")
    assert (change.op, change.path) == ("remove", ("entries", 0, "checkpoints", 0))
    text = changes.apply(loaded, [change])[cog(catalog_dir)]
    assert COG.replace("      - hf: THUDM/cogvlm-chat-hf\n        size: 17B\n", "") == text


def test_changed_title_only_while_catalog_still_has_the_old_one(loaded: LoadedCatalog) -> None:
    old = "CogVLM: Visual Expert for Pretrained Language Models"
    new = "CogVLM: Visual Expert for Pretrained Language Models (v2)"
    changed = finding(Kind.CHANGED, "arxiv:2311.03079v2", evidence={"field": "title", "old": old, "new": new})
    [change] = run(loaded, changed)
    assert (change.path, change.old, change.new) == (("entries", 0, "papers", 0, "title"), old, new)
    edited = finding(Kind.NEW_VERSION, "arxiv:2311.03079", evidence={"field": "title", "old": "Other", "new": new})
    assert run(loaded, edited) == []
    other_field = finding(Kind.CHANGED, "arxiv:2311.03079", evidence={"field": "license", "old": "a", "new": "b"})
    assert run(loaded, other_field) == []


def test_update_writes_what_the_sources_know(tmp_path: Path) -> None:
    loaded = stated(tmp_path)
    arxiv, gh = subjects.arxiv, subjects.github
    updated = {"updated": "2024-05-02T00:00:00+00:00"}
    v2, v3 = typed(VersionChange.listed("v1", "v2")) | updated, typed(VersionChange.listed("v1", "v3")) | updated
    findings = [
        Finding(Kind.NEW_VERSION, arxiv("2403.18814v1"), "v2", v2, source="arxiv"),
        Finding(Kind.NEW_VERSION, arxiv("2311.03079"), "v3", v3, source="arxiv"),
        Finding(Kind.WITHDRAWN, arxiv("2311.03079"), "withdrawn", {"reason": "Error in  Table 2."}, source="arxiv"),
        Finding(Kind.NEW_RELEASE, gh("dvlab-research/MGM"), "v1.2", typed(Release.listed("v1.2", None))),
        Finding(Kind.ARCHIVED, gh("dvlab-research/MGM"), "archived", {}),
        Finding(Kind.ARCHIVED, gh("THUDM/CogVLM"), "archived", {}),  # a bare string becomes a mapping
        Finding(Kind.CHANGED, gh("dvlab-research/MGM"), "license", typed(FieldChange("license", "Apache-2.0", "MIT"))),
        Finding(
            Kind.CHANGED,
            subjects.hf_model("THUDM/cogvlm-chat-hf"),
            "l",
            typed(FieldChange("license", "apache-2.0", "other")),
        ),
    ]
    planned = changes.plan(loaded, findings, today=TODAY)
    assert sorted(c.describe().split(" (")[0] for c in planned) == [
        "entries[0].checkpoints[0].license: apache-2.0 → other",
        "entries[0].code[0].archived: — → True",
        "entries[0].code[0].license: Apache-2.0 → MIT",
        "entries[0].code[0].release: v1.1 → v1.2",
        "entries[0].code[1].archived: — → True",
        "entries[0].papers[0].arxiv: 2403.18814v1 → 2403.18814v2",
        "entries[0].papers[1].version: 1 → 3",
        "entries[0].papers[1].withdrawn: — → Error in Table 2.",
    ]
    (text,) = changes.apply(loaded, planned).values()
    assert '{arxiv: "2403.18814v2", title: Mini-Gemini}' in text
    assert "        version: 3\n        withdrawn: Error in Table 2.\n" in text
    assert "{repo: dvlab-research/MGM, release: v1.2, license: MIT, archived: true}" in text
    assert "      - {repo: THUDM/CogVLM, archived: true}\n" in text
    (root := tmp_path / "stated").joinpath("mgm.yaml").write_text(text)
    assert changes.plan(load_catalog(root), findings, today=TODAY) == []  # idempotent
