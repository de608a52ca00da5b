"""Inline content → Inline: the lead link, the bold name, badges, and what the collector is told."""

from __future__ import annotations

from markdown_it.token import Token

from listkeeper.importer.inline import Collector
from listkeeper.importer.parse import markdown


def _inline(text: str) -> tuple[Collector, Token]:
    tokens = markdown().parse(text)
    return Collector(), next(t for t in tokens if t.type == "inline")


def test_a_badge_before_the_name_neither_names_the_line_nor_ends_its_lead() -> None:
    doc, token = _inline(
        "[![arXiv](https://img.shields.io/badge/arXiv-1-red)](https://arxiv.org/abs/1) [Name](https://n.example) text\n"
    )
    inline = doc.inline(token)
    assert inline.lead is not None and (inline.lead.url, inline.lead.text) == ("https://n.example", "Name")
    assert inline.badges == 1 and inline.after_lead == "text"
    assert [(r.url, r.badge) for r in doc.refs] == [("https://arxiv.org/abs/1", True), ("https://n.example", False)]


def test_words_before_the_first_link_close_the_lead_window() -> None:
    doc, token = _inline("See [Name](https://n.example)\n")
    inline = doc.inline(token)
    assert inline.lead is None and inline.prefix == "See"


def test_bold_inside_a_link_is_not_a_name_and_link_text_urls_are_unlinked() -> None:
    doc, token = _inline("[**B** https://text.example](https://n.example)\n")
    inline = doc.inline(token)
    assert inline.lead_strong is None and inline.lead is not None
    assert doc.unlinked == ["B https://text.example"]


def test_inline_html_links_keep_their_line_and_how() -> None:
    doc, token = _inline('x <a href="https://h.example">H</a>\nand <a href="https://i.example">I</a>\n')
    doc.inline(token)
    assert [(r.url, r.line, r.how) for r in doc.refs] == [
        ("https://h.example", 1, "html"),
        ("https://i.example", 2, "html"),
    ]


def test_an_html_block_is_one_inline() -> None:
    tokens = markdown().parse('<div>\n<a href="https://a.example">A</a> and <a href="mailto:x@y.z">m</a>\n</div>\n')
    doc = Collector()
    inline = doc.html_block(tokens[0])
    assert [r.url for r in inline.links] == ["https://a.example"] and inline.text == "A and m"
    assert [(s.target, s.line) for s in doc.skipped] == [("mailto:x@y.z", 2)]
