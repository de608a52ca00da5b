"""The proposal published: one reviewable pull request on GitHub, or one commit on a local bot branch.

The proposal is always built on the *base branch's* files (see :mod:`listkeeper.publish.proposal`), never on the
working tree, so the branch is exactly "base + these edits" whatever is checked out. GitHub mode needs the
repository (``--repo``, else ``[pr] repo``, else ``GITHUB_REPOSITORY``) and ``GITHUB_TOKEN``; either missing is a
usage error. A dry run shows the title, the diff and the body; nothing is written anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from listkeeper import config as config_module
from listkeeper.errors import UsageError
from listkeeper.findings import Finding, read_findings
from listkeeper.mdlist import files as md_files
from listkeeper.publish.local import Git, Identity
from listkeeper.publish.proposal import MARKDOWN_TITLE, Layout, Proposal, dead_rule, propose
from listkeeper.state import State, open_state
from listkeeper.textdiff import files_diff

if TYPE_CHECKING:
    from listkeeper.publish.github import GitHubPublisher


@dataclass(frozen=True)
class Target:
    """Where the proposal goes: ``local`` (this repository's bot branch, optionally pushed) or a GitHub repo."""

    local: bool = False
    push: str | None = None
    repo: str | None = None
    base: str | None = None
    dry_run: bool = False


def _repo_root(cfg: config_module.Config) -> Path | None:
    try:
        return Git(cfg.root).toplevel()
    except UsageError:
        return None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"{path} is outside the repository {root}") from None


def _show_dry_run(proposal: Proposal, base_files: Mapping[str, str], echo: Callable[[str], None]) -> None:
    if proposal.empty:
        echo("dry run: nothing to change")
        return
    echo(f"title: {proposal.title}")
    echo(files_diff(base_files, proposal.files, a="a/", b="b/").rstrip("\n"))
    echo("")
    echo(proposal.body.rstrip("\n"))
    echo("dry run: nothing written")


def publish(
    cfg: config_module.Config,
    findings: Sequence[Finding],
    state: State,
    target: Target,
    *,
    env: Mapping[str, str] | None = None,
    dead_action: str | None = None,
    echo: Callable[[str], None] = click.echo,
) -> str:
    """Build the proposal on the base and publish it locally or on GitHub; returns the outcome's action."""
    env = os.environ if env is None else env
    base = target.base or cfg.pr.base
    patterns = md_files.patterns(cfg)
    dead = dead_rule(cfg, dead_action, markdown=patterns is not None)
    today = datetime.now(UTC).date()
    identity = Identity(email=cfg.pr.email)
    root = _repo_root(cfg)
    if patterns is not None:
        title = cfg.pr.title if cfg.pr.title != config_module.PrConfig().title else MARKDOWN_TITLE
    else:
        title = cfg.pr.title

    def make(files: Mapping[str, str], catalog_rel: str, output_rel: str, extra: Sequence[str] = ()) -> Proposal:
        layout = Layout(limits=cfg.limits) if patterns is not None else Layout(catalog_rel, output_rel, cfg.limits)
        dismissed = {*state.dismissed(), *extra}
        return propose(files, findings, layout=layout, today=today, dead=dead, dismissed=dismissed, base_title=title)

    if target.local:
        return _publish_local(cfg, root, base, target, identity, make, echo, patterns)
    return _publish_github(cfg, root, base, target, make, state, env, echo, patterns)


def _md_patterns(cfg: config_module.Config, root: Path, patterns: Sequence[str]) -> list[str]:
    """Markdown mode's patterns relative to the repository root (they are written relative to the project root)."""
    prefix = _relative(cfg.root, root)
    return [p if prefix in ("", ".") else f"{prefix}/{p}" for p in patterns]


#: Builds the proposal on the base texts: (files, catalog dir, output, extra dismissals) → proposal.
_Make = Callable[[Mapping[str, str], str, str, Sequence[str]], Proposal]


