"""The parsed document: sections, blocks (paragraphs, HTML, tables, bullet lists) and the links in them, each with
its 1-based line. Plain values, built by :mod:`listkeeper.importer.parse`, read by the builder.

What a parse records:

* ``LinkRef``: an http(s) link target, with its text (for a badge: the image's alt text) and whether it is a badge
  (an image inside the link). Standalone images that are not badges are refs too, so they are not lost.
* badge image URLs (``badge_images``): decoration, counted but never imported;
* ``Skipped``: references that are not http(s) (local images such as ``./image/x.png``, relative paths, mailto:),
  counted separately so nothing is invented or silently dropped; ``#anchor`` links are kept as anchors only.
* ``unlinked``: text where a URL is written but is not a link by the rules of Markdown (code, HTML comments and
  attributes other than ``href``/``src``, link texts and titles, reference definitions, text inside HTML blocks,
  badge images). The link account (:mod:`listkeeper.importer.account`) scans the raw file for URLs on its own and
  excuses only URLs found in these places; any other URL the catalog does not hold is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

How = Literal["link", "autolink", "bare", "html", "image"]


@dataclass(frozen=True)
class LinkRef:
    url: str
    text: str
    line: int
    badge: bool = False
    how: How = "link"


@dataclass(frozen=True)
class Skipped:
    target: str
    line: int
    what: str  # "image" or "link"


@dataclass
class Inline:
    """One run of inline content (a paragraph, a heading, a table cell) reduced to what the importer needs."""

    text: str = ""  # plain text, whitespace collapsed
    links: list[LinkRef] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # "#fragment" targets
    lead: LinkRef | None = None  # a link that opens the content (nothing but filler before it)
    lead_strong: str | None = None  # bold text that opens the content (**Name**: ...)
    prefix: str = ""  # plain text before the first (non-badge) link: "Paper:", "Title of the paper."
    after_lead: str = ""  # plain text after the lead link / bold name
    filler_only: bool = True  # outside links there is only punctuation and whitespace
    badges: int = 0  # image-in-link count


@dataclass
class Paragraph:
    line: int
    inline: Inline


@dataclass
class Html:
    line: int
    inline: Inline


@dataclass
class Row:
    line: int
    cells: list[Inline]


@dataclass
class Table:
    line: int
    header: list[Inline]
    rows: list[Row]


@dataclass
class Item:
    line: int
    blocks: list[Block]

    @property
    def inline(self) -> Inline:
        first = self.blocks[0] if self.blocks else None
        return first.inline if isinstance(first, Paragraph) else Inline()

    @property
    def children(self) -> list[Item]:
        return [item for block in self.blocks if isinstance(block, BulletList) for item in block.items]


@dataclass
class BulletList:
    line: int
    items: list[Item]


Block = Paragraph | Html | Table | BulletList


@dataclass
class Section:
    level: int  # 0 for the text before the first heading
    title: Inline
    line: int
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    signature: bool | None = field(default=None, repr=False, compare=False)  # roles.signature's cache

    @property
    def anchor(self) -> str:
        return github_anchor(self.title.text)

    @property
    def name(self) -> str:
        """What the heading names: its text; for a heading without any (a linked logo, an image), the text of its
        first link or image, else the last part of that link's path (a repository's name), else its line."""
        if self.title.text.strip():
            return self.title.text
        for link in self.title.links:
            if link.text.strip():
                return link.text.strip()
            if tail := urlsplit(link.url).path.rstrip("/").rsplit("/", 1)[-1]:
                return tail
        return f"Section at line {self.line}"

    def walk(self) -> list[Section]:
        return [self, *(s for child in self.children for s in child.walk())]


@dataclass
class Document:
    root: Section
    refs: list[LinkRef]  # every http link target in document order (badge targets included)
    badge_images: list[LinkRef]
    skipped: list[Skipped]
    unlinked: list[str] = field(default_factory=list)


def github_anchor(text: str) -> str:
    """The fragment GitHub gives a heading: lowercase, punctuation dropped, spaces become hyphens."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
