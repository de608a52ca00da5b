"""Inline content (a paragraph, a heading, a table cell, an HTML block) → :class:`Inline`, every link reported to
the document's :class:`Collector` (refs, badge images, skipped targets, text that is not a link)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from listkeeper.importer.model import How, Inline, LinkRef, Skipped
from listkeeper.importer.tags import html_events
from listkeeper.urls import is_badge_image, is_http

_WS = re.compile(r"\s+")
# What may surround links in a line that is "only links": separators, brackets, emphasis leftovers.
_LINK_LINE_FILLER = re.compile(r"^[\s|·•,;:/\\\-–—()\[\]{}*_]*$")


@dataclass
class _OpenLink:
    url: str
    how: How
    line: int
    text: list[str] = field(default_factory=list)
    image: bool = False


class InlineWalker:
    """Turns inline tokens (or HTML events) into an :class:`Inline`, reporting refs to the document collector."""

    def __init__(self, doc: Collector, line: int) -> None:
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
        for event, tag, attrs, line, data in html_events(fragment, self.doc.unlinked):
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
class Collector:
    refs: list[LinkRef] = field(default_factory=list)
    badge_images: list[LinkRef] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)

    def inline(self, token: Token) -> Inline:
        line = token.map[0] + 1 if token.map else 0
        return InlineWalker(self, line).tokens(token.children or [])

    def html_block(self, token: Token) -> Inline:
        line = token.map[0] + 1 if token.map else 0
        walker = InlineWalker(self, line)
        walker.html(token.content, line)
        return walker.finish()
