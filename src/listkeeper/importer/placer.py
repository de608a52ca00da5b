"""A link → an item of an entry draft: classified (:mod:`~listkeeper.urls`) and typed only when the typed field
renders back to exactly that URL, else kept as written (a paper or demo given by URL, else a plain link). A repeat
of something already there is merged (a later, better title wins), a repeat that differs in its URL is kept as a
plain link, and a checkpoint stays unique across the catalog, so no URL is ever dropped or altered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from listkeeper.importer.drafts import EntryDraft, FamilyDraft
from listkeeper.importer.model import LinkRef
from listkeeper.importer.titles import (
    BADGE_WORDS,
    MEANINGLESS,
    PAGE_KIND,
    is_generic,
    names_demo,
    names_paper,
    venue_of,
)
from listkeeper.subjects import ARXIV_VERSION
from listkeeper.urls import Classified, classify


def _identity(item: Classified) -> tuple[str, ...]:
    """The key validate.py uses for "the same thing twice in one entry" (case-insensitive ids, arXiv sans version)."""
    if item.field == "paper":
        return ("paper", ARXIV_VERSION.sub("", item.value))
    if item.field == "link":
        return ("link", item.value)
    return (item.field, item.value.lower())


_FIELD_LIST = {"paper": "papers", "code": "code", "demo": "demos", "checkpoint": "checkpoints"}
_FIELD_LIST |= {"collection": "collections", "dataset": "datasets", "link": "links"}


@dataclass
class Placer:
    """Puts refs into entry drafts, keeping checkpoints unique across the catalog."""

    checkpoints: set[str] = field(default_factory=set)

    def add(
        self,
        entry: EntryDraft,
        ref: LinkRef,
        *,
        label: str | None = None,
        plain: bool = False,
        title: str | None = None,
        meta: dict[str, str] | None = None,
        suffix: str = "",
        family: FamilyDraft | None = None,
        paper_title: str | None = None,
    ) -> None:
        """Place ``ref`` in ``entry``. ``label`` is the list it sat under (**Papers**, **Links**); ``plain`` forces a
        link; ``title`` replaces a generic link text; ``meta`` are checkpoint columns; ``family`` makes repeats
        across the whole family count as present (a Quick Start row repeating what a section says)."""
        # A badge's alt text ("Star", "arXiv") names no paper or demo; a plain link may keep it ("AI Blog").
        text = "" if ref.badge else ref.text.strip()
        if ref.badge and classify(ref.url).field == "link" and not BADGE_WORDS.match(ref.text.strip()):
            text = ref.text.strip()
        url = ref.url.strip()
        item = classify(url)
        if item.field != "link" and item.url != url:
            # Not the typed form's own URL (a PDF, a deep GitHub path, http://, a trailing slash): kept as written.
            if item.field == "paper" and not plain and label in (None, "paper"):
                return self._url_item(family, entry, "papers", url, text, paper_title or f"arXiv {item.value}", label)
            if item.field == "demo" and not plain and label in (None, "demo"):
                return self._url_item(family, entry, "demos", url, text, title, label)
            item = Classified("link", url)
        if plain or label == "link":
            item = Classified("link", url)
        key = _identity(item)
        holder = family.index.get(key) if family else (entry if entry.has(key) else None)
        if holder is not None:
            url, existing = holder.seen[key]
            if url == item.url:
                self._upgrade(existing, item, text, suffix, holder.name, meta or {})
                if label:
                    holder.listed.setdefault(_FIELD_LIST[item.field], []).append(key)
                return
            item = Classified("link", ref.url.strip())  # same thing, other URL: keep the URL as a link
            key = _identity(item)
            if entry.has(key):
                return
        if item.field == "checkpoint":
            if item.value.lower() in self.checkpoints:
                item = Classified("link", ref.url.strip())
                key = _identity(item)
                if entry.has(key):
                    return
            else:
                self.checkpoints.add(item.value.lower())
        if item.field == "link" and label in ("paper", "demo"):
            field_name = "papers" if label == "paper" else "demos"
            return self._url_item(family, entry, field_name, item.value, text, paper_title or title, label)
        else:
            built = _build_item(item, text, title, meta or {}, suffix, entry.name, paper_title)
            field_name = _FIELD_LIST[item.field]
        if entry.has(key):
            return
        entry.remember(key, field_name, item.url if item.field != "link" else item.value, built, label)

    @staticmethod
    def _url_item(
        family: FamilyDraft | None,
        entry: EntryDraft,
        field_name: str,
        url: str,
        text: str,
        title: str | None,
        label: str | None,
    ) -> None:
        """A paper or demo given by its URL as written, titled by its link text, else the row's or context's."""
        key = ("paper-url" if field_name == "papers" else "demo-url", url)
        if entry.has(key) or (family is not None and family.has(key)):
            return
        named = text if text and not is_generic(text) and text != url else None
        built: dict[str, Any] = {"url": url}
        if field_name == "papers":
            built["title"] = named or title or url
        elif named or title:
            built["title"] = named or title
        entry.remember(key, field_name, url, built, label)

    @staticmethod
    def _upgrade(
        existing: dict[str, Any] | str, item: Classified, text: str, suffix: str, entry: str, meta: dict[str, str]
    ) -> None:
        """A repeat with a real title (the **Papers** list after an arXiv badge) names the item; a repeat with
        checkpoint columns (the checkpoint table after a model badge) fills in the columns still missing."""
        if isinstance(existing, dict) and item.field == "checkpoint":
            existing.update({k: v for k, v in meta.items() if v and k not in existing})
            return
        if not isinstance(existing, dict) or "title" in existing:
            return
        if item.field == "paper" and names_paper(text, entry):
            existing["title"] = text
            if venue := venue_of(suffix):
                existing["venue"] = venue
        elif item.field == "demo" and names_demo(text, item.value, entry):
            existing["title"] = text


def _build_item(
    item: Classified,
    text: str,
    title: str | None,
    meta: dict[str, str],
    suffix: str,
    entry: str,
    paper_title: str | None = None,
) -> dict[str, Any] | str:
    match item.field:
        case "paper":
            paper: dict[str, Any] = {"arxiv": item.value}
            if names_paper(text, entry):
                paper["title"] = text
                if venue := venue_of(suffix):
                    paper["venue"] = venue
            elif paper_title:
                paper["title"] = paper_title
            return paper
        case "demo":
            demo: dict[str, Any] = {"space": item.value}
            if names_demo(text, item.value, entry):
                demo["title"] = text
            return demo
        case "checkpoint":
            return {"hf": item.value, **{k: v for k, v in meta.items() if v}}
        case "link":
            named = text if text and not is_generic(text) else None
            kind = text if PAGE_KIND.match(text.strip("[]() ")) else None
            said = text if text and not MEANINGLESS.match(text.strip("[]() ")) else None  # "Data", "Code"
            return {"title": named or title or kind or said or item.value, "url": item.value}
        case _:
            return item.value
