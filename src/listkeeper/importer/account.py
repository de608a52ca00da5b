"""The import's account of every URL, by a method independent of the Markdown parser.

The raw text is scanned for ``http(s)://`` URLs with a regular expression; each occurrence must then be found,
as the same string, among the URLs the written catalog renders to. The parser is consulted only to excuse URLs
that are written but are no links by the rules of Markdown (code, comments, link texts, badge images: the
document's ``unlinked`` text), so a link the parser failed to see (too deeply nested, say) is reported lost
instead of sharing the parser's blind spot.

Each occurrence ends up in exactly one bucket:

* **kept**: the catalog holds the URL exactly as written;
* **altered**: the catalog holds only an equivalent form (:func:`listkeeper.urls.canonical`): an import bug, since
  the importer types a URL only when the typed form renders back to the same string;
* **lost**: the catalog holds neither;
* **not a link**: excused as above.

A scanned URL may run past the link's end (``…/page).`` after an inline link or in prose): trailing punctuation
is dropped one character at a time until a held URL matches. Backslash escapes and HTML entities are undone
first, as Markdown would.
"""

from __future__ import annotations

import bisect
import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from listkeeper.urls import canonical

# A URL runs to whitespace, a quote, < > or a backtick, or to "](" (the next part of a Markdown link).
_URL = re.compile(r"https?://(?:(?!\]\()[^\s<>\"'`])+", re.IGNORECASE)
_CUT = frozenset(")]>*|")
_TRAILING = frozenset(".,;:!?)]}*_~|\\'\">")
_BACKSLASH = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class Occurrence:
    url: str
    line: int
    held: str | None = None  # for an altered URL: the form the catalog holds


@dataclass(frozen=True)
class Account:
    input_urls: int  # URL occurrences found by the scan (links and not)
    input_unique: int  # distinct URLs among the links (kept, altered, lost)
    catalog_urls: int  # distinct URLs the catalog renders to
    kept: int  # link occurrences held exactly as written
    altered: tuple[Occurrence, ...]
    lost: tuple[Occurrence, ...]
    not_links: int  # occurrences excused: code, comments, link texts, badge images, reference definitions

    @property
    def links(self) -> int:
        return self.kept + len(self.altered) + len(self.lost)

    def summary(self) -> str:
        return (
            f"{self.links} links in input ({self.input_unique} unique), {self.catalog_urls} URLs in catalog:"
            f" {self.kept} kept as written, {len(self.altered)} altered, {len(self.lost)} lost"
            f" ({self.not_links} URLs in code, comments, link texts or badge images are not links)"
        )


def scan(text: str) -> Iterable[tuple[str, int]]:
    """Every ``http(s)://`` URL written in ``text`` (as the scan delimits it) with its 1-based line."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for found in _URL.finditer(text):
        yield found.group(), bisect.bisect_right(starts, found.start())


def _variants(raw: str) -> list[str]:
    unescaped = _BACKSLASH.sub(r"\1", raw)
    return list(dict.fromkeys([raw, unescaped, html.unescape(raw), html.unescape(unescaped)]))


def _trimmed(raw: str) -> Iterable[str]:
    """``raw`` and its shorter forms, longest first: cut before a ``)``, ``]``, ``>``, ``*`` or ``|`` (Markdown
    that follows a link: ``…)🚀``), and without trailing punctuation, for each unescaped variant."""
    seen: set[str] = set()
    for variant in _variants(raw):
        cuts = [len(variant)] + [i for i in range(len(variant) - 1, 8, -1) if variant[i] in _CUT]
        for cut in cuts:
            candidate = variant[:cut]
            while candidate:
                if candidate not in seen:
                    seen.add(candidate)
                    yield candidate
                if candidate[-1] not in _TRAILING:
                    break
                candidate = candidate[:-1]


class _Held:
    def __init__(self, urls: set[str]) -> None:
        self.urls = urls
        # A held URL the scan cannot read whole (it stops at whitespace, quotes, < > and backticks).
        self.cut: dict[str, str] = {}
        for url in urls:
            if (found := _URL.match(url)) is not None and found.group() != url:
                self.cut.setdefault(found.group(), url)
        self.canonical = {canonical(url): url for url in urls}

    def find(self, raw: str) -> str | None:
        for candidate in _trimmed(raw):
            if candidate in self.urls:
                return candidate
            if candidate in self.cut:
                return self.cut[candidate]
        return None

    def equivalent(self, raw: str) -> str | None:
        for candidate in _trimmed(raw):
            try:
                form = canonical(candidate)
            except ValueError:
                continue
            if form in self.canonical:
                return self.canonical[form]
        return None


def account(text: str, unlinked: Iterable[str], catalog_urls: set[str]) -> Account:
    """Account for every URL of ``text`` against the URLs a catalog renders to (``catalog_urls``)."""
    held = _Held(catalog_urls)
    excused: Counter[str] = Counter()
    for piece in unlinked:
        excused.update(candidate for raw, _line in scan(piece) for candidate in dict.fromkeys(_trimmed(raw)))
    kept, not_links, total = 0, 0, 0
    altered: list[Occurrence] = []
    lost: list[Occurrence] = []
    links: set[str] = set()
    for raw, line in scan(text):
        total += 1
        if (found := held.find(raw)) is not None:
            kept += 1
            links.add(found)
            continue
        excuse = next((c for c in _trimmed(raw) if excused[c] > 0), None)
        if excuse is not None:
            excused[excuse] -= 1
            not_links += 1
            continue
        url = _strip_trailing(raw)
        links.add(url)
        if (form := held.equivalent(raw)) is not None:
            altered.append(Occurrence(url, line, form))
        else:
            lost.append(Occurrence(url, line))
    return Account(total, len(links), len(catalog_urls), kept, tuple(altered), tuple(lost), not_links)


def _strip_trailing(url: str) -> str:
    while (url and url[-1] in ".,;:!?*_~|\\'\">") or (url.endswith(")") and url.count("(") < url.count(")")):
        url = url[:-1]
    return url
