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
