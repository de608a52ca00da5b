"""``listkeeper sync``: check, then apply — in one run, what the nightly job does.

1. ``check`` (:func:`listkeeper.pipeline.check_list`): links and sources → findings, recorded in the state store.
2. The findings are planned and applied in memory and the Markdown list is re-rendered
   (:mod:`listkeeper.publish.proposal`).
3. Without ``--pr`` the new files are written to the working tree (each atomically); with ``--pr`` they become one
   pull request (:mod:`listkeeper.publish.github`), or with ``--local`` one commit on the local bot branch
   (:mod:`listkeeper.publish.local`), built on the base branch's files.

With ``--dashboard`` the run also keeps the dashboard issue (:mod:`listkeeper.publish.dashboard`): before the check
it reads the boxes ticked since the last run (dismissals are recorded in the state store, so the proposal built in
this run already leaves them out; re-checks bypass the caches for those subjects), and after publishing it writes
the issue's new body (no write when nothing changed). Every run is logged in the state store's run history.

In Markdown mode (``[markdown] files``, or no catalog directory and a ``README.md``) the list files are checked and
edited themselves (:mod:`listkeeper.mdlist.edit`) instead of a catalog.

Exit codes: 0 done (also when the PR was skipped because a person is working on the branch); 2 usage, config or
catalog error; 3 nothing could be checked (no network) — then nothing is changed or published.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from listkeeper import config as config_module
from listkeeper.commands.options import catalog_option, config_option, dead_option, state_option
from listkeeper.errors import ExitCode
from listkeeper.sync import FORMATS, SyncOptions, sync


@click.command("sync")
@click.option("--pr", "as_pr", is_flag=True, help="Publish the changes as one pull request instead of writing files.")
@click.option("--local", is_flag=True, help="With --pr: make the bot branch in this git repository.")
@click.option("--push", "remote", metavar="REMOTE", help="With --local: push the bot branch (force-with-lease).")
@click.option("--repo", metavar="OWNER/NAME", help="GitHub repository (default: [pr] repo, then GITHUB_REPOSITORY).")
@click.option("--base", metavar="BRANCH", help="Base branch (default: [pr] base).")
@click.option(
    "--dashboard",
    is_flag=True,
    help="Keep the dashboard issue on GitHub: read its ticked boxes first, update it after the run.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Check report format, on stderr.")
@click.option("--only", type=click.Choice(["all", "links", "sources"]), default="all", show_default=True)
@click.option("--strict", is_flag=True, help="Report dead links at once, without waiting for confirmation over time.")
@click.option("--no-cache", is_flag=True, help="Re-check links found ok within the TTL.")
@dead_option
@catalog_option
@state_option
@config_option
def command(
    as_pr: bool,
    local: bool,
    remote: str | None,
    repo: str | None,
    base: str | None,
    dashboard: bool,
    fmt: str | None,
    only: str,
    strict: bool,
    no_cache: bool,
    dead: str | None,
    catalog_dir: Path | None,
    state_path: Path | None,
    config_file: Path | None,
) -> ExitCode:
    """Check, then apply the findings: to the working tree, or (--pr) as one pull request."""
    if remote is not None and not local:
        raise click.UsageError("--push needs --local")
    cfg = config_module.load(".", config_file).with_overrides(catalog_dir=catalog_dir, state_path=state_path)
    options = SyncOptions(
        pr=as_pr or local,
        local=local,
        push=remote,
        repo=repo,
        base=base,
        dashboard=dashboard,
        fmt=fmt or ("terminal" if sys.stderr.isatty() else "none"),
        only=only,  # type: ignore[arg-type]  # click's choice is one of the three
        strict=strict,
        use_cache=not no_cache,
        dead=dead,
    )
    return sync(cfg, options)
