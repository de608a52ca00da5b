"""Reading markdown-it-py token streams where the importer and Markdown mode need the same answer: which tokens of a
table sit in its header (the header row is never an entry, never a row to remove)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from markdown_it.token import Token


def with_table_head(tokens: Iterable[Token]) -> Iterator[tuple[Token, bool]]:
    """Each token with whether it is inside a table header (between ``thead_open`` and ``thead_close``)."""
    in_head = False
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        yield token, in_head
