"""The plan being built: what the catalog uses where, and the changes kept so far (the first per item wins)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from listkeeper import evidence
from listkeeper.catalog.load import KeyPath
from listkeeper.catalog.model import Catalog
from listkeeper.changes.change import Change, DeadAction, item_name
from listkeeper.changes.uses import Use, dismissed, get, uses
from listkeeper.findings import Finding
from listkeeper.subjects import Subject


@dataclass
class Planner:
    """The state of one plan: the catalog's uses of each subject, and the changes kept so far (one per item)."""

    catalog: Catalog
    dead_action: DeadAction
    today: date
    dismissed: Collection[str]

    def __post_init__(self) -> None:
        self.uses = uses(self.catalog)
        self.changes: dict[tuple[str, KeyPath], Change] = {}
        self.appended: set[Subject] = set()

    def add(self, change: Change) -> None:
        """Keep the first change per item: moved findings are planned first, so a move beats a dead mark (one
        edit per item and run keeps each edit's verification simple; a later run picks up what was left)."""
        if change.op == "append":
            key = (change.file, (*change.path, "+", item_name(change.new)))
        elif change.op == "set":  # one fact of an item: several facts of one item may change in one run
            key = (change.file, (*change.path, "set"))
        else:
            key = (change.file, change.path[:4])
        self.changes.setdefault(key, change)

    def uses_of(self, finding: Finding) -> list[Use]:
        """Where the catalog uses the finding's subject, or its old name (``evidence["alias"]``) after a move."""
        out = list(self.live_uses(finding.subject))
        alias = evidence.alias(finding.evidence)
        if alias is not None:
            out += [u for u in self.live_uses(Subject(finding.subject.kind, alias)) if u not in out]
        return out

    def set_fact(self, use: Use, key: str, new: Any, finding: Finding, why: str) -> None:
        """Set ``key`` of the used item to ``new``. A bare ``owner/name`` code item becomes ``{repo: ..., key:
        new}``; other scalar items (datasets, collections) have no place for a fact."""
        if use.scalar_item and use.role != "code":
            return
        item = get(self.catalog.families[use.file], use.item_path)
        old = None if isinstance(item, str) else getattr(item, key, None)
        if old == new:
            return
        self.add(Change(use.file, (*use.item_path, key), "set", old, new, finding, why))

    def live_uses(self, subject: Subject) -> Iterator[Use]:
        for use in self.uses.get(subject.identity(), []):
            if not dismissed(use.entry, subject, self.dismissed):
                yield use
