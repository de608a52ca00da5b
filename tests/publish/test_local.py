"""``pr --local`` with real git: one commit on the base, idempotent reruns, rebuilds, humans left alone."""

from __future__ import annotations

import subprocess
from pathlib import Path

from listkeeper.publish.local import Git, Identity, base_files, publish_local
from listkeeper.publish.marker import parse_trailer
from tests.publish.conftest import BASE_FILES, DEAD, MOVED, build, git, write_files

BRANCH = "listkeeper/update"


def snapshot(repo: Path) -> tuple[str, str, str, str]:
    """What the user sees: HEAD, the checked-out branch, status (index + working tree), and the index itself."""
    return (
        git(repo, "rev-parse", "HEAD"),
        git(repo, "symbolic-ref", "HEAD"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        (repo / ".git" / "index").read_bytes().hex(),
    )


def proposal_on(repo: Path, findings: list, base: str = "main"):  # type: ignore[no-untyped-def]
    g = Git(repo)
    sha = g.sha(base)
    assert sha is not None
    return build(findings, base_files(g, sha, ["catalog/", "catalog/README.md"]))


def diff_lines(repo: Path, base: str, tip: str) -> list[str]:
    out = git(repo, "diff", "--unified=0", "--no-color", f"{base}..{tip}", "--", "catalog/cogvlm.yaml")
    return [line for line in out.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_branch_is_one_commit_with_exactly_the_edits_and_the_user_is_untouched(work_repo: Path) -> None:
    (work_repo / "scratch.txt").write_text("user's uncommitted work\n")
    (work_repo / "catalog" / "bunny.yaml").write_text(BASE_FILES["catalog/bunny.yaml"] + "# local edit\n")
    git(work_repo, "add", "catalog/bunny.yaml")  # staged change in the user's index
    before = snapshot(work_repo)
    proposal = proposal_on(work_repo, [MOVED, DEAD])

    result = publish_local(work_repo, proposal, base="main", branch=BRANCH)

    assert result.action == "created"
    assert snapshot(work_repo) == before
    assert not (work_repo / ".git" / "index.lock").exists()
    main = git(work_repo, "rev-parse", "main")
    assert git(work_repo, "rev-list", f"main..{BRANCH}").splitlines() == [result.sha]
    assert git(work_repo, "rev-parse", f"{BRANCH}^") == main
    assert diff_lines(work_repo, "main", BRANCH) == [
        "-    code: [THUDM/CogVLM]",
        "+    code: [zai-org/CogVLM]",
        "-      - {hf: zai-org/cogvlm-grounding-hf}",
        "+      - {hf: zai-org/cogvlm-grounding-hf, mark: {state: dead, since: 2026-11-20, evidence: 404 on the Hub}}",
    ]
    changed = git(work_repo, "diff", "--name-only", f"main..{BRANCH}").splitlines()
    assert changed == ["catalog/README.md", "catalog/cogvlm.yaml"]  # the re-rendered list comes along
    author = git(work_repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", BRANCH)
    assert author == "listkeeper <listkeeper@users.noreply.github.com>|listkeeper <listkeeper@users.noreply.github.com>"
    message = git(work_repo, "log", "-1", "--format=%B", BRANCH)
    assert message.startswith("listkeeper: update the catalog (1 moved, 1 dead)\n\n- catalog/cogvlm.yaml: ")
    assert parse_trailer(message) == proposal.fingerprint


def test_rerun_changes_nothing(work_repo: Path) -> None:
    first = publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH)
    again = publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH)
    assert again.action == "unchanged"
    assert git(work_repo, "rev-parse", BRANCH) == first.sha == again.sha


def test_new_finding_rebuilds_one_commit(work_repo: Path) -> None:
    publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH)
    second = publish_local(work_repo, proposal_on(work_repo, [MOVED, DEAD]), base="main", branch=BRANCH)
    assert second.action == "updated"
    assert git(work_repo, "rev-list", "--count", f"main..{BRANCH}") == "1"
    assert len(diff_lines(work_repo, "main", BRANCH)) == 4


