"""The tracking rules the sources share (``track.hf_authors``, ``track.github_orgs``): where each rule stands in the
catalog, and which repository names its include/exclude globs admit."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from listkeeper.catalog.load import LoadedCatalog, format_path
from listkeeper.catalog.model import Entry, GitHubOrgRule, HfAuthorRule
from listkeeper.findings import Location

R = TypeVar("R", HfAuthorRule, GitHubOrgRule)


@dataclass
class Rule(Generic[R]):
    """One tracking rule, the entry it belongs to, and where it is written."""

    rule: R
    entry_id: str
    location: Location


def hf_author_rules(loaded: LoadedCatalog) -> list[Rule[HfAuthorRule]]:
    """Every ``track.hf_authors`` rule, in catalog order."""
    return [Rule(entry.track.hf_authors[i], entry.id, where) for entry, i, where in _places(loaded, "hf_authors")]


def github_org_rules(loaded: LoadedCatalog) -> list[Rule[GitHubOrgRule]]:
    """Every ``track.github_orgs`` rule, in catalog order."""
    return [Rule(entry.track.github_orgs[i], entry.id, where) for entry, i, where in _places(loaded, "github_orgs")]


def _places(loaded: LoadedCatalog, key: Literal["hf_authors", "github_orgs"]) -> Iterator[tuple[Entry, int, Location]]:
    """(entry, index of the rule in ``entry.track.<key>``, where it is written) for every rule of that kind."""
    for file, family in loaded.catalog.ordered():
        for e_index, entry in enumerate(family.entries):
            for r_index in range(len(getattr(entry.track, key))):
                path = ("entries", e_index, "track", key, r_index)
                yield entry, r_index, Location(file, loaded.line(file, path), format_path(path))


def admits(rule: HfAuthorRule | GitHubOrgRule, full_name: str) -> bool:
    """True when the rule's ``include`` globs match the repository ``owner/name`` and no ``exclude`` glob does.

    Globs match the repo name (or the whole ``owner/name`` when they contain '/'), case-insensitively."""
    include, exclude = rule.include, rule.exclude
    name = full_name.split("/", 1)[-1].lower()

    def hit(pattern: str) -> bool:
        return fnmatch.fnmatchcase(full_name.lower() if "/" in pattern else name, pattern.lower())

    return any(hit(p) for p in include) and not any(hit(p) for p in exclude)
