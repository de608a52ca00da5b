"""Markdown → a :class:`~listkeeper.importer.model.Document`: sections (headings nest by level) and their blocks,
each with its 1-based line, from markdown-it-py's token stream.

The parser decides what a link is (CommonMark + GFM tables + bare URLs via linkify); this module only walks the
block tokens (paragraphs, HTML blocks, tables, lists, quotes); inline content is read by
:mod:`listkeeper.importer.inline`, raw HTML tag by tag (:mod:`listkeeper.importer.tags`). Code spans and code blocks
are text, never links.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from listkeeper.importer.inline import Collector
from listkeeper.importer.model import Block, BulletList, Document, Html, Inline, Item, Paragraph, Row, Section, Table
from listkeeper.links.extract import markdown_parser
from listkeeper.mdtokens import with_table_head


def markdown() -> MarkdownIt:
    """The extractor's parser (:func:`listkeeper.links.extract.markdown_parser`): the importer sees exactly the
    links ``check`` sees, with destinations as written (no percent-encoding, no punycode)."""
    return markdown_parser()


def _close_of(tokens: list[Token], start: int) -> int:
    """Index of the token that closes ``tokens[start]`` (same nesting level)."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _table(tokens: list[Token], doc: Collector) -> Table:
    header: list[Inline] = []
    rows: list[Row] = []
    current: Row | None = None
    for tok, in_head in with_table_head(tokens):
        if tok.type == "tr_open" and not in_head:
            current = Row(tok.map[0] + 1 if tok.map else 0, [])
            rows.append(current)
        elif tok.type == "inline":
            cell = doc.inline(tok)
            (header if in_head else current.cells if current else header).append(cell)
    line = tokens[0].map[0] + 1 if tokens[0].map else 0
    return Table(line, header, rows)


def _blocks(tokens: list[Token], doc: Collector) -> list[Block]:
    """Blocks of one container (document body between headings, a list item, a blockquote)."""
    out: list[Block] = []
    index = 0
    while index < len(tokens):
        tok = tokens[index]
        line = tok.map[0] + 1 if tok.map else 0
        if tok.type in ("paragraph_open", "heading_open"):  # a heading inside a list item or quote is text
            out.append(Paragraph(line, doc.inline(tokens[index + 1])))
            index = _close_of(tokens, index) + 1
        elif tok.type == "html_block":
            out.append(Html(line, doc.html_block(tok)))
            index += 1
        elif tok.type == "table_open":
            end = _close_of(tokens, index)
            out.append(_table(tokens[index : end + 1], doc))
            index = end + 1
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            end = _close_of(tokens, index)
            out.append(BulletList(line, _items(tokens[index + 1 : end], doc)))
            index = end + 1
        elif tok.type == "blockquote_open":
            end = _close_of(tokens, index)
            out += _blocks(tokens[index + 1 : end], doc)
            index = end + 1
        else:  # fences, code blocks, rules: no links by definition
            if "://" in tok.content:
                doc.unlinked.append(tok.content)
            index = _close_of(tokens, index) + 1 if tok.nesting == 1 else index + 1
    return out


def _items(tokens: list[Token], doc: Collector) -> list[Item]:
    items = []
    index = 0
    while index < len(tokens):
        tok = tokens[index]
        end = _close_of(tokens, index)
        if tok.type == "list_item_open":
            line = tok.map[0] + 1 if tok.map else 0
            items.append(Item(line, _blocks(tokens[index + 1 : end], doc)))
        index = end + 1
    return items


def _without_back_links(token: Token) -> Token:
    """A heading's inline content without the links to a ``#fragment`` that follow its text (``Web <sup>[Back
    ⇈](#top)</sup>`` in Heapy/awesome-kotlin): navigation, not the heading's name. A heading that is only such a link
    (a table of contents entry) keeps it."""
    children = token.children or []
    kept: list[Token] = []
    skip = 0
    for child in children:
        if child.type == "link_open" and str(child.attrs.get("href", "")).startswith("#") and kept:
            skip += 1
        elif skip and child.type == "link_close":
            skip -= 1
        elif not skip:
            kept.append(child)
    if len(kept) == len(children) or not "".join(c.content for c in kept if c.type == "text").strip():
        return token
    return token.copy(children=kept)


def parse(text: str) -> Document:
    """Parse Markdown ``text`` into a section tree; headings nest by level."""
    env: dict[str, Any] = {}
    tokens = markdown().parse(text, env)
    doc = Collector()
    # Reference definitions are not links themselves; the links that use them are.
    for ref in env.get("references", {}).values():
        doc.unlinked += [str(ref.get("href", "")), str(ref.get("title") or "")]
    root = Section(0, Inline(), 1)
    stack = [root]
    index = 0
    body: list[Token] = []

    def flush() -> None:
        stack[-1].blocks += _blocks(body, doc)
        body.clear()

    while index < len(tokens):
        tok = tokens[index]
        if tok.type == "heading_open" and tok.level == 0:  # a heading in a list item or quote is its text
            flush()
            level = int(tok.tag[1:])
            title = doc.inline(_without_back_links(tokens[index + 1]))
            section = Section(level, title, tok.map[0] + 1 if tok.map else 0)
            while stack[-1].level >= level:
                stack.pop()
            stack[-1].children.append(section)
            stack.append(section)
            index = _close_of(tokens, index) + 1
            continue
        body.append(tok)
        index += 1
    flush()
    return Document(root, doc.refs, doc.badge_images, doc.skipped, doc.unlinked)
