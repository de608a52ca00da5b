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

import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console

from listkeeper import config as config_module
from listkeeper import history
from listkeeper import report as report_module
from listkeeper.commands.options import catalog_option, config_option, dead_option, state_option
from listkeeper.commands.output import append_step_summary
from listkeeper.commands.update import summary
from listkeeper.errors import ExitCode, ListkeeperError
from listkeeper.findings import Finding
from listkeeper.mdlist import files as md_files
from listkeeper.publish.proposal import dead_rule
from listkeeper.publish.request import Target, github_publisher, github_repo, publish
from listkeeper.publish.worktree import apply_findings
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


def _write_working_tree(
    cfg: config_module.Config, findings: Sequence[Finding], dead: str | None, markdown: list[Path] | None
) -> None:
    """Apply to the working tree: every edit verified first, then the files replaced all or none."""
    with open_state(cfg.path(cfg.state_path)) as state:
        dismissed = frozenset(state.dismissed())
    outcome = apply_findings(
        findings,
        catalog_dir=None if markdown is not None else cfg.path(cfg.catalog_dir),
        output=cfg.path(cfg.output),
        markdown=markdown or (),
        dead=dead_rule(cfg, dead, markdown=markdown is not None),
        today=datetime.now(UTC).date(),
        dismissed=dismissed,
        journal_dir=cfg.path(cfg.state_path).parent,
    )
    if outcome.recovered:
        click.echo(outcome.recovered)
    if markdown is not None:
        for line in summary(outcome):
            click.echo(line)
        return
    proposal = outcome.proposal
    if not proposal.changes:
        stale = f"; re-rendered the stale {proposal.rendered}" if proposal.rendered is not None else ""
        click.echo(f"nothing to change ({len(findings)} findings){stale}")
        return
    for change in proposal.changes:
        click.echo(f"{change.file}: {change.describe()}")
    click.echo(f"{len(proposal.changes)} changes written to {len(proposal.files)} files")


def _read_dashboard(cfg: config_module.Config, repo: str, base: str, echo: Callable[[str], None]) -> frozenset[str]:
    """Read the ticked boxes of the dashboard issue; record the dismissals. Returns the subjects to re-check."""
    from listkeeper.publish import dashboard

    with github_publisher(cfg, repo, base, os.environ) as pub, open_state(cfg.path(cfg.state_path)) as state:
        hint = state.get(dashboard.STATE_NAMESPACE, dashboard.STATE_KEY)
        issue = dashboard.DashboardIssue(pub, title=cfg.dashboard.title, label=cfg.dashboard.label).find(
            hint if isinstance(hint, int) else None
        )
        if issue is None:
            return frozenset()
        ticks = dashboard.parse_ticks(issue.get("body"))
        number = int(issue["number"])
        with state.transaction():
            for subject in ticks.dismiss:
                state.dismiss(subject, f"dismissed on the dashboard issue #{number}")
    for subject in ticks.dismiss:
        echo(f"dashboard #{number}: dismissed {subject}")
    for subject in ticks.recheck:
        echo(f"dashboard #{number}: re-checking {subject} now")
    return frozenset(ticks.recheck)


def _write_dashboard(
    cfg: config_module.Config, repo: str, base: str, findings: Sequence[Finding], echo: Callable[[str], None]
) -> None:
    """Create or update the dashboard issue from the state store's health and this run's findings."""
    from listkeeper import health as health_module
    from listkeeper.publish import dashboard

    with github_publisher(cfg, repo, base, os.environ) as pub, open_state(cfg.path(cfg.state_path)) as state:
        health = health_module.gather(state, now=datetime.now(UTC).timestamp())
        issues = dashboard.DashboardIssue(pub, title=cfg.dashboard.title, label=cfg.dashboard.label)
        hint = state.get(dashboard.STATE_NAMESPACE, dashboard.STATE_KEY)
        issue = issues.find(hint if isinstance(hint, int) else None)
        body = dashboard.render(health, findings, pull=pub.open_pull(), dismissed=health.dismissed)
        result = issues.publish(issue, body)
        if hint != result.number:
            with state.transaction():
                state.put(dashboard.STATE_NAMESPACE, dashboard.STATE_KEY, result.number)
        where = f" {result.url}" if result.url else ""
        echo(f"dashboard #{result.number}: {result.action}{where} ({pub.requests} requests, {pub.writes} writes)")


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
    from listkeeper.pipeline import CheckOptions, check_list

    if remote is not None and not local:
        raise click.UsageError("--push needs --local")
    as_pr = as_pr or local
    cfg = config_module.load(".", config_file).with_overrides(catalog_dir=catalog_dir, state_path=state_path)
    fmt = fmt or ("terminal" if sys.stderr.isatty() else "none")
    patterns = md_files.patterns(cfg)
    dead_rule(cfg, dead, markdown=patterns is not None)  # a usage error shows before anything is checked
    markdown = md_files.resolve(cfg.root, patterns) if patterns is not None else None
    lines: list[str] = []

    def echo(line: str) -> None:
        click.echo(line)
        lines.append(line)

    repo_name = github_repo(cfg, repo, os.environ) if dashboard else ""
    base_name = base or cfg.pr.base
    recheck = _read_dashboard(cfg, repo_name, base_name, echo) if dashboard else frozenset()
    options = CheckOptions(
        files=markdown or (),
        only=only,  # type: ignore[arg-type]
        strict=strict,
        use_cache=not no_cache,
        recheck=recheck,
    )
    report = check_list(cfg, options)
    _emit(report, fmt)
    code: int = ExitCode.OK
    try:
        if report.nothing_checked:
            click.echo("nothing could be checked (no network?): nothing changed, nothing published", err=True)
            code = ExitCode.NOTHING_CHECKED
            return ExitCode.NOTHING_CHECKED
        findings = list(report.findings)
        if not as_pr:
            _write_working_tree(cfg, findings, dead, markdown)
        else:
            target = Target(local=local, push=remote, repo=repo, base=base)
            with open_state(cfg.path(cfg.state_path)) as state:
                publish(cfg, findings, state, target, dead_action=dead, echo=echo)
    except ListkeeperError as exc:
        code = exc.exit_code
        raise
    finally:
        history.log_run(
            cfg.path(cfg.state_path),
            report,
            command="sync",
            exit_code=code,
            retention_days=cfg.history.retention_days,
        )
    if dashboard:
        _write_dashboard(cfg, repo_name, base_name, findings, echo)
    if fmt == "github" and lines:
        append_step_summary("### Pull request\n\n" + "\n".join(f"- {escape_inline(line)}" for line in lines) + "\n")
    return ExitCode.OK
