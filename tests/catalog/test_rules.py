"""Cross-file rules (:mod:`listkeeper.catalog.rules`): ids unique across files, a checkpoint in one entry, no
reference twice in an entry, dismissals that name subjects; problems sorted by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.refs import catalog_refs
from listkeeper.catalog.rules import cross_file_problems, subject_problem
from tests.catalog.helpers import GOOD, A, B, assert_rejected, line_of, problems_of, write_catalog


def test_duplicate_entry_id_across_two_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_catalog(tmp_path, {"a.yaml": A, "b.yaml": B})
    first = f"{folder}/a.yaml:{line_of(A, 'id: shared')}"
    assert_rejected(
        folder,
        capsys,
        f"{folder}/b.yaml",
        line_of(B, "id: shared"),
        "entries[1].id",
        f"duplicate entry id 'shared' (first at {first})",
    )


def test_checkpoint_in_two_entries_compares_like_the_hub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_catalog(tmp_path, {"a.yaml": A, "b.yaml": B})
    first = f"{folder}/a.yaml:{line_of(A, 'Owner/Model-A')}"
    assert_rejected(
        folder,
        capsys,
        f"{folder}/b.yaml",
        line_of(B, "owner/model-a"),
        "entries[0].checkpoints[1].hf",
        f"checkpoint 'owner/model-a' is listed also in entry 'alpha' (first at {first})",
    )


def test_checkpoint_in_two_entries_that_share_an_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two entries with one id (itself an error) are still two entries: the checkpoint is not "twice in this entry".
    other = GOOD.replace("id: fam", "id: fam-b").replace("size: 7B", "size: 8B")
    folder = write_catalog(tmp_path, {"a.yaml": GOOD, "b.yaml": other})
    first = f"{folder}/a.yaml:{line_of(GOOD, 'owner/model-a')}"
    message = f"checkpoint 'owner/model-a' is listed also in entry 'one' (first at {first})"
    line = line_of(other, "owner/model-a")
    assert_rejected(folder, capsys, f"{folder}/b.yaml", line, "entries[0].checkpoints[0].hf", message)


def test_checkpoint_twice_in_one_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD + "      - {hf: OWNER/model-a, size: 7B}\n"
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    message = f"listed twice in this entry (first at {file}:{line_of(text, 'owner/model-a')})"
    assert_rejected(folder, capsys, file, line_of(text, "OWNER/model-a"), "entries[0].checkpoints[1].hf", message)


def test_duplicate_family_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = GOOD.replace("id: one", "id: two")
    folder = write_catalog(tmp_path, {"fam.yaml": GOOD, "fam-copy.yaml": other})
    # Files are compared in name order: fam-copy.yaml comes first.
    message = f"duplicate family id 'fam' (first at {folder}/fam-copy.yaml:1)"
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", 1, "id", message)


def test_duplicate_entry_id_within_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD + "  - id: one\n    name: Again\n"
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    file = f"{folder}/fam.yaml"
    message = f"duplicate entry id 'one' (first at {file}:4)"
    assert_rejected(folder, capsys, file, line_of(text, "id: one", 2), "entries[1].id", message)


@pytest.mark.parametrize(
    ("body", "dup", "path", "what"),
    [
        ("    datasets: [org/data, Org/Data]\n", "Org/Data", "entries[1].datasets[1]", "dataset hf:dataset/Org/Data"),
        ("    collections:\n      - o/c-6603c50b9b43d044171d0854\n      - o/c-6603c50b9b43d044171d0854  # again\n",
         "# again", "entries[1].collections[1]", "collection hf:collection/o/c-6603c50b9b43d044171d0854"),
        ("    code: [zai-org/CogVLM, THUDM/CogVLM, ZAI-org/cogvlm]\n", "ZAI-org", "entries[1].code[2]",
         "code repository gh:ZAI-org/cogvlm"),
        ("    papers:\n      - {arxiv: '2311.03079'}\n      - {arxiv: '2311.03079v2'}\n", "v2",
         "entries[1].papers[1].arxiv", "paper arxiv:2311.03079v2"),
        ("    demos:\n      - space: a/demo\n      - {space: a/demo, title: again}\n", "again",
         "entries[1].demos[1].space", "demo hf:space/a/demo"),
    ],
)  # fmt: skip
def test_same_reference_twice_within_one_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, dup: str, path: str, what: str
) -> None:
    text = GOOD + "  - id: two\n    name: Two\n" + body
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    line = line_of(text, dup)
    message = f"{what} is listed twice in this entry"
    problems = assert_rejected(folder, capsys, f"{folder}/fam.yaml", line, path, message)
    assert len(problems) == 1


def test_sharing_across_entries_is_allowed(tmp_path: Path) -> None:
    """One repository, paper or dataset may serve several entries; only checkpoints are exclusive."""
    text = GOOD + "  - id: two\n    name: Two\n    papers: [{arxiv: '2311.03079'}]\n    code: [owner/repo]\n"
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    assert len(catalog_refs(load_catalog(folder))) == 5


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("zai-org/cogvlm-old", "not a subject id"),
        ("hf:model/no-owner", "not a valid hf-model id"),
        ("hf:collection/owner/no-hash", "not a valid hf-collection id"),
        ("arxiv:2311.3079", "not a valid arxiv id"),
        ("gh:a/b.git", "not a valid github id"),
        ("url:example.org", "not a valid url id"),
        ("url:https://example.org:99999/", "not a valid url id"),
        ("hf:model/a--b/c", "not a valid hf-model id"),
        ("gh:a/..", "not a valid github id"),
        ("hf:model/", "not a subject id"),
    ],
)
def test_bad_dismissal(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, reason: str) -> None:
    text = GOOD + f"    dismissed:\n      - hf:model/ok/fine\n      - '{value}'\n"
    folder = write_catalog(tmp_path, {"fam.yaml": text})
    line = line_of(text, f"'{value}'")
    assert_rejected(folder, capsys, f"{folder}/fam.yaml", line, "entries[0].dismissed[1]", reason)


@pytest.mark.parametrize(
    "value",
    ["hf:model/zai-org/cogvlm-old", "hf:dataset/a/b", "hf:space/a/b", "hf:collection/a/b-6603c50b9b43d044171d0854",
     "arxiv:2311.03079", "arxiv:cs/0701001", "gh:zai-org/CogVLM", "url:https://example.org/x"],
)  # fmt: skip
def test_good_dismissals(value: str) -> None:
    assert subject_problem(value) is None


def test_cross_file_problems_are_sorted_by_file_then_line(tmp_path: Path) -> None:
    a = A + "    dismissed: [bogus]\n"
    b = B.replace("id: beta", "id: alpha")
    folder = write_catalog(tmp_path, {"b.yaml": b, "a.yaml": a})
    problems = problems_of(folder)
    located = [(Path(p.file).name, p.line) for p in problems]
    assert located == sorted(located)
    assert [Path(p.file).name for p in problems] == ["a.yaml", "b.yaml", "b.yaml", "b.yaml"]
    assert problems == cross_file_problems(load_catalog(folder, check=False))
