"""The span of a whole link around a URL written on a line: ``[text](url)``, ``![alt](url)``, ``<url>``,
``<a …>…</a>`` or a bare URL, by matching brackets in the raw text."""

from __future__ import annotations

import re


def _matching_open(line: str, close: int) -> int | None:
    """Index of the ``[`` that the ``]`` at ``close`` closes."""
    depth = 0
    for i in range(close, -1, -1):
        if line[i] in "[]" and i > 0 and line[i - 1] == "\\":
            continue
        if line[i] == "]":
            depth += 1
        elif line[i] == "[":
            depth -= 1
            if depth == 0:
                return i
    return None


def _matching_close(line: str, open_paren: int) -> int | None:
    depth = 0
    angle = False
    for i in range(open_paren, len(line)):
        char = line[i]
        if char == "\\":
            continue
        if char == "<" and i == open_paren + 1:
            angle = True
        elif char == ">" and angle:
            angle = False
        elif angle:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def link_span(line: str, start: int, end: int, kind: str) -> tuple[int, int] | None:
    """The whole link around the URL written at ``start:end``: ``[text](url)``, ``<url>``, ``<a …>…</a>``."""
    if line[max(0, start - 2) : start] == "](" or line[max(0, start - 3) : start] == "](<":
        paren = line.rfind("(", 0, start)
        first = _matching_open(line, paren - 1)
        last = _matching_close(line, paren)
        if first is not None and last is not None:
            if first > 0 and line[first - 1] == "!":
                first -= 1
            return first, last
        return None
    if line[start - 1 : start] == "<" and line[end : end + 1] == ">":
        return start - 1, end + 1
    if kind == "html-a" or re.search(r"href\s*=\s*[\"']?$", line[:start], re.IGNORECASE):
        open_at = max(line.lower().rfind("<a ", 0, start), line.lower().rfind("<a\t", 0, start))
        close_at = line.lower().find("</a>", end)
        if open_at >= 0 and close_at >= 0:
            return open_at, close_at + 4
        return None
    if kind == "bare":
        return start, end
    return None
