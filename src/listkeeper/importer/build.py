"""Sections and links → catalog families. Pure: a parsed :class:`~listkeeper.importer.parse.Document` in,
validated :class:`~listkeeper.catalog.model.Family` values out, every http link placed somewhere.

How the structure is read (the rules are few on purpose, so a reader can predict the result):

* The document title (the only ``#`` heading, when it comes first) and boilerplate sections (License,
  Contributing, Contents, Citation, ...) never become families.
* A heading is a *family* when its own text (before any sub-heading) has a line of links or badges or labelled
  bullets (``- Paper: [title](url)``, ``- **Code**: ...``), or when a model table (a table outside every family,
  e.g. "Quick Start") points at it by ``#anchor`` or by name.
* A heading with no links of its own whose sub-headings are families is a *series* (its families get
  ``series``) when a sibling heading is a family ("### Cog Series" beside "### MiniGemini"); otherwise it is a
  plain container. A model-table target whose sub-headings carry badges is a series too when its name says so.
* Inside a family, sub-headings with badges, link lines or ``**Papers**``-style labels are *entries*; other
  sub-headings ("Architecture", "Motivation") are prose of the family's entry, and their links belong to it. A
  table in a family is a checkpoint table (its rows are Hub weights) or a paper/model table (its rows are entries).
* Outside families, a container heading is the family of its bullets and table rows (its parent heading, if any,
  is the ``series``): a bullet ``- [Name](url) - description`` (or ``- **Name** ...``, or plain words before its
  links) is an entry; a bullet with named sub-bullets is a family of its own. A table row is an entry named by the
  column that names the item (``Model``, ``Title``, ...; else the first column of words, never a date or a badge),
  with its date, venue, org and licence columns kept; a row that names a family (anchor or name) joins it.
* Every other link goes to the catch-all family ``other``: one entry per section, as plain links.

Within an entry each URL is classified (:mod:`~listkeeper.urls`) and typed only when the typed field renders back
to exactly that URL; otherwise it is kept as written (a paper or demo given by URL, else a plain link). A repeat of
something already there is merged (a later, better title wins), and a repeat that differs in its URL is kept as a
plain link, so no URL is ever dropped or altered.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from listkeeper.catalog.model import Entry, Family
from listkeeper.importer.parse import BulletList, Document, Html, Inline, Item, LinkRef, Paragraph, Row, Section, Table
from listkeeper.subjects import ARXIV_VERSION
from listkeeper.urls import Classified, classify

CATCH_ALL_NAME = "Other"
# Link texts that say what a link is, not what it is called: never used as a title.
_GENERIC = re.compile(
    r"^(?:|link|links|here|this|click here|url|website|homepage|home page|project page|page|paper|papers|pdf|"
    r"arxiv|code|github|repo|repository|demo|model|models|weights|checkpoint|checkpoints|hf|hugging ?face|"
    r"dataset|datasets|data|collection|space|openreview|abs|html|🤗)$",
    re.IGNORECASE,
)
_BADGE_WORDS = re.compile(r"^(?:|stars?|github stars?|forks?|licen[cs]e|build|ci|version|downloads?|awesome)$", re.I)
# Link texts that say nothing at all: the URL says more.
_MEANINGLESS = re.compile(r"^(?:|link|links|here|this|click here|url|🤗)$", re.IGNORECASE)
# Generic, but still better than the bare URL as the title of a plain link: they say what the page is for.
_PAGE_KIND = re.compile(r"^(?:project page|homepage|home page|website)$", re.IGNORECASE)
_ARXIV_ALT = re.compile(r"^arxiv[: ]\s*\S+$", re.IGNORECASE)
_SPACE_ALT = re.compile(r"^hugging ?face space\b", re.IGNORECASE)
# Sections every awesome list has that are never about a model, even when they carry a badge (a licence badge).
_BOILERPLATE = re.compile(
    r"^(?:licen[cs]e|contribut|contents|table of contents|toc\b|citation|cite\b|acknowledg|star history|contact|"
    r"related|see also|references)",
    re.IGNORECASE,
)
_SERIES_NAME = re.compile(r"\bseries\b|系列", re.IGNORECASE)
_LABELS = {"papers": "paper", "paper": "paper", "checkpoints": "checkpoint", "datasets": "dataset"}
_LABELS |= {"demos": "demo", "demo": "demo", "links": "link", "code": "code"}
_FACTS = {"parameters": "params", "params": "params", "base llms": "base_llms", "base llm": "base_llms"}
_FACTS |= {"released": "released", "date": "when", "venue": "venue", "org": "org", "license": "license"}
_DESCRIPTION_SEP = re.compile(r"^[\s\-–—:|,.]+")
_PAPER_SUFFIX = re.compile(r"^\((?:arXiv [^,)]+)?(?:, )?(?P<venue>[^)]*)\)$")

# Table header → what the column holds (English and the Chinese the seed list uses).
_COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "date",
        re.compile(
            r"^(?:date|time|released?|release date|published|publication date|year|month|updated?)$|日期|时间",
            re.IGNORECASE,
        ),
    ),
    ("venue", re.compile(r"^(?:venue|conference|conf\.?|journal|publication|published in|pub\.?)$", re.IGNORECASE)),
    (
        "org",
        re.compile(
            r"^(?:org|orgs|organi[sz]ation|institution|affiliation|company|team|lab|developer|by)$|机构", re.IGNORECASE
        ),
    ),
    ("license", re.compile(r"^licen[cs]e|许可", re.IGNORECASE)),
    ("paper", re.compile(r"^(?:paper|papers|arxiv|publication link)$", re.IGNORECASE)),
    ("demo", re.compile(r"^(?:demo|demos|space|try it)$", re.IGNORECASE)),
    ("page", re.compile(r"^(?:project|project page|homepage|website|blog|page)$", re.IGNORECASE)),
    ("title", re.compile(r"^(?:title|paper title)$", re.IGNORECASE)),
    ("resolution", re.compile(r"resolution|分辨|^input$", re.IGNORECASE)),
    ("params", re.compile(r"param|参数", re.IGNORECASE)),
    ("size", re.compile(r"^size$|尺寸|大小", re.IGNORECASE)),
    ("base_llm", re.compile(r"base|llm", re.IGNORECASE)),
    ("note", re.compile(r"note|desc|summary|intro|介|说明|备注", re.IGNORECASE)),
]


def slugify(text: str) -> str:
    """Lowercase ASCII id from a name: letters, digits, '.', '_', '-' (may be empty for e.g. Chinese names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9._-]+", "-", ascii_text)).strip("-._")