def _publish_local(
    cfg: config_module.Config,
    root: Path | None,
    base: str,
    target: Target,
    identity: Identity,
    make: _Make,
    echo: Callable[[str], None],
    patterns: Sequence[str] | None,
) -> str:
    from listkeeper.errors import PublishError
    from listkeeper.publish.local import base_files, base_markdown, publish_local

    if root is None:
        raise UsageError(f"{cfg.root.resolve()}: not a git repository (--local needs one)")
    git = Git(root)
    catalog_rel = _relative(cfg.path(cfg.catalog_dir), root)
    output_rel = _relative(cfg.path(cfg.output), root)
    base_sha = git.sha(base)
    if base_sha is None:
        raise PublishError(f"base branch {base!r} does not exist in {root}")
    if patterns is not None:
        files = base_markdown(git, base_sha, _md_patterns(cfg, root, patterns))
    else:
        files = base_files(git, base_sha, [f"{catalog_rel}/", output_rel])
    proposal = make(files, catalog_rel, output_rel, ())
    if target.dry_run:
        _show_dry_run(proposal, files, echo)
        return "dry-run"
    result = publish_local(
        root, proposal, base=base, branch=cfg.pr.branch, identity=identity, remote=target.push, git=git
    )
    echo(result.message)
    return result.action


def github_repo(cfg: config_module.Config, repo: str | None, env: Mapping[str, str]) -> str:
    """The GitHub repository: ``--repo``, else ``[pr] repo``, else ``GITHUB_REPOSITORY`` (a usage error if none)."""
    found = repo or cfg.pr.repo or env.get("GITHUB_REPOSITORY")
    if not found:
        raise UsageError(
            "no repository to open the pull request in: pass --repo OWNER/NAME, set [pr] repo, or set "
            "GITHUB_REPOSITORY (or use --local)"
        )
    return found


def github_publisher(cfg: config_module.Config, repo: str, base: str, env: Mapping[str, str]) -> GitHubPublisher:
    """The GitHub client for ``repo`` with the token rules and pacing of ``[pr]`` (GITHUB_TOKEN is required)."""
    from listkeeper.publish.github import GitHubPublisher

    token = env.get("GITHUB_TOKEN")
    if not token:
        raise UsageError(
            "GITHUB_TOKEN is not set: a token with contents, pull-requests (and, for --dashboard, issues) write "
            "access is needed"
        )
    return GitHubPublisher(
        repo,
        token=token,
        api_url=cfg.sources.github_api_url,
        branch=cfg.pr.branch,
        base=base,
        labels=tuple(cfg.pr.labels),
        timeout=cfg.sources.timeout,
        write_interval=cfg.pr.write_interval,
        max_retries=cfg.sources.max_retries,
        max_retry_wait=cfg.sources.max_retry_wait,
    )


def _publish_github(
    cfg: config_module.Config,
    root: Path | None,
    base: str,
    target: Target,
    make: _Make,
    state: State,
    env: Mapping[str, str],
    echo: Callable[[str], None],
    patterns: Sequence[str] | None,
) -> str:
    repo = github_repo(cfg, target.repo, env)
    local_root = root or cfg.root
    catalog_rel = _relative(cfg.path(cfg.catalog_dir), local_root)
    output_rel = _relative(cfg.path(cfg.output), local_root)
    with github_publisher(cfg, repo, base, env) as pub:
        head = pub.base_head()
        if patterns is not None:
            files = pub.base_markdown(head, _md_patterns(cfg, local_root, patterns), local_root)
        else:
            files = pub.base_files(head, catalog_rel, output_rel, local_root)
        pull = pub.open_pull()
        declined = pub.declined() if pull is None else None
        extra: tuple[str, ...] = ()
        if declined is not None:
            extra = declined.subjects
            if not target.dry_run:
                with state.transaction():
                    for subject in declined.subjects:
                        state.dismiss(subject, f"declined: {repo}#{declined.number} closed without merging")
            echo(pub.dismissed_note(declined))
        proposal = make(files, catalog_rel, output_rel, extra)
        if target.dry_run:
            _show_dry_run(proposal, files, echo)
            return "dry-run"
        result = pub.publish(proposal, head, pull)
    where = f" {result.url}" if result.url else ""
    echo(f"{result.message}{where} ({result.requests} requests, {result.writes} writes)")
    return result.action


def load_findings(state: State, findings_file: Path | None) -> list[Finding] | None:
    """Findings from ``--findings`` or the state store; None when neither has any."""
    if findings_file is not None:
        return read_findings(findings_file)
    return state.load_last_findings()


def pull_request(
    cfg: config_module.Config,
    target: Target,
    *,
    findings_file: Path | None = None,
    dead: str | None = None,
    echo: Callable[[str], None] = click.echo,
) -> str | None:
    """``listkeeper pr``: publish the findings of ``findings_file`` (default: the last check's); returns the
    outcome's action, None when there are no findings."""
    with open_state(cfg.path(cfg.state_path)) as state:
        findings = load_findings(state, findings_file)
        if findings is None:
            return None
        return publish(cfg, findings, state, target, dead_action=dead, echo=echo)