def test_base_moved_rebuilds_on_the_new_base(work_repo: Path) -> None:
    first = publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH)
    write_files(work_repo, {"NOTES.md": "a human commit on main\n"})
    git(work_repo, "add", "NOTES.md")
    git(work_repo, "commit", "--quiet", "-m", "notes")
    before = snapshot(work_repo)

    again = publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH)

    assert again.action == "updated" and again.sha != first.sha
    assert git(work_repo, "rev-parse", f"{BRANCH}^") == git(work_repo, "rev-parse", "main")
    assert git(work_repo, "rev-list", "--count", f"main..{BRANCH}") == "1"
    assert diff_lines(work_repo, "main", BRANCH) == ["-    code: [THUDM/CogVLM]", "+    code: [zai-org/CogVLM]"]
    assert snapshot(work_repo) == before


def test_human_commit_on_the_bot_branch_is_never_overwritten(work_repo: Path) -> None:
    publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH)
    git(work_repo, "checkout", "--quiet", BRANCH)
    write_files(work_repo, {"catalog/bunny.yaml": BASE_FILES["catalog/bunny.yaml"] + "# reviewer fix\n"})
    git(work_repo, "commit", "--quiet", "-am", "reviewer fix")
    human = git(work_repo, "rev-parse", BRANCH)
    git(work_repo, "checkout", "--quiet", "main")

    result = publish_local(work_repo, proposal_on(work_repo, [MOVED, DEAD]), base="main", branch=BRANCH)

    assert result.action == "skipped"
    assert "Human Maintainer" in result.message
    assert git(work_repo, "rev-parse", BRANCH) == human
    empty = publish_local(work_repo, proposal_on(work_repo, []), base="main", branch=BRANCH)
    assert empty.action == "skipped" and git(work_repo, "rev-parse", BRANCH) == human


def test_bot_identity_without_trailer_is_not_ours(work_repo: Path) -> None:
    git(work_repo, "branch", BRANCH, "main")
    git(work_repo, "checkout", "--quiet", BRANCH)
    (work_repo / "x.txt").write_text("x\n")
    git(work_repo, "add", "x.txt")
    bot = {"NAME": "listkeeper", "EMAIL": "bot@example.org"}
    as_bot = {f"GIT_{who}_{k}": v for who in ("AUTHOR", "COMMITTER") for k, v in bot.items()}
    git(work_repo, "commit", "--quiet", "-m", "looks like the bot", env_extra=as_bot)
    git(work_repo, "checkout", "--quiet", "main")
    tip = git(work_repo, "rev-parse", BRANCH)
    identity = Identity(email="bot@example.org")
    result = publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH, identity=identity)
    assert result.action == "skipped"
    assert "no Listkeeper-Fingerprint trailer" in result.message
    assert git(work_repo, "rev-parse", BRANCH) == tip


def test_nothing_left_deletes_the_bots_branch(work_repo: Path) -> None:
    publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH)
    result = publish_local(work_repo, proposal_on(work_repo, []), base="main", branch=BRANCH)
    assert result.action == "deleted"
    assert git(work_repo, "branch", "--list", BRANCH) == ""
    assert publish_local(work_repo, proposal_on(work_repo, []), base="main", branch=BRANCH).action == "nothing"


def test_push_with_lease_and_no_overwrite_of_a_remote_human_commit(work_repo: Path, tmp_path: Path) -> None:
    result = publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH, remote="origin")
    assert result.pushed
    origin = tmp_path / "origin.git"
    assert git(origin, "rev-parse", BRANCH) == result.sha

    # a reviewer pushes a fix to the remote bot branch from another clone
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "--quiet", str(origin), str(other)], check=True)
    git(other, "checkout", "--quiet", BRANCH)
    (other / "fix.txt").write_text("fix\n")
    git(other, "add", "fix.txt")
    git(other, "commit", "--quiet", "-m", "reviewer fix")
    git(other, "push", "--quiet", "origin", BRANCH)
    human = git(origin, "rev-parse", BRANCH)

    again = publish_local(work_repo, proposal_on(work_repo, [MOVED, DEAD]), base="main", branch=BRANCH, remote="origin")
    assert not again.pushed and "not pushing" in again.message
    assert git(origin, "rev-parse", BRANCH) == human


