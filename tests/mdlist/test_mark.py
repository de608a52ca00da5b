"""Marking one dead link on its line by the policy, once."""

from __future__ import annotations

from datetime import date

from listkeeper.links.extract import extract_markdown
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.mdlist.lines import FileEdit, split_lines
from listkeeper.mdlist.mark import mark_link
from listkeeper.mdlist.policy import Policy
from listkeeper.subjects import Subject
from tests.mdlist.conftest import TODAY, dead

SINCE = date(2026, 11, 28)


def _mark(text: str, policy: Policy) -> tuple[list[bool], str]:
    edit = FileEdit("R.md", split_lines(text))
    edit.links = extract_markdown(text, "R.md")
    results = [mark_link(edit, link, {}, policy, SINCE) for link in edit.links for _twice in range(2)]
    return results, "\n".join(edit.lines)


def test_a_link_is_marked_once_and_a_bare_url_becomes_an_autolink() -> None:
    results, text = _mark("[a](https://a.example) and https://b.example\n", Policy())
    assert results == [True, False, True, False]
    assert text == (
        "~~[a](https://a.example)~~ (dead since 2026-11-28) and ~~<https://b.example>~~ (dead since 2026-11-28)\n"
    )


def test_the_comment_policy_puts_the_comment_after_the_link() -> None:
    results, text = _mark("- [a](https://a.example) text\n", Policy(dead="comment", comment="<!-- {url} {date} -->"))
    assert results == [True, False]
    assert text == "- [a](https://a.example) <!-- https://a.example 2026-11-28 --> text\n"


def test_dead_links_in_html_blocks_get_html_marks() -> None:
    gone = dead(Subject("url", "https://gone.example/a"))
    text = (
        '<p align="center">\n  <a href="https://gone.example/a">A</a>\n  <img src="https://gone.example/a">  \n</p>\n'
    )
    out, changes = edit_markdown({"R.md": text}, [gone], today=TODAY)
    # Markdown is not read inside an HTML block: <del> instead of ~~, and an image gets a comment at the line's end
    # (before its trailing spaces).
    assert out["R.md"] == (
        '<p align="center">\n  <del><a href="https://gone.example/a">A</a></del> (dead since 2026-11-28)\n'
        '  <img src="https://gone.example/a"> <!-- listkeeper: dead since 2026-11-28 -->  \n</p>\n'
    )
    assert [c.line for c in changes] == [2, 3]
    assert edit_markdown(out, [gone], today=TODAY) == ({}, [])


def test_a_bare_url_and_a_link_to_it_on_one_line_are_each_marked_in_their_own_form() -> None:
    """Every occurrence on the line was marked in the form of the line's first link: after a bare URL, the link
    became ``~~<[gh](…)>~~`` and the next run marked it again; before it, the bare URL stayed unmarked.
    Found by the robustness test."""
    gone = [dead(Subject.parse("gh:o/r"))]
    day = "2026-11-28"
    for text, expected in [
        (
            "see https://github.com/o/r or [gh](https://github.com/o/r)\n",
            f"see ~~<https://github.com/o/r>~~ (dead since {day}) or "
            f"~~[gh](https://github.com/o/r)~~ (dead since {day})\n",
        ),
        (
            "[gh](https://github.com/o/r) or https://github.com/o/r\n",
            f"~~[gh](https://github.com/o/r)~~ (dead since {day}) or ~~<https://github.com/o/r>~~ (dead since {day})\n",
        ),
    ]:
        files, _ = edit_markdown({"l.md": text}, gone, today=TODAY)
        assert files["l.md"] == expected
        assert edit_markdown(files, gone, today=TODAY) == ({}, [])  # marked once, not again