def _clean_description(text: str) -> str | None:
    text = _DESCRIPTION_SEP.sub("", _EMPTY_BRACKETS.sub("", text)).strip()
    return _WS.sub(" ", text) or None


_EMPTY_BRACKETS = re.compile(r"\[\s*\]|\(\s*\)")  # what "[[code](…)]" leaves around a link


def _identity(item: Classified) -> tuple[str, ...]:
    """The key validate.py uses for "the same thing twice in one entry" (case-insensitive ids, arXiv sans version)."""
    if item.field == "paper":
        return ("paper", ARXIV_VERSION.sub("", item.value))
    if item.field == "link":
        return ("link", item.value)
    return (item.field, item.value.lower())


# --- drafts -----------------------------------------------------------------------------------------------------


@dataclass
class EntryDraft:
    name: str
    summary: str | None = None
    released: date | None = None
    params: list[str] = field(default_factory=list)
    base_llms: list[str] = field(default_factory=list)
    items: dict[str, list[dict[str, Any] | str]] = field(default_factory=dict)
    seen: dict[tuple[str, ...], tuple[str, dict[str, Any] | str]] = field(default_factory=dict)  # → (url, item)
    listed: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)  # order given by a labelled list

    family: FamilyDraft | None = field(default=None, repr=False, compare=False)
    facts: dict[str, str] = field(default_factory=dict)  # date, venue, org, license as the list writes them

    def has(self, key: tuple[str, ...]) -> bool:
        return key in self.seen

    def remember(
        self, key: tuple[str, ...], field_name: str, url: str, built: dict[str, Any] | str, label: str | None
    ) -> None:
        self.items.setdefault(field_name, []).append(built)
        self.seen[key] = (url, built)
        if label:
            self.listed.setdefault(field_name, []).append(key)
        if self.family is not None:
            self.family.index.setdefault(key, self)

    def to_entry(self, entry_id: str) -> Entry:
        data: dict[str, Any] = {"id": entry_id, "name": self.name}
        if self.summary:
            data["summary"] = self.summary
        if self.released:
            data["released"] = self.released
        if self.params:
            data["params"] = self.params
        if self.base_llms:
            data["base_llms"] = self.base_llms
        data |= {k: v for k, v in self.facts.items() if v}
        for name in ("papers", "code", "demos", "checkpoints", "collections", "datasets", "links"):
            if self.items.get(name):
                data[name] = self._ordered(name)
        return Entry.model_validate(data)

    def _ordered(self, name: str) -> list[Any]:
        """Items in first-seen order, except that a labelled list (**Papers**, **Demos**) fixes its items' order."""
        items = self.items[name]
        listed = self.listed.get(name)
        if not listed:
            return items
        by_key = {id(item): key for key, (_url, item) in self.seen.items()}
        rank = {key: i for i, key in enumerate(dict.fromkeys(listed))}
        return sorted(items, key=lambda it: rank.get(by_key.get(id(it), ()), len(rank)))


