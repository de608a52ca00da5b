"""Heading anchors computed the way GitHub computes them, so ``[x](#anchor)`` links in the rendered list work.

GitHub (github-slugger) lower-cases the heading's text, deletes every character that is not a letter, digit,
combining mark, ``-``, ``_`` or space, turns each space into ``-``, and de-duplicates repeated slugs within a
document by appending ``-1``, ``-2``, ... in document order. Anchors therefore depend only on the sequence of
heading texts, which the renderer keeps stable (names, never marks or dates, go into headings).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def _keep(char: str) -> bool:
    return char in "-_ " or unicodedata.category(char)[0] in "LNM"


def slugify(text: str) -> str:
    """GitHub-style slug of one heading's plain text (no de-duplication)."""
    text = _SPACES.sub(" ", text).strip().lower()
    return "".join(c for c in text if _keep(c)).replace(" ", "-")


class Slugger:
    """Hands out unique anchors in document order, as GitHub does: the second "Intro" becomes ``intro-1``."""

    def __init__(self) -> None:
        self._occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = slugify(text)
        result = base
        while result in self._occurrences:
            self._occurrences[base] += 1
            result = f"{base}-{self._occurrences[base]}"
        self._occurrences[result] = 0
        return result
