"""Link extraction: the 55 cases of tests/fixtures/extraction (peer-specific ones skipped) plus our own rules."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from listkeeper.findings import Location
from listkeeper.links.extract import ExtractedLink, dedupe, extract_markdown, is_checkable

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extraction"


def _cases() -> list[Any]:
    cases = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))
    return [pytest.param(case, id=case["id"]) for case in cases if not case["peer_specific"]]


def _markdown(case: dict[str, Any]) -> str:
    if case.get("markdown_file"):
        return (FIXTURES / case["markdown_file"]).read_bytes().decode("utf-8")
    return case["markdown"]


def test_fixture_is_complete() -> None:
    cases = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))
    assert len(cases) == 55
    assert len(_cases()) == 48


@pytest.mark.parametrize("case", _cases())
def test_fixture_case(case: dict[str, Any]) -> None:
    urls = [link.url for link in extract_markdown(_markdown(case), "case.md") if link.kind != "empty"]
    if case["compare"] == "multiset":
        assert Counter(urls) == Counter(case["expected"])
    else:
        assert case["compare"] == "set"
        assert set(urls) == set(case["expected"])
    for url in urls:
        for excluded in case["excluded"]:
            assert not url.startswith(excluded), f"{url} was extracted but is excluded ({excluded})"


def _lines(text: str) -> list[tuple[str, int, str]]:
    return [(link.url, link.line, link.kind) for link in extract_markdown(text, "README.md")]


def test_lines_inside_a_multiline_paragraph() -> None:
    text = (
        "# Title\n"  # 1
        "\n"  # 2
        "first [a](https://a.example) line\n"  # 3
        "second `code\n"  # 4
        "span` https://b.example and [c](https://c.example\n"  # 5
        '"multi\n'  # 6
        'line title") then https://d.example\n'  # 7
        'and <a href="https://e.example">e</a> ![i](https://f.example/i.png)\n'  # 8
    )
    assert _lines(text) == [
        ("https://a.example", 3, "inline"),
        ("https://b.example", 5, "bare"),
        ("https://c.example", 5, "inline"),
        ("https://d.example", 7, "bare"),
        ("https://e.example", 8, "html-a"),
        ("https://f.example/i.png", 8, "image"),
    ]


def test_lines_in_tables_lists_quotes_and_html_blocks() -> None:
    text = (
        "| model | link |\n"  # 1
        "|---|---|\n"  # 2
        "| A | https://a.example |\n"  # 3
        "| B | [b](https://b.example) |\n"  # 4
        "\n"  # 5
        '<p align="center">\n'  # 6
        '  <a href="https://c.example">\n'  # 7
        '    <img src="https://d.example/logo.png"></a>\n'  # 8
        "</p>\n"  # 9
        "\n"  # 10
        "> quoted\n"  # 11
        "> https://e.example\n"  # 12
        "\n"  # 13
        "- item\n"  # 14
        "  - nested\n"  # 15
        "    [f](https://f.example)\n"  # 16
        "Setext https://g.example\n"  # 17 (lazy continuation of the list item paragraph)
        "\n"
        "Heading https://h.example\n"  # 19
        "---\n"  # 20
    )
    assert _lines(text) == [
        ("https://a.example", 3, "bare"),
        ("https://b.example", 4, "inline"),
        ("https://c.example", 7, "html-a"),
        ("https://d.example/logo.png", 8, "html-img"),
        ("https://e.example", 12, "bare"),
        ("https://f.example", 16, "inline"),
        ("https://g.example", 17, "bare"),
        ("https://h.example", 19, "bare"),
    ]


def test_reference_links_report_the_usage_line() -> None:
    text = "intro\n\nsee [full][r], [r][] and [r]\n\n[r]: https://ref.example 'T'\n[unused]: https://unused.example\n"
    assert _lines(text) == [("https://ref.example", 3, "reference")] * 3


def test_empty_destinations_are_reported_not_requested() -> None:
    links = extract_markdown("a [x]() b\n\n![y](<>) and [ok](https://ok.example)\n", "R.md")
    assert [(link.url, link.line, link.kind) for link in links] == [
        ("", 1, "empty"),
        ("", 3, "empty"),
        ("https://ok.example", 3, "inline"),
    ]
    assert dedupe(links) == {"https://ok.example": [Location("R.md", 3)]}


@pytest.mark.parametrize(
    "text",
    [
        "`https://span.example`",
        "``a `https://span.example` b``",
        "```\nhttps://fence.example\n[x](https://fence.example)\n```",
        "~~~md\n<a href='https://fence.example'>x</a>\n~~~",
        "para\n\n    https://indented.example\n    [x](https://indented.example)",
        "<pre>\n<a href='https://pre.example'>x</a>\n</pre>",
        "text <code>https://code.example [x](https://code.example)</code> end",
        "<!-- https://comment.example [x](https://comment.example) -->",
        "text <!-- [x](https://comment.example) --> end",
        "[https://label.example](relative/path)",
    ],
)
def test_nothing_from_code_comments_or_link_text(text: str) -> None:
    assert extract_markdown(text, "R.md") == []


def test_code_ends_where_its_tag_closes() -> None:
    text = "<code>https://no.example</code> https://yes.example <pre>x</pre> [z](https://z.example)"
    assert [link.url for link in extract_markdown(text, "R.md")] == ["https://yes.example", "https://z.example"]


def test_html_block_attributes_and_entities() -> None:
    text = (
        "<div>\n<a href='https://a.example/?x=1&amp;y=2'>a</a> https://text-in-block.example\n<img src=\"\">\n</div>\n"
    )
    assert _lines(text) == [("https://a.example/?x=1&y=2", 2, "html-a"), ("", 3, "empty")]


def test_escapes_and_entities_resolved_without_normalisation() -> None:
    text = "[a](https://A.example/p\\_q?x=1&amp;y=%20) [b](<https://b.example/with space>) https://c.example/ä\n"
    assert [link.url for link in extract_markdown(text, "R.md")] == [
        "https://A.example/p_q?x=1&y=%20",
        "https://b.example/with space",
        "https://c.example/ä",
    ]


def test_linkify_is_not_fuzzy() -> None:
    text = "Liu et.al. released model.safetensors on www.example.com; mail me@example.com; see https://ok.example.\n"
    assert [(link.url, link.kind) for link in extract_markdown(text, "R.md")] == [("https://ok.example", "bare")]


def test_skipped_schemes_and_relative_links() -> None:
    text = "[a](#frag) [b](./rel) [c](/root) [d](mailto:x@y.example) [e](ftp://f.example) [f](http:no-host)\n"
    assert extract_markdown(text, "R.md") == []


def test_autolink_is_one_link() -> None:
    assert _lines("<https://auto.example/x>\n") == [("https://auto.example/x", 1, "autolink")]


def test_dedupe_groups_locations_in_order() -> None:
    links = [
        ExtractedLink("https://a.example", "R.md", 3, "inline"),
        ExtractedLink("https://b.example", "R.md", 4, "bare"),
        ExtractedLink("https://a.example", "S.md", 1, "reference"),
    ]
    assert dedupe(links) == {
        "https://a.example": [Location("R.md", 3), Location("S.md", 1)],
        "https://b.example": [Location("R.md", 4)],
    }


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.example", True),
        ("HTTP://X.example/a", True),
        ("http://[::1]", True),
        ("http://[::1", False),
        ("mailto:a@b.example", False),
        ("//x.example", False),
        ("", False),
    ],
)
def test_is_checkable(url: str, expected: bool) -> None:
    assert is_checkable(url) is expected


def test_catalog_urls_map_refs_to_canonical_urls(tmp_path: Path) -> None:
    from listkeeper.catalog.load import load_catalog
    from listkeeper.links.extract import catalog_urls
    from listkeeper.subjects import Endpoints

    (tmp_path / "fam.yaml").write_text(
        "id: fam\n"  # 1
        "name: Fam\n"  # 2
        "entries:\n"  # 3
        "  - id: one\n"  # 4
        "    name: One\n"  # 5
        "    papers:\n"  # 6
        '      - {arxiv: "2403.18814"}\n'  # 7
        "    code: [o/repo]\n"  # 8
        "    checkpoints:\n"  # 9
        "      - {hf: o/model}\n"  # 10
        "  - id: two\n"  # 11
        "    name: Two\n"  # 12
        "    code: [o/repo]\n"  # 13
        "    links:\n"  # 14
        '      - {title: Blog, url: "https://blog.example/post"}\n',  # 15
        encoding="utf-8",
    )
    loaded = load_catalog(tmp_path, check=False)
    endpoints = Endpoints(hf="http://127.0.0.1:9/hf/", arxiv="http://127.0.0.1:9/arxiv", github="http://127.0.0.1:9/gh")
    urls = catalog_urls(loaded, endpoints)
    file = (tmp_path / "fam.yaml").as_posix()
    assert {url: [(loc.file, loc.line, loc.path) for loc in locs] for url, locs in urls.items()} == {
        "http://127.0.0.1:9/arxiv/abs/2403.18814": [(file, 7, "entries[0].papers[0].arxiv")],
        "http://127.0.0.1:9/gh/o/repo": [(file, 8, "entries[0].code[0]"), (file, 13, "entries[1].code[0]")],
        "http://127.0.0.1:9/hf/o/model": [(file, 10, "entries[0].checkpoints[0].hf")],
        "https://blog.example/post": [(file, 15, "entries[1].links[0].url")],
    }


def test_lines_after_multiline_inline_html() -> None:
    text = (
        "a\n"  # 1
        "<a\n"  # 2
        'href="https://two.example">t</a> <img\n'  # 3
        ' src="https://three.example">\n'  # 4
        "https://four.example <a href='https://five.example'>https://five.example</a>\n"  # 5
    )
    assert _lines(text) == [
        ("https://two.example", 2, "html-a"),
        ("https://three.example", 3, "html-img"),
        ("https://four.example", 5, "bare"),
        ("https://five.example", 5, "html-a"),  # the anchor's text is not linkified again
    ]


def test_badge_image_inside_a_link() -> None:
    text = (
        '[<img src="https://badge.example/b.svg">](https://t.example) [![b](https://img.example)](https://u.example)\n'
    )
    assert _lines(text) == [
        ("https://t.example", 1, "inline"),
        ("https://badge.example/b.svg", 1, "html-img"),
        ("https://u.example", 1, "inline"),
        ("https://img.example", 1, "image"),
    ]


# -- input limits (issue 10 §4) -------------------------------------------------------------------------------


def test_links_nested_deeper_than_the_parser_follows_are_found_not_dropped() -> None:
    """5,000 nested quotes lost their link (0 of 1), 2,000 nested list items kept 9 of 2,000."""
    quotes = "> " * 5000 + "[x](https://a.example/deep)\n\n[y](https://a.example/top)\n"
    links = extract_markdown(quotes, "q.md")
    assert [(link.url, link.line, link.kind) for link in links] == [
        ("https://a.example/deep", 1, "deep"),
        ("https://a.example/top", 3, "inline"),
    ]
    items = "".join(
        "  " * i + f"- item [l{i}](https://b.example/{i}) (see <https://c.example/{i}>)\n" for i in range(2000)
    )
    links = extract_markdown(items, "l.md")
    assert [link.url for link in links[::2]] == [f"https://b.example/{i}" for i in range(2000)]
    assert [link.url for link in links[1::2]] == [f"https://c.example/{i}" for i in range(2000)]
    assert [link.line for link in links[::2]] == list(range(1, 2001))
    assert {link.kind for link in links[40:]} == {"deep"} and {link.kind for link in links[:10]} != {"deep"}


def test_a_shallow_document_is_never_scanned_raw() -> None:
    """Reference definitions and code are not links read by a raw scan when the parser reached every block."""
    text = "> > quote [a](https://a.example/)\n\n[ref]: https://b.example/\n\n    https://code.example/\n"
    assert [(link.url, link.kind) for link in extract_markdown(text, "s.md")] == [("https://a.example/", "inline")]


def test_more_links_than_the_limit_is_a_usage_error() -> None:
    from listkeeper.config import LimitsConfig
    from listkeeper.errors import UsageError

    text = "".join(f"- <https://a.example/{i}>\n" for i in range(11))
    assert len(extract_markdown(text, "big.md", LimitsConfig(links_per_file=11))) == 11
    with pytest.raises(UsageError, match=r"big\.md: more than 10 links, the limit \(\[limits\] links_per_file\)"):
        extract_markdown(text, "big.md", LimitsConfig(links_per_file=10))
