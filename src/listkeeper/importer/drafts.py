"""Entry and family drafts: what the builder fills in while it reads the document (items in first-seen order, the
key of every item for "already there?", the facts a list writes), and an entry draft → a validated :class:`Entry`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from listkeeper.catalog.model import Entry


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
