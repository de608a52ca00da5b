"""What a section, paragraph or bullet is, from its shape: a label line (``**Papers**``), a line of links, a
section's signature (links or labelled bullets of its own), a bullet's label ("Paper:"), name and links, a fact
bullet (``**Params**: 7B``), the summary paragraph, boilerplate headings (License, Contents) and series names."""

from __future__ import annotations

import re
from typing import Any

from listkeeper.importer.model import BulletList, Html, Inline, Item, LinkRef, Paragraph, Section, Table
from listkeeper.importer.titles import is_generic

# Sections every awesome list has that are never about a model, even when they carry a badge (a licence badge).
BOILERPLATE = re.compile(
    r"^(?:licen[cs]e|contribut|contents|table of contents|toc\b|citation|cite\b|acknowledg|star history|contact|"
    r"related|see also|references)",
    re.IGNORECASE,
)
SERIES_NAME = re.compile(r"\bseries\b|系列", re.IGNORECASE)
_LABELS = {"papers": "paper", "paper": "paper", "checkpoints": "checkpoint", "datasets": "dataset"}
_LABELS |= {"demos": "demo", "demo": "demo", "links": "link", "code": "code"}
_FACTS = {"parameters": "params", "params": "params", "base llms": "base_llms", "base llm": "base_llms"}
_FACTS |= {"released": "released", "date": "when", "venue": "venue", "org": "org", "license": "license"}


def label(inline: Inline) -> str | None:
    """``**Papers**`` alone in a paragraph names the list that follows."""
    if inline.lead_strong and not inline.links and inline.text.strip() == inline.lead_strong:
        return _LABELS.get(inline.lead_strong.strip().rstrip(":").lower())
    return None


def link_line(inline: Inline) -> bool:
    return bool(inline.links) and (inline.filler_only or inline.badges > 0)


def signature(section: Section) -> bool:
    """The section's own text has a line of links or badges (or its heading is a link), or labelled bullets."""
    if section.signature is None:
        section.signature = _findsignature(section)
    return section.signature


def _findsignature(section: Section) -> bool:
    if section.title.links:
        return True
    if any(isinstance(b, BulletList) and any(item_label(i.inline) for i in b.items) for b in section.blocks):
        return True  # "- Paper: [title](url)", "- Code: [...](...)" under the heading
    return any(isinstance(b, Paragraph | Html) and link_line(b.inline) for b in section.blocks)


# "- Paper: [title](url)" and "- **Code**: [...](...)": the word before the link says what the link is.
_ITEM_LABELS = {"paper": "paper", "papers": "paper", "arxiv": "paper", "code": "code", "github": "code"}
_ITEM_LABELS |= {"checkpoint": "checkpoint", "checkpoints": "checkpoint", "weights": "checkpoint"}
_ITEM_LABELS |= {"model": "checkpoint", "models": "checkpoint", "dataset": "dataset", "datasets": "dataset"}
_ITEM_LABELS |= {"data": "dataset", "demo": "demo", "demos": "demo", "space": "demo", "collection": "collection"}
_ITEM_LABELS |= {"collections": "collection", "project page": "link", "homepage": "link", "website": "link"}
_ITEM_LABELS |= {"blog": "link", "project": "link"}
_ITEM_LABELS |= {"论文": "paper", "代码": "code", "模型": "checkpoint", "权重": "checkpoint", "数据集": "dataset"}
_ITEM_LABELS |= {"演示": "demo", "项目主页": "link", "主页": "link"}


def item_label(inline: Inline) -> str | None:
    """The label a bullet opens with ("Paper:", "**Code**:"), when a link follows it."""
    if not inline.links:
        return None
    word = inline.prefix if inline.lead is None and not inline.lead_strong else (inline.lead_strong or "")
    if inline.lead_strong and inline.lead is None:
        word = inline.lead_strong
    return _ITEM_LABELS.get(word.strip().rstrip(":：").strip().lower())


_NAME_TAIL = re.compile(r"[\s\-–—:|,.(\[]+$")


def item_name(inline: Inline) -> str | None:
    """What a bullet is called: its first (non-badge) link's text, a bold opening, or the words before its first
    link ("Title of the paper. [[pdf]](…)"); never a label ("Paper:") or a generic word ("link")."""
    if item_label(inline):
        return None
    for name in (inline.lead.text if inline.lead else None, inline.lead_strong, _NAME_TAIL.sub("", inline.prefix)):
        if name and not is_generic(name) and not name.startswith(("http://", "https://")):
            return name.strip()
    return None


def entry_shaped(section: Section) -> bool:
    if signature(section):
        return True
    for block in section.blocks:
        if isinstance(block, Paragraph) and label(block.inline):
            return True
        if isinstance(block, BulletList) and any(fact(item.inline) for item in block.items):
            return True
    return False


def fact(inline: Inline) -> str | None:
    if inline.lead_strong:
        return _FACTS.get(inline.lead_strong.strip().rstrip(":").strip().lower())
    return None


def item_links(item: Item, *, deep: bool = False) -> list[LinkRef]:
    """A bullet's links: of its paragraphs and tables, and with ``deep`` of its sub-bullets too."""
    refs = [ref for b in item.blocks if isinstance(b, Paragraph | Html) for ref in b.inline.links]
    refs += [ref for b in item.blocks if isinstance(b, Table) for row in b.rows for c in row.cells for ref in c.links]
    if deep:
        refs += [ref for child in item.children for ref in item_links(child, deep=True)]
    return refs


def summary(blocks: list[Any]) -> str | None:
    """The first paragraph of prose (not a line of links, not a label) is the summary."""
    for block in blocks:
        if isinstance(block, Paragraph) and block.inline.text and not link_line(block.inline):
            if label(block.inline):
                return None
            return block.inline.text
        if isinstance(block, Table | BulletList):
            return None
    return None
