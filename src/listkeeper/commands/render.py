"""``listkeeper render``: write the Markdown list from the catalog, or (``--check``) verify it is current.

The file is only rewritten when its bytes would change, and then atomically (a temporary file in the same
directory, renamed over the old one), so an interrupted run never leaves half a list and an unchanged catalog
never touches the file's mtime. ``--check`` is for CI: exit 1 with a diff when the committed list is stale.
"""

from __future__ import annotations

from pathlib import Path

import click

from listkeeper import config
from listkeeper.catalog.load import load_catalog
from listkeeper.commands.options import catalog_option
from listkeeper.errors import ExitCode, UsageError
from listkeeper.fsutil import write_atomic
from listkeeper.render.markdown import render_catalog
from listkeeper.textdiff import unified


def _read(path: Path) -> bytes | None:
    """The committed file's bytes, or ``None`` when there is none."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, expected the Markdown file to write") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None


def unified_diff(committed: bytes | None, fresh: str, path: Path) -> str:
    """``committed`` → ``fresh`` as a unified diff (what ``listkeeper render`` would change)."""
    old = (committed or b"").decode("utf-8", errors="replace")
    return unified(old, fresh, f"{path} (committed)", f"{path} (rendered from catalog)")


@click.command("render")
@catalog_option
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Markdown file to write (default: output from the configuration, 'catalog/README.md').",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 with a diff if the file is missing or stale.")
def command(catalog_dir: Path | None, output: Path | None, check: bool) -> ExitCode:
    """Render the catalog into the Markdown list."""
    cfg = config.load(".")
    catalog_dir = catalog_dir if catalog_dir is not None else cfg.path(cfg.catalog_dir)
    output = output if output is not None else cfg.path(cfg.output)

    loaded = load_catalog(catalog_dir, limits=cfg.limits)
    fresh = render_catalog(loaded.catalog)
    data = fresh.encode("utf-8")
    committed = _read(output)

    if committed == data:
        click.echo(f"{output} is up to date")
        return ExitCode.OK
    if check:
        state = "does not exist" if committed is None else "is stale"
        click.echo(unified_diff(committed, fresh, output), nl=False)
        click.echo(f"{output} {state}: run `listkeeper render` to update it", err=True)
        return ExitCode.FINDINGS
    write_atomic(output, data)
    families = len(loaded.catalog.families)
    entries = len(loaded.catalog.entries())
    verb = "created" if committed is None else "updated"
    click.echo(f"{verb} {output} ({families} families, {entries} entries)")
    return ExitCode.OK