@dataclass
class FamilyDraft:
    name: str
    position: tuple[int, int]
    series: str | None = None
    summary: str | None = None
    entries: list[EntryDraft] = field(default_factory=list)
    index: dict[tuple[str, ...], EntryDraft] = field(default_factory=dict)  # item key → the entry holding it

    def add(self, entry: EntryDraft) -> EntryDraft:
        entry.family = self
        self.entries.append(entry)
        for key in entry.seen:
            self.index.setdefault(key, entry)
        return entry

    def has(self, key: tuple[str, ...]) -> bool:
        return key in self.index


_FIELD_LIST = {"paper": "papers", "code": "code", "demo": "demos", "checkpoint": "checkpoints"}
_FIELD_LIST |= {"collection": "collections", "dataset": "datasets", "link": "links"}


@dataclass
class _Placer:
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
        if ref.badge and classify(ref.url).field == "link" and not _BADGE_WORDS.match(ref.text.strip()):
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
        named = text if text and not _generic(text) and text != url else None
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
        if item.field == "paper" and _paper_title(text, entry):
            existing["title"] = text
            if venue := _venue(suffix):
                existing["venue"] = venue
        elif item.field == "demo" and _demo_title(text, item.value, entry):
            existing["title"] = text


def _generic(text: str) -> bool:
    """ "paper", "[code]", "(demo)": a link text that names the kind of link, not the thing."""
    return bool(_GENERIC.match(text.strip().strip("[]()").strip()))


def _paper_title(text: str, entry: str = "") -> bool:
    bare_id = bool(re.fullmatch(r"(?:arxiv[: ]?\s*)?\d{4}\.\d{4,5}(?:v\d+)?", text.strip(), re.IGNORECASE))
    return not (_generic(text) or _ARXIV_ALT.match(text) or text == entry or bare_id)


def _demo_title(text: str, space: str, entry: str = "") -> bool:
    return not (_generic(text) or _SPACE_ALT.match(text) or text in (space, entry))


def _venue(suffix: str) -> str | None:
    found = _PAPER_SUFFIX.match(suffix.strip())
    venue = found.group("venue").strip() if found else ""
    return venue if venue and len(venue) <= 40 and re.search(r"\b(?:19|20)\d{2}\b|'\d{2}\b", venue) else None


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
            if _paper_title(text, entry):
                paper["title"] = text
                if venue := _venue(suffix):
                    paper["venue"] = venue
            elif paper_title:
                paper["title"] = paper_title
            return paper
        case "demo":
            demo: dict[str, Any] = {"space": item.value}
            if _demo_title(text, item.value, entry):
                demo["title"] = text
            return demo
        case "checkpoint":
            return {"hf": item.value, **{k: v for k, v in meta.items() if v}}
        case "link":
            named = text if text and not _generic(text) else None
            kind = text if _PAGE_KIND.match(text.strip("[]() ")) else None
            said = text if text and not _MEANINGLESS.match(text.strip("[]() ")) else None  # "Data", "Code"
            return {"title": named or title or kind or said or item.value, "url": item.value}
        case _:
            return item.value


# --- section roles -----------------------------------------------------------------------------------------------


def _label(inline: Inline) -> str | None:
    """``**Papers**`` alone in a paragraph names the list that follows."""
    if inline.lead_strong and not inline.links and inline.text.strip() == inline.lead_strong:
        return _LABELS.get(inline.lead_strong.strip().rstrip(":").lower())
    return None


def _link_line(inline: Inline) -> bool:
    return bool(inline.links) and (inline.filler_only or inline.badges > 0)


def _signature(section: Section) -> bool:
    """The section's own text has a line of links or badges (or its heading is a link), or labelled bullets."""
    if section.signature is None:
        section.signature = _find_signature(section)
    return section.signature


def _find_signature(section: Section) -> bool:
    if section.title.links:
        return True
    if any(isinstance(b, BulletList) and any(_item_label(i.inline) for i in b.items) for b in section.blocks):
        return True  # "- Paper: [title](url)", "- Code: [...](...)" under the heading
    return any(isinstance(b, Paragraph | Html) and _link_line(b.inline) for b in section.blocks)


