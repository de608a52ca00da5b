"""``listkeeper validate``: load the catalog with every rule and report; never writes anything.

It is the cheapest gate before any network work, so it imports no service client and touches no state store.
"""

from __future__ import annotations

from pathlib import Path

import click

from listkeeper import config
from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.refs import catalog_refs
from listkeeper.commands.options import catalog_option


def validate(catalog_dir: Path) -> str:
    """Validate the catalog at ``catalog_dir`` and return the summary line; raises ``CatalogError``."""
    loaded = load_catalog(catalog_dir)
    families = loaded.catalog.families
    entries = sum(len(family.entries) for family in families.values())
    references = len(catalog_refs(loaded))
    return f"catalog OK: {len(families)} families, {entries} entries, {references} references"


@click.command("validate")
@catalog_option
def command(catalog_dir: Path | None) -> None:
    """Check the catalog: schema, ids, duplicates. Prints every problem with file:line; exits 2 if any."""
    if catalog_dir is None:
        settings = config.load(".")
        catalog_dir = settings.path(settings.catalog_dir)
    click.echo(validate(catalog_dir))
