"""Excerpts of real awesome lists (sources in tests/fixtures/README.md) that the importer once failed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.cli import run
from listkeeper.importer import run_import
from listkeeper.importer.parse import parse

REAL = Path(__file__).parents[1] / "fixtures" / "real"


def test_a_heading_inside_a_list_item_is_its_text_not_a_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # frutik/awesome-search indents "  #### Symmetric and Asymmetric semantic search" under a bullet: CommonMark
    # makes it a heading inside the list item. Cutting the document there crashed the import (exit 4).
    source = REAL / "frutik-awesome-search-nested-heading.md"
    document = parse(source.read_text(encoding="utf-8"))
    assert [section.title.text for section in document.root.children] == [
        "Vectors/Semantic search",
        "Hybrid search",
    ]
    result = run_import(source, tmp_path / "out")
    assert (result.account.kept, result.account.altered, result.account.lost) == (9, (), ())
    assert run(["import", str(source), "--out", str(tmp_path / "cli")]) == 0
    assert "9 kept as written, 0 altered, 0 lost" in capsys.readouterr().out


def test_a_back_link_after_a_heading_is_not_part_of_its_name(tmp_path: Path) -> None:
    # Heapy/awesome-kotlin ends every heading with "<sup>[Back ⇈](#…)</sup>": the families were named
    # "Official Links Back ⇈" (id official-links-back). A heading that is only a link keeps it.
    source = REAL / "heapy-awesome-kotlin-back-links.md"
    document = parse(source.read_text(encoding="utf-8"))
    (links,) = document.root.children
    assert links.title.text == "Links"
    assert [child.title.text for child in links.children] == ["Official Links", "Resources"]
    toc = parse("### [Github Trending](#github-trending)\n\n- [a](https://a.example)\n")
    assert toc.root.children[0].title.text == "Github Trending"
    result = run_import(source, tmp_path / "out")
    assert result.account.lost == () and result.account.altered == ()
    names = sorted(p.name for p in (tmp_path / "out").glob("*.yaml"))
    assert {"official-links.yaml", "resources.yaml"} <= set(names) and not any("back" in name for name in names)
