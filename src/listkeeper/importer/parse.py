"""Markdown → sections, blocks and links, each with its 1-based line, from markdown-it-py's token stream.

The parser decides what a link is (CommonMark + GFM tables + bare URLs via linkify); this module only walks the
tokens. Raw HTML (``<a href><img src></a>`` badge lines, ``<div><img></div>`` figures) is read with the standard
library's HTML parser, tag by tag. Code spans and code blocks are text, never links.

What the walk records:

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
from html.parser import HTMLParser
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from listkeeper.links.extract import markdown_parser
from listkeeper.urls import is_badge_image, is_http

How = Literal["link", "autolink", "bare", "html", "image"]
_WS = re.compile(r"\s+")
# What may surround links in a line that is "only links": separators, brackets, emphasis leftovers.
_LINK_LINE_FILLER = re.compile(r"^[\s|·•,;:/\\\-–—()\[\]{}*_]*$")


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
    signature: bool | None = field(default=None, repr=False, compare=False)  # the builder's cache

    @property
    def anchor(self) -> str:
        return github_anchor(self.title.text)

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


def markdown() -> MarkdownIt:
    """The extractor's parser (:func:`listkeeper.links.extract.markdown_parser`): the importer sees exactly the
    links ``check`` sees, with destinations as written (no percent-encoding, no punycode)."""
    return markdown_parser()


class _Tags(HTMLParser):
    """Collect (event, tag, attrs, line) from an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str, dict[str, str], int, str]] = []
        self.unlinked: list[str] = []  # comments and attribute values that are not link targets

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, {k: v or "" for k, v in attrs}, self.getpos()[0], ""))
        target = {"a": "href", "img": "src"}.get(tag)
        self.unlinked += [v for k, v in attrs if v and k != target and "://" in v]

    def handle_comment(self, data: str) -> None:
        self.unlinked.append(data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, {}, self.getpos()[0], ""))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", "", {}, self.getpos()[0], data))


