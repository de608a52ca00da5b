"""Cross-file catalog rules: what no single family file can check on its own.

The schema (:mod:`listkeeper.catalog.model`) checks each value; the rules here check the catalog as a whole,
because the later stages key everything by id: an entry id names the entry in findings and PRs, and a checkpoint
that appears twice would be reported, moved or marked dead twice. Each problem names the file, line and key path,
and a duplicate also names where the first occurrence is, so the reader can decide which one to keep.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from listkeeper.catalog import model
from listkeeper.catalog.load import (
    DEFAULT_LIMITS,
    KeyPath,
    LineMap,
    LoadedCatalog,
    check_root,
    family_files,
    format_path,
    gc_paused,
    load_family,
)
from listkeeper.catalog.refs import entry_subjects
from listkeeper.config import LimitsConfig
from listkeeper.errors import CatalogError, Problem
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
class _FileKeys:
    """What the catalog-wide rules need of one family file, small enough to pass between processes: its ids and
    checkpoint names with their sites, and the problems it has on its own (within-entry duplicates, dismissals)."""

    file: str
    family: tuple[str, _Site]
    entries: list[tuple[str, _Site]]
    checkpoints: list[tuple[str, _Site, int, str]]  # (hf name, site, entry index, entry id)
    local: list[Problem]


def _file_keys(file: str, family: model.Family, lines: LineMap) -> _FileKeys:
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
    return _FileKeys(file, (family.id, site(("id",))), entries, checkpoints, local)


class _Rules:
    """The catalog-wide rules, fed one family file at a time in file-name order (so "first occurrence" means the
    same thing on every run). Only what later files are compared with is kept: ids and checkpoint names with their
    sites, never the families themselves, so a huge catalog can be checked file by file."""

    def __init__(self) -> None:
        self.families: dict[str, _Site] = {}
        self.entries: dict[str, _Site] = {}
        self.checkpoints: dict[str, tuple[_Site, tuple[str, int], str]] = {}

    def add(self, keys: _FileKeys) -> list[Problem]:
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


_VERSION = re.compile(r"v\d+$")


def _identity(subject: Subject) -> tuple[str, str]:
    """The key under which two references point at the same thing.

    Hub and GitHub names are case-insensitive; an arXiv id names the same paper with or without a version.
    """
    match subject.kind:
        case "hf-model" | "hf-dataset" | "hf-space" | "hf-collection" | "github":
            return subject.kind, subject.id.lower()
        case "arxiv":
            return subject.kind, _VERSION.sub("", subject.id)
        case _:
            return subject.kind, subject.id


_ROLE_WORDS = {"paper": "paper", "code": "code repository", "demo": "demo", "collection": "collection"}
_ROLE_WORDS |= {"dataset": "dataset", "link": "link"}


def _duplicates_within_entry(e_index: int, entry: model.Entry, site: Callable[[KeyPath], _Site]) -> list[Problem]:
    """The same paper, repo, demo, collection, dataset or link twice in one entry is a copy-paste slip.

    Across entries sharing is legitimate (one repository holds several releases); checkpoints have their own,
    catalog-wide rule.
    """
    problems = []
    seen: dict[tuple[str, str, str], _Site] = {}
    for subject, sub_path, role in entry_subjects(entry):
        if role == "checkpoint":
            continue
        here = site(("entries", e_index, *sub_path))
        key = (role, *_identity(subject))
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


@dataclass(frozen=True)
class Summary:
    families: int
    entries: int
    references: int


@dataclass(frozen=True)
class _Scanned:
    """One family file as :func:`scan_catalog` needs it: its problems, or its counts and rule keys."""

    problems: list[Problem]
    keys: _FileKeys | None
    entries: int = 0
    references: int = 0


def _scan_file(path: Path, name: str, limits: LimitsConfig) -> _Scanned:
    with gc_paused():
        family, lines, found = load_family(path, name, limits)
        if family is None:
            return _Scanned(found, None)
        references = sum(1 for entry in family.entries for _ in entry_subjects(entry))
        return _Scanned(found, _file_keys(name, family, lines), len(family.entries), references)


#: A catalog at least this large (bytes of YAML) is read by one worker process per core: parsing is CPU-bound.
PARALLEL_BYTES = 4 * 1024 * 1024


def _scan_files(root: Path, limits: LimitsConfig) -> Iterator[_Scanned]:
    """Every family file scanned, in file-name order; by a pool of processes when the catalog is large."""
    paths = list(family_files(root))
    names = [(root / path.name).as_posix() for path in paths]
    workers = min(os.cpu_count() or 1, len(paths))
    if workers < 2 or sum(_size(path) for path in paths) < PARALLEL_BYTES:
        yield from map(_scan_file, paths, names, [limits] * len(paths))
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_scan_file, paths, names, [limits] * len(paths), chunksize=max(1, len(paths) // 32))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def scan_catalog(root: Path, *, limits: LimitsConfig = DEFAULT_LIMITS) -> Summary:
    """Validate the catalog as :func:`~listkeeper.catalog.load.load_catalog` does (the same problems, raised as one
    :class:`CatalogError`), one family file at a time: nothing but the cross-file keys outlives its file, so memory
    stays flat however large the catalog (``listkeeper validate``). A large catalog's files are parsed in parallel."""
    check_root(root)
    rules = _Rules()
    problems: list[Problem] = []
    cross: list[Problem] = []
    families = entries = references = 0
    for scanned in _scan_files(root, limits):
        problems += scanned.problems
        if scanned.keys is None:
            continue
        families += 1
        entries += scanned.entries
        references += scanned.references
        if not problems:  # as load_catalog: cross-file rules only for a catalog whose files are all valid
            cross += rules.add(scanned.keys)
    if not families and not problems:
        problems.append(Problem(str(root), None, "", "no catalog files (*.yaml) found"))
    if problems or cross:
        raise CatalogError(problems or sort_problems(cross))
    return Summary(families, entries, references)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.path, p.message))


def cross_file_problems(loaded: LoadedCatalog) -> list[Problem]:
    """Every cross-file problem of a schema-valid catalog, sorted by file, then line."""
    rules = _Rules()
    problems: list[Problem] = []
    for file, family in sorted(loaded.catalog.families.items()):
        problems += rules.add(_file_keys(file, family, loaded.lines.get(file, LineMap())))
    return sort_problems(problems)
