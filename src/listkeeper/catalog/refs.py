"""Everything the catalog points at, as typed subjects with the catalog locations that use them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from listkeeper import subjects
from listkeeper.catalog.loaded import KeyPath, LoadedCatalog, format_path
from listkeeper.catalog.model import Entry
from listkeeper.findings import Location
from listkeeper.subjects import Subject


@dataclass(frozen=True)
class Ref:
    subject: Subject
    location: Location
    entry_id: str
    role: str  # "paper", "code", "demo", "checkpoint", "collection", "dataset", "link"


def entry_subjects(entry: Entry) -> Iterator[tuple[Subject, KeyPath, str]]:
    """(subject, key path inside the entry, role) for every item of one entry, in file order."""
    for i, paper in enumerate(entry.papers):
        if paper.arxiv:
            yield subjects.arxiv(paper.arxiv), ("papers", i, "arxiv"), "paper"
        elif paper.url:
            yield subjects.url(paper.url), ("papers", i, "url"), "paper"
    for i, repo in enumerate(entry.code):
        if isinstance(repo, str):
            yield subjects.github(repo), ("code", i), "code"
        else:
            yield subjects.github(repo.repo), ("code", i, "repo"), "code"
    for i, demo in enumerate(entry.demos):
        if demo.space:
            yield subjects.hf_space(demo.space), ("demos", i, "space"), "demo"
        elif demo.url:
            yield subjects.url(demo.url), ("demos", i, "url"), "demo"
    for i, ckpt in enumerate(entry.checkpoints):
        yield subjects.hf_model(ckpt.hf), ("checkpoints", i, "hf"), "checkpoint"
    for i, slug in enumerate(entry.collections):
        yield subjects.hf_collection(slug), ("collections", i), "collection"
    for i, repo in enumerate(entry.datasets):
        yield subjects.hf_dataset(repo), ("datasets", i), "dataset"
    for i, link in enumerate(entry.links):
        yield subjects.url(link.url), ("links", i, "url"), "link"


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
