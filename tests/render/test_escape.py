from __future__ import annotations

import html
import re

import pytest

from listkeeper.links.extract import extract_markdown
from listkeeper.render.escape import (
    defang_mentions,
    escape_block,
    escape_destination,
    escape_heading,
    escape_inline,
    escape_url,
    link,
)
from tests.render.conftest import parse, walk

NASTY = [
    "a | b",
    "line one\nline two\r\nthree",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "*bold* and _em_ and **strong** and ~~gone~~",
    "`code` and ``double``",
    "back\\slash\\",
    "&lt;not a tag&gt; &amp; & &#60;",
    "<https://autolink.example>",
    "<!-- comment -->",
    "C# & F#",
    "trailing two spaces  ",
    "$x^2$ math",
    "a\x00b\x07c",
    "snake_case_name, _em_, __init__, a__b__c, x_ y, ü_ü_",
    "<5B & >9B, AT&T, R&D; x <y, tom&jerry; end&",
    "a <b c</i <!x <?y z<",
]


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", "", text)).strip()


@pytest.mark.parametrize("text", NASTY)
def test_inline_renders_literally(text: str) -> None:
    tokens = parse(escape_inline(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    children = walk(tokens[1].children or [])
    assert {c.type for c in children} <= {"text"}, children
    assert "".join(c.content for c in children) == _collapse(text)


@pytest.mark.parametrize("text", NASTY)
def test_inline_in_a_table_cell_stays_one_cell(text: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| {escape_inline(text)} | end |\n"
    tokens = parse(table)
    cells = [i for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 2
    cell = tokens[cells[0] + 1]
    assert {c.type for c in walk(cell.children or [])} <= {"text"}
    assert "".join(c.content for c in walk(cell.children or [])) == _collapse(text)
    assert tokens[cells[1] + 1].content == "end"


def test_inline_keeps_intraword_underscores_readable() -> None:
    assert escape_inline("Bunny-v1_0-3B") == "Bunny-v1_0-3B"
    assert escape_inline("_x_ a_") == "\\_x\\_ a\\_"


def test_inline_escapes_html_as_entities() -> None:
    assert escape_inline("<b>&") == "&lt;b&gt;&amp;"
    assert escape_inline("&lt; &#60; &#x3c;") == "&amp;lt; &amp;#60; &amp;#x3c;"


def test_inline_leaves_harmless_ampersands_and_brackets_readable() -> None:
    # An entity only where the character could start markup or an entity; the source reads like the text.
    assert escape_inline("CogVLM & CogAgent demo") == "CogVLM & CogAgent demo"
    assert escape_inline("<5B") == "<5B"
    assert escape_inline("a < b, c > d") == "a < b, c &gt; d"
    assert escape_inline("a|b") == "a\\|b"
    assert escape_inline("x\n\ny") == "x y"


@pytest.mark.parametrize(
    "text",
    [
        "# heading",
        "## not a heading either #",
        "- a list",
        "+ a list",
        "* a list",
        "1. ordered",
        "2) ordered",
        "> quote",
        "    indented code",
        "---",
        "===",
        "```\nfence\n```",
        "~~~",
        "| a | b |\n| - | - |",
        "<div>block</div>",
        "para\n---",
        "para\n===",
    ],
)
def test_block_cannot_open_a_block(text: str) -> None:
    tokens = parse(escape_block(text))
    assert {t.type for t in tokens} <= {"paragraph_open", "inline", "paragraph_close"}, [t.type for t in tokens]
    rendered = "\n".join("".join(c.content for c in walk(t.children or [])) for t in tokens if t.type == "inline")
    assert rendered == _collapse(text)


def test_block_keeps_paragraphs() -> None:
    text = "First *one*\nwrapped.\n\n\n# Second\n   \n- third"
    tokens = parse(escape_block(text))
    paragraphs = ["".join(c.content for c in walk(t.children or [])) for t in tokens if t.type == "inline"]
    assert paragraphs == ["First *one* wrapped.", "# Second", "- third"]


def test_heading_text_keeps_hashes() -> None:
    tokens = parse("## " + escape_heading("C# #"))
    assert tokens[0].type == "heading_open"
    assert tokens[1].content.replace("\\", "") == "C# #"
    assert "".join(c.content for c in tokens[1].children or []) == "C# #"


def _href(markdown: str) -> str:
    links = [t for t in walk(parse(markdown)) if t.type == "link_open"]
    assert len(links) == 1, markdown
    return str(links[0].attrs["href"])


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://example.org/(x)", "https://example.org/%28x%29"),
        ('https://example.org/"<x>"', "https://example.org/%22%3Cx%3E%22"),
        ("https://example.org/a|b`c\\d", "https://example.org/a%7Cb%60c%5Cd"),
        ("https://example.org/?a=1&lt;b=2", "https://example.org/?a=1&lt;b=2"),
        ("https://example.org/?a=1&b=2&c", "https://example.org/?a=1&b=2&c"),
        ("https://example.org/%20already", "https://example.org/%20already"),
        ("https://example.org/ü", "https://example.org/%C3%BC"),
        ("#anchor", "#anchor"),
    ],
)
def test_url_destination(url: str, href: str) -> None:
    destination = escape_url(url)
    assert not set(destination) & set(' ()<>"|`\\')
    assert _href(f"[t]({destination})") == href
    # Inside a table cell too.
    assert _href(f"| a |\n| - |\n| [t]({destination}) |") == href


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "file:///etc"])
def test_url_refuses_other_schemes(url: str) -> None:
    with pytest.raises(ValueError, match="only http"):
        escape_url(url)


def test_link_text_cannot_nest_a_link() -> None:
    md = link("[x](javascript:alert(1))", "https://example.org/")
    tokens = walk(parse(md))
    links = [t for t in tokens if t.type == "link_open"]
    assert [t.attrs["href"] for t in links] == ["https://example.org/"]
    assert "".join(t.content for t in tokens if t.type == "text") == "[x](javascript:alert(1))"


def test_defang_mentions() -> None:
    text = "thanks @octocat and @org/team, mail me@example.org, see #12 and owner/repo#34 and GH-5; C# stays"
    out = defang_mentions(text)
    assert "@octocat" not in out and "@\u200boctocat" in out
    assert "@\u200borg/team" in out
    assert "me@example.org" in out
    assert "#\u200b12" in out and "repo#\u200b34" in out and "GH-\u200b5" in out
    assert "C# stays" in out
    assert out.replace("\u200b", "") == text
    # Escaping afterwards keeps the break (it is a character, not an entity that escaping would spoil).
    assert "\u200b" in escape_inline(out)
    assert html.unescape(escape_inline(defang_mentions("@a"))) == "@\u200ba"


@pytest.mark.parametrize(
    "url",
    [
        "https://zh.wikipedia.org/wiki/视觉语言模型",
        "https://例子.测试/页面",
        "https://en.wikipedia.org/wiki/Transformer_(deep_learning_architecture)",
        "https://example.org/a|b`c<d>e",
        "https://example.org/?q[]=1&amp;x=&lt;",
        "https://example.org/back\\slash\\*",
        "https://example.org/a)b(",
    ],
)
def test_a_destination_parses_back_to_the_url_as_written_in_text_and_in_a_table(url: str) -> None:
    destination = escape_destination(url)
    paragraph = f"[x]({destination})\n"
    table = f"| a | b |\n|---|---|\n| [x]({destination}) | y |\n"
    for text in (paragraph, table):
        assert [link.url for link in extract_markdown(text, "f.md")] == [url], text
    assert not set(" \n") & set(destination)
    with pytest.raises(ValueError):
        escape_destination("javascript:alert(1)")
