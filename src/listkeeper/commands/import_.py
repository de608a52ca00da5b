"""``listkeeper import LIST.md --out DIR``: turn a Markdown awesome list into catalog files, repairing encoding
damage, and account for every link (exit 1 if one went missing, which would be a bug)."""

from __future__ import annotations

from pathlib import Path

import click

from listkeeper.importer import ImportResult, run_import, skipped_summary

_SHOWN = 10


def _report(result: ImportResult) -> None:
    imported = result.imported
    repair = imported.repair
    click.echo(repair.summary())
    for damaged in repair.damaged_lines[:_SHOWN]:
        click.echo(f"  line {damaged.line}: {damaged.excerpt}")
    if len(repair.damaged_lines) > _SHOWN:
        click.echo(f"  ... and {len(repair.damaged_lines) - _SHOWN} more damaged lines")
    click.echo(f"links: {result.account.summary()}")
    document = imported.document
    if document.skipped:
        click.echo(skipped_summary(document.skipped))
        for skipped in document.skipped[:_SHOWN]:
            click.echo(f"  line {skipped.line}: {skipped.target}")
    if document.badge_images:
        click.echo(f"{len(document.badge_images)} badge images (decoration, their link targets were imported)")
    entries = sum(len(f.entries) for f in imported.families)
    click.echo(f"wrote {len(result.written)} family files ({entries} entries):")
    for path in result.written:
        click.echo(f"  {path}")


@click.command("import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Directory for the catalog files.")
@click.option("--force", is_flag=True, help="Overwrite family files that already exist in --out.")
def command(source: Path, out: Path, force: bool) -> None:
    """Import a Markdown awesome list SOURCE into catalog files in --out (one YAML file per model family)."""
    _report(run_import(source, out, force=force))
