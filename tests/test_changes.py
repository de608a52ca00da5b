"""Planning catalog edits from findings, and applying them: every kind, dismissals, idempotence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from listkeeper import changes, subjects
from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.errors import EditError
from listkeeper.evidence import DeadMemory
from listkeeper.findings import Finding, Kind, Location
from listkeeper.fsutil import write_atomic
from tests.samples import BUNNY

TODAY = date(2026, 11, 27)

COG = """\
# Cog series.
id: cogvlm
name: CogVLM
series: Cog series
entries:
  - id: cogvlm
    name: CogVLM
    papers:
      - {arxiv: "2311.03079", title: "CogVLM: Visual Expert for Pretrained Language Models"}
    code: [THUDM/CogVLM]   # renamed org
    demos:
      - {space: THUDM/CogVLM-CogAgent}
    checkpoints:
      - hf: THUDM/cogvlm-chat-hf
        size: 17B
      - {hf: zai-org/cogvlm-grounding-hf}
    collections: [THUDM/cogvlm-6603c50b9b43d044171d0854]
    links:
      - {title: SAT weights, url: "https://example.org/sat"}
    track:
      hf_authors: [{author: zai-org, include: ["cogvlm*"]}]
    dismissed: ["hf:model/zai-org/cogvlm-unwanted"]
  - id: cogagent
    name: CogAgent
    checkpoints:
      - {hf: zai-org/cogagent-chat-hf}
    track:
      hf_authors: [{author: zai-org, include: ["cogagent*"]}]
"""


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "cogvlm.yaml").write_text(COG)
    (root / "bunny.yaml").write_text(BUNNY)
    return root


@pytest.fixture
def loaded(catalog_dir: Path) -> LoadedCatalog:
    return load_catalog(catalog_dir)


def cog(root: Path) -> str:
    return (root / "cogvlm.yaml").as_posix()


def finding(kind: Kind, subject: str, **kw: object) -> Finding:
    new = kw.pop("new_subject", None)
    return Finding(
        kind=kind,
        subject=subjects.Subject.parse(subject),
        message=str(kw.pop("message", f"{kind} {subject}")),
        evidence=dict(kw.pop("evidence", {})),  # type: ignore[call-overload]
        locations=tuple(kw.pop("locations", ())),  # type: ignore[call-overload]
        new_subject=subjects.Subject.parse(str(new)) if new else None,
    )


def run(loaded: LoadedCatalog, *found: Finding, dead: changes.DeadAction = "mark") -> list[changes.Change]:
    return changes.plan(loaded, list(found), dead_action=dead, today=TODAY)


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


def test_new_release_goes_to_the_named_entry(loaded: LoadedCatalog, catalog_dir: Path) -> None:
    new = finding(
        Kind.NEW_RELEASE,
        "hf:model/zai-org/cogvlm2-llama3-chat-19B",
        evidence={"entry": "cogvlm", "created_at": "2026-11-20T10:00:00.000Z"},
    )
    [change] = run(loaded, new)
    assert (change.op, change.path) == ("append", ("entries", 0, "checkpoints"))
    assert change.new == {
        "hf": "zai-org/cogvlm2-llama3-chat-19B",
        "mark": {
            "state": "new",
            "since": TODAY,
            "evidence": "new on the Hub, created 2026-11-20: https://huggingface.co/zai-org/cogvlm2-llama3-chat-19B",
        },
    }
    text = changes.apply(loaded, [change])[cog(catalog_dir)]
    assert "      - {hf: zai-org/cogvlm-grounding-hf}\n      - {hf: zai-org/cogvlm2-llama3-chat-19B, mark: {" in text


def test_new_release_located_by_key_path_even_when_line_is_stale(loaded: LoadedCatalog, catalog_dir: Path) -> None:
    where = Location("catalog/cogvlm.yaml", 999, "entries[1].track.hf_authors[0]")
    new = finding(Kind.NEW_RELEASE, "hf:model/someone/other-model", locations=[where])
    [change] = run(loaded, new)
    assert (change.file, change.path) == (cog(catalog_dir), ("entries", 1, "checkpoints"))


def test_new_release_falls_back_to_the_tracking_rule(loaded: LoadedCatalog) -> None:
    [change] = run(loaded, finding(Kind.NEW_RELEASE, "hf:model/zai-org/cogagent-9b-20241220"))
    assert change.path == ("entries", 1, "checkpoints")
    assert run(loaded, finding(Kind.NEW_RELEASE, "hf:model/zai-org/glm-4v")) == []  # no rule: nowhere to put it
    assert run(loaded, finding(Kind.NEW_RELEASE, "hf:model/zai-org/cogagent-chat-hf")) == []  # already listed


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


def test_move_beats_dead_for_the_same_item(loaded: LoadedCatalog) -> None:
    dead = finding(Kind.DEAD, "hf:model/THUDM/cogvlm-chat-hf")
    moved = finding(Kind.MOVED, "hf:model/THUDM/cogvlm-chat-hf", new_subject="hf:model/zai-org/cogvlm-chat-hf")
    [change] = run(loaded, dead, moved)
    assert change.op == "replace"


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


def test_parse_path() -> None:
    assert changes.parse_path("entries[2].checkpoints[0].hf") == ("entries", 2, "checkpoints", 0, "hf")
    assert changes.parse_path("") == ()
    assert changes.parse_path("entries[x]") == ()


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


# --- issue 13: what the list states is kept current ----------------------------------------------------------

STATED = """\
id: mgm
name: MGM
entries:
  - id: mgm
    name: MGM
    papers:
      - {arxiv: "2403.18814v1", title: Mini-Gemini}
      - arxiv: "2311.03079"
        version: 1
    code:
      - {repo: dvlab-research/MGM, release: v1.1, license: Apache-2.0}
      - THUDM/CogVLM
    checkpoints:
      - {hf: THUDM/cogvlm-chat-hf, license: apache-2.0}
    track:
      hf_authors: [{author: THUDM, include: ["cog*"]}]
      github: [THUDM/CogVLM]
    dismissed: ["gh:thudm/cogvlm-old", "hf:model/other/x"]
