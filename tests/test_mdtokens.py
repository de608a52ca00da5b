"""The shared token walk: which tokens of a table are its header."""

from __future__ import annotations

from markdown_it import MarkdownIt

from listkeeper.mdtokens import with_table_head


def test_header_tokens_are_flagged_and_body_rows_are_not() -> None:
    tokens = MarkdownIt("commonmark").enable("table").parse("| h |\n|---|\n| a |\n| b |\n\n- [x](https://x.example)\n")
    flagged = [
        (token.type, in_head) for token, in_head in with_table_head(tokens) if token.type in ("tr_open", "inline")
    ]
    assert flagged == [
        ("tr_open", True),
        ("inline", True),
        ("tr_open", False),
        ("inline", False),
        ("tr_open", False),
        ("inline", False),
        ("inline", False),  # the list after the table
    ]
