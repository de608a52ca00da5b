"""``listkeeper sync`` as one function: check, then apply the findings (working tree, pull request or local branch),
keeping the dashboard issue with ``dashboard``; every run is logged in the state store's run history.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import click
from rich.console import Console

from listkeeper import config as config_module
from listkeeper import history
from listkeeper.commands.output import append_step_summary
from listkeeper.errors import ExitCode, ListkeeperError
from listkeeper.findings import Finding
from listkeeper.mdlist import files as md_files
from listkeeper.publish.proposal import dead_rule
from listkeeper.publish.request import Target, github_publisher, github_repo, publish
from listkeeper.publish.worktree import apply_findings
from listkeeper.render.escape import escape_inline
from listkeeper.report.json import to_json
from listkeeper.report.markdown import github_step_summary, to_markdown
from listkeeper.report.model import CheckReport
from listkeeper.report.terminal import print_terminal
from listkeeper.report.workflow import to_github
from listkeeper.state import open_state

FORMATS = ("terminal", "json", "markdown", "github", "none")


def _emit(report: CheckReport, fmt: str) -> None:
    """The check report on stderr (stdout is for what sync did), or nothing with ``--format none``."""
    if fmt == "none":
        return
    if fmt == "terminal":
        print_terminal(report, Console(stderr=True))
        return
    text = {
        "json": to_json,
        "markdown": to_markdown,
        "github": to_github,
    }[fmt](report)
    click.echo(text, err=True, nl=not text.endswith("\n"))
    if fmt == "github":
        append_step_summary(github_step_summary(report))


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
        limits=cfg.limits,
    )
    if outcome.recovered:
        click.echo(outcome.recovered)
    if markdown is not None:
        for line in outcome.summary():
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


@dataclass(frozen=True)
class SyncOptions:
    """What ``listkeeper sync`` was asked to do (its options, parsed)."""

    pr: bool = False  # publish as one pull request (``local``: a local bot branch) instead of writing files
    local: bool = False
    push: str | None = None
    repo: str | None = None
    base: str | None = None
    dashboard: bool = False
    fmt: str = "none"  # the check report's format, on stderr
    only: Literal["all", "links", "sources"] = "all"
    strict: bool = False
    use_cache: bool = True
    dead: str | None = None


def sync(cfg: config_module.Config, options: SyncOptions) -> ExitCode:
    """One nightly run; returns the exit code (0 done, 3 nothing could be checked: nothing changed or published).
    Raises ListkeeperError (usage, config, catalog, publishing) like the other commands."""
    from listkeeper.pipeline import CheckOptions, check_list

    patterns = md_files.patterns(cfg)
    dead_rule(cfg, options.dead, markdown=patterns is not None)  # a usage error shows before anything is checked
    markdown = md_files.resolve(cfg.root, patterns) if patterns is not None else None
    lines: list[str] = []

    def echo(line: str) -> None:
        click.echo(line)
        lines.append(line)

    repo_name = github_repo(cfg, options.repo, os.environ) if options.dashboard else ""
    base_name = options.base or cfg.pr.base
    recheck = _read_dashboard(cfg, repo_name, base_name, echo) if options.dashboard else frozenset()
    check = CheckOptions(
        files=markdown or (), only=options.only, strict=options.strict, use_cache=options.use_cache, recheck=recheck
    )
    report = check_list(cfg, check)
    _emit(report, options.fmt)
    code: int = ExitCode.OK
    try:
        if report.nothing_checked:
            click.echo("nothing could be checked (no network?): nothing changed, nothing published", err=True)
            code = ExitCode.NOTHING_CHECKED
            return ExitCode.NOTHING_CHECKED
        findings = list(report.findings)
        if not options.pr:
            _write_working_tree(cfg, findings, options.dead, markdown)
        else:
            target = Target(local=options.local, push=options.push, repo=options.repo, base=options.base)
            with open_state(cfg.path(cfg.state_path)) as state:
                publish(cfg, findings, state, target, dead_action=options.dead, echo=echo)
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
    if options.dashboard:
        _write_dashboard(cfg, repo_name, base_name, findings, echo)
    if options.fmt == "github" and lines:
        append_step_summary("### Pull request\n\n" + "\n".join(f"- {escape_inline(line)}" for line in lines) + "\n")
    return ExitCode.OK
