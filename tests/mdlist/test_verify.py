"""The check before anything is written: exactly the expected links, the same code."""

from __future__ import annotations

import pytest

from listkeeper.errors import EditError
from listkeeper.links.extract import extract_markdown
from listkeeper.mdlist import blocks
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.mdlist.lines import FileEdit, split_lines
from listkeeper.mdlist.policy import Policy
from listkeeper.mdlist.verify import verify
from listkeeper.subjects import Subject
from tests.mdlist.conftest import TODAY, dead

TEXT = "- [a](https://a.example)\n- [b](https://b.example) `code`\n"


def _edit(text: str) -> FileEdit:
    edit = FileEdit("R.md", split_lines(text))
    edit.links = extract_markdown(text, "R.md")
    edit.tokens = blocks.parser().parse(text)
    return edit


def test_removed_lines_go_and_the_rest_is_the_result() -> None:
    edit = _edit(TEXT)
    edit.removed = {0}
    assert verify(TEXT, edit, []) == "- [b](https://b.example) `code`\n"


def test_a_changed_code_span_is_refused() -> None:
    edit = _edit(TEXT)
    edit.set_body(1, "- [b](https://b.example) `kode`")
    with pytest.raises(EditError, match=r"^R\.md: the edit would change code"):
        verify(TEXT, edit, [])


def test_a_lost_link_is_refused_with_its_line() -> None:
    edit = _edit(TEXT)
    edit.set_body(1, "- b")
    with pytest.raises(EditError, match=r"^R\.md:2: the edit would change other links"):
        verify(TEXT, edit, [])


def test_an_edit_that_would_add_a_link_is_refused_with_file_and_line() -> None:
    text = "# L\n\n- [Gone](https://gone.example/x)\n"
    policy = Policy(dead="mark", mark="{link} (dead, see https://archive.example/{date})")
    with pytest.raises(EditError, match=r"^R\.md:3: the edit would change other links"):
        edit_markdown({"R.md": text}, [dead(Subject("url", "https://gone.example/x"))], policy=policy, today=TODAY)


def test_a_link_turned_into_text_is_refused_though_its_url_stays() -> None:
    edit = _edit(TEXT)
    edit.lines[0] = "- \\[a](https://a.example)"  # text with a bare URL in it: the same URL, not the same link
    with pytest.raises(EditError, match=r"^R\.md:1: .*missing: \['https://a\.example \(inline\)'\]"):
        verify(TEXT, edit, [])
    # A bare URL marked dead is written as an autolink: the same form.
    bare = "- https://a.example\n- [b](https://b.example) `code`\n"
    edit2 = _edit(bare)
    edit2.lines[0] = "- ~~<https://a.example>~~ (dead)"
    assert verify(bare, edit2, []).startswith("- ~~<https://a.example>~~ (dead)\n")
