"""Markdown awesome list → catalog files: ``repair`` (encoding damage) → ``parse`` (markdown-it tokens → sections
and links with lines) → ``build`` (families) → ``write`` (YAML, all-or-nothing), then an account of every URL.

The account is the importer's promise: every URL written in the input is, byte for byte, a URL the written
catalog renders to (:mod:`listkeeper.importer.account` finds the input's URLs by scanning the raw text, not with
the parser). A URL that went missing or was altered fails the import before anything is moved into place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from listkeeper.catalog.model import Family
from listkeeper.catalog.refs import entry_subjects
from listkeeper.errors import ListkeeperError, UsageError
from listkeeper.importer.account import Account, Occurrence, account
from listkeeper.importer.build import build_families
from listkeeper.importer.model import Document, Skipped
from listkeeper.importer.parse import parse
from listkeeper.importer.repair import NotUtf8, RepairReport, repair_bytes
from listkeeper.importer.write import write_families

__all__ = [
    "Account",
    "ImportResult",
    "Imported",
    "LinksLost",
    "catalog_urls",
    "import_bytes",
    "run_import",
    "skipped_summary",
]


@dataclass(frozen=True)
class Imported:
    """The pure part of an import: repaired text, parsed document, families."""

    text: str
    repair: RepairReport
    document: Document
    families: list[Family]


@dataclass(frozen=True)
class ImportResult:
    imported: Imported
    account: Account
    written: list[Path] = field(default_factory=list)


class LinksLost(ListkeeperError):
    """URLs of the input are missing from the catalog or altered in it: an importer bug, so nothing is written."""

    exit_code = 1

    def __init__(self, counted: Account, source: str) -> None:
        shown = [*counted.lost, *counted.altered][:50]
        lines = "".join(_line(source, o) for o in shown)
        more = counted.links - counted.kept - len(shown)
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"{len(counted.lost)} URL(s) of the input are not in the catalog and {len(counted.altered)} are altered"
            f" (nothing written):{lines}{tail}"
        )


def _line(source: str, occurrence: Occurrence) -> str:
    held = f" (catalog has {occurrence.held})" if occurrence.held else ""
    return f"\n  {source}:{occurrence.line}: {occurrence.url}{held}"


def import_bytes(data: bytes, source: str) -> Imported:
    """Repair, parse and build; raises :class:`UsageError` for input that is not a Markdown list."""
    if not data.strip():
        raise UsageError(f"{source}: empty file, nothing to import")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise UsageError(f"{source}:{line}: binary data, not Markdown")
    try:
        repaired = repair_bytes(data)
    except NotUtf8 as exc:
        raise UsageError(f"{source}:{exc.line}: not valid UTF-8, cannot read it as Markdown") from None
    document = parse(repaired.text)
    if not document.refs:
        what = "no headings and no links" if not document.root.children else "no http(s) links"
        raise UsageError(f"{source}: {what} found; is this a Markdown awesome list?")
    families = build_families(document).families
    return Imported(repaired.text, repaired.report, document, families)


def catalog_urls(families: list[Family]) -> set[str]:
    """Every URL the catalog renders to (the public endpoints: the list as published)."""
    return {subject.url() for family in families for entry in family.entries for subject, *_ in entry_subjects(entry)}


def _read_back(directory: Path) -> list[Family]:
    """The family files as written (schema-validated), so the account is of the files, not of memory."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return [
        Family.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))
        for path in sorted(directory.glob("*.yaml"))
    ]


def run_import(source: Path, out: Path, *, force: bool = False) -> ImportResult:
    """Import ``source`` into ``out`` (one YAML per family). Raises :class:`UsageError` for bad input or files
    that would be overwritten without ``force``, :class:`LinksLost` when the catalog would miss or alter a URL."""
    if not source.exists():
        raise UsageError(f"{source}: no such file")
    if not source.is_file():
        raise UsageError(f"{source}: not a file")
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise UsageError(f"{source}: cannot read: {exc.strerror}") from None
    imported = import_bytes(data, str(source))

    def check(staging: Path) -> Account:
        counted = account(imported.text, imported.document.unlinked, catalog_urls(_read_back(staging)))
        if counted.lost or counted.altered:
            raise LinksLost(counted, str(source))
        return counted

    written, counted = write_families(imported.families, out, force=force, source=source.name, check=check)
    assert counted is not None
    return ImportResult(imported, counted, written)


def skipped_summary(skipped: list[Skipped]) -> str:
    images = sum(1 for s in skipped if s.what == "image")
    return f"{len(skipped)} non-http references skipped ({images} local images, {len(skipped) - images} other)"
