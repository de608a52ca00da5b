"""What a run reads before any request: the Markdown files (each once, bad ones refused by name) and the catalog,
or an empty one for a Markdown list without a catalog."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from listkeeper.errors import CatalogError, UsageError
from listkeeper.pipeline.documents import MarkdownDoc, load_catalog_or_empty, read_documents


def test_files_given_then_the_rendered_list_for_its_badges_only(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("- [a](https://a.example/)\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# rendered\n", encoding="utf-8")
    docs = read_documents([tmp_path / "a.md"], tmp_path / "README.md")
    assert docs == [
        MarkdownDoc((tmp_path / "a.md").as_posix(), "- [a](https://a.example/)\n"),
        MarkdownDoc((tmp_path / "README.md").as_posix(), "# rendered\n", check_links=False),
    ]
    # Given on the command line, the rendered list is read once, with its links checked.
    given = read_documents([tmp_path / "README.md"], tmp_path / "README.md")
    assert [(d.file, d.check_links) for d in given] == [((tmp_path / "README.md").as_posix(), True)]
    assert read_documents([], tmp_path / "missing.md") == []  # no rendered list yet: nothing to read


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a directory, not a Markdown file"),
        (lambda p: p.write_bytes(b"ok\n\xff\xfe"), "not UTF-8 text (invalid start byte at byte 3)"),
    ],
)
def test_a_bad_file_is_a_usage_error_naming_it(tmp_path: Path, make: Callable[[Path], object], message: str) -> None:
    path = tmp_path / "list.md"
    make(path)
    with pytest.raises(UsageError, match=re.escape(f"list.md: {message}")):
        read_documents([path])


def test_no_catalog_directory_is_an_empty_catalog_only_when_files_are_given(tmp_path: Path) -> None:
    missing = tmp_path / "catalog"
    loaded = load_catalog_or_empty(missing, [tmp_path / "README.md"])
    assert loaded.catalog.families == {} and loaded.root == missing
    with pytest.raises(CatalogError, match="catalog directory does not exist"):
        load_catalog_or_empty(missing, [])
    missing.mkdir()
    (missing / "bad.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="YAML syntax error"):  # an invalid catalog is always an error
        load_catalog_or_empty(missing, [tmp_path / "README.md"])
