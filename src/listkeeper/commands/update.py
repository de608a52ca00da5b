"""``listkeeper update``: apply the findings of the last check to the catalog, as minimal line edits.

Findings come from a check report (``--findings report.json``: its ``findings`` list, or a bare list) or from the
state store, where ``listkeeper check`` leaves the last run's findings. The proposal
(:func:`listkeeper.publish.proposal.propose`) is built in memory and every edit is verified before any file is
written; on an :class:`~listkeeper.errors.EditError` nothing is written. The edited family files and the re-rendered
list are replaced all or none (:mod:`listkeeper.publish.worktree`), and the list is re-rendered whenever it is
stale. ``--dry-run`` prints the unified diff of the catalog files and writes nothing.

Markdown mode (``update FILE.md...``, or ``[markdown] files``, or no catalog directory): the findings are applied to
the Markdown files themselves (:mod:`listkeeper.mdlist.edit`).
"""

from __future__ import annotations

from pathlib import Path

import click

from listkeeper import config
from listkeeper.commands.options import catalog_option, dead_option
from listkeeper.publish.worktree import update
from listkeeper.textdiff import files_diff


@click.command("update")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--findings",
    "findings_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check report JSON (or a JSON list of findings). Default: the last check's findings in the state store.",
)
@click.option("--dry-run", is_flag=True, help="Print the diff of the catalog files; write nothing.")
@dead_option
@catalog_option
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Markdown list to re-render (default: output from the configuration, 'catalog/README.md').",
)
def command(
    files: tuple[Path, ...],
    findings_file: Path | None,
    dry_run: bool,
    dead: str | None,
    catalog_dir: Path | None,
    output: Path | None,
) -> None:
    """Apply the findings (moved, dead, new releases, changed titles) to the catalog as minimal edits.

    Given Markdown FILES (or in Markdown mode: no catalog directory, or [markdown] files in the configuration),
    the findings are applied to those files themselves: moved URLs rewritten, dead links marked or removed."""
    outcome = update(
        config.load("."),
        files=files,
        findings_file=findings_file,
        dead=dead,
        catalog_dir=catalog_dir,
        output=output,
        dry_run=dry_run,
    )
    if outcome is None:
        click.echo("no findings recorded: run `listkeeper check` first, or pass --findings FILE")
        return
    if outcome.recovered:
        click.echo(outcome.recovered)
    if dry_run and outcome.edited:
        click.echo(files_diff(outcome.originals, outcome.edited), nl=False)
    for line in outcome.summary():
        click.echo(line)
    if dry_run and outcome.proposal.changes:
        click.echo("dry run: nothing written")
    elif outcome.proposal.rendered is not None:
        click.echo(f"re-rendered {outcome.proposal.rendered}")
