"""The span of the whole link around a URL on its line."""

from __future__ import annotations

import pytest

from listkeeper.mdlist.spans import close_below, link_span

LINE = (
    "see [a [b]](https://x.example/(y)) and ![i](<https://i.example/p>) <https://z.example> "
    '<a href="https://h.example">H</a> https://bare.example'
)


@pytest.mark.parametrize(
    ("url", "kind", "written"),
    [
        ("https://x.example/(y)", "inline", "[a [b]](https://x.example/(y))"),
        ("https://i.example/p", "image", "![i](<https://i.example/p>)"),
        ("https://z.example", "autolink", "<https://z.example>"),
        ("https://h.example", "html-a", '<a href="https://h.example">H</a>'),
        ("https://bare.example", "bare", "https://bare.example"),
    ],
)
def test_the_whole_link_is_found_by_its_brackets(url: str, kind: str, written: str) -> None:
    start = LINE.index(url)
    span = link_span(LINE, start, start + len(url), kind)
    assert span is not None and LINE[span[0] : span[1]] == written


def test_a_link_whose_brackets_are_not_on_the_line_has_no_span() -> None:
    line = "  title](https://x.example) and <a href='https://h.example'>open"
    start = line.index("https://x.example")
    assert link_span(line, start, start + len("https://x.example"), "inline") is None
    start = line.index("https://h.example")
    assert link_span(line, start, start + len("https://h.example"), "html-a") is None


def test_a_destination_after_a_space_is_still_the_links() -> None:
    line = "* [phrases]( https://r.example/p.html)"
    start = line.index("https://")
    assert link_span(line, start, start + len("https://r.example/p.html"), "inline") == (2, len(line))


def test_a_destination_that_closes_on_a_later_line_is_found_there() -> None:
    bodies = ["  - **[course](https://c.example/1297", "    )**: text", "next"]
    assert close_below(bodies, bodies[0].index("https://")) == (1, len("    )"))
    assert close_below(["[a](https://c.example/x) more", "x)"], 4) is None  # closed on its own line
    assert close_below(["see https://c.example/x", ")"], 4) is None  # not a link destination


def test_an_escaped_angle_bracket_is_no_autolink() -> None:
    """``\\<https://…>`` is text then a bare URL (GFM linkify): its span is the URL alone; marking it as an
    autolink gave ``~~<<url>>~~`` and a second mark on the next run. Found by the robustness test."""
    line = r"see \<https://auto.example/> here"
    start = line.index("https://")
    end = start + len("https://auto.example/")
    assert link_span(line, start, end, "bare") == (start, end)
    assert link_span(r"see \\<https://auto.example/>", start + 1, end + 1, "autolink") == (start, end + 2)


def test_a_bare_url_after_an_escaped_bracket_is_the_url_alone() -> None:
    r"""``\[![b](img)](https://…)``: the parser reads an image, then text with a bare URL; the bracket scan took
    ``[…](https://…)`` for the link and marked it twice over two runs. Found by the robustness test."""
    line = r"- ([[hf](https://hf.example/m)\[![b](https://img.example/b.png)](https://github.com/o/r)"
    start = line.index("https://github.com")
    end = len(line)
    assert link_span(line, start, end, "bare") == (start, end)
