"""``listkeeper validate``: load the catalog with every rule and report; never writes anything.

It is the cheapest gate before any network work, so it imports no service client and touches no state store.
"""

from __future__ import annotations

from pathlib import Path

import click

from listkeeper import config
from listkeeper.catalog.validate import scan_catalog
from listkeeper.commands.options import catalog_option
from listkeeper.config import LimitsConfig


def validate(catalog_dir: Path, limits: LimitsConfig | None = None) -> str:
    """Validate the catalog at ``catalog_dir`` (file by file, see :func:`scan_catalog`) and return the summary line;
    raises ``CatalogError``."""
    summary = scan_catalog(catalog_dir, limits=limits or LimitsConfig())
    return f"catalog OK: {summary.families} families, {summary.entries} entries, {summary.references} references"


@click.command("validate")
@catalog_option
def command(catalog_dir: Path | None) -> None:
    """Check the catalog: schema, ids, duplicates. Prints every problem with file:line; exits 2 if any."""
    settings = config.load(".")
    if catalog_dir is None:
        catalog_dir = settings.path(settings.catalog_dir)
    click.echo(validate(catalog_dir, settings.limits))
