"""``listkeeper pr``: turn the last check's findings into one reviewable pull request (or, with ``--local``, one
commit on a local bot branch); see :mod:`listkeeper.publish.request`.

Findings come from the state store (left by ``listkeeper check``) unless ``--findings FILE`` is given. GitHub mode
needs the repository (``--repo``, else ``[pr] repo``, else ``GITHUB_REPOSITORY``) and ``GITHUB_TOKEN``; either
missing is a usage error (exit 2). ``--dry-run`` prints the title, the diff and the body; nothing is written
anywhere (no branch, no API write, no dismissal recorded).
"""

from __future__ import annotations

from pathlib import Path

import click

from listkeeper import config as config_module
from listkeeper.commands.options import config_option, dead_option, state_option
from listkeeper.errors import UsageError
from listkeeper.publish.request import Target, pull_request


@click.command("pr")
@click.option("--local", is_flag=True, help="Make the bot branch in this git repository instead of on GitHub.")
@click.option("--push", "remote", metavar="REMOTE", help="With --local: push the bot branch (force-with-lease).")
@click.option("--repo", metavar="OWNER/NAME", help="GitHub repository (default: [pr] repo, then GITHUB_REPOSITORY).")
@click.option("--base", metavar="BRANCH", help="Base branch (default: [pr] base, 'main').")
@click.option("--dry-run", is_flag=True, help="Print the title, diff and body; write nothing.")
@click.option(
    "--findings",
    "findings_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check report JSON (or a list of findings). Default: the last check's findings in the state store.",
)
@dead_option
@state_option
@config_option
def command(
    local: bool,
    remote: str | None,
    repo: str | None,
    base: str | None,
    dry_run: bool,
    findings_file: Path | None,
    dead: str | None,
    state_path: Path | None,
    config_file: Path | None,
) -> None:
    """Open or update ONE pull request with the catalog edits the findings call for.

    Reruns with the same findings write nothing; commits pushed by people to the bot branch are never
    overwritten; a pull request closed without merging is remembered and its changes are not proposed again.
    """
    if remote is not None and not local:
        raise UsageError("--push needs --local (GitHub mode makes the branch through the API)")
    cfg = config_module.load(".", config_file).with_overrides(state_path=state_path)
    target = Target(local=local, push=remote, repo=repo, base=base, dry_run=dry_run)
    if pull_request(cfg, target, findings_file=findings_file, dead=dead) is None:
        click.echo("no findings recorded: run `listkeeper check` first, or pass --findings FILE")