def test_push_deletes_the_remote_branch_when_nothing_is_left(work_repo: Path, tmp_path: Path) -> None:
    publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH, remote="origin")
    result = publish_local(work_repo, proposal_on(work_repo, []), base="main", branch=BRANCH, remote="origin")
    assert result.action == "deleted" and result.pushed
    assert git(tmp_path / "origin.git", "branch", "--list", BRANCH) == ""


def test_a_branch_moved_meanwhile_is_not_clobbered_and_a_crash_leaves_everything(work_repo: Path) -> None:
    import pytest

    from listkeeper.errors import PublishError

    first = publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH)
    before = snapshot(work_repo)
    real_run = Git.run
    moved_to: list[str] = []

    def racing_run(self: Git, *args: str, **kw: object):  # type: ignore[no-untyped-def]
        if args and args[0] == "update-ref" and not moved_to:
            # someone else moves the branch between our read and our update
            git(work_repo, "branch", "-f", BRANCH, "main")
            moved_to.append(git(work_repo, "rev-parse", BRANCH))
        return real_run(self, *args, **kw)  # type: ignore[arg-type]

    Git.run = racing_run  # type: ignore[method-assign]
    try:
        with pytest.raises(PublishError, match="update-ref"):
            publish_local(work_repo, proposal_on(work_repo, [MOVED, DEAD]), base="main", branch=BRANCH)
    finally:
        Git.run = real_run  # type: ignore[method-assign]
    assert git(work_repo, "rev-parse", BRANCH) == moved_to[0] != first.sha  # the other writer's value stands
    assert snapshot(work_repo) == before
    assert not (work_repo / ".git" / "index.lock").exists()


KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
from listkeeper.publish.local import Git, base_files, publish_local
from tests.publish.conftest import MOVED, DEAD, build

step, repo = sys.argv[1], Path(sys.argv[2])
real = Git.run
def run(self, *args, **kw):
    if args and args[0] == step:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(self, *args, **kw)
Git.run = run
g = Git(repo)
proposal = build([MOVED, DEAD], base_files(g, g.sha("main"), ["catalog/", "catalog/README.md"]))
publish_local(repo, proposal, base="main", branch="listkeeper/update")
"""


def test_sigkill_at_any_step_leaves_the_repository_consistent(work_repo: Path, tmp_path: Path) -> None:
    import os
    import sys

    old = publish_local(work_repo, proposal_on(work_repo, [MOVED]), base="main", branch=BRANCH).sha
    before = snapshot(work_repo)
    root = Path(__file__).resolve().parents[2]
    temp = tmp_path / "tmp"  # a killed run cannot remove its temporary index: keep it out of the system's /tmp
    temp.mkdir()
    for step in ("read-tree", "hash-object", "update-index", "write-tree", "commit-tree", "update-ref"):
        done = subprocess.run(
            [sys.executable, "-c", KILL_SCRIPT, step, str(work_repo)],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root), "TMPDIR": str(temp)},
            capture_output=True,
        )
        assert done.returncode == -9, (step, done.stderr)
        assert git(work_repo, "rev-parse", BRANCH) == old, step  # killed before the atomic move: old branch
        assert snapshot(work_repo) == before, step
        assert not (work_repo / ".git" / "index.lock").exists()
        git(work_repo, "fsck", "--no-dangling")
    # and a run to completion afterwards works normally
    assert publish_local(work_repo, proposal_on(work_repo, [MOVED, DEAD]), base="main", branch=BRANCH).action == (
        "updated"
    )
