"""The block structure of a Markdown file from markdown-it-py's tokens (CommonMark + tables, no linkify): code
and HTML-block lines, the code a file holds, and the list items and table body rows a removal takes whole."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from listkeeper.mdtokens import with_table_head


@functools.lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark with tables: the block structure (the link extractor decides what a link is)."""
    return MarkdownIt("commonmark").enable("table")


def code_texts(tokens: Sequence[Token]) -> Counter[str]:
    found: Counter[str] = Counter()
    for token in tokens:
        if token.type in ("fence", "code_block"):
            found[token.content] += 1
        for child in token.children or []:
            if child.type == "code_inline":
                found[child.content] += 1
    return found


def containers(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """(first line, end line, kind) of every list item and table body row, 0-based, end exclusive."""
    out = []
    for token, in_head in with_table_head(tokens):
        if token.map is not None and (token.type == "list_item_open" or (token.type == "tr_open" and not in_head)):
            out.append((token.map[0], token.map[1], "item" if token.type == "list_item_open" else "row"))
    return out


def innermost(containers: Sequence[tuple[int, int, str]], line: int) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for first, end, _kind in containers:
        if first <= line < end and (best is None or end - first <= best[1] - best[0]):
            best = (first, end)
    return best


def code_lines(tokens: Sequence[Token]) -> set[int]:
    out: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block", "html_block") and token.map is not None:
            out.update(range(token.map[0], token.map[1]))
    return out
