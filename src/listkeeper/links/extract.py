"""Markdown → the http(s) links a reader can click, each with the file and 1-based line it is written on.

The Markdown is parsed by a real CommonMark parser (markdown-it-py with GFM tables and linkify), so the rules of
the format decide what is a link, not a regular expression:

* inline links and images, reference-style links (``[x][ref]``, ``[x][]``, ``[x]``), autolinks ``<https://…>``,
  and bare URLs in text (linkify with *fuzzy* matching off: only ``scheme://`` URLs, so "et.al." or "model.safetensors"
  never become links);
* ``<a href>`` and ``<img src>`` in inline HTML and HTML blocks, read with :mod:`html.parser`;
* nothing inside code spans, fenced or indented code blocks, or HTML ``<code>``/``<pre>``;
* destinations are taken as the parser yields them: escapes and entities resolved, no other normalisation (no
  percent-encoding, no host case-folding), so the URL we report is the URL as written.

Only absolute http(s) URLs are links to check. Relative, fragment-only, ``mailto:`` and other schemes are skipped.
An empty destination (``[x]()``) is returned with ``url == ""`` and kind ``"empty"`` so the caller can report it as a
finding; it is never requested.

Input limits (``[limits]``): blocks nested deeper than ``markdown_depth`` (5,000 nested quotes, 2,000 nested list
items) are more than the parser follows, and it silently stops there. Such a document is scanned again as raw text:
every ``http(s)://`` URL on a line the parser never reached comes back with kind ``"deep"`` (checked like any link,
and reported as a ``too-deep`` finding by the pipeline), so no link is lost without a word. More than
``links_per_file`` links in one file is a usage error (exit 2).

Line numbers come from the block token's ``map`` plus the position, inside the inline source, where the inline rule
that produced the link started (every inline rule is wrapped to record it), so a link on the third line of a
paragraph reports that line, not the paragraph's first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.catalog.refs import catalog_refs
from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.errors import UsageError
from listkeeper.findings import Location
from listkeeper.htmlparser import HTMLParser
from listkeeper.subjects import Endpoints

#: Every kind an :class:`ExtractedLink` can have.
KINDS = ("inline", "reference", "autolink", "bare", "html-a", "html-img", "image", "empty", "deep")
#: A URL in raw text, for lines the parser did not reach: up to whitespace or a character that closes Markdown or
#: HTML around it.
_RAW_URL = re.compile(r"""https?://[^\s<>"'`\])]+""", re.IGNORECASE)
_LEAVES = frozenset({"inline", "html_block", "fence", "code_block"})  # tokens whose lines the parser has read

_VERBATIM_TAGS = frozenset({"code", "pre"})
_POS = "listkeeper_pos"  # token.meta key: offset in the inline source where the producing rule started
_END = "listkeeper_end"  # ... and where it stopped


@dataclass(frozen=True)
class ExtractedLink:
    url: str  # "" for an empty destination
    file: str
    line: int  # 1-based
    kind: str  # one of KINDS

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)


