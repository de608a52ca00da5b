"""``listkeeper validate``'s check of a catalog of any size: every family file loaded and checked one at a time, in
parallel for a large catalog (:func:`scan_catalog`), with the cross-file rules of :mod:`listkeeper.catalog.rules`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from listkeeper.catalog.load import check_root, family_files, gc_paused, load_family
from listkeeper.catalog.refs import entry_subjects
from listkeeper.catalog.rules import FileKeys, Rules, cross_file_problems, file_keys, sort_problems, subject_problem
from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.errors import CatalogError, Problem


@dataclass(frozen=True)
class Summary:
    families: int
    entries: int
    references: int


@dataclass(frozen=True)
class _Scanned:
    """One family file as :func:`scan_catalog` needs it: its problems, or its counts and rule keys."""

    problems: list[Problem]
    keys: FileKeys | None
    entries: int = 0
    references: int = 0


def _scan_file(path: Path, name: str, limits: LimitsConfig) -> _Scanned:
    with gc_paused():
        family, lines, found = load_family(path, name, limits)
        if family is None:
            return _Scanned(found, None)
        references = sum(1 for entry in family.entries for _ in entry_subjects(entry))
        return _Scanned(found, file_keys(name, family, lines), len(family.entries), references)


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
    rules = Rules()
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


__all__ = ["PARALLEL_BYTES", "Summary", "cross_file_problems", "scan_catalog", "subject_problem"]
