"""Lines edited byte-exactly, and where a URL is written on a line."""

from __future__ import annotations

import pytest

from listkeeper.errors import EditError
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.mdlist.lines import FileEdit, line_body, locate, occurrences, split_lines
from listkeeper.subjects import Subject
from tests.mdlist.conftest import TODAY, moved


def test_a_crlf_line_keeps_its_cr_through_an_edit() -> None:
    edit = FileEdit("R.md", split_lines("a\r\nb\n"))
    assert edit.lines == ["a\r", "b", ""] and line_body(edit.lines[0]) == ("a", "\r")
    edit.set_body(0, "changed")
    assert edit.lines[0] == "changed\r"


def test_occurrences_are_whole_urls_outside_code_spans() -> None:
    line = "`https://a.example` https://a.example https://a.example/b https://a.examplex (https://a.example)."
    assert [start for start, _end, _s in occurrences(line, "https://a.example")] == [20, line.rindex("https")]
    escaped = "<a href=https://a.example?x=1&amp;y=2>"
    assert occurrences(escaped, "https://a.example?x=1&y=2") == [(8, 37, "https://a.example?x=1&amp;y=2")]


def test_locate_looks_a_few_lines_on_for_a_wrapped_link_and_else_names_file_and_line() -> None:
    lines = ["- [a long", "  title](https://x.example)"]
    assert locate(lines, 0, "https://x.example", "R.md") == (1, [(9, 26, "https://x.example")])
    with pytest.raises(EditError, match=r"^R\.md:1: cannot find the bytes of https://y\.example"):
        locate(lines, 0, "https://y.example", "R.md")


def test_a_url_written_with_escapes_is_refused_not_guessed() -> None:
    text = "# L\n\n[a](https://old.example/a\\_b)\n"
    old = Subject("url", "https://old.example/a_b")
    with pytest.raises(EditError, match=r"^R\.md:3: cannot find the bytes"):
        edit_markdown({"R.md": text}, [moved(old, Subject("url", "https://new.example/"))], today=TODAY)
