"""The block structure Markdown mode edits around: containers to remove whole, code and HTML lines, code."""

from __future__ import annotations

from listkeeper.mdlist import blocks

TEXT = "- a\n  - b\n\n| h |\n|---|\n| r |\n\n```\ncode `x`\n```\n<div>\nx\n</div>\n\nsee `y`\n"


def test_list_items_and_table_body_rows_are_containers_and_the_innermost_wins() -> None:
    tokens = blocks.parser().parse(TEXT)
    containers = blocks.containers(tokens)
    assert containers == [(0, 3, "item"), (1, 3, "item"), (5, 6, "row")]  # the header row is not one
    assert blocks.innermost(containers, 1) == (1, 3) and blocks.innermost(containers, 0) == (0, 3)
    assert blocks.innermost(containers, 3) is None


def test_code_and_html_lines_and_the_code_a_file_holds() -> None:
    tokens = blocks.parser().parse(TEXT)
    assert blocks.code_lines(tokens) == set(range(7, 13))
    assert blocks.code_texts(tokens) == {"code `x`\n": 1, "y": 1}
