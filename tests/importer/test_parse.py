"""The parser's own behaviour: Markdown → sections, blocks and links with their lines (no builder involved)."""

from __future__ import annotations

from listkeeper.importer.model import BulletList, Html, Paragraph, Table
from listkeeper.importer.parse import parse


def test_headings_nest_by_level_and_keep_their_lines_and_anchors() -> None:
    doc = parse("intro\n\n# Title\n\n## A b\n\ntext\n\n### Deep\n\n## C, d!\n")
    root = doc.root
    assert root.level == 0 and [type(b) for b in root.blocks] == [Paragraph]
    (title,) = root.children
    assert (title.level, title.title.text, title.line) == (1, "Title", 3)
    assert [(s.title.text, s.line, s.anchor) for s in title.children] == [("A b", 5, "a-b"), ("C, d!", 11, "c-d")]
    assert [s.title.text for s in title.children[0].children] == ["Deep"]
    assert [s.title.text for s in root.walk()] == ["", "Title", "A b", "Deep", "C, d!"]


def test_a_link_line_has_a_lead_its_text_and_only_filler_around_it() -> None:
    doc = parse("[CogVLM](https://github.com/THUDM/CogVLM) - a visual expert, see [paper](https://arxiv.org/abs/1)\n")
    (block,) = doc.root.blocks
    assert isinstance(block, Paragraph)
    inline = block.inline
    assert inline.lead is not None and inline.lead.url == "https://github.com/THUDM/CogVLM"
    assert inline.after_lead == "- a visual expert, see"
    assert inline.text == "CogVLM - a visual expert, see paper"
    assert not inline.filler_only  # words outside the links
    assert [(r.url, r.text, r.how) for r in doc.refs] == [
        ("https://github.com/THUDM/CogVLM", "CogVLM", "link"),
        ("https://arxiv.org/abs/1", "paper", "link"),
    ]
    only_links = parse("[a](https://a.example) | [b](https://b.example)\n").root.blocks[0]
    assert isinstance(only_links, Paragraph) and only_links.inline.filler_only


def test_words_before_a_link_are_its_prefix_and_a_bold_opening_is_a_name() -> None:
    (prefixed,) = parse("Paper: [Title](https://arxiv.org/abs/2)\n").root.blocks
    assert isinstance(prefixed, Paragraph)
    assert prefixed.inline.prefix == "Paper:" and prefixed.inline.lead is None
    (bold,) = parse("**Qwen-VL**: a model [code](https://github.com/QwenLM/Qwen-VL)\n").root.blocks
    assert isinstance(bold, Paragraph)
    assert bold.inline.lead_strong == "Qwen-VL" and bold.inline.after_lead == ": a model"


def test_a_badge_is_a_ref_with_its_alt_text_and_its_image_is_decoration() -> None:
    text = "[![Star](https://img.shields.io/github/stars/o/n?style=social)](https://github.com/o/n)\n"
    doc = parse(text)
    (ref,) = doc.refs
    assert (ref.url, ref.text, ref.badge) == ("https://github.com/o/n", "Star", True)
    assert [b.url for b in doc.badge_images] == ["https://img.shields.io/github/stars/o/n?style=social"]
    assert "https://img.shields.io/github/stars/o/n?style=social" in doc.unlinked
    (block,) = doc.root.blocks
    assert isinstance(block, Paragraph) and block.inline.badges == 1 and block.inline.lead is None


def test_code_comments_and_definitions_are_not_links_but_are_noted() -> None:
    text = (
        "`https://code.example/a`\n\n```\nhttps://fence.example/b\n```\n\n<!-- https://comment.example/c -->\n\n"
        '[use][r]\n\n[r]: https://def.example/d "https://title.example/e"\n'
    )
    doc = parse(text)
    assert [r.url for r in doc.refs] == ["https://def.example/d"]  # the use is the link, at its own line
    assert doc.refs[0].line == 9
    for url in ("code.example/a", "fence.example/b", "comment.example/c", "def.example/d", "title.example/e"):
        assert any(url in text for text in doc.unlinked), url


def test_local_images_mailto_and_anchors_are_skipped_or_kept_as_anchors() -> None:
    doc = parse("![fig](./img/x.png) [mail](mailto:a@b.c) [up](#top) [w](https://w.example)\n")
    assert [(s.target, s.what) for s in doc.skipped] == [("./img/x.png", "image"), ("mailto:a@b.c", "link")]
    (block,) = doc.root.blocks
    assert isinstance(block, Paragraph) and block.inline.anchors == ["#top"]
    assert [r.url for r in doc.refs] == ["https://w.example"]


def test_tables_have_a_header_and_rows_with_their_lines() -> None:
    text = "| Model | Paper |\n|---|---|\n| [A](https://a.example) | [p](https://arxiv.org/abs/3) |\n| B | - |\n"
    (table,) = parse(text).root.blocks
    assert isinstance(table, Table)
    assert [c.text for c in table.header] == ["Model", "Paper"]
    assert [(row.line, [c.text for c in row.cells]) for row in table.rows] == [(3, ["A", "p"]), (4, ["B", "-"])]
    assert [r.url for r in table.rows[0].cells[1].links] == ["https://arxiv.org/abs/3"]


def test_bullets_nest_and_quotes_are_read_through() -> None:
    text = "- [A](https://a.example)\n  - child [c](https://c.example)\n- B\n\n> [q](https://q.example)\n"
    blocks = parse(text).root.blocks
    assert [type(b) for b in blocks] == [BulletList, Paragraph]
    bullets = blocks[0]
    assert isinstance(bullets, BulletList)
    first, second = bullets.items
    assert (first.line, first.inline.text, second.inline.text) == (1, "A", "B")
    assert [(c.line, c.inline.text) for c in first.children] == [(2, "child c")]
    quote = blocks[1]
    assert isinstance(quote, Paragraph) and quote.line == 5 and quote.inline.links[0].url == "https://q.example"


def test_html_blocks_are_read_tag_by_tag() -> None:
    text = (
        '<p align="center">\n  <a href="https://a.example"><img src="https://fig.example/f.png" alt="Fig"></a>\n</p>\n'
    )
    doc = parse(text)
    (block,) = doc.root.blocks
    assert isinstance(block, Html) and block.line == 1
    (ref,) = doc.refs
    assert (ref.url, ref.text, ref.badge, ref.how, ref.line) == ("https://a.example", "Fig", True, "html", 2)
    standalone = parse('<div><img src="https://fig.example/g.png" alt="G"></div>\n')
    assert [(r.url, r.text, r.how) for r in standalone.refs] == [("https://fig.example/g.png", "G", "image")]
