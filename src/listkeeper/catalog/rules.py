"""Cross-file catalog rules: what no single family file can check on its own (no I/O: the loader and
:func:`listkeeper.catalog.validate.scan_catalog` feed them).

The schema (:mod:`listkeeper.catalog.model`) checks each value; the rules here check the catalog as a whole,
because the later stages key everything by id: an entry id names the entry in findings and PRs, and a checkpoint
that appears twice would be reported, moved or marked dead twice. Each problem names the file, line and key path,
and a duplicate also names where the first occurrence is, so the reader can decide which one to keep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from listkeeper.catalog import model
from listkeeper.catalog.loaded import KeyPath, LineMap, LoadedCatalog, format_path
from listkeeper.catalog.refs import entry_subjects
from listkeeper.errors import Problem
from listkeeper.subjects import Subject


@dataclass(frozen=True)
class _Site:
    """Where a value sits: file, line and key path."""

    file: str
    line: int | None
    path: KeyPath

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def problem(self, message: str) -> Problem:
        return Problem(self.file, self.line, format_path(self.path), message)


@dataclass(frozen=True)
class FileKeys:
    """What the catalog-wide rules need of one family file, small enough to pass between processes: its ids and
    checkpoint names with their sites, and the problems it has on its own (within-entry duplicates, dismissals)."""

    file: str
    family: tuple[str, _Site]
    entries: list[tuple[str, _Site]]
    checkpoints: list[tuple[str, _Site, int, str]]  # (hf name, site, entry index, entry id)
    local: list[Problem]


def file_keys(file: str, family: model.Family, lines: LineMap) -> FileKeys:
    def site(path: KeyPath) -> _Site:
        return _Site(file, lines.line(path), path)

    entries, checkpoints, local = [], [], []
    for e_index, entry in enumerate(family.entries):
        entries.append((entry.id, site(("entries", e_index, "id"))))
        for c_index, checkpoint in enumerate(entry.checkpoints):
            here = site(("entries", e_index, "checkpoints", c_index, "hf"))
            checkpoints.append((checkpoint.hf, here, e_index, entry.id))
        local += _duplicates_within_entry(e_index, entry, site)
        local += _bad_dismissals(e_index, entry, site)
    return FileKeys(file, (family.id, site(("id",))), entries, checkpoints, local)


class Rules:
    """The catalog-wide rules, fed one family file at a time in file-name order (so "first occurrence" means the
    same thing on every run). Only what later files are compared with is kept: ids and checkpoint names with their
    sites, never the families themselves, so a huge catalog can be checked file by file."""

    def __init__(self) -> None:
        self.families: dict[str, _Site] = {}
        self.entries: dict[str, _Site] = {}
        self.checkpoints: dict[str, tuple[_Site, tuple[str, int], str]] = {}

    def add(self, keys: FileKeys) -> list[Problem]:
        problems: list[Problem] = list(keys.local)
        family_id, here = keys.family
        if (first := self.families.setdefault(family_id, here)) is not here:
            problems.append(here.problem(f"duplicate family id {family_id!r} (first at {first})"))
        for entry_id, here in keys.entries:
            if (first := self.entries.setdefault(entry_id, here)) is not here:
                problems.append(here.problem(f"duplicate entry id {entry_id!r} (first at {first})"))
        # A checkpoint belongs to one entry, once. The Hub treats repo ids case-insensitively, and so do we.
        for hf, here, e_index, entry_id in keys.checkpoints:
            # The entry is named by its place, not its id: two entries may share an id (reported on its own).
            first, place, owner = self.checkpoints.setdefault(hf.lower(), (here, (keys.file, e_index), entry_id))
            if first is here:
                continue
            where = "twice in this entry" if place == (keys.file, e_index) else f"also in entry {owner!r}"
            problems.append(here.problem(f"checkpoint {hf!r} is listed {where} (first at {first})"))
        return problems


_ROLE_WORDS = {"paper": "paper", "code": "code repository", "demo": "demo", "collection": "collection"}
_ROLE_WORDS |= {"dataset": "dataset", "link": "link"}


def _duplicates_within_entry(e_index: int, entry: model.Entry, site: Callable[[KeyPath], _Site]) -> list[Problem]:
    """The same paper, repo, demo, collection, dataset or link twice in one entry is a copy-paste slip.

    Across entries sharing is legitimate (one repository holds several releases); checkpoints have their own,
    catalog-wide rule.
    """
    problems = []
    seen: dict[tuple[str, Subject], _Site] = {}
    for subject, sub_path, role in entry_subjects(entry):
        if role == "checkpoint":
            continue
        here = site(("entries", e_index, *sub_path))
        key = (role, subject.identity())
        if (first := seen.setdefault(key, here)) is not here:
            what = _ROLE_WORDS[role]
            problems.append(here.problem(f"{what} {subject} is listed twice in this entry (first at {first})"))
    return problems


_SUBJECT_SYNTAX: dict[str, Callable[[str], bool]] = {
    "hf-model": lambda v: model.HF_REPO.match(v) is not None and model.is_hub_name(v),
    "hf-dataset": lambda v: model.HF_REPO.match(v) is not None and model.is_hub_name(v),
    "hf-space": lambda v: model.HF_REPO.match(v) is not None and model.is_hub_name(v),
    "hf-collection": lambda v: model.HF_COLLECTION.match(v) is not None,
    "arxiv": model.is_arxiv_id,
    "github": lambda v: model.GH_REPO.match(v) is not None and not v.endswith((".git", "/", "/.", "/..")),
    "url": model.is_url,
}


def subject_problem(text: str) -> str | None:
    """Why ``text`` is not a usable subject id, or ``None`` when it is one.

    A dismissal that does not parse would silently never match, so the finding it meant to silence comes back.
    """
    try:
        subject = Subject.parse(text)
    except ValueError as exc:
        return str(exc)
    if not _SUBJECT_SYNTAX[subject.kind](subject.id):
        return f"{text!r} is not a valid subject id: {subject.id!r} is not a valid {subject.kind} id"
    return None


def _bad_dismissals(e_index: int, entry: model.Entry, site: Callable[[KeyPath], _Site]) -> list[Problem]:
    problems = []
    for d_index, text in enumerate(entry.dismissed):
        if (reason := subject_problem(text)) is not None:
            problems.append(site(("entries", e_index, "dismissed", d_index)).problem(reason))
    return problems


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.path, p.message))


def cross_file_problems(loaded: LoadedCatalog) -> list[Problem]:
    """Every cross-file problem of a schema-valid catalog, sorted by file, then line."""
    rules = Rules()
    problems: list[Problem] = []
    for file, family in sorted(loaded.catalog.families.items()):
        problems += rules.add(file_keys(file, family, loaded.lines.get(file, LineMap())))
    return sort_problems(problems)
