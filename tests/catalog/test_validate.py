"""The `listkeeper validate` command and the whole-catalog scan (catalog.validate); the rules it applies are
tested in test_rules.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.refs import catalog_refs
from listkeeper.cli import run
from tests.catalog.helpers import CATALOG, GOOD, A, B, assert_rejected, line_of, snapshot, write_catalog

# --- the command ---------------------------------------------------------------------------------------------------


def test_validate_ok_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_catalog(tmp_path, {"a.yaml": A, "fam.yaml": GOOD.replace("model-a", "model-c")})
    before = snapshot(tmp_path)
    assert run(["validate", "--catalog", str(folder)]) == 0
    assert capsys.readouterr().out == "catalog OK: 2 families, 3 entries, 4 references\n"
    assert snapshot(tmp_path) == before


def test_validate_reads_catalog_dir_from_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path / "lists", {"fam.yaml": GOOD})
    (tmp_path / "listkeeper.toml").write_text('catalog_dir = "lists/catalog"\n')
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    assert run(["validate"]) == 0
    assert capsys.readouterr().out.startswith("catalog OK: 1 families, 1 entries, 3 references")
    assert snapshot(tmp_path) == before  # no state store, no rendered file, nothing


def test_validate_default_catalog_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["validate"]) == 2
    err = capsys.readouterr().err
    assert "catalog: catalog directory does not exist" in err
    assert f"looked for {tmp_path / 'catalog'}; pass --catalog DIR" in err  # where a relative default pointed
    assert list(tmp_path.iterdir()) == []


def test_validate_imports_no_service_client() -> None:
    code = (
        "import sys\nfrom listkeeper.cli import run\n"
        f"assert run(['validate', '--catalog', {str(CATALOG)!r}]) == 0\n"
        "loaded = {'huggingface_hub', 'arxiv', 'githubkit'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# --- the committed catalog ------------------------------------------------------------------------------------------


def test_committed_catalog_validates(capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(CATALOG)
    assert run(["validate", "--catalog", str(CATALOG)]) == 0
    out = capsys.readouterr().out
    # Counts computed independently of the loader, from the raw YAML.
    raw = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(CATALOG.glob("*.yaml"))]
    entries = sum(len(f["entries"]) for f in raw)
    references = len(catalog_refs(load_catalog(CATALOG)))
    assert out == f"catalog OK: {len(raw)} families, {entries} entries, {references} references\n"
    assert snapshot(CATALOG) == before


def test_committed_catalog_renders_families_in_the_seed_order() -> None:
    ids = [family.id for _, family in load_catalog(CATALOG).catalog.ordered()]
    seed = ["mgm", "bunny", "llava", "cogvlm", "cogagent", "hpt"]
    assert [i for i in ids if i in seed] == seed
    series = {family.id: family.series for family in load_catalog(CATALOG).catalog.families.values()}
    assert series["cogvlm"] == series["cogagent"] == "Cog series"


def test_committed_catalog_keeps_old_org_ids_only_with_a_comment() -> None:
    """THUDM was renamed zai-org; an id still written under THUDM must say why, next to it."""
    for path in sorted(CATALOG.glob("*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            value = line.split("#", 1)[0]
            if "THUDM/" in value:
                context = " ".join(lines[number - 2 : number])
                assert "renamed" in context, f"{path.name}:{number}: THUDM id without a rename comment"


def test_validate_checks_a_large_catalog_file_by_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``listkeeper validate`` keeps one family in memory at a time (issue 10 §6; the 100,000-entry figures are in
    benchmarks/catalog): its counts and its cross-file problems are those of the whole catalog."""

    def family(f: int, first: int, count: int) -> str:
        entries = "".join(
            f"  - id: model-{n}\n    name: Model {n}\n    code: [org/repo-{n}]\n"
            f"    checkpoints:\n      - {{hf: org/model-{n}, size: 7B}}\n      - {{hf: org/model-{n}-chat}}\n"
            for n in range(first, first + count)
        )
        return f"id: family-{f}\nname: Family {f}\nentries:\n{entries}"

    files = {f"family-{f:02d}.yaml": family(f, f * 40, 40) for f in range(50)}
    folder = write_catalog(tmp_path, files)
    capsys.readouterr()
    assert run(["validate", "--catalog", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == "catalog OK: 50 families, 2000 entries, 6000 references"
    assert len(catalog_refs(load_catalog(folder))) == 6000

    files["family-49.yaml"] += "  - id: model-7\n    name: Again\n    checkpoints: [{hf: ORG/model-12}]\n"
    folder = write_catalog(tmp_path, files)
    text = files["family-49.yaml"]
    file = f"{folder}/family-49.yaml"
    first = f"{folder}/family-00.yaml"
    problems = assert_rejected(
        folder, capsys, file, line_of(text, "id: model-7"), "entries[40].id", "duplicate entry id"
    )
    assert [p.message for p in problems] == [
        f"duplicate entry id 'model-7' (first at {first}:{line_of(files['family-00.yaml'], 'id: model-7')})",
        f"checkpoint 'ORG/model-12' is listed also in entry 'model-12' "
        f"(first at {first}:{line_of(files['family-00.yaml'], 'hf: org/model-12,')})",
    ]


def test_a_large_catalog_is_scanned_in_parallel_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above PARALLEL_BYTES the files are parsed by a process pool: the problems and their order are the same as
    when they are read one by one (cross-file duplicates included, and a broken file stops the cross-file rules)."""
    from listkeeper.catalog import validate as validate_module
    from listkeeper.errors import CatalogError

    broken = "id: fam-c\nname: C\nentries:\n  - id: gamma\n    nme: typo\n"
    results = {}
    for case, files in {
        "dupes": {"a.yaml": A, "b.yaml": B},
        "broken": {"a.yaml": A, "b.yaml": B, "c.yaml": broken},
    }.items():
        folder = write_catalog(tmp_path / case, files)
        for mode, threshold in (("one by one", 1 << 60), ("parallel", 0)):
            monkeypatch.setattr(validate_module, "PARALLEL_BYTES", threshold)
            with pytest.raises(CatalogError) as caught:
                validate_module.scan_catalog(folder)
            results[case, mode] = [str(p) for p in caught.value.problems]
        assert results[case, "one by one"] == results[case, "parallel"]
    assert any("duplicate entry id 'shared'" in p for p in results["dupes", "parallel"])
    assert any("unknown key" in p for p in results["broken", "parallel"])
