"""``listkeeper pr``: one pull request on GitHub, made with the Git Data API (no clone, no push) via githubkit.

The branch holds one commit on the current base head (API notes C5)::

    GET  git/ref/heads/<base> → GET git/commits/<sha> → GET git/trees (the catalog folder)
    POST git/trees {base_tree, tree: [{path, mode, type: blob, content}]} → POST git/commits {parents: [base]}
    POST git/refs  (or PATCH git/refs/heads/<branch> {force: true} when the branch exists)
    POST pulls → POST issues/<n>/labels          (or PATCH pulls/<n> {title, body})

The open PR is found by head (``pulls?state=open&head=<owner>:<branch>``) and carries a hidden marker (see
:mod:`listkeeper.publish.marker`) with the fingerprint of what it proposes, the commit the bot pushed (``head``) and
its base. Decisions, in the order a run makes them:

* **Same proposal, same base** (marker fingerprint and base equal, branch still at the marker's head): no write.
* **A human pushed** (branch head ≠ the marker's head, and the head commit is not the bot's own; a run that died
  between moving the branch and updating the PR leaves a bot commit there, which the next run simply replaces): one
  comment explaining that the bot stays away (never repeated), nothing overwritten.
* **Nothing left to change**: the PR is closed with a comment and its branch deleted.
* **Declined**: the most recent closed, unmerged bot PR (not closed by the bot itself) dismisses its marker's
  subjects in the state store; :func:`listkeeper.changes.plan` never proposes them again.
* Otherwise the branch is rebuilt on the current base and the PR updated, or the PR is created and labelled.

Politeness: at least ``write_interval`` seconds between mutating requests (GitHub asks for ≥ 1 s), Retry-After
honoured (capped by ``sources.max_retry_wait``), a timeout on every request. The token (``GITHUB_TOKEN``) goes to
the configured API origin only: a redirect elsewhere is refused before it is followed. This module is the flow;
the REST calls it makes are :class:`~listkeeper.publish.rest.GitHubRepo`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from listkeeper.errors import PublishError
from listkeeper.publish.marker import TRAILER, Marker, parse_marker, parse_trailer, with_marker
from listkeeper.publish.proposal import Proposal
from listkeeper.publish.rest import Base, GitHubRepo

HUMAN_NOTICE = "<!-- listkeeper:notice:human-push -->"
CLOSED_NOTICE = "<!-- listkeeper:notice:closed -->"

Action = Literal["created", "updated", "unchanged", "closed", "deleted", "skipped", "nothing"]


@dataclass
class PublishResult:
    action: Action
    message: str
    number: int | None = None
    url: str | None = None
    head: str | None = None
    requests: int = 0
    writes: int = 0


@dataclass
class Declined:
    """A closed, unmerged bot PR: a maintainer said no to these subjects."""

    number: int
    subjects: tuple[str, ...]


class GitHubPublisher(GitHubRepo):
    """One repository's bot branch and pull request: the decisions of a run (see the module docstring), made with
    the REST calls of :class:`~listkeeper.publish.rest.GitHubRepo`. Use as a context manager."""

    # -- reading ----------------------------------------------------------------------------------------------

    def declined(self) -> Declined | None:
        """The most recent closed bot PR, when it was closed unmerged by someone other than the bot."""
        closed = self.pulls("closed")
        if not closed:
            return None
        latest = max(closed, key=lambda p: (str(p.get("closed_at") or ""), int(p["number"])))
        marker = parse_marker(latest.get("body"))
        if latest.get("merged_at") or marker is None or marker.closed or not marker.subjects:
            return None
        return Declined(int(latest["number"]), marker.subjects)

    # -- writing ----------------------------------------------------------------------------------------------

    def _commit(self, proposal: Proposal, base: Base) -> str:
        tree = self.call(
            "POST",
            "git/trees",
            json={
                "base_tree": base.tree,
                "tree": [
                    {"path": path, "mode": base.modes.get(path, "100644"), "type": "blob", "content": text}
                    for path, text in sorted(proposal.files.items())
                ],
            },
        )
        # No author/committer: GitHub then attributes the commit to the token's identity and, when that is a GitHub
        # App, signs it (a custom committer would leave it unsigned). The fingerprint trailer marks it as ours.
        commit = self.call(
            "POST",
            "git/commits",
            json={"message": proposal.commit_message(), "tree": tree["sha"], "parents": [base.sha]},
        )
        return str(commit["sha"])

    def _branch_is_ours(self, sha: str) -> str | None:
        """None when the commit at ``sha`` is the bot's, else why not (no open PR to compare a marker with)."""
        commit = self.call("GET", f"git/commits/{sha}")
        if parse_trailer(str(commit.get("message", ""))) is None:
            person = commit.get("author") or {}
            return (
                f"its head commit {sha[:12]} by {person.get('name')} <{person.get('email')}> has no {TRAILER} trailer"
            )
        return None

    def _result(
        self, action: Action, message: str, pull: Mapping[str, Any] | None = None, head: str | None = None
    ) -> PublishResult:
        number = int(pull["number"]) if pull else None
        url = str(pull["html_url"]) if pull else None
        return PublishResult(action, message, number, url, head, self.requests, self.writes)

    def publish(self, proposal: Proposal, base: Base, pull: Mapping[str, Any] | None) -> PublishResult:
        """Create, update, keep or close the bot PR for ``proposal`` (built on ``base``'s files)."""
        branch_sha = self.ref_sha(self.branch)
        if pull is not None:
            return self._with_pull(proposal, base, pull, branch_sha)
        if branch_sha is not None:
            why = self._branch_is_ours(branch_sha)
            if why is not None:
                return self._result("skipped", f"left {self.branch} alone: {why}")
        if proposal.empty:
            if branch_sha is None:
                return self._result("nothing", "nothing to change")
            self.call("DELETE", f"git/refs/heads/{self.branch}")
            return self._result("deleted", f"nothing to change: deleted the stale branch {self.branch}")
        head = self._commit(proposal, base)
        self.set_branch(head, exists=branch_sha is not None)
        body = proposal.body_for(head=head, base=base.sha)
        created = self._create_pull(proposal.title, body)
        if self.labels:
            self.call("POST", f"issues/{created['number']}/labels", json={"labels": list(self.labels)})
        return self._result("created", f"opened #{created['number']}: {proposal.title}", created, head)

    def _create_pull(self, title: str, body: str) -> dict[str, Any]:
        payload = {"title": title, "head": self.branch, "base": self.base, "body": body}
        try:
            return self.call("POST", "pulls", json=payload)  # type: ignore[no-any-return]
        except PublishError as exc:
            if "already exists" not in str(exc):
                raise
        existing = self.open_pull()  # a PR appeared between our lookup and now: update it instead
        if existing is None:
            raise PublishError(f"GitHub refused the pull request for {self.branch} and none is open")
        return self.call("PATCH", f"pulls/{existing['number']}", json={"title": title, "body": body})  # type: ignore[no-any-return]

    def _with_pull(
        self, proposal: Proposal, base: Base, pull: Mapping[str, Any], branch_sha: str | None
    ) -> PublishResult:
        number = int(pull["number"])
        marker = parse_marker(pull.get("body"))
        recorded = marker.head if marker is not None else None
        if branch_sha is not None and branch_sha != recorded and self._branch_is_ours(branch_sha) is not None:
            self._notify_once(number, HUMAN_NOTICE, _human_notice(self.branch, branch_sha))
            return self._result(
                "skipped", f"#{number}: {self.branch} has commits the bot did not make; left alone", pull
            )
        if proposal.empty:
            self._notify_once(number, CLOSED_NOTICE, _closed_notice())
            closed = with_marker(str(pull.get("body") or ""), _closed(marker))
            self.call("PATCH", f"pulls/{number}", json={"state": "closed", "body": closed})
            if branch_sha is not None:
                self.call("DELETE", f"git/refs/heads/{self.branch}")
            return self._result("closed", f"nothing left to change: closed #{number} and deleted {self.branch}", pull)
        if (
            marker is not None
            and marker.fingerprint == proposal.fingerprint
            and marker.base == base.sha
            and branch_sha == marker.head
        ):
            return self._result("unchanged", f"#{number} is up to date", pull, branch_sha)
        head = self._commit(proposal, base)
        self.set_branch(head, exists=branch_sha is not None)
        body = proposal.body_for(head=head, base=base.sha)
        updated = self.call("PATCH", f"pulls/{number}", json={"title": proposal.title, "body": body})
        return self._result("updated", f"updated #{number}: {proposal.title}", updated, head)

    def _notify_once(self, number: int, notice: str, text: str) -> None:
        if any(notice in str(c.get("body") or "") for c in self.comments(number)):
            return
        self.call("POST", f"issues/{number}/comments", json={"body": f"{text}\n\n{notice}"})

    def dismissed_note(self, declined: Declined) -> str:
        return f"#{declined.number} was closed without merging: not proposing {', '.join(declined.subjects)} again"


def _closed(marker: Marker | None) -> Marker:
    if marker is None:
        return Marker("", closed=True)
    return Marker(marker.fingerprint, marker.subjects, marker.head, marker.base, closed=True)


def _human_notice(branch: str, sha: str) -> str:
    return (
        f"Someone pushed to `{branch}` (now at {sha[:12]}), so listkeeper will not update this pull request: it "
        "never overwrites commits it did not make. Merge it when you are done, and listkeeper will propose any "
        "remaining changes in a new pull request; closing it without merging declines its changes for good."
    )


def _closed_notice() -> str:
    return (
        "Nothing is left to change: the catalog already has these edits, or the findings behind them are gone. "
        "Closing this pull request and deleting its branch."
    )


__all__ = ["Declined", "GitHubPublisher", "PublishResult"]
