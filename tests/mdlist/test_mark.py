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
