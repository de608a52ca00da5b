"""Sections and links → catalog families. Pure: a parsed :class:`~listkeeper.importer.model.Document` in,
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
from dataclasses import dataclass
from datetime import date
from typing import Any

from listkeeper.catalog.model import Family
from listkeeper.importer import roles
from listkeeper.importer.columns import Columns, checkpoint_rows, row_name
from listkeeper.importer.drafts import EntryDraft, FamilyDraft
from listkeeper.importer.finish import finish_families, slugify
from listkeeper.importer.model import BulletList, Document, Html, Item, LinkRef, Paragraph, Row, Section, Table
from listkeeper.importer.placer import Placer

CATCH_ALL_NAME = "Other"
_DESCRIPTION_SEP = re.compile(r"^[\s\-–—:|,.]+")
_EMPTY_BRACKETS = re.compile(r"\[\s*\]|\(\s*\)")  # what "[[code](…)]" leaves around a link
_WS = re.compile(r"\s+")


def _clean_description(text: str) -> str | None:
    text = _DESCRIPTION_SEP.sub("", _EMPTY_BRACKETS.sub("", text)).strip()
    return _WS.sub(" ", text) or None


def _split_values(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[/,、，;]", text) if part.strip()]


@dataclass
class Built:
    families: list[Family]  # in rendering order (``order`` set from document position)


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.placer = Placer()
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
            inside = inside or (section is not self.title and section.level > 0 and roles.signature(section))
            for block in section.blocks:
                if isinstance(block, Table) and not inside:
                    columns = Columns.of(block)
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
        if section is self.title or section.level == 0 or roles.BOILERPLATE.match(section.title.text.strip()):
            return False
        return roles.signature(section) or self._target(section)

    # -- pass A: headings ----------------------------------------------------------------------------------
    def headings(self, section: Section, series: str | None) -> None:
        below = [d for d in section.walk()[1:] if self._candidate(d)]
        if self._candidate(section):
            own = roles.signature(section)
            if not below or (own and len(below) < 2):
                self._heading_family(section, series, entries=[c for c in section.children if roles.entry_shaped(c)])
                return
            if not own and not roles.SERIES_NAME.search(section.title.text):
                self._heading_family(section, series, entries=[c for c in section.children if roles.entry_shaped(c)])
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
        family = FamilyDraft(section.name, (section.line, 0), series=series)
        self.families.append(family)
        if not entries:
            entry = EntryDraft(section.name)
            family.add(entry)
            self._register(section, family, entry)
            self._absorb(entry, section, summary=True, family=family)
            return
        family.summary = roles.summary(section.blocks)
        for child in entries:
            entry = EntryDraft(child.name)
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
            entry.summary = roles.summary(section.blocks)
        self._absorb_blocks(entry, section.blocks, family)
        for child in section.children:
            self._absorb(entry, child, summary=False, family=family)

    def _absorb_blocks(self, entry: EntryDraft, blocks: list[Any], family: FamilyDraft) -> None:
        label: str | None = None
        for block in blocks:
            if isinstance(block, Paragraph) and (found := roles.label(block.inline)):
                label = found
                continue
            if isinstance(block, Paragraph | Html):
                for ref in block.inline.links:
                    self.placer.add(entry, ref)
            elif isinstance(block, Table) and checkpoint_rows(block):
                self._checkpoint_table(entry, block)
            elif isinstance(block, Table):
                columns = Columns.of(block)
                for row in block.rows:
                    self._table_row(family, entry, columns, row)
            elif isinstance(block, BulletList):
                self._entry_bullets(entry, block.items, label)
            label = None

    def _table_row(
        self, family: FamilyDraft, entry: EntryDraft | None, columns: Columns, row: Row, *, joined: bool = False
    ) -> None:
        """A row of a paper or model table → an entry of ``family``: a new one when there is no ``entry`` or the row
        names another (its params and base LLMs kept), else ``entry`` itself (unnamed rows add links). A ``joined``
        row names an existing entry (by anchor or name): that entry takes the row's params and base LLMs only when
        no entry of the family has them yet, and repeats count as present across the whole family."""
        name = columns.name(row)
        new = entry is None or (not joined and bool(name) and name != entry.name)
        if entry is None or new:
            entry = family.add(EntryDraft(name, summary=columns.value(row, "note")))
        if (new or (joined and not any(e.params for e in family.entries))) and (params := columns.value(row, "params")):
            entry.params = _split_values(params)
        if (new or (joined and not any(e.base_llms for e in family.entries))) and (
            llms := columns.value(row, "base_llm")
        ):
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

    def _entry_bullets(self, entry: EntryDraft, items: list[Item], label: str | None) -> None:
        for item in items:
            fact = roles.fact(item.inline)
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
            item_label = roles.item_label(item.inline) or label
            for block in item.blocks:
                if isinstance(block, Paragraph | Html):
                    for ref in block.inline.links:
                        suffix = block.inline.after_lead if ref is block.inline.lead else ""
                        self.placer.add(entry, ref, label=item_label, suffix=suffix)
                elif isinstance(block, Table):
                    self._checkpoint_table(entry, block)
            self._entry_bullets(entry, item.children, label)

    def _checkpoint_table(self, entry: EntryDraft, table: Table) -> None:
        columns = Columns.of(table)
        for row in table.rows:
            name = row_name(row)
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
        name = roles.item_name(inline)
        boilerplate = bool(roles.BOILERPLATE.match(section.title.text.strip()))  # "- MIT: [text](…)" under License
        if not name or boilerplate or (inline.lead is None and not roles.item_links(item)):
            for ref in roles.item_links(item, deep=True):
                self._stray(section, ref)
            return
        found = self.by_name.get(slugify(name))
        if found:
            family, entry = found
        elif any(
            roles.item_name(child.inline) and _clean_description(child.inline.after_lead) for child in item.children
        ):
            family = FamilyDraft(name, (item.line, 0))  # a bullet with named sub-bullets groups them: a family
            entry = family.add(EntryDraft(name, summary=_clean_description(inline.after_lead)))
            self.families.append(family)
            if slug := slugify(name):
                self.by_name[slug] = (family, entry)
        else:
            family = self._section_family(section)
            entry = family.add(EntryDraft(name, summary=_clean_description(inline.after_lead)))
        for ref in roles.item_links(item):
            # A bullet named by its lead link or by plain words before its links is named by its paper's title.
            lead = ref is inline.lead or (inline.lead is None and not inline.lead_strong)
            suffix = inline.after_lead if ref is inline.lead else ""
            self.placer.add(entry, ref, suffix=suffix, title=name, paper_title=name if lead else None)
        for child in item.children:
            self._nested(family, entry, child)

    def _nested(self, family: FamilyDraft, parent: EntryDraft, item: Item) -> None:
        inline = item.inline
        name = roles.item_name(inline)
        label = roles.item_label(inline)
        entry = parent
        if name and _clean_description(inline.after_lead):
            entry = family.add(EntryDraft(name, summary=_clean_description(inline.after_lead)))
        for ref in roles.item_links(item):
            self.placer.add(entry, ref, label=label)
        for child in item.children:
            self._nested(family, entry, child)

    # -- pass C: model tables ------------------------------------------------------------------------------
    def table_rows(self) -> None:
        for section, table in self.model_tables:
            columns = Columns.of(table)
            for row in table.rows:
                self._row(section, columns, row)

    def _row(self, section: Section, columns: Columns, row: Row) -> None:
        """A row of a model table outside every family: it joins the entry it names (by anchor or name), else it is
        an entry of its section's family; a row naming nothing (or under a boilerplate heading) is stray links."""
        anchors = [a.lstrip("#") for cell in row.cells for a in cell.anchors]
        found = next((self.by_anchor[a] for a in anchors if a in self.by_anchor), None)
        name = columns.name(row)
        found = found or self.by_name.get(slugify(name))
        if found is not None:
            self._table_row(*found, columns, row, joined=True)
            return
        links = [ref for cell in row.cells for ref in cell.links]
        if not links or not name or roles.BOILERPLATE.match(section.title.text.strip()):
            for ref in links:
                self._stray(section, ref)
            return
        self._table_row(self._section_family(section), None, columns, row)

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
        return Built(finish_families(drafts))


def build_families(doc: Document) -> Built:
    """Families for ``doc`` (see the module docstring for the rules)."""
    return _Builder(doc).run()
