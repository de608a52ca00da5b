"""What link texts say: generic words, paper and demo titles, venues."""

from __future__ import annotations

import pytest

from listkeeper.importer.titles import is_generic, names_demo, names_paper, venue_of


@pytest.mark.parametrize(("text", "generic"), [("[code]", True), ("(Demo)", True), ("🤗", True), ("CogVLM", False)])
def test_generic_link_texts(text: str, generic: bool) -> None:
    assert is_generic(text) is generic


def test_a_paper_title_is_neither_an_arxiv_id_nor_the_entry_name() -> None:
    assert names_paper("A Real Title")
    assert not names_paper("arXiv 2401.00001") and not names_paper("2401.00001v2") and not names_paper("pdf")
    assert not names_paper("CogVLM", "CogVLM")


def test_a_demo_title_is_not_the_space_id_nor_a_space_alt_text() -> None:
    assert names_demo("Try the chat", "o/d")
    assert not names_demo("o/d", "o/d") and not names_demo("Hugging Face Space demo", "o/d")


def test_a_venue_is_a_short_bracketed_suffix_with_a_year() -> None:
    assert venue_of("(arXiv 2024, CVPR 2024)") == "CVPR 2024"
    assert venue_of(" (CVPR'24)") == "CVPR'24"
    assert venue_of("(some words)") is None and venue_of("CVPR 2024") is None
