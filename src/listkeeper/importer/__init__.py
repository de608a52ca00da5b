"""Markdown awesome list → catalog files: ``repair`` (encoding damage) → ``parse`` (markdown-it tokens → sections
and links with lines) → ``build`` (families) → ``write`` (YAML, all-or-nothing), then an account of every link.

The account is the importer's promise: every http link of the input is in the written catalog, compared as
canonical URLs (:func:`listkeeper.urls.canonical` lists the equivalences). A link that went missing
is a bug and fails the import before anything is moved into place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.model import Family
from listkeeper.catalog.refs import catalog_refs
from listkeeper.errors import ListkeeperError, UsageError
from listkeeper.importer.build import build
from listkeeper.importer.parse import Document, Ref, Skipped, parse
from listkeeper.importer.repair import NotUtf8, RepairReport, repair_bytes
from listkeeper.importer.write import write_families
from listkeeper.urls import canonical

__all__ = [
    "Account",
    "ImportResult",
    "Imported",
    "LinksLost",
    "account",
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
class Account:
    input_links: int  # link occurrences in the input (badge targets included, badge images not)
    input_unique: int  # distinct canonical URLs among them
    catalog_urls: int  # distinct canonical URLs the written catalog holds
    catalog_refs: int  # references in the catalog (one URL may be referenced by several entries)
    lost: tuple[Ref, ...]  # input links whose canonical URL the catalog does not hold

    def summary(self) -> str:
        return (
            f"{self.input_links} links in input ({self.input_unique} unique), {self.catalog_urls} in catalog,"
            f" {len(self.lost)} lost"
        )


@dataclass(frozen=True)
class ImportResult:
    imported: Imported
    account: Account
    written: list[Path] = field(default_factory=list)


class LinksLost(ListkeeperError):
    """Links of the input are missing from the catalog: an importer bug, so nothing is written."""

    exit_code = 1

    def __init__(self, lost: tuple[Ref, ...], source: str) -> None:
        lines = "".join(f"\n  {source}:{ref.line}: {ref.url}" for ref in lost)
        super().__init__(f"{len(lost)} link(s) of the input are not in the catalog (nothing written):{lines}")


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
    families = build(document).families
    return Imported(repaired.text, repaired.report, document, families)


def account(document: Document, catalog_dir: Path) -> Account:
    """Compare the input's links with what the catalog in ``catalog_dir`` holds (loaded and validated from disk)."""
    loaded = load_catalog(catalog_dir)
    refs = catalog_refs(loaded)
    held = {canonical(ref.subject.url()) for ref in refs}
    wanted = {canonical(ref.url) for ref in document.refs}
    lost = tuple(ref for ref in document.refs if canonical(ref.url) not in held)
    return Account(len(document.refs), len(wanted), len(held), len(refs), lost)


def run_import(source: Path, out: Path, *, force: bool = False) -> ImportResult:
    """Import ``source`` into ``out`` (one YAML per family). Raises :class:`UsageError` for bad input or files
    that would be overwritten without ``force``, :class:`LinksLost` when the catalog would miss a link."""
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
        counted = account(imported.document, staging)
        if counted.lost:
            raise LinksLost(counted.lost, str(source))
        return counted

    written, counted = write_families(imported.families, out, force=force, source=source.name, check=check)
    assert counted is not None
    return ImportResult(imported, counted, written)


def skipped_summary(skipped: list[Skipped]) -> str:
    images = sum(1 for s in skipped if s.what == "image")
    return f"{len(skipped)} non-http references skipped ({images} local images, {len(skipped) - images} other)"
