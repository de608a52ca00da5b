"""``listkeeper pr``: turn the last check's findings into one reviewable pull request (or, with ``--local``, one
commit on a local bot branch).

The proposal is always built on the *base branch's* files (see :mod:`listkeeper.publish.proposal`), never on the
working tree, so the branch is exactly "base + these edits" whatever is checked out. Findings come from the state
store (``runs``/``last-findings``, left by ``listkeeper check``) unless ``--findings FILE`` is given.

GitHub mode needs the repository (``--repo``, else ``[pr] repo``, else ``GITHUB_REPOSITORY``) and ``GITHUB_TOKEN``;
either missing is a usage error (exit 2). ``--dry-run`` prints the title, the diff and the body; nothing is written
anywhere (no branch, no API write, no dismissal recorded).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from listkeeper import config as config_module
from listkeeper.changes import DeadAction
from listkeeper.commands.options import config_option, dead_option, state_option
from listkeeper.errors import UsageError
from listkeeper.findings import Finding
from listkeeper.mdlist import files as md_files
from listkeeper.publish.local import Git, Identity
from listkeeper.publish.proposal import Proposal, build, build_markdown
from listkeeper.state import State, open_state

if TYPE_CHECKING:
    from listkeeper.publish.github import GitHubPublisher

STATE_NAMESPACE, STATE_KEY = "runs", "last-findings"
MARKDOWN_TITLE = "listkeeper: update the list"


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


def _diff(old: Mapping[str, str], new: Mapping[str, str]) -> str:
    out: list[str] = []
    for path, text in sorted(new.items()):
        before = old.get(path, "")
        lines = difflib.unified_diff(
            before.splitlines(keepends=True), text.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
        out += [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines]
    return "".join(out)


def _show_dry_run(proposal: Proposal, base_files: Mapping[str, str], echo: Callable[[str], None]) -> None:
    if proposal.empty:
        echo("dry run: nothing to change")
        return
    echo(f"title: {proposal.title}")
    echo(_diff(base_files, proposal.files).rstrip("\n"))
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
    dead_action: DeadAction | None = None,
    echo: Callable[[str], None] = click.echo,
) -> str:
    """Build the proposal on the base and publish it locally or on GitHub; returns the outcome's action."""
    env = os.environ if env is None else env
    base = target.base or cfg.pr.base
    patterns = md_files.patterns(cfg)
    if dead_action == "comment" and patterns is None:
        raise UsageError("--dead comment is for Markdown mode; the catalog's dead items are marked or removed")
    dead: DeadAction = dead_action or ("remove" if cfg.update.dead == "remove" else "mark")  # type: ignore[assignment]
    today = datetime.now(UTC).date()
    identity = Identity(email=cfg.pr.email)
    root = _repo_root(cfg)

    def make(files: Mapping[str, str], catalog_rel: str, output_rel: str, extra: Sequence[str] = ()) -> Proposal:
        if patterns is not None:
            from listkeeper.commands.update import policy_for

            title = cfg.pr.title if cfg.pr.title != config_module.PrConfig().title else MARKDOWN_TITLE
            return build_markdown(
                files,
                findings,
                today=today,
                policy=policy_for(cfg, dead_action),
                dismissed={*state.dismissed(), *extra},
                base_title=title,
            )
        return build(
            files,
            findings,
            catalog_dir=catalog_rel,
            output=output_rel,
            today=today,
            dead_action=dead,
            dismissed={*state.dismissed(), *extra},
            base_title=cfg.pr.title,
        )

    if target.local:
        return _publish_local(cfg, root, base, target, identity, make, echo, patterns)
    return _publish_github(cfg, root, base, target, make, state, env, echo, patterns)


def _md_patterns(cfg: config_module.Config, root: Path, patterns: Sequence[str]) -> list[str]:
    """Markdown mode's patterns relative to the repository root (they are written relative to the project root)."""
    prefix = _relative(cfg.root, root)
    return [p if prefix in ("", ".") else f"{prefix}/{p}" for p in patterns]


def _publish_local(cfg, root, base, target, identity, make, echo, patterns) -> str:  # type: ignore[no-untyped-def]
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
    proposal = make(files, catalog_rel, output_rel)
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


def _publish_github(cfg, root, base, target, make, state, env, echo, patterns) -> str:  # type: ignore[no-untyped-def]
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


def load_findings(cfg: config_module.Config, state: State, findings_file: Path | None) -> list[Finding] | None:
    """Findings from ``--findings`` or the state store; None when neither has any."""
    from listkeeper.commands.update import parse_findings, read_findings

    if findings_file is not None:
        return read_findings(findings_file)
    stored = state.get(STATE_NAMESPACE, STATE_KEY)
    if stored is None:
        return None
    return parse_findings(stored, f"{state.path} ({STATE_NAMESPACE}/{STATE_KEY})")


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
    with open_state(cfg.path(cfg.state_path)) as state:
        findings = load_findings(cfg, state, findings_file)
        if findings is None:
            click.echo("no findings recorded: run `listkeeper check` first, or pass --findings FILE")
            return
        publish(cfg, findings, state, target, dead_action=dead)  # type: ignore[arg-type]
