"""A Markdown file as lines to edit byte-exactly (a CRLF line keeps its ``\\r``, which edits never touch), where a
URL is written on a line (outside code spans, as a whole URL), and the :class:`FileEdit` being made of them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from listkeeper.errors import EditError
from listkeeper.links.extract import ExtractedLink
from listkeeper.mdlist.change import MdChange

_URL_CHAR = re.compile(r"[A-Za-z0-9/\-_~%+=&@$*#?]")
_UNQUOTED_ATTR = re.compile(r"\b(?:href|src)[ \t]*=$", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)")


def split_lines(text: str) -> list[str]:
    """Lines without their ``\\n`` (a CRLF line keeps its ``\\r``, which edits never touch)."""
    return text.split("\n")


def join_lines(lines: Sequence[str]) -> str:
    """The text of ``lines`` (as :func:`split_lines` gives them, some maybe removed). When the file's last line was
    removed, the line now last loses its line ending: all of it, the ``\r`` of a CRLF too (no bare CR)."""
    text = "\n".join(lines)
    return text[:-1] if text.endswith("\r") else text


def line_body(line: str) -> tuple[str, str]:
    """A line's content and its ``\\r`` (if any)."""
    return (line[:-1], "\r") if line.endswith("\r") else (line, "")


def _code_ranges(line: str) -> list[tuple[int, int]]:
    return [match.span() for match in _CODE_SPAN.finditer(line)]


def _continues(line: str, end: int) -> bool:
    """True when the URL that ends at ``end`` would go on (so this occurrence is part of a longer URL)."""
    if end >= len(line):
        return False
    char = line[end]
    if _URL_CHAR.match(char):
        return True
    return char in ".,;:!'" and end + 1 < len(line) and bool(_URL_CHAR.match(line[end + 1]))


def occurrences(line: str, url: str) -> list[tuple[int, int, str]]:
    """Where ``url`` is written on ``line`` outside code spans, as a whole URL: (start, end, spelling)."""
    code = _code_ranges(line)
    found = []
    for spelling in dict.fromkeys((url, url.replace("&", "&amp;"))):
        start = line.find(spelling)
        while start >= 0:
            end = start + len(spelling)
            before = line[start - 1] if start else ""
            inside = any(a <= start < b for a, b in code)
            attribute = before == "=" and _UNQUOTED_ATTR.search(line, 0, start) is not None
            joined = bool(before) and _URL_CHAR.match(before) is not None and not attribute
            if not inside and not joined and not _continues(line, end):
                found.append((start, end, spelling))
            start = line.find(spelling, end)
    return sorted(found)


def locate(lines: Sequence[str], index: int, url: str, file: str) -> tuple[int, list[tuple[int, int, str]]]:
    """The line (at ``index`` or just after, for a link that wraps) where ``url`` is written, and where."""
    for offset in range(6):
        at = index + offset
        if at >= len(lines):
            break
        found = occurrences(line_body(lines[at])[0], url)
        if found:
            return at, found
    raise EditError(
        f"{file}:{index + 1}: cannot find the bytes of {url} on this line (written with escapes or entities?); "
        "nothing was changed"
    )


@dataclass
class FileEdit:
    """One file's lines as they are being edited, the changes made to them and what the original text held."""

    file: str
    lines: list[str]
    changes: list[MdChange] = field(default_factory=list)
    removed: set[int] = field(default_factory=set)  # 0-based lines to delete
    links: list[ExtractedLink] = field(default_factory=list)  # of the original text
    tokens: list[Token] = field(default_factory=list)  # block and inline tokens of the original text
    html_lines: set[int] = field(default_factory=set)  # 0-based lines inside HTML blocks

    def set_body(self, index: int, body: str) -> None:
        _old, cr = line_body(self.lines[index])
        self.lines[index] = body + cr
