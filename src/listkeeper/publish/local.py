"""``listkeeper pr --local``: the bot branch in the local repository, one commit on top of the base branch.

The commit is made with git plumbing and a *temporary* index (``GIT_INDEX_FILE`` in a scratch directory)::

    read-tree <base>  →  hash-object -w (each new text)  →  update-index --add --cacheinfo  →  write-tree
    →  commit-tree -p <base>  →  update-ref refs/heads/<branch> <new> <expected old>

so the user's working tree, index and checked-out branch are never touched, and a SIGKILL at any point leaves the
repository consistent: objects written before the kill are unreachable garbage, and the branch moves in one atomic
``update-ref`` that also refuses to move it if someone else moved it since we looked.

Safe with humans (the behaviour users ask of Renovate, and hate missing in create-pull-request): a commit on the bot
branch that the bot did not make (author or committer other than the bot identity, or no
``Listkeeper-Fingerprint`` trailer) means a person is working there: the branch is left alone and the reason is
printed. Same fingerprint on the same base: nothing to do. The base moved: the branch is rebuilt as one commit on
the new base. Nothing left to change: the bot's branch is deleted.

``--push REMOTE`` pushes with ``--force-with-lease=<branch>:<sha the remote had when we looked>``, after checking
that the remote branch, too, holds only the bot's commits.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from listkeeper.errors import PublishError, UsageError
from listkeeper.publish.marker import TRAILER, parse_trailer
from listkeeper.publish.proposal import Proposal

BOT_NAME = "listkeeper"
DEFAULT_EMAIL = "listkeeper@users.noreply.github.com"
_ZERO = "0" * 40

Action = Literal["created", "updated", "unchanged", "deleted", "skipped", "nothing"]


@dataclass(frozen=True)
class Identity:
    name: str = BOT_NAME
    email: str = DEFAULT_EMAIL


@dataclass(frozen=True)
class LocalResult:
    action: Action
    message: str
    sha: str | None = None
    pushed: bool = False


class Git:
    """Run git in one repository, with a clean environment (no inherited GIT_DIR / GIT_INDEX_FILE)."""

    def __init__(self, repo: Path, env: Mapping[str, str] | None = None) -> None:
        self.repo = repo
        base = dict(os.environ if env is None else env)
        for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
            base.pop(var, None)
        base["GIT_TERMINAL_PROMPT"] = "0"
        self.env = base

    def run(
        self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.repo), *args],
                input=input,
                capture_output=True,
                env={**self.env, **(env or {})},
                check=False,
            )
        except FileNotFoundError:
            raise PublishError("git is not installed (needed for --local)") from None
        if check and done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
            raise PublishError(f"git {' '.join(args[:2])} failed in {self.repo}: {detail}")
        return done

    def out(self, *args: str, **kw: object) -> str:
        return self.run(*args, **kw).stdout.decode("utf-8", "replace").strip()  # type: ignore[arg-type]

    def sha(self, rev: str) -> str | None:
        done = self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def toplevel(self) -> Path:
        done = self.run("rev-parse", "--show-toplevel", check=False)
        if done.returncode != 0:
            raise UsageError(f"{self.repo}: not a git repository (--local needs one)")
        return Path(done.stdout.decode().strip())


@dataclass(frozen=True)
class _Commit:
    sha: str
    author: tuple[str, str]
    committer: tuple[str, str]
    parents: tuple[str, ...]
    message: str


def _commits(git: Git, base: str, tip: str) -> list[_Commit]:
    """Commits reachable from ``tip`` but not from ``base``, newest first."""
    raw = git.run("log", "--format=%H%x00%an%x00%ae%x00%cn%x00%ce%x00%P%x00%B%x1e", f"{base}..{tip}", "--").stdout
    commits = []
    for record in raw.decode("utf-8", "replace").split("\x1e"):
        record = record.lstrip("\n")
        if not record:
            continue
        sha, an, ae, cn, ce, parents, message = record.split("\x00", 6)
        commits.append(_Commit(sha, (an, ae), (cn, ce), tuple(parents.split()), message))
    return commits


def foreign_commit(git: Git, base: str, tip: str, identity: Identity) -> str | None:
    """Why the branch at ``tip`` is not the bot's alone (None when every commit on it is the bot's)."""
    for commit in _commits(git, base, tip):
        who = (identity.name, identity.email)
        if commit.author != who or commit.committer != who:
            return (
                f"commit {commit.sha[:12]} on the bot branch is by {commit.author[0]} <{commit.author[1]}> "
                f"(committer {commit.committer[0]} <{commit.committer[1]}>), not by the bot"
            )
        if parse_trailer(commit.message) is None:
            return f"commit {commit.sha[:12]} on the bot branch has no {TRAILER} trailer"
    return None


def base_files(git: Git, base_sha: str, paths: Sequence[str]) -> dict[str, str]:
    """Texts of the files ``paths`` name at ``base_sha`` (``dir/`` lists a directory, not recursively)."""
    listing = git.run("ls-tree", "-z", base_sha, "--", *paths).stdout.decode("utf-8", "replace")
    files: dict[str, str] = {}
    for record in listing.split("\x00"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind != "blob" or mode == "120000":  # the catalog is not recursive; links are not ours
            continue
        try:
            files[path] = git.run("cat-file", "blob", sha).stdout.decode("utf-8")
        except UnicodeDecodeError:
            continue  # not a text file: never one of ours
    return files


def base_markdown(git: Git, base_sha: str, patterns: Sequence[str]) -> dict[str, str]:
    """Markdown mode: texts of the files at ``base_sha`` that the patterns (repository-relative, globs in the file
    name only) name."""
    from listkeeper.mdlist.files import folders, matches

    names: list[str] = []
    for folder in folders(patterns):
        listing = git.run("ls-tree", "-z", base_sha, "--", *([f"{folder}/"] if folder else []))
        for record in listing.stdout.decode("utf-8", "replace").split("\x00"):
            if record:
                meta, path = record.split("\t", 1)
                if meta.split()[1] == "blob" and meta.split()[0] != "120000":
                    names.append(path)
    wanted = matches(patterns, names)
    return base_files(git, base_sha, wanted) if wanted else {}


def _mode(git: Git, base_sha: str, path: str) -> str:
    listing = git.out("ls-tree", base_sha, "--", path)
    return listing.split()[0] if listing else "100644"


def build_commit(git: Git, base_sha: str, proposal: Proposal, identity: Identity) -> str:
    """One commit: ``base_sha``'s tree with ``proposal.files`` replaced; built in a temporary index."""
    with tempfile.TemporaryDirectory(prefix="listkeeper-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git.run("read-tree", base_sha, env=env)
        for path, text in sorted(proposal.files.items()):
            blob = git.out("hash-object", "-w", "--stdin", "--no-filters", input=text.encode("utf-8"))
            git.run("update-index", "--add", "--cacheinfo", f"{_mode(git, base_sha, path)},{blob},{path}", env=env)
        tree = git.out("write-tree", env=env)
    who = {
        "GIT_AUTHOR_NAME": identity.name,
        "GIT_AUTHOR_EMAIL": identity.email,
        "GIT_COMMITTER_NAME": identity.name,
        "GIT_COMMITTER_EMAIL": identity.email,
    }
    return git.out(
        "commit-tree", tree, "-p", base_sha, "--no-gpg-sign", input=proposal.commit_message().encode(), env=who
    )


def _move(git: Git, branch: str, new: str | None, old: str | None, reason: str) -> None:
    """Atomically set (or delete, ``new=None``) the branch, only if it still is at ``old`` (None: must not exist)."""
    ref = f"refs/heads/{branch}"
    if new is None:
        git.run("update-ref", "-m", reason, "-d", ref, old or "")
    else:
        git.run("update-ref", "-m", reason, ref, new, old or _ZERO)


def _remote_sha(git: Git, remote: str, branch: str) -> str | None:
    listing = git.out("ls-remote", "--heads", remote, f"refs/heads/{branch}")
    for line in listing.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def push(git: Git, remote: str, branch: str, local_sha: str | None, base_sha: str, identity: Identity) -> str | None:
    """Push (or delete) the bot branch on ``remote`` with a lease on what the remote had; None, or why not."""
    remote_sha = _remote_sha(git, remote, branch)
    if remote_sha == local_sha:
        return None
    if remote_sha is not None:
        if git.sha(remote_sha) is None:
            git.run("fetch", "--no-tags", "--quiet", remote, f"refs/heads/{branch}")
        why = foreign_commit(git, base_sha, remote_sha, identity)
        if why is not None:
            return f"not pushing to {remote}: {why}"
    lease = f"--force-with-lease=refs/heads/{branch}:{remote_sha or ''}"
    target = f"{local_sha}:refs/heads/{branch}" if local_sha else f":refs/heads/{branch}"
    if local_sha is None and remote_sha is None:
        return None
    git.run("push", "--quiet", "--no-verify", lease, remote, target)
    return None


def publish_local(
    repo: Path,
    proposal: Proposal,
    *,
    base: str,
    branch: str,
    identity: Identity = Identity(),
    remote: str | None = None,
    git: Git | None = None,
) -> LocalResult:
    """Create, rebuild, keep or delete the bot branch for ``proposal`` (built on ``base``'s files)."""
    git = git or Git(repo)
    base_sha = git.sha(base)
    if base_sha is None:
        raise PublishError(f"base branch {base!r} does not exist in {repo}")
    old = git.sha(f"refs/heads/{branch}")
    if old is not None:
        why = foreign_commit(git, base_sha, old, identity)
        if why is not None:
            return LocalResult("skipped", f"left {branch} alone: {why}", old)
    result = _local(git, proposal, base_sha, branch, old, identity)
    if remote is not None and result.action != "skipped":
        refusal = push(git, remote, branch, git.sha(f"refs/heads/{branch}"), base_sha, identity)
        if refusal is not None:
            return LocalResult(result.action, f"{result.message}; {refusal}", result.sha)
        return LocalResult(result.action, f"{result.message}; pushed to {remote}", result.sha, pushed=True)
    return result


def _local(
    git: Git, proposal: Proposal, base_sha: str, branch: str, old: str | None, identity: Identity
) -> LocalResult:
    if proposal.empty:
        if old is None:
            return LocalResult("nothing", "nothing to change")
        _move(git, branch, None, old, "listkeeper: nothing left to change")
        return LocalResult("deleted", f"nothing left to change: deleted {branch}")
    if old is not None:
        tip = _commits(git, base_sha, old)
        message = git.out("log", "-1", "--format=%B", old)
        parent = git.out("rev-parse", f"{old}^") if len(tip) == 1 else None
        if parent == base_sha and parse_trailer(message) == proposal.fingerprint:
            return LocalResult("unchanged", f"{branch} is up to date ({old[:12]})", old)
    new = build_commit(git, base_sha, proposal, identity)
    _move(git, branch, new, old, proposal.title)
    verb: Literal["updated", "created"] = "updated" if old is not None else "created"
    return LocalResult(verb, f"{verb} {branch} at {new[:12]}: {proposal.title}", new)


__all__ = ["Git", "Identity", "LocalResult", "base_files", "build_commit", "foreign_commit", "publish_local", "push"]
