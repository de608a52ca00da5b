"""The plan for ``new-release`` findings: a GitHub repo's ``release`` set, a new Hub model appended to an entry's
``checkpoints`` and a new repository of a tracked org to its ``code``, marked new."""

from __future__ import annotations

import re
from typing import Any

from listkeeper.catalog.load import KeyPath
from listkeeper.catalog.model import Entry
from listkeeper.changes.change import Change
from listkeeper.changes.planner import Planner
from listkeeper.changes.uses import dismissed, parse_path, same_file, tracks
from listkeeper.evidence import NewItem, Release, shape
from listkeeper.evidence import entry as entry_of
from listkeeper.findings import Finding


def new_release(planner: Planner, finding: Finding) -> None:
    subject = finding.subject
    release, item = shape(finding.evidence, Release), shape(finding.evidence, NewItem)
    if subject.kind == "github" and release is not None and release.stated:
        tag = release.tag
        for use in planner.uses_of(finding):
            if use.role == "code" and isinstance(tag, str) and tag:
                planner.set_fact(use, "release", tag, finding, f"new release {tag} on GitHub")
        return
    if subject.kind == "github" and item is not None and item.kind == "repository":
        _new_repository(planner, finding)
        return
    if subject.kind != "hf-model":
        return
    created, collection = _created(finding), item.collection if item is not None else None
    if collection:
        evidence = f"added to the collection {collection}: {subject.url()}"
    else:
        evidence = f"new on the Hub{f', created {created}' if created else ''}: {subject.url()}"
    _append_new(planner, finding, "checkpoints", "hf", evidence, "new release")


def _new_repository(planner: Planner, finding: Finding) -> None:
    """A new repository of a tracked GitHub org: ``{repo: ..., mark: {state: new}}`` appended to ``code``."""
    created = _created(finding)
    evidence = f"new on GitHub{f', created {created}' if created else ''}: {finding.subject.url()}"
    _append_new(planner, finding, "code", "repo", evidence, "new repository")


def _append_new(planner: Planner, finding: Finding, field: str, key: str, evidence: str, what: str) -> None:
    """``{key: id, mark: {state: new}}`` appended to ``field`` of the entry the finding belongs to, once, unless
    the catalog has the subject already or the entry dismissed it."""
    subject = finding.subject
    if subject.identity() in planner.uses or subject.identity() in planner.appended:
        return
    target = _target_entry(planner, finding)
    if target is None:
        return
    file, e_index, entry = target
    if dismissed(entry, subject, planner.dismissed):
        return
    item = {key: subject.id, "mark": {"state": "new", "since": planner.today, "evidence": evidence}}
    planner.appended.add(subject.identity())
    path: KeyPath = ("entries", e_index, field)
    planner.add(Change(file, path, "append", None, item, finding, f"{what} in {entry.id}"))


def _target_entry(planner: Planner, finding: Finding) -> tuple[str, int, Entry] | None:
    entries = [
        (file, i, entry)
        for file, fam in sorted(planner.catalog.families.items())
        for i, entry in enumerate(fam.entries)
    ]
    wanted = entry_of(finding.evidence)
    for file, i, entry in entries:
        if wanted and entry.id == wanted:
            return file, i, entry
    for loc in finding.locations:
        path = parse_path(loc.path)
        if len(path) < 2 or path[0] != "entries" or not isinstance(path[1], int):
            continue
        for file, i, entry in entries:
            if i == path[1] and same_file(file, loc.file):
                return file, i, entry
    owner, _, name = finding.subject.id.partition("/")
    matches = [(file, i, entry) for file, i, entry in entries if tracks(entry, owner, name)]
    return matches[0] if len(matches) == 1 else None


def _iso_date(value: Any) -> str | None:
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _created(finding: Finding) -> str | None:
    item = shape(finding.evidence, NewItem)
    return _iso_date(item.created_at) if item is not None else None