def _html_events(html: str, unlinked: list[str]) -> list[tuple[str, str, dict[str, str], int, str]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    unlinked += parser.unlinked
    return parser.events


@dataclass
class _OpenLink:
    url: str
    how: How
    line: int
    text: list[str] = field(default_factory=list)
    image: bool = False


class _InlineWalker:
    """Turns inline tokens (or HTML events) into an :class:`Inline`, reporting refs to the document collector."""

    def __init__(self, doc: _Collector, line: int) -> None:
        self.doc = doc
        self.line = line
        self.out = Inline()
        self.text: list[str] = []
        self.outside: list[str] = []  # text outside links, to decide filler_only / lead
        self.before: list[str] | None = []  # text before the first non-badge link
        self.link: _OpenLink | None = None
        self.strong_depth = 0
        self.strong_text: list[str] | None = None
        self.lead_done = False
        self.after: list[str] | None = None

    # -- text ------------------------------------------------------------------------------------------------
    def add_text(self, text: str) -> None:
        self.text.append(text)
        if self.link is not None:
            self.link.text.append(text)
            return
        if self.before is not None:
            self.before.append(text)
        if self.strong_text is not None:
            self.strong_text.append(text)
        elif self.after is not None:
            self.after.append(text)
        self.outside.append(text)
        if text.strip():
            self._close_lead_window(text)

    def _close_lead_window(self, text: str) -> None:
        if not self.lead_done and not _LINK_LINE_FILLER.match(text) and self.strong_text is None:
            self.lead_done = True

    # -- links -----------------------------------------------------------------------------------------------
    def open_link(self, url: str, how: How) -> None:
        self.link = _OpenLink(url, how, self.line)

    def close_link(self) -> None:
        link, self.link = self.link, None
        if link is None:
            return
        text = _WS.sub(" ", "".join(link.text)).strip()
        url = link.url.strip()
        if "://" in text:
            self.doc.unlinked.append(text)
        if url.startswith("#"):
            self.out.anchors.append(url)
            self._not_lead()
            return
        if not is_http(url):
            self.doc.skipped.append(Skipped(url, link.line, "link"))
            self.doc.unlinked.append(url)
            self._not_lead()
            return
        ref = LinkRef(url, text, link.line, badge=link.image, how=link.how)
        self.doc.refs.append(ref)
        self.out.links.append(ref)
        self.out.badges += link.image
        if not link.image and self.before is not None:
            self.out.prefix = _WS.sub(" ", "".join(self.before)).strip()
            self.before = None
        if link.image:  # a badge ("Star", "arXiv") is decoration: it neither names the line nor ends its lead
            return
        if self.strong_text is None and not self.lead_done and self.out.lead is None and self.out.lead_strong is None:
            self.out.lead = ref
            self.after = []
        self.lead_done = True

    def _not_lead(self) -> None:
        self.lead_done = True

    def image(self, src: str, alt: str) -> None:
        src = src.strip()
        if "://" in alt:
            self.doc.unlinked.append(alt)
        if self.link is not None:
            self.link.image = True
            self.link.text.append(alt)  # the badge's name; not part of the surrounding text (a heading's name)
            if is_http(src):
                self.doc.badge_images.append(LinkRef(src, alt, self.line, badge=True, how="image"))
            else:
                self.doc.skipped.append(Skipped(src, self.line, "image"))
            self.doc.unlinked.append(src)
            return
        if not is_http(src):
            self.doc.skipped.append(Skipped(src, self.line, "image"))
            self.doc.unlinked.append(src)
        elif is_badge_image(src):
            self.doc.badge_images.append(LinkRef(src, alt, self.line, badge=True, how="image"))
            self.doc.unlinked.append(src)
        else:
            ref = LinkRef(src, alt.strip() or src, self.line, how="image")
            self.doc.refs.append(ref)
            self.out.links.append(ref)
        self.lead_done = True

    # -- strong (for "**Name**: ...") -------------------------------------------------------------------------
    def strong(self, opening: bool) -> None:
        if opening:
            self.strong_depth += 1
            if self.strong_depth == 1 and not self.lead_done and self.out.lead is None and self.link is None:
                self.strong_text = []
        else:
            self.strong_depth -= 1
            if self.strong_depth == 0 and self.strong_text is not None:
                name = _WS.sub(" ", "".join(self.strong_text)).strip()
                self.strong_text = None
                if name:
                    self.out.lead_strong = name
                    self.after = []
                    self.lead_done = True

    # -- html ------------------------------------------------------------------------------------------------
    def html(self, fragment: str, base_line: int) -> None:
        for event, tag, attrs, line, data in _html_events(fragment, self.doc.unlinked):
            self.line = base_line + line - 1
            if event == "data":
                if "://" in data:  # text in HTML is not linkified
                    self.doc.unlinked.append(data)
                self.add_text(data)
            elif tag == "a" and event == "start" and "href" in attrs:
                self.open_link(attrs["href"], "html")
            elif tag == "a" and event == "end":
                self.close_link()
            elif tag == "img" and event == "start" and "src" in attrs:
                self.image(attrs["src"], attrs.get("alt", ""))
            elif tag == "br":
                self.add_text(" ")

    # -- driver ----------------------------------------------------------------------------------------------
    def tokens(self, children: list[Token]) -> Inline:
        for tok in children:
            match tok.type:
                case "text":
                    self.add_text(tok.content)
                case "code_inline":
                    if "://" in tok.content:
                        self.doc.unlinked.append(tok.content)
                    self.add_text(tok.content)
                case "softbreak" | "hardbreak":
                    self.add_text(" ")
                    self.line += 1
                case "link_open":
                    if "://" in (title := str(tok.attrs.get("title", ""))):
                        self.doc.unlinked.append(title)
                    how: How = {"linkify": "bare", "autolink": "autolink"}.get(tok.markup, "link")  # type: ignore[assignment]
                    self.open_link(str(tok.attrs.get("href", "")), how)
                case "link_close":
                    self.close_link()
                case "image":
                    self.image(str(tok.attrs.get("src", "")), tok.content)
                case "strong_open":
                    self.strong(True)
                case "strong_close":
                    self.strong(False)
                case "html_inline":
                    self.html(tok.content, self.line)
        return self.finish()

    def finish(self) -> Inline:
        self.close_link()
        out = self.out
        out.text = _WS.sub(" ", "".join(self.text)).strip()
        out.filler_only = bool(_LINK_LINE_FILLER.match("".join(self.outside)))
        out.after_lead = _WS.sub(" ", "".join(self.after or [])).strip()
        return out


@dataclass
class _Collector:
    refs: list[LinkRef] = field(default_factory=list)
    badge_images: list[LinkRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)

    def inline(self, token: Token) -> Inline:
        line = token.map[0] + 1 if token.map else 0
        return _InlineWalker(self, line).tokens(token.children or [])

    def html_block(self, token: Token) -> Inline:
        line = token.map[0] + 1 if token.map else 0
        walker = _InlineWalker(self, line)
        walker.html(token.content, line)
        return walker.finish()


def _close_of(tokens: list[Token], start: int) -> int:
    """Index of the token that closes ``tokens[start]`` (same nesting level)."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _table(tokens: list[Token], doc: _Collector) -> Table:
    header: list[Inline] = []
    rows: list[Row] = []
    current: Row | None = None
    in_head = False
    for tok in tokens:
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open" and not in_head:
            current = Row(tok.map[0] + 1 if tok.map else 0, [])
            rows.append(current)
        elif tok.type == "inline":
            cell = doc.inline(tok)
            (header if in_head else current.cells if current else header).append(cell)
    line = tokens[0].map[0] + 1 if tokens[0].map else 0
    return Table(line, header, rows)


def _blocks(tokens: list[Token], doc: _Collector) -> list[Block]:
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


def _items(tokens: list[Token], doc: _Collector) -> list[Item]:
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


def parse(text: str) -> Document:
    """Parse Markdown ``text`` into a section tree; headings nest by level."""
    env: dict[str, Any] = {}
    tokens = markdown().parse(text, env)
    doc = _Collector()
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
        if tok.type == "heading_open":
            flush()
            level = int(tok.tag[1:])
            section = Section(level, doc.inline(tokens[index + 1]), tok.map[0] + 1 if tok.map else 0)
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
