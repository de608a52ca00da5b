"""Bad input to the catalog loader: each kind is reported with file, line and key path, `listkeeper validate`
exits 2, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from tests.catalog.helpers import GOOD, assert_rejected, line_of, problems_of, write_catalog


def fam(body: str) -> str:
    """A family file whose single entry ends with ``body`` (indented as entry keys)."""
    return "id: fam\nname: Family\nentries:\n  - id: one\n    name: One\n" + body


def test_good_family_loads(tmp_path: Path) -> None:
    loaded = load_catalog(write_catalog(tmp_path, {"fam.yaml": GOOD}))
    (family,) = loaded.catalog.families.values()
    assert family.entries[0].checkpoints[0].hf == "owner/model-a"


def test_unknown_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    colour: red\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(text, "colour"), "entries[0].colour", "unknown key")


def test_series_belongs_to_the_family_not_an_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The renderer groups families by series; on an entry it would be silently ignored, so it is an error.
    text = fam("    series: Cog series\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(text, "series"), "entries[0].series", "unknown key")


def test_unknown_key_in_nested_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    checkpoints:\n      - hf: a/b\n        sise: 7B\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    assert_rejected(folder, capsys, file, line_of(text, "sise"), "entries[0].checkpoints[0].sise", "unknown key")


@pytest.mark.parametrize(
    ("body", "needle", "path", "message"),
    [
        ("    params: 7B\n", "params", "entries[0].params", "expected a list"),
        ("    released: '2024-05'\n", "released", "entries[0].released", "expected a date written as YYYY-MM-DD"),
        ("    checkpoints:\n      - {hf: a/b, resolution: 490}\n", "resolution", "entries[0].checkpoints[0].resolution",
         "YAML read 490 as a number; put the value in quotes"),
        ("    papers:\n      - arxiv: 2311.03079\n", "arxiv", "entries[0].papers[0].arxiv",
         "YAML read 2311.03079 as a number"),
        ("    checkpoints:\n      - {hf: a/b, note: 2024-01-01}\n", "note", "entries[0].checkpoints[0].note",
         "YAML read 2024-01-01 as a date"),
        ("    code: [yes]\n", "code", "entries[0].code[0]", "YAML read True as true/false"),
        ("    papers: [2311.03079]\n", "papers", "entries[0].papers[0]", "expected a mapping"),
    ],
)  # fmt: skip
def test_wrong_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, needle: str, path: str, message: str
) -> None:
    text = fam(body)
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(text, needle), path, message)


def test_wrong_type_at_top_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD.replace("name: Family\n", "name: Family\norder: first\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(text, "order"), "order", "valid integer")


def test_missing_required_key_points_at_its_parent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "id: fam\nname: Family\nentries:\n  - id: one\n    summary: no name\n"
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", 4, "entries[0].name", "required key is missing")


@pytest.mark.parametrize("arxiv", ["2311.03079", "2311.03079v2", "0704.0001", "1412.9999", "cs/0701001",
                                   "math.GT/0309136", "hep-th/9901001v3"])  # fmt: skip
def test_arxiv_ids_of_both_styles_are_accepted(tmp_path: Path, arxiv: str) -> None:
    folder = write_catalog(tmp_path, {"fam.yaml": fam(f'    papers:\n      - arxiv: "{arxiv}"\n')})
    assert load_catalog(folder).catalog.families[f"{folder}/fam.yaml"].entries[0].papers[0].arxiv == arxiv


@pytest.mark.parametrize("arxiv", ["2311.3079", "1501.1234", "0703.0001", "2313.03079", "2311.030799",
                                   "arXiv:2311.03079", "2311.03079V2", "cs/070100", "CS/0701001", "2311"])  # fmt: skip
def test_malformed_arxiv_id(tmp_path: Path, capsys: pytest.CaptureFixture[str], arxiv: str) -> None:
    text = fam(f'    papers:\n      - title: T\n        arxiv: "{arxiv}"\n')
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    assert_rejected(folder, capsys, file, line_of(text, "arxiv:"), "entries[0].papers[0].arxiv", "not a valid arXiv id")


@pytest.mark.parametrize(
    ("body", "needle", "path"),
    [
        ("    checkpoints:\n      - hf: cogvlm-chat-hf\n", "hf:", "entries[0].checkpoints[0].hf"),
        ("    checkpoints:\n      - hf: a/b/c\n", "hf:", "entries[0].checkpoints[0].hf"),
        ("    datasets: [owner/has space]\n", "datasets", "entries[0].datasets[0]"),
        ("    demos:\n      - space: https://huggingface.co/spaces/a/b\n", "space", "entries[0].demos[0].space"),
        # The Hub's own rules (huggingface_hub.validate_repo_id): no "--" or "..", no trailing "-" or ".".
        ("    checkpoints:\n      - hf: a--b/c\n", "hf:", "entries[0].checkpoints[0].hf"),
        ("    datasets: [a/b..c]\n", "datasets", "entries[0].datasets[0]"),
        ("    checkpoints:\n      - hf: a/model.\n", "hf:", "entries[0].checkpoints[0].hf"),
    ],
)
def test_malformed_hf_id(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, needle: str, path: str) -> None:
    text = fam(body)
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    assert_rejected(folder, capsys, file, line_of(text, needle), path, "not a valid Hugging Face repo id")


def test_malformed_hf_collection(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    collections:\n      - YanweiLi/mgm\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    line = line_of(text, "YanweiLi/mgm")
    assert_rejected(folder, capsys, file, line, "entries[0].collections[0]", "not a valid Hugging Face collection slug")


@pytest.mark.parametrize(
    "repo", ["https://github.com/a/b", "zai-org/CogVLM.git", "zai-org", "-bad/repo", "a/b/c", "a/..", "a/."]
)
def test_malformed_github_repo(tmp_path: Path, capsys: pytest.CaptureFixture[str], repo: str) -> None:
    text = fam(f"    code:\n      - pad/ding\n      - {repo}\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    assert_rejected(folder, capsys, file, line_of(text, repo), "entries[0].code[1]", "not a valid GitHub repository")


@pytest.mark.parametrize(
    "url",
    [
        "www.example.org/page",
        "ftp://example.org/x",
        "https://",
        "https://exa mple.org",
        "https://[::1/x",  # what no client can request would otherwise crash a later stage
        "https://example.org:99999/",
        "https://example.org:http/",
        "https://:80/",
        "https://a..b/",
        "https://user:secret@example.org/",  # a public list carries no credentials
    ],
)
def test_bad_url(tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str) -> None:
    text = fam(f'    links:\n      - title: Blog\n        url: "{url}"\n')
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    assert_rejected(folder, capsys, file, line_of(text, "url:"), "entries[0].links[0].url", "not a valid http(s) URL")


def test_paper_without_arxiv_or_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    papers:\n      - {arxiv: '2311.03079'}\n      - title: Only a title\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    line = line_of(text, "Only a title")
    assert_rejected(folder, capsys, file, line, "entries[0].papers[1]", "needs exactly one of 'arxiv' or 'url'")


def test_paper_by_url_needs_a_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    papers:\n      - url: https://example.org/blog\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    assert_rejected(folder, capsys, file, line_of(text, "url:"), "entries[0].papers[0]", "needs a 'title'")


def test_yaml_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD + "  - id: two\n    name: [unclosed\n    code: []\n"
    folder = write_catalog(tmp_path, {"fam.yaml": text, "other.yaml": GOOD.replace("fam", "oth")})
    problems = assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(text, "code: []"), "", "YAML syntax error")
    assert {p.file for p in problems} == {f"{folder}/fam.yaml"}  # the good file loads; cross-file rules wait


def test_duplicate_yaml_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    summary: first\n    code: [a/b]\n    summary: second\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    first = line_of(text, "summary: first")
    line = line_of(text, "summary: second")
    assert_rejected(folder, capsys, file, line, "entries[0].summary", f"duplicate key (first at line {first})")


def test_yaml_alias_is_reported_where_it_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    code: &repos [a/b]\n  - id: two\n    name: Two\n    code:\n      - *repos\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    assert_rejected(folder, capsys, file, line_of(text, "*repos"), "entries[1].code[0]", "YAML alias *repos")


def test_self_referencing_alias_terminates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    params: &p [*p]\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(text, "*p"), "entries[0].params[0]", "YAML alias")


@pytest.mark.parametrize("text", ["- id: fam\n- name: Family\n", "just a string\n", "", "# only a comment\n"])
def test_non_mapping_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", 1, "", "a family file must be a YAML mapping")


def test_empty_catalog_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_catalog(tmp_path, {"notes.txt": "not a catalog file"})
    assert_rejected(folder, capsys, str(folder), None, "", "no catalog files (*.yaml) found")


@pytest.mark.parametrize(
    ("text", "needle", "path"),
    [
        ("id: fam\nname: Family\nentries: []\n", "entries", "entries"),
        ('id: fam\nname: ""\nentries:\n  - {id: one, name: One}\n', "name", "name"),
        ("id: fam\nname: F\nentries:\n  - {id: one, name: One, params: ['']}\n", "params", "entries[0].params[0]"),
    ],
)
def test_empty_value(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, needle: str, path: str) -> None:
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    problems = assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(text, needle), path, "must not be empty")
    assert "List should" not in str(problems) and "String should" not in str(problems)  # pydantic's wording


def test_missing_catalog_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "catalog"
    tmp_path.joinpath("keep").write_text("x")
    assert_rejected(folder, capsys, str(folder), None, "", "catalog directory does not exist")
    assert not folder.exists()


def test_non_utf8_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = GOOD.encode().replace(b"name: One", b"name: Caf\xe9")
    folder = write_catalog(tmp_path, {"fam.yaml": raw})
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(GOOD, "name: One"), "", "not valid UTF-8")


def test_every_problem_of_every_file_is_reported_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_a = fam("    code: [not a repo]\n    colour: red\n    released: soon\n")
    folder = write_catalog(tmp_path, {"a.yaml": bad_a, "b.yaml": "- x\n"})
    problems = assert_rejected(folder, capsys, f"{folder}/b.yaml", 1, "", "must be a YAML mapping")
    located = [(Path(p.file).name, p.line) for p in problems]
    assert located == [("a.yaml", 6), ("a.yaml", 7), ("a.yaml", 8), ("b.yaml", 1)]


def test_non_text_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    name2: fine\n    2024: release year\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    assert_rejected(folder, capsys, file, line_of(text, "2024:"), "entries[0].2024", "keys must be text")


def test_malformed_tracking_author(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = fam("    track:\n      hf_authors:\n        - {author: 'zai org', include: ['cog*']}\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    path = "entries[0].track.hf_authors[0].author"
    assert_rejected(folder, capsys, file, line_of(text, "zai org"), path, "not a valid Hugging Face user")


# -- input limits (issue 10 §4) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("flow", "id: fam\nname: F\nentries: " + "[" * 5000 + "]" * 5000 + "\n", 3),
        ("block", "id: fam\nname: F\nentries:\n" + "".join("  " * i + "-\n" for i in range(2000)), None),
        ("dashes", "id: fam\nname: F\nentries:\n" + "- " * 2000 + "x\n", 4),
    ],
)
def test_deep_nesting_is_a_located_error_not_a_recursion_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, line: int | None
) -> None:
    """5,000 ``[`` or 2,000 levels of ``-`` used to end in RecursionError (a traceback, exit 1)."""
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    (problem,) = problems_of(folder)
    assert problem.file == f"{folder}/fam.yaml" and problem.line is not None
    assert line is None or problem.line == line
    assert "nested deeper than 32 levels" in problem.message and "[limits] yaml_depth" in problem.message
    assert_rejected(folder, capsys, problem.file, problem.line, problem.path, "nested deeper than")


def test_nesting_beyond_the_limit_names_its_line_and_key_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = fam("    params: " + "[" * 40 + "x" + "]" * 40 + "\n")
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    depth_path = "entries[0].params" + "[0]" * 30  # params is level 3: its 30th nested list is level 33
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", line_of(text, "params"), depth_path, "nested deeper than 32")


def test_limits_are_configurable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from listkeeper.cli import run

    deep = "    track: {hf_authors: [{author: owner, include: [model-*]}]}\n"  # include's items: level 7
    folder = write_catalog(tmp_path, {"fam.yaml": GOOD + deep + "    summary: " + "x" * 2000 + "\n"})
    monkeypatch.chdir(tmp_path)
    assert run(["validate", "--catalog", str(folder)]) == 0
    (tmp_path / "listkeeper.toml").write_text("[limits]\ncatalog_file_bytes = 1024\n", encoding="utf-8")
    capsys.readouterr()
    assert run(["validate", "--catalog", str(folder)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{folder}/fam.yaml: file is 2,2" in err and "more than the limit of 1,024 ([limits] catalog_file_bytes)" in err
    )
    (tmp_path / "listkeeper.toml").write_text("[limits]\nyaml_depth = 4\n", encoding="utf-8")
    assert run(["validate", "--catalog", str(folder)]) == 2
    assert "nested deeper than 4 levels" in capsys.readouterr().err


def test_texts_in_memory_load_like_the_directory_and_name_their_own_paths(tmp_path: Path) -> None:
    from listkeeper.catalog.load import load_texts, read_texts
    from listkeeper.errors import CatalogError

    folder = write_catalog(tmp_path, {"fam.yaml": GOOD})
    on_disk = load_catalog(folder)
    in_memory = load_texts(read_texts(folder), folder)
    assert in_memory.catalog == on_disk.catalog and in_memory.lines == on_disk.lines
    # The names given are the names used: in the families and in every problem, no scratch directory involved.
    broken = {"repo/catalog/fam.yaml": fam("    colour: red\n")}
    with pytest.raises(CatalogError) as caught:
        load_texts(broken, Path("repo/catalog"))
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.message) == ("repo/catalog/fam.yaml", 6, "unknown key")
    assert list(load_texts({"repo/catalog/fam.yaml": GOOD}, Path("repo/catalog")).catalog.families) == [
        "repo/catalog/fam.yaml"
    ]


def test_read_texts_refuses_a_file_that_is_not_utf8_with_its_line(tmp_path: Path) -> None:
    from listkeeper.catalog.load import read_texts
    from listkeeper.errors import CatalogError

    folder = write_catalog(tmp_path, {"fam.yaml": GOOD.encode() + b"# caf\xe9\n"})
    with pytest.raises(CatalogError) as caught:
        read_texts(folder)
    (problem,) = caught.value.problems
    assert problem.message == "not valid UTF-8" and problem.line == GOOD.count("\n") + 1
