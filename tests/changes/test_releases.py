"""The plan for new releases: new checkpoints and repositories appended to the right entry, releases set."""

from __future__ import annotations

from pathlib import Path

from listkeeper import changes, subjects
from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.evidence import NewItem, typed
from listkeeper.findings import Finding, Kind, Location
from tests.changes.common import TODAY, cog, finding, run, stated


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


def test_a_new_repository_of_a_tracked_org_is_appended_to_code(tmp_path: Path) -> None:
    loaded = stated(tmp_path)
    evidence = {**typed(NewItem("zai-org/GLM-4.6V", "repository", "2025-12-08T00:00:00Z")), "entry": "mgm"}
    finding = Finding(Kind.NEW_RELEASE, subjects.github("zai-org/GLM-4.6V"), "new", evidence, source="github")
    (change,) = changes.plan(loaded, [finding], today=TODAY)
    assert change.describe().startswith("entries[0].code: add zai-org/GLM-4.6V")
    (text,) = changes.apply(loaded, [change]).values()
    assert "zai-org/GLM-4.6V" in text and "state: new" in text
    (tmp_path / "stated" / "mgm.yaml").write_text(text)
    assert changes.plan(load_catalog(tmp_path / "stated"), [finding], today=TODAY) == []