def is_checkable(url: str) -> bool:
    """True for an absolute http(s) URL with a host: the only links the checker requests."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the netloc
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# -- the parser ------------------------------------------------------------------------------------------------


def _track(rule: Callable[..., bool]) -> Callable[..., bool]:
    """Wrap an inline rule so every token it pushes remembers where in the source the rule started and ended."""

    @functools.wraps(rule)
    def tracked(state: Any, silent: bool) -> bool:
        first, start = len(state.tokens), state.pos
        matched = rule(state, silent)
        if matched and not silent:
            for token in state.tokens[first:]:
                if _POS not in token.meta:  # nested rules (link text) already tagged their own tokens
                    token.meta[_POS] = start
                    token.meta[_END] = state.pos
        return matched

    return tracked


@functools.lru_cache(maxsize=4)
def _parser(depth: int = DEFAULT_LIMITS.markdown_depth) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"linkify": True, "maxNesting": depth}).enable(["table", "linkify"])
    # Only "scheme://" URLs: fuzzy links would turn "et.al." or "config.json" into http:// links.
    assert md.linkify is not None  # linkify-it-py is a dependency (markdown-it-py[linkify])
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})
    # Keep destinations as written (after unescaping): no percent-encoding or punycode by the parser.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    for rule in list(md.inline.ruler.__rules__):
        md.inline.ruler.at(rule.name, _track(rule.fn))
    return md


def markdown_parser() -> MarkdownIt:
    """The one markdown-it configuration for everything that reads Markdown links (the checker and the importer):
    CommonMark + GFM tables + scheme-only linkify, destinations kept as written (no percent-encoding, no
    punycode). Shared and cached: callers must not change it."""
    return _parser()


# -- HTML --------------------------------------------------------------------------------------------------------


class _HtmlLinks(HTMLParser):
    """Collects ``<a href>`` and ``<img src>`` with their line, skipping everything inside ``<code>``/``<pre>``.

    ``verbatim`` carries the open code/pre depth across calls, so one instance can be fed the html_inline tokens
    of a paragraph one tag at a time.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, int, str]] = []  # (url, 1-based line within the fed text, kind)
        self.verbatim = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VERBATIM_TAGS:
            self.verbatim += 1
            return
        self._collect(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VERBATIM_TAGS:  # <code/> opens nothing
            self._collect(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VERBATIM_TAGS and self.verbatim:
            self.verbatim -= 1

    def _collect(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.verbatim:
            return
        wanted = {"a": ("href", "html-a"), "img": ("src", "html-img")}.get(tag)
        if wanted is None:
            return
        name, kind = wanted
        for key, value in attrs:
            if key == name and value is not None:
                self.found.append((value.strip(), self.getpos()[0], kind))
                return


# -- extraction --------------------------------------------------------------------------------------------------


def _keep(url: str, kind: str, file: str, line: int) -> ExtractedLink | None:
    if not url:
        return ExtractedLink("", file, line, "empty")
    if is_checkable(url):
        return ExtractedLink(url, file, line, kind)
    return None


def _html_block(token: Token, file: str) -> Iterator[ExtractedLink]:
    assert token.map is not None
    parser = _HtmlLinks()
    parser.feed(token.content)
    parser.close()
    for url, rel_line, kind in parser.found:
        if (link := _keep(url, kind, file, token.map[0] + rel_line)) is not None:
            yield link


def _link_kind(token: Token, src: str) -> str:
    if token.markup == "autolink":
        return "autolink"
    if token.markup == "linkify":
        return "bare"
    end = token.meta.get(_END)
    # An inline link always ends with ")"; the reference forms ([x][ref], [x][], [x]) end with "]".
    return "inline" if end is None or src[end - 1 : end] == ")" else "reference"


def _inline(token: Token, file: str) -> Iterator[ExtractedLink]:
    assert token.map is not None
    src, first_line = token.content, token.map[0] + 1
    html = _HtmlLinks()
    line = first_line
    for child in token.children or []:
        if (pos := child.meta.get(_POS)) is not None:
            line = first_line + src.count("\n", 0, pos)
        if child.type in ("softbreak", "hardbreak"):
            line += 1  # the break sits at the end of its line; what follows is on the next
            continue
        if child.type == "html_inline":
            html.found.clear()
            base = html.getpos()[0]  # the parser counts lines across feeds
            html.feed(child.content)
            for url, rel_line, kind in html.found:
                if (link := _keep(url, kind, file, line + rel_line - base)) is not None:
                    yield link
            continue
        if html.verbatim:  # inside an inline <code>/<pre>: nothing is a link
            continue
        if child.type == "link_open":
            found = _keep(str(child.attrs.get("href", "")), _link_kind(child, src), file, line)
        elif child.type == "image":
            found = _keep(str(child.attrs.get("src", "")), "image", file, line)
        else:
            continue
        if found is not None:
            yield found


def extract_markdown(text: str, file: str, limits: LimitsConfig = DEFAULT_LIMITS) -> list[ExtractedLink]:
    """Every http(s) link (and every empty destination) in ``text``, in document order, with 1-based lines; links
    nested deeper than the parser follows come from a raw scan, with kind ``"deep"`` (see the module docstring).

    Raises :class:`UsageError` for more than ``limits.links_per_file`` links."""
    links: list[ExtractedLink] = []
    tokens = _parser(limits.markdown_depth).parse(text)
    for token in tokens:
        if token.type == "inline":
            links.extend(_inline(token, file))
        elif token.type == "html_block":
            links.extend(_html_block(token, file))
        if len(links) > limits.links_per_file:
            break
    if any(token.level >= limits.markdown_depth - 1 for token in tokens):  # the parser may have stopped early
        links = sorted([*links, *_unreached(text, tokens, file)], key=lambda link: link.line)
    if len(links) > limits.links_per_file:
        raise UsageError(
            f"{file}: more than {limits.links_per_file:,} links, the limit ([limits] links_per_file); "
            "split the file or raise the limit"
        )
    return links


def _unreached(text: str, tokens: Sequence[Token], file: str) -> Iterator[ExtractedLink]:
    """URLs on lines that no parsed block covers: what the parser skipped past its nesting limit."""
    read: set[int] = set()
    for token in tokens:
        if token.type in _LEAVES and token.map is not None:
            read.update(range(token.map[0], token.map[1]))
    for index, line in enumerate(text.splitlines()):
        if index not in read:
            for match in _RAW_URL.finditer(line):
                if is_checkable(url := match.group(0)):
                    yield ExtractedLink(url, file, index + 1, "deep")


# -- images inside links (badges) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageLink:
    """An image that is a link: ``[![alt](src)](href)``, ``<a href><img src alt></a>``, or the two mixed.

    ``href`` and ``src`` are as written (after unescaping), not filtered to http(s): the caller decides.
    """

    href: str
    src: str
    alt: str
    file: str
    line: int  # 1-based line of the image

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)


class _HtmlImageLinks(_HtmlLinks):
    """:class:`_HtmlLinks` that also pairs each ``<img>`` with the ``<a href>`` around it.

    ``outer`` is the href of a Markdown link the HTML sits in (``[<img src=...>](href)``); ``open_href`` is what an
    image would link to right now, so a Markdown image inside an HTML ``<a>`` pairs up too.
    """

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[str] = []
        self.outer: str | None = None
        self.images: list[tuple[str, str, str, int]] = []  # (href, src, alt, 1-based line within the fed text)

    def open_href(self) -> str | None:
        return self.anchors[-1] if self.anchors else self.outer

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":  # <a/> opens nothing
            super().handle_startendtag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        super().handle_endtag(tag)
        if tag == "a" and self.anchors and not self.verbatim:
            self.anchors.pop()

    def _collect(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super()._collect(tag, attrs)
        if self.verbatim:
            return
        values = {key: (value or "").strip() for key, value in attrs}
        if tag == "a":
            self.anchors.append(values.get("href", ""))
        elif tag == "img" and (href := self.open_href()) is not None and values.get("src"):
            self.images.append((href, values["src"], values.get("alt", ""), self.getpos()[0]))


def _inline_images(token: Token, file: str) -> Iterator[ImageLink]:
    """Images inside links in one inline token, with the same line tracking as :func:`_inline`."""
    assert token.map is not None
    src, first_line = token.content, token.map[0] + 1
    html = _HtmlImageLinks()
    hrefs: list[str] = []  # open Markdown links (a link's text may hold an image)
    line = first_line
    for child in token.children or []:
        if (pos := child.meta.get(_POS)) is not None:
            line = first_line + src.count("\n", 0, pos)
        if child.type in ("softbreak", "hardbreak"):
            line += 1
            continue
        if child.type == "html_inline":
            html.images.clear()
            html.outer = hrefs[-1] if hrefs else None
            base = html.getpos()[0]
            html.feed(child.content)
            for href, image, alt, rel_line in html.images:
                yield ImageLink(href, image, alt, file, line + rel_line - base)
            continue
        if html.verbatim:
            continue
        if child.type == "link_open":
            hrefs.append(str(child.attrs.get("href", "")))
        elif child.type == "link_close" and hrefs:
            hrefs.pop()
        elif child.type == "image":
            around = hrefs[-1] if hrefs else html.open_href()
            if around is not None:
                yield ImageLink(around, str(child.attrs.get("src", "")), child.content, file, line)


def image_links(text: str, file: str) -> list[ImageLink]:
    """Every image that is a link (badges, logos), in document order, with 1-based lines. Same parser and the same
    rules as :func:`extract_markdown` (nothing inside code)."""
    found: list[ImageLink] = []
    for token in _parser().parse(text):
        if token.type == "inline":
            found.extend(_inline_images(token, file))
        elif token.type == "html_block":
            assert token.map is not None
            html = _HtmlImageLinks()
            html.feed(token.content)
            html.close()
            found.extend(ImageLink(h, s, a, file, token.map[0] + rel) for h, s, a, rel in html.images)
    return found


def dedupe(links: Iterable[ExtractedLink]) -> dict[str, list[Location]]:
    """Group locations by URL so a URL used many times is requested once. Empty links are not requests: skipped."""
    grouped: dict[str, list[Location]] = {}
    for link in links:
        if link.url:
            grouped.setdefault(link.url, []).append(link.location)
    return grouped


def catalog_urls(loaded: LoadedCatalog, endpoints: Endpoints | None = None) -> dict[str, list[Location]]:
    """The canonical URL of every catalog reference, with the catalog locations (file, line, key path) using it."""
    endpoints = endpoints or Endpoints()
    grouped: dict[str, list[Location]] = {}
    for ref in catalog_refs(loaded):
        grouped.setdefault(ref.subject.url(endpoints), []).append(ref.location)
    return grouped
