"""``listkeeper sync``: check, then apply — in one run, what the nightly job does.

1. ``check`` (:func:`listkeeper.pipeline.run_check`): links and sources → findings, recorded in the state store.
2. The findings are planned and applied in memory and the Markdown list is re-rendered
   (:mod:`listkeeper.publish.proposal`).
3. Without ``--pr`` the new files are written to the working tree (each atomically); with ``--pr`` they become one
   pull request (:mod:`listkeeper.publish.github`), or with ``--local`` one commit on the local bot branch
   (:mod:`listkeeper.publish.local`), built on the base branch's files.

Exit codes: 0 done (also when the PR was skipped because a person is working on the branch); 2 usage, config or
catalog error; 3 nothing could be checked (no network) — then nothing is changed or published.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from listkeeper import config as config_module
from listkeeper import report as report_module
from listkeeper.catalog.edit import read_text
from listkeeper.catalog.load import family_files
from listkeeper.commands.options import catalog_option, config_option, dead_option, state_option
from listkeeper.commands.output import append_step_summary
from listkeeper.commands.pr import Target, publish
from listkeeper.fsutil import write_atomic
from listkeeper.publish.proposal import build
from listkeeper.render.escape import escape_inline
from listkeeper.state import open_state

FORMATS = ("terminal", "json", "markdown", "github", "none")


def _emit(report: report_module.CheckReport, fmt: str) -> None:
    """The check report on stderr (stdout is for what sync did), or nothing with ``--format none``."""
    if fmt == "none":
        return
    if fmt == "terminal":
        report_module.print_terminal(report, Console(stderr=True))
        return
    text = {
        "json": report_module.to_json,
        "markdown": report_module.to_markdown,
        "github": report_module.to_github,
    }[fmt](report)
    click.echo(text, err=True, nl=not text.endswith("\n"))
    if fmt == "github":
        append_step_summary(report_module.github_step_summary(report))


def _write_working_tree(cfg: config_module.Config, findings: list, dead: str | None) -> None:  # type: ignore[type-arg]
    """Apply to the working tree: every edit verified first, then each file replaced atomically."""
    from datetime import UTC, datetime

    catalog = cfg.path(cfg.catalog_dir)
    output = cfg.path(cfg.output)
    files = {path.as_posix(): read_text(path) for path in family_files(catalog)}
    if output.is_file():
        files[output.as_posix()] = read_text(output)
    with open_state(cfg.path(cfg.state_path)) as state:
        dismissed = state.dismissed()
    proposal = build(
        files,
        findings,
        catalog_dir=catalog.as_posix(),
        output=output.as_posix(),
        today=datetime.now(UTC).date(),
        dead_action="remove" if (dead or cfg.update.dead) == "remove" else "mark",
        dismissed=dismissed,
        base_title=cfg.pr.title,
    )
    if proposal.empty:
        click.echo(f"nothing to change ({len(findings)} findings)")
        return
    for path, text in sorted(proposal.files.items()):
        write_atomic(Path(path), text)
    for change in proposal.changes:
        click.echo(f"{change.file}: {change.describe()}")
    click.echo(f"{len(proposal.changes)} changes written to {len(proposal.files)} files")


@click.command("sync")
@click.option("--pr", "as_pr", is_flag=True, help="Publish the changes as one pull request instead of writing files.")
@click.option("--local", is_flag=True, help="With --pr: make the bot branch in this git repository.")
@click.option("--push", "remote", metavar="REMOTE", help="With --local: push the bot branch (force-with-lease).")
@click.option("--repo", metavar="OWNER/NAME", help="GitHub repository (default: [pr] repo, then GITHUB_REPOSITORY).")
@click.option("--base", metavar="BRANCH", help="Base branch (default: [pr] base).")
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
    fmt: str | None,
    only: str,
    strict: bool,
    no_cache: bool,
    dead: str | None,
    catalog_dir: Path | None,
    state_path: Path | None,
    config_file: Path | None,
) -> None:
    """Check, then apply the findings: to the working tree, or (--pr) as one pull request."""
    from listkeeper.pipeline import CheckOptions, run_check

    if remote is not None and not local:
        raise click.UsageError("--push needs --local")
    as_pr = as_pr or local
    cfg = config_module.load(".", config_file).with_overrides(catalog_dir=catalog_dir, state_path=state_path)
    fmt = fmt or ("terminal" if sys.stderr.isatty() else "none")
    report = run_check(cfg, CheckOptions(only=only, strict=strict, use_cache=not no_cache))  # type: ignore[arg-type]
    _emit(report, fmt)
    if report.nothing_checked:
        click.echo("nothing could be checked (no network?): nothing changed, nothing published", err=True)
        sys.exit(3)
    findings = list(report.findings)
    if not as_pr:
        _write_working_tree(cfg, findings, dead)
        return
    target = Target(local=local, push=remote, repo=repo, base=base)
    lines: list[str] = []

    def echo(line: str) -> None:
        click.echo(line)
        lines.append(line)

    with open_state(cfg.path(cfg.state_path)) as state:
        publish(cfg, findings, state, target, dead_action=dead, echo=echo)  # type: ignore[arg-type]
    if fmt == "github" and lines:
        append_step_summary("### Pull request\n\n" + "\n".join(f"- {escape_inline(line)}" for line in lines) + "\n")
