"""The span of a whole link around a URL written on a line: ``[text](url)``, ``![alt](url)``, ``<url>``,
``<a …>…</a>`` or a bare URL, by matching brackets in the raw text."""

from __future__ import annotations

import re
from collections.abc import Sequence


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


def _escaped(line: str, at: int) -> bool:
    """Whether the character at ``at`` is backslash-escaped (an odd number of backslashes before it)."""
    backslashes = len(line[:at]) - len(line[:at].rstrip("\\"))
    return backslashes % 2 == 1


def link_span(line: str, start: int, end: int, kind: str) -> tuple[int, int] | None:
    """The whole link around the URL written at ``start:end``: ``[text](url)``, ``<url>``, ``<a …>…</a>``; for a
    bare URL (the parser's word: escaped or unbalanced brackets around it make no link), the URL itself."""
    autolink = line[start - 1 : start] == "<" and line[end : end + 1] == ">" and not _escaped(line, start - 1)
    if kind == "bare":  # "<url>" once a mark has made it an autolink
        return (start - 1, end + 1) if autolink else (start, end)
    if re.search(r"\]\([ \t]*<?\Z", line[:start]):  # "[text](url)", "[text](<url>)", "[text]( url)"
        paren = line.rfind("(", 0, start)
        first = _matching_open(line, paren - 1)
        last = _matching_close(line, paren)
        if first is not None and last is not None:
            if first > 0 and line[first - 1] == "!":
                first -= 1
            return first, last
        return None
    if autolink:
        return start - 1, end + 1
    if kind == "html-a" or re.search(r"href\s*=\s*[\"']?$", line[:start], re.IGNORECASE):
        open_at = max(line.lower().rfind("<a ", 0, start), line.lower().rfind("<a\t", 0, start))
        close_at = line.lower().find("</a>", end)
        if open_at >= 0 and close_at >= 0:
            return open_at, close_at + 4
        return None
    return None


def close_below(bodies: Sequence[str], start: int) -> tuple[int, int] | None:
    """For a link destination that begins at ``start`` on ``bodies[0]`` and goes on past the line's end (its ``)``
    on a later line, as CommonMark allows): (index into ``bodies``, index just after that ``)``)."""
    body = bodies[0]
    if not re.search(r"\]\([ \t]*<?\Z", body[:start]):
        return None
    paren = body.rfind("(", 0, start)
    if _matching_close(body, paren) is not None:
        return None
    joined = body[paren:]
    for below in range(1, len(bodies)):
        offset = len(joined) + 1
        joined += "\n" + bodies[below]
        close = _matching_close(joined, 0)
        if close is not None:
            return below, close - offset
    return None