# "- Paper: [title](url)" and "- **Code**: [...](...)": the word before the link says what the link is.
_ITEM_LABELS = {"paper": "paper", "papers": "paper", "arxiv": "paper", "code": "code", "github": "code"}
_ITEM_LABELS |= {"checkpoint": "checkpoint", "checkpoints": "checkpoint", "weights": "checkpoint"}
_ITEM_LABELS |= {"model": "checkpoint", "models": "checkpoint", "dataset": "dataset", "datasets": "dataset"}
_ITEM_LABELS |= {"data": "dataset", "demo": "demo", "demos": "demo", "space": "demo", "collection": "collection"}
_ITEM_LABELS |= {"collections": "collection", "project page": "link", "homepage": "link", "website": "link"}
_ITEM_LABELS |= {"blog": "link", "project": "link"}
_ITEM_LABELS |= {"论文": "paper", "代码": "code", "模型": "checkpoint", "权重": "checkpoint", "数据集": "dataset"}
_ITEM_LABELS |= {"演示": "demo", "项目主页": "link", "主页": "link"}


def _item_label(inline: Inline) -> str | None:
    """The label a bullet opens with ("Paper:", "**Code**:"), when a link follows it."""
    if not inline.links:
        return None
    word = inline.prefix if inline.lead is None and not inline.lead_strong else (inline.lead_strong or "")
    if inline.lead_strong and inline.lead is None:
        word = inline.lead_strong
    return _ITEM_LABELS.get(word.strip().rstrip(":：").strip().lower())


_NAME_TAIL = re.compile(r"[\s\-–—:|,.(\[]+$")


def _item_name(inline: Inline) -> str | None:
    """What a bullet is called: its first (non-badge) link's text, a bold opening, or the words before its first
    link ("Title of the paper. [[pdf]](…)"); never a label ("Paper:") or a generic word ("link")."""
    if _item_label(inline):
        return None
    for name in (inline.lead.text if inline.lead else None, inline.lead_strong, _NAME_TAIL.sub("", inline.prefix)):
        if name and not _generic(name) and not name.startswith(("http://", "https://")):
            return name.strip()
    return None


def _entry_shaped(section: Section) -> bool:
    if _signature(section):
        return True
    for block in section.blocks:
        if isinstance(block, Paragraph) and _label(block.inline):
            return True
        if isinstance(block, BulletList) and any(_fact(item.inline) for item in block.items):
            return True
    return False


def _fact(inline: Inline) -> str | None:
    if inline.lead_strong:
        return _FACTS.get(inline.lead_strong.strip().rstrip(":").strip().lower())
    return None