"""


def _stated(tmp_path: Path) -> LoadedCatalog:
    root = tmp_path / "stated"
    root.mkdir()
    (root / "mgm.yaml").write_text(STATED)
    return load_catalog(root)


def test_update_writes_what_the_sources_know(tmp_path: Path) -> None:
    loaded = _stated(tmp_path)
    arxiv, gh = subjects.arxiv, subjects.github
    version = {"field": "version", "from": "v1", "to": "v2", "updated": "2024-05-02T00:00:00+00:00"}
    findings = [
        Finding(Kind.NEW_VERSION, arxiv("2403.18814v1"), "v2", version, source="arxiv"),
        Finding(Kind.NEW_VERSION, arxiv("2311.03079"), "v3", {**version, "to": "v3"}, source="arxiv"),
        Finding(Kind.WITHDRAWN, arxiv("2311.03079"), "withdrawn", {"reason": "Error in  Table 2."}, source="arxiv"),
        Finding(Kind.NEW_RELEASE, gh("dvlab-research/MGM"), "v1.2", {"field": "release", "tag": "v1.2"}),
        Finding(Kind.ARCHIVED, gh("dvlab-research/MGM"), "archived", {}),
        Finding(Kind.ARCHIVED, gh("THUDM/CogVLM"), "archived", {}),  # a bare string becomes a mapping
        Finding(Kind.CHANGED, gh("dvlab-research/MGM"), "license", {"field": "license", "new": "MIT"}),
        Finding(Kind.CHANGED, subjects.hf_model("THUDM/cogvlm-chat-hf"), "l", {"field": "license", "new": "other"}),
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


def test_moves_rewrite_tracking_rules_and_findings_match_by_alias(tmp_path: Path) -> None:
    loaded = _stated(tmp_path)
    org = {"org_renamed": {"from": "THUDM", "to": "zai-org"}}
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
            {"field": "release", "tag": "v2", "alias": "dvlab-research/MGM"},
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


def test_a_new_repository_of_a_tracked_org_is_appended_to_code(tmp_path: Path) -> None:
    loaded = _stated(tmp_path)
    evidence = {"kind": "repository", "entry": "mgm", "created_at": "2025-12-08T00:00:00Z"}
    finding = Finding(Kind.NEW_RELEASE, subjects.github("zai-org/GLM-4.6V"), "new", evidence, source="github")
    (change,) = changes.plan(loaded, [finding], today=TODAY)
    assert change.describe().startswith("entries[0].code: add zai-org/GLM-4.6V")
    (text,) = changes.apply(loaded, [change]).values()
    assert "zai-org/GLM-4.6V" in text and "state: new" in text
    (tmp_path / "stated" / "mgm.yaml").write_text(text)
    assert changes.plan(load_catalog(tmp_path / "stated"), [finding], today=TODAY) == []
