"""Everything the catalog points at, as typed subjects with the catalog locations that use them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from listkeeper import subjects
from listkeeper.catalog.loaded import KeyPath, LoadedCatalog, format_path
from listkeeper.catalog.model import Entry
from listkeeper.findings import Location
from listkeeper.subjects import Subject


class Role(StrEnum):
    """What an item is to its entry: the list it sits in."""

    PAPER = "paper"
    CODE = "code"
    DEMO = "demo"
    CHECKPOINT = "checkpoint"
    COLLECTION = "collection"
    DATASET = "dataset"
    LINK = "link"
    MARKDOWN = "markdown"  # a link in a Markdown file of the list (Markdown mode), not a catalog item


@dataclass(frozen=True)
class Ref:
    subject: Subject
    location: Location
    entry_id: str
    role: Role


def entry_subjects(entry: Entry) -> Iterator[tuple[Subject, KeyPath, Role]]:
    """(subject, key path inside the entry, role) for every item of one entry, in file order."""
    for i, paper in enumerate(entry.papers):
        if paper.arxiv:
            yield subjects.arxiv(paper.arxiv), ("papers", i, "arxiv"), Role.PAPER
        elif paper.url:
            yield subjects.url(paper.url), ("papers", i, "url"), Role.PAPER
    for i, repo in enumerate(entry.code):
        if isinstance(repo, str):
            yield subjects.github(repo), ("code", i), Role.CODE
        else:
            yield subjects.github(repo.repo), ("code", i, "repo"), Role.CODE
    for i, demo in enumerate(entry.demos):
        if demo.space:
            yield subjects.hf_space(demo.space), ("demos", i, "space"), Role.DEMO
        elif demo.url:
            yield subjects.url(demo.url), ("demos", i, "url"), Role.DEMO
    for i, ckpt in enumerate(entry.checkpoints):
        yield subjects.hf_model(ckpt.hf), ("checkpoints", i, "hf"), Role.CHECKPOINT
    for i, slug in enumerate(entry.collections):
        yield subjects.hf_collection(slug), ("collections", i), Role.COLLECTION
    for i, repo in enumerate(entry.datasets):
        yield subjects.hf_dataset(repo), ("datasets", i), Role.DATASET
    for i, link in enumerate(entry.links):
        yield subjects.url(link.url), ("links", i, "url"), Role.LINK


def catalog_refs(loaded: LoadedCatalog) -> list[Ref]:
    """Every reference in the catalog, in rendering order, each with file, line and key path."""
    refs = []
    for file, family in loaded.catalog.ordered():
        for e_index, entry in enumerate(family.entries):
            for subject, sub_path, role in entry_subjects(entry):
                path: KeyPath = ("entries", e_index, *sub_path)
                location = Location(file, loaded.line(file, path), format_path(path))
                refs.append(Ref(subject, location, entry.id, role))
    return refs