def _split_values(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[/,、，;]", text) if part.strip()]


@dataclass
class _Columns:
    """What each column of a table holds, from its header (and, for the naming column, its cells)."""

    roles: dict[int, str]
    naming: int = 0
    titled: bool = False  # the naming column holds paper titles
    headers: tuple[str, ...] = ()

    @classmethod
    def of(cls, table: Table) -> _Columns:
        header = table.header
        naming = next((i for i, cell in enumerate(header) if _NAME_HEADER.search(cell.text)), None)
        if naming is None:
            naming = next((i for i in range(len(header)) if _names_things(table, i)), 0)
        roles: dict[int, str] = {}
        for index, cell in enumerate(header):
            if index == naming:
                continue
            for role, pattern in _COLUMNS:
                if pattern.search(cell.text.strip()) and role not in roles.values():
                    roles[index] = role
                    break
        titled = naming < len(header) and bool(_TITLE_HEADER.search(header[naming].text))
        return cls(roles, naming, titled, tuple(cell.text.strip() for cell in header))

    def name(self, row: Row) -> str:
        if self.naming >= len(row.cells):
            return ""
        cell = row.cells[self.naming]
        return (cell.lead.text if cell.lead and cell.lead.text else _unbadged_text(cell)).strip()

    def value(self, row: Row, role: str) -> str | None:
        for index, name in self.roles.items():
            if name == role and index < len(row.cells) and not row.cells[index].links:
                return row.cells[index].text.strip() or None
        return None

    def paper_title(self, row: Row, name: str) -> str | None:
        """The row's paper title: a title column, or the naming column when it is one ("Title", "Paper")."""
        return self.value(row, "title") or (name if self.titled and name else None)

    def link_title(self, row: Row, index: int, name: str) -> str | None:
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{name} ({header})" if name and header and index != self.naming else (name or None)

    def label(self, index: int) -> str | None:
        """A links column named for a kind of item ("Paper", "Demo", "Project page") places its links so."""
        return {"paper": "paper", "demo": "demo", "page": "link"}.get(self.roles.get(index, ""))

    def facts(self, row: Row, entry: EntryDraft) -> None:
        if when := self.value(row, "date"):
            day = _day(when)
            if day is not None:
                entry.released = entry.released or day
            else:
                entry.facts.setdefault("when", when)
        for role in ("venue", "org", "license"):
            if value := self.value(row, role):
                entry.facts.setdefault(role, value)


_NAME_HEADER = re.compile(r"^\W*(?:model|models|name|title|paper title|model name|method|project)\W*$", re.IGNORECASE)
_TITLE_HEADER = re.compile(r"title|paper", re.IGNORECASE)
_DATE = re.compile(
    r"^(?:\d{4}(?:[-./]\d{1,2}(?:[-./]\d{1,2})?)?|\d{1,2}[-./]\d{4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? \d{4})$",
    re.IGNORECASE,
)
_FULL_DAY = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$")


def _day(text: str) -> date | None:
    found = _FULL_DAY.match(text.strip())
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _unbadged_text(cell: Inline) -> str:
    """A cell's text without its badges' alt texts (a badge names nothing)."""
    text = cell.text
    for ref in cell.links:
        if ref.badge and ref.text:
            text = text.replace(ref.text, "", 1)
    return _WS.sub(" ", text).strip()


def _names_things(table: Table, index: int) -> bool:
    """A column whose cells are words (not dates, numbers or badges only) can name the rows."""
    cells = [row.cells[index] for row in table.rows if index < len(row.cells)]
    texts = [_unbadged_text(cell) for cell in cells]
    named = [t for t in texts if t and not _DATE.match(t) and not re.fullmatch(r"[\d.,%/\s×x-]+[KMBT]?", t)]
    return bool(cells) and len(named) * 2 > len(cells)


_WS = re.compile(r"\s+")


# --- the builder ------------------------------------------------------------------------------------------------


@dataclass
class Built:
    families: list[Family]  # in rendering order (``order`` set from document position)


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.placer = _Placer()
        self.families: list[FamilyDraft] = []
        self.by_anchor: dict[str, tuple[FamilyDraft, EntryDraft]] = {}
        self.by_name: dict[str, tuple[FamilyDraft, EntryDraft]] = {}
        self.stray: dict[int, tuple[Section, EntryDraft]] = {}  # catch-all entries by section identity
        self.model_tables: list[tuple[Section, Table]] = []
        self.section_families: dict[int, FamilyDraft] = {}
        self.parents: dict[int, Section] = {
            id(child): section for section in doc.root.walk() for child in section.children
        }
        self.title = self._title_section()
        self.targets = self._table_targets()

    # -- roles ---------------------------------------------------------------------------------------------
    def _title_section(self) -> Section | None:
        top = [s for s in self.doc.root.children if s.level == 1]
        if len(top) == 1 and self.doc.root.children and self.doc.root.children[0] is top[0]:
            return top[0]
        return None

    def _table_targets(self) -> tuple[set[str], set[str]]:
        """Anchors and names that rows of tables outside sig-families point at (a first pass without targets)."""
        anchors: set[str] = set()
        names: set[str] = set()

        def visit(section: Section, inside: bool) -> None:
            inside = inside or (section is not self.title and section.level > 0 and _signature(section))
            for block in section.blocks:
                if isinstance(block, Table) and not inside:
                    columns = _Columns.of(block)
                    for row in block.rows:
                        anchors.update(a.lstrip("#") for cell in row.cells for a in cell.anchors)
                        if row.cells and (name := slugify(columns.name(row))):
                            names.add(name)
            for child in section.children:
                visit(child, inside)

        visit(self.doc.root, False)
        return anchors, names

    def _target(self, section: Section) -> bool:
        anchors, names = self.targets
        return section.anchor in anchors or (bool(slugify(section.title.text)) and slugify(section.title.text) in names)

    def _candidate(self, section: Section) -> bool:
        if section is self.title or section.level == 0 or _BOILERPLATE.match(section.title.text.strip()):
            return False
        return _signature(section) or self._target(section)

    # -- pass A: headings ----------------------------------------------------------------------------------
    def headings(self, section: Section, series: str | None) -> None:
        below = [d for d in section.walk()[1:] if self._candidate(d)]
        if self._candidate(section):
            own = _signature(section)
            if not below or (own and len(below) < 2):
                self._heading_family(section, series, entries=[c for c in section.children if _entry_shaped(c)])
                return
            if not own and not _SERIES_NAME.search(section.title.text):
                self._heading_family(section, series, entries=[c for c in section.children if _entry_shaped(c)])
                return
        self.containers.append(section)
        siblings_family = section.level > 0 and self._parent_has_candidate_child(section)
        child_series = section.title.text if (self._target(section) or siblings_family) and below else series
        if section is self.title or section.level == 0:
            child_series = None
        for child in section.children:
            self.headings(child, child_series)
            if child_series and child_series == section.title.text and section.anchor not in self.by_anchor:
                self._alias(section, child)

    def _alias(self, series_section: Section, child: Section) -> None:
        found = self.by_anchor.get(child.anchor)
        if found:
            self.by_anchor[series_section.anchor] = found
            if name := slugify(series_section.title.text):
                self.by_name.setdefault(name, found)

    def _parent_has_candidate_child(self, section: Section) -> bool:
        parent = next((s for s in self.doc.root.walk() if section in s.children), None)
        return parent is not None and any(
            self._candidate(s) and not [d for d in s.walk()[1:] if self._candidate(d)]
            for s in parent.children
            if s is not section
        )

    def _heading_family(self, section: Section, series: str | None, entries: list[Section]) -> None:
        family = FamilyDraft(section.title.text, (section.line, 0), series=series)
        self.families.append(family)
        if not entries:
            entry = EntryDraft(section.title.text)
            family.add(entry)
            self._register(section, family, entry)
            self._absorb(entry, section, summary=True, family=family)
            return
        family.summary = _summary(section.blocks)
        for child in entries:
            entry = EntryDraft(child.title.text)
            family.add(entry)
            self._register(child, family, entry)
            self._absorb(entry, child, summary=True, family=family)
        self._register(section, family, family.entries[0])
        rest = [c for c in section.children if c not in entries]
        first = family.entries[0]
        self._absorb_blocks(first, section.blocks, family)
        for child in rest:
            self._absorb(first, child, summary=False, family=family)

    def _register(self, section: Section, family: FamilyDraft, entry: EntryDraft) -> None:
        self.by_anchor.setdefault(section.anchor, (family, entry))
        if name := slugify(section.title.text):
            self.by_name.setdefault(name, (family, entry))

    def _absorb(self, entry: EntryDraft, section: Section, *, summary: bool, family: FamilyDraft) -> None:
        for ref in section.title.links:
            self.placer.add(entry, ref)
        if summary and entry.summary is None:
            entry.summary = _summary(section.blocks)
        self._absorb_blocks(entry, section.blocks, family)
        for child in section.children:
            self._absorb(entry, child, summary=False, family=family)

    def _absorb_blocks(self, entry: EntryDraft, blocks: list[Any], family: FamilyDraft) -> None:
        label: str | None = None
        for block in blocks:
            if isinstance(block, Paragraph) and (found := _label(block.inline)):
                label = found
                continue
            if isinstance(block, Paragraph | Html):
                for ref in block.inline.links:
                    self.placer.add(entry, ref)
            elif isinstance(block, Table) and _checkpoint_rows(block):
                self._checkpoint_table(entry, block)
            elif isinstance(block, Table):
                columns = _Columns.of(block)
                for row in block.rows:
                    self._family_row(family, entry, columns, row)
            elif isinstance(block, BulletList):
                self._entry_bullets(entry, block.items, label)
            label = None

    def _family_row(self, family: FamilyDraft, entry: EntryDraft, columns: _Columns, row: Row) -> None:
        """A row of a paper or model table inside a family: an entry of that family (unnamed rows add links)."""
        name = columns.name(row)
        if name and name != entry.name:
            entry = family.add(EntryDraft(name, summary=columns.value(row, "note")))
            if params := columns.value(row, "params"):
                entry.params = _split_values(params)
            if llms := columns.value(row, "base_llm"):
                entry.base_llms = _split_values(llms)
        columns.facts(row, entry)
        for index, cell in enumerate(row.cells):
            for ref in cell.links:
                self.placer.add(
                    entry,
                    ref,
                    title=columns.link_title(row, index, name),
                    label=columns.label(index),
                    paper_title=columns.paper_title(row, name),
                )

    def _entry_bullets(self, entry: EntryDraft, items: list[Item], label: str | None) -> None:
        for item in items:
            fact = _fact(item.inline)
            if fact and not item.inline.links:
                values = _split_values(item.inline.after_lead)
                if fact == "released":
                    with contextlib.suppress(ValueError):  # not a date: the text stays in the list, nothing to keep
                        entry.released = entry.released or date.fromisoformat(item.inline.after_lead.strip())
                elif fact in ("when", "venue", "org", "license"):
                    entry.facts.setdefault(fact, _DESCRIPTION_SEP.sub("", item.inline.after_lead).strip())
                else:
                    target: list[str] = getattr(entry, fact)
                    target += [v for v in values if v not in target]
            item_label = _item_label(item.inline) or label
            for block in item.blocks:
                if isinstance(block, Paragraph | Html):
                    for ref in block.inline.links:
                        suffix = block.inline.after_lead if ref is block.inline.lead else ""
                        self.placer.add(entry, ref, label=item_label, suffix=suffix)
                elif isinstance(block, Table):
                    self._checkpoint_table(entry, block)
            self._entry_bullets(entry, item.children, label)

    def _checkpoint_table(self, entry: EntryDraft, table: Table) -> None:
        columns = _Columns.of(table)
        for row in table.rows:
            name = _row_name(row)
            found = {
                "size": columns.value(row, "size") or columns.value(row, "params"),
                "base_llm": columns.value(row, "base_llm"),
                "resolution": columns.value(row, "resolution"),
                "note": columns.value(row, "note"),
            }
            meta = {k: v for k, v in found.items() if v}
            for index, cell in enumerate(row.cells):
                header = table.header[index].text if index < len(table.header) else ""
                for ref in cell.links:
                    title = f"{name} ({header})" if header and name and index else (name or None)
                    self.placer.add(entry, ref, title=title, meta=meta)

    # -- pass B: containers --------------------------------------------------------------------------------
    def container(self, section: Section) -> None:
        for ref in section.title.links:
            self._stray(section, ref)
        for block in section.blocks:
            if isinstance(block, Paragraph | Html):
                for ref in block.inline.links:
                    self._stray(section, ref)
            elif isinstance(block, Table):
                self.model_tables.append((section, block))
            elif isinstance(block, BulletList):
                for item in block.items:
                    self._bullet(section, item)

    def _stray(self, section: Section, ref: LinkRef) -> None:
        if id(section) not in self.stray:
            name = section.title.text or (self.title.title.text if self.title else "") or "Introduction"
            self.stray[id(section)] = (section, EntryDraft(name))
        self.placer.add(self.stray[id(section)][1], ref, plain=True)

    def _section_family(self, section: Section) -> FamilyDraft:
        """The family a container section's rows and bullets become entries of (its heading names it)."""
        if (found := self.section_families.get(id(section))) is not None:
            return found
        name = section.title.text or (self.title.title.text if self.title else "") or "Links"
        parent = self.parents.get(id(section))
        series = parent.title.text if parent is not None and parent.level > 0 and parent is not self.title else None
        family = FamilyDraft(name, (section.line, 1), series=series or None)
        self.section_families[id(section)] = family
        self.families.append(family)
        return family

    def _bullet(self, section: Section, item: Item) -> None:
        inline = item.inline
        name = _item_name(inline)
        boilerplate = bool(_BOILERPLATE.match(section.title.text.strip()))  # "- MIT: [text](…)" under License
        if not name or boilerplate or (inline.lead is None and not _item_links(item)):
            for ref in _item_links(item, deep=True):
                self._stray(section, ref)
            return
        found = self.by_name.get(slugify(name))
        if found:
            family, entry = found
        elif any(_item_name(child.inline) and _clean_description(child.inline.after_lead) for child in item.children):
            family = FamilyDraft(name, (item.line, 0))  # a bullet with named sub-bullets groups them: a family
            entry = family.add(EntryDraft(name, summary=_clean_description(inline.after_lead)))
            self.families.append(family)
            if slug := slugify(name):
                self.by_name[slug] = (family, entry)
        else:
            family = self._section_family(section)
            entry = family.add(EntryDraft(name, summary=_clean_description(inline.after_lead)))
        for ref in _item_links(item):
            # A bullet named by its lead link or by plain words before its links is named by its paper's title.
            lead = ref is inline.lead or (inline.lead is None and not inline.lead_strong)
            suffix = inline.after_lead if ref is inline.lead else ""
            self.placer.add(entry, ref, suffix=suffix, title=name, paper_title=name if lead else None)
        for child in item.children:
            self._nested(family, entry, child)

    def _nested(self, family: FamilyDraft, parent: EntryDraft, item: Item) -> None:
        inline = item.inline
        name = _item_name(inline)
        label = _item_label(inline)
        entry = parent
        if name and _clean_description(inline.after_lead):
            entry = family.add(EntryDraft(name, summary=_clean_description(inline.after_lead)))
        for ref in _item_links(item):
            self.placer.add(entry, ref, label=label)
        for child in item.children:
            self._nested(family, entry, child)

    # -- pass C: model tables ------------------------------------------------------------------------------
    def table_rows(self) -> None:
        for section, table in self.model_tables:
            columns = _Columns.of(table)
            for row in table.rows:
                self._row(section, columns, row)

    def _row(self, section: Section, columns: _Columns, row: Row) -> None:
        anchors = [a.lstrip("#") for cell in row.cells for a in cell.anchors]
        found = next((self.by_anchor[a] for a in anchors if a in self.by_anchor), None)
        name = columns.name(row)
        found = found or self.by_name.get(slugify(name))
        links = [ref for cell in row.cells for ref in cell.links]
        joined = found is not None
        if found is None:
            if not links or not name or _BOILERPLATE.match(section.title.text.strip()):
                for ref in links:
                    self._stray(section, ref)
                return
            family = self._section_family(section)
            entry = family.add(EntryDraft(name, summary=columns.value(row, "note")))
        else:
            family, entry = found
        if not (joined and any(e.params for e in family.entries)) and (params := columns.value(row, "params")):
            entry.params = _split_values(params)
        if not (joined and any(e.base_llms for e in family.entries)) and (llms := columns.value(row, "base_llm")):
            entry.base_llms = _split_values(llms)
        columns.facts(row, entry)
        for index, cell in enumerate(row.cells):
            for ref in cell.links:
                self.placer.add(
                    entry,
                    ref,
                    family=family if joined else None,
                    title=columns.link_title(row, index, name),
                    label=columns.label(index),
                    paper_title=columns.paper_title(row, name),
                )

    # -- result --------------------------------------------------------------------------------------------
    def run(self) -> Built:
        self.containers: list[Section] = []
        self.headings(self.doc.root, None)
        for section in self.containers:
            self.container(section)
        self.table_rows()
        drafts = sorted(self.families, key=lambda f: f.position)
        if self.stray:
            catch_all = FamilyDraft(CATCH_ALL_NAME, (10**9, 0))
            catch_all.entries = [entry for _s, entry in sorted(self.stray.values(), key=lambda se: se[0].line)]
            drafts.append(catch_all)
        return Built(_finish(drafts))


def _row_name(row: Row) -> str:
    if not row.cells:
        return ""
    first = row.cells[0]
    return (first.lead.text if first.lead and first.lead.text else _unbadged_text(first)).strip()


def _checkpoint_rows(table: Table) -> bool:
    """A checkpoint table: most rows link to a Hub model and none to a paper or a repository (its rows are the
    weights of the entry above, not models or papers of their own)."""
    kinds = [{classify(ref.url).field for cell in row.cells for ref in cell.links} for row in table.rows]
    with_weights = sum(1 for fields in kinds if "checkpoint" in fields)
    return with_weights * 2 > len(kinds) and not any(fields & {"paper", "code"} for fields in kinds)


def _item_links(item: Item, *, deep: bool = False) -> list[LinkRef]:
    refs = [ref for b in item.blocks if isinstance(b, Paragraph | Html) for ref in b.inline.links]
    refs += [ref for b in item.blocks if isinstance(b, Table) for row in b.rows for c in row.cells for ref in c.links]
    if deep:
        refs += [ref for child in item.children for ref in _item_links(child, deep=True)]
    return refs


def _summary(blocks: list[Any]) -> str | None:
    """The first paragraph of prose (not a line of links, not a label) is the summary."""
    for block in blocks:
        if isinstance(block, Paragraph) and block.inline.text and not _link_line(block.inline):
            if _label(block.inline):
                return None
            return block.inline.text
        if isinstance(block, Table | BulletList):
            return None
    return None


def _unique(base: str, taken: set[str], tries: dict[str, int] | None = None) -> str:
    counts = tries if tries is not None else {}
    result, n = base, counts.get(base, 1)
    while result in taken:
        n += 1
        result = f"{base}-{n}"
    counts[base] = n
    taken.add(result)
    return result


def _finish(drafts: list[FamilyDraft]) -> list[Family]:
    """Assign ids (slugs, de-duplicated in document order) and ``order``, and validate every family."""
    family_ids: set[str] = set()
    entry_ids: set[str] = set()
    tries: dict[str, int] = {}
    families = []
    for rank, draft in enumerate(drafts, start=1):
        family_id = _unique(slugify(draft.name) or f"family-{rank}", family_ids)
        entries = []
        for index, entry in enumerate(draft.entries, start=1):
            base = slugify(entry.name) or (family_id if len(draft.entries) == 1 else f"{family_id}-{index}")
            entries.append(entry.to_entry(_unique(base[:80].strip("-._") or base, entry_ids, tries)))
        data: dict[str, Any] = {"id": family_id, "name": draft.name, "order": rank * 10, "entries": entries}
        if draft.series:
            data["series"] = draft.series
        if draft.summary:
            data["summary"] = draft.summary
        families.append(Family.model_validate(data))
    return families


def build_families(doc: Document) -> Built:
    """Families for ``doc`` (see the module docstring for the rules)."""
    return _Builder(doc).run()
