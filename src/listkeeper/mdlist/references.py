"""Reference-style links: their definitions (``[label]: URL``) and the uses of a label on a line."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from listkeeper.mdlist.lines import line_body

_DEFINITION = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?\[((?:[^\]\\]|\\.)+)\]:[ \t]*<?")


def definitions(lines: Sequence[str], code_lines: set[int]) -> list[tuple[int, str, int, int]]:
    """Reference definitions: (0-based line, label, url start, url end)."""
    out = []
    for index, line in enumerate(lines):
        if index in code_lines:
            continue
        body, _cr = line_body(line)
        found = _DEFINITION.match(body)
        if found is None:
            continue
        start = found.end()
        end = start
        while end < len(body) and not body[end].isspace() and body[end] != ">":
            end += 1
        if end > start:
            out.append((index, found.group(1), start, end))
    return out


def reference_spans(line: str, labels: Collection[str]) -> list[tuple[int, int]]:
    """``[text][label]``, ``[label][]`` and ``[label]`` uses of one of ``labels`` (normalised) on ``line``."""
    spans = []
    for match in re.finditer(r"!?\[((?:[^\[\]\\]|\\.|\[[^\]]*\])*)\](?:\[((?:[^\]\\]|\\.)*)\])?(?![(:])", line):
        label = match.group(2) if match.group(2) else match.group(1)
        if norm_label(label) in labels:
            spans.append(match.span())
    return spans


def norm_label(label: str) -> str:
    return " ".join(label.split()).casefold()
