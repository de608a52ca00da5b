"""Cross-file catalog rules: what no single family file can check on its own.

The schema (:mod:`listkeeper.catalog.model`) checks each value; the rules here check the catalog as a whole,
because the later stages key everything by id: an entry id names the entry in findings and PRs, and a checkpoint
that appears twice would be reported, moved or marked dead twice. Each problem names the file, line and key path,
and a duplicate also names where the first occurrence is, so the reader can decide which one to keep.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from listkeeper.catalog import model
from listkeeper.catalog.load import KeyPath, LoadedCatalog, format_path
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


def _site(loaded: LoadedCatalog, file: str, path: KeyPath) -> _Site:
    return _Site(file, loaded.line(file, path), path)


def _files(loaded: LoadedCatalog) -> list[tuple[str, model.Family]]:
    """Families in file-name order, so "first occurrence" means the same thing on every run."""
    return sorted(loaded.catalog.families.items())


def _duplicate_ids(loaded: LoadedCatalog) -> Iterator[Problem]:
    families: dict[str, _Site] = {}
    entries: dict[str, _Site] = {}
    for file, family in _files(loaded):
        here = _site(loaded, file, ("id",))
        if (first := families.setdefault(family.id, here)) is not here:
            yield here.problem(f"duplicate family id {family.id!r} (first at {first})")
        for index, entry in enumerate(family.entries):
            here = _site(loaded, file, ("entries", index, "id"))
            if (first := entries.setdefault(entry.id, here)) is not here:
                yield here.problem(f"duplicate entry id {entry.id!r} (first at {first})")


def _duplicate_checkpoints(loaded: LoadedCatalog) -> Iterator[Problem]:
    """A checkpoint belongs to one entry, once. The Hub treats repo ids case-insensitively, and so do we."""
    seen: dict[str, tuple[_Site, tuple[str, int], str]] = {}
    for file, family in _files(loaded):
        for e_index, entry in enumerate(family.entries):
            for c_index, checkpoint in enumerate(entry.checkpoints):
                here = _site(loaded, file, ("entries", e_index, "checkpoints", c_index, "hf"))
                # The entry is named by its place, not its id: two entries may share an id (reported on its own).
                first, place, owner = seen.setdefault(checkpoint.hf.lower(), (here, (file, e_index), entry.id))
                if first is here:
                    continue
                where = "twice in this entry" if place == (file, e_index) else f"also in entry {owner!r}"
                yield here.problem(f"checkpoint {checkpoint.hf!r} is listed {where} (first at {first})")


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


def _duplicates_within_entries(loaded: LoadedCatalog) -> Iterator[Problem]:
    """The same paper, repo, demo, collection, dataset or link twice in one entry is a copy-paste slip.

    Across entries sharing is legitimate (one repository holds several releases); checkpoints have their own,
    catalog-wide rule.
    """
    for file, family in _files(loaded):
        for e_index, entry in enumerate(family.entries):
            seen: dict[tuple[str, str, str], _Site] = {}
            for subject, sub_path, role in entry_subjects(entry):
                if role == "checkpoint":
                    continue
                here = _site(loaded, file, ("entries", e_index, *sub_path))
                key = (role, *_identity(subject))
                if (first := seen.setdefault(key, here)) is not here:
                    what = _ROLE_WORDS[role]
                    yield here.problem(f"{what} {subject} is listed twice in this entry (first at {first})")


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


def _bad_dismissals(loaded: LoadedCatalog) -> Iterator[Problem]:
    for file, family in _files(loaded):
        for e_index, entry in enumerate(family.entries):
            for d_index, text in enumerate(entry.dismissed):
                if (reason := subject_problem(text)) is not None:
                    yield _site(loaded, file, ("entries", e_index, "dismissed", d_index)).problem(reason)


def cross_file_problems(loaded: LoadedCatalog) -> list[Problem]:
    """Every cross-file problem of a schema-valid catalog, sorted by file, then line."""
    problems = [
        *_duplicate_ids(loaded),
        *_duplicate_checkpoints(loaded),
        *_duplicates_within_entries(loaded),
        *_bad_dismissals(loaded),
    ]
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.path, p.message))
