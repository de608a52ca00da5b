"""Matching findings to the catalog: every place the catalog uses a subject (by identity, never by line), key
paths, and the entry a new item belongs to."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from listkeeper.catalog.load import KeyPath
from listkeeper.catalog.model import Catalog, Entry
from listkeeper.catalog.refs import entry_subjects
from listkeeper.subjects import Subject

_PATH_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


@dataclass(frozen=True)
class Use:
    """One place the catalog uses a subject."""

    file: str
    entry_index: int
    entry: Entry
    path: KeyPath  # the id/URL value, from the file root
    role: str

    @property
    def item_path(self) -> KeyPath:
        return self.path[:4]  # ("entries", e, list, i)

    @property
    def scalar_item(self) -> bool:
        return len(self.path) == 4


def uses(catalog: Catalog) -> dict[Subject, list[Use]]:
    """Every place the catalog uses each subject, by the subject's identity."""
    index: dict[Subject, list[Use]] = {}
    for file, family in sorted(catalog.families.items()):
        for e_index, entry in enumerate(family.entries):
            for subject, sub_path, role in entry_subjects(entry):
                use = Use(file, e_index, entry, ("entries", e_index, *sub_path), role)
                index.setdefault(subject.identity(), []).append(use)
    return index


def dismissed(entry: Entry, subject: Subject, extra: Collection[str]) -> bool:
    return subject.named_in((*entry.dismissed, *extra))


def parse_path(text: str) -> KeyPath:
    """``entries[2].checkpoints[0].hf`` → ``("entries", 2, "checkpoints", 0, "hf")``; ``()`` if it is not one."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _PATH_PART.match(text, pos)
        if match is None or (match.group(0).startswith(".") and pos == 0):
            return ()
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return tuple(parts)


def get(obj: Any, path: KeyPath) -> Any:
    for part in path:
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)
    return obj


def same_file(catalog_file: str, finding_file: str) -> bool:
    return catalog_file == finding_file or Path(catalog_file).name == Path(finding_file).name


def tracks(entry: Entry, owner: str, name: str) -> bool:
    for rule in entry.track.hf_authors:
        if rule.author.lower() != owner.lower() or "model" not in rule.kinds:
            continue
        if any(fnmatch.fnmatch(name.lower(), g.lower()) for g in rule.include) and not any(
            fnmatch.fnmatch(name.lower(), g.lower()) for g in rule.exclude
        ):
            return True
    return False


def plain(value: Any) -> Any:
    """A catalog item as plain data (what a reviewer would read in the file)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return value
