"""``listkeeper pr``: one pull request on GitHub, made with the Git Data API (no clone, no push) via githubkit.

The branch holds one commit on the current base head (API notes C5)::

    GET  git/ref/heads/<base> → GET git/commits/<sha> → GET git/trees (the catalog folder)
    POST git/trees {base_tree, tree: [{path, mode, type: blob, content}]} → POST git/commits {parents: [base]}
    POST git/refs  (or PATCH git/refs/heads/<branch> {force: true} when the branch exists)
    POST pulls → POST issues/<n>/labels          (or PATCH pulls/<n> {title, body})

The open PR is found by head (``pulls?state=open&head=<owner>:<branch>``) and carries a hidden marker (see
:mod:`listkeeper.publish.body`) with the fingerprint of what it proposes, the commit the bot pushed (``head``) and
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
the configured API origin only: a redirect elsewhere is refused before it is followed. Only this module and
:mod:`listkeeper.sources.github` import githubkit.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import httpx
from githubkit import GitHub
from githubkit.exception import GitHubException, RequestError, RequestFailed

from listkeeper.errors import PublishError
from listkeeper.http import github as github_client
from listkeeper.publish import body as body_module
from listkeeper.publish.proposal import Proposal

USER_AGENT = github_client.USER_AGENT
HUMAN_NOTICE = "<!-- listkeeper:notice:human-push -->"
CLOSED_NOTICE = "<!-- listkeeper:notice:closed -->"
_WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})

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


@dataclass
class _Base:
    sha: str
    tree: str
    modes: dict[str, str] = field(default_factory=dict)  # path → mode, for the files we read


def git_blob_sha(data: bytes) -> str:
    """The sha git gives a blob with this content (to know whether a local file equals the base's)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class GitHubPublisher:
    """One repository's bot branch and pull request. Use as a context manager (it owns the HTTP client)."""

    def __init__(
        self,
        repo: str,
        *,
        token: str,
        api_url: str,
        branch: str,
        base: str,
        labels: tuple[str, ...] = (),
        timeout: float = 20.0,
        write_interval: float = 1.0,
        max_retries: int = 3,
        max_retry_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        owner, sep, name = repo.partition("/")
        if not sep or not owner or not name or "/" in name:
            raise PublishError(f"{repo!r} is not a repository (expected OWNER/NAME)")
        self.owner, self.name = owner, name
        self.branch, self.base = branch, base
        self.labels = labels
        self.write_interval = write_interval
        self.max_retries, self.max_retry_wait = max_retries, max_retry_wait
        self._sleep = sleep
        self._api = github_client.api_base(api_url)
        self._last_write: float | None = None
        self.requests = 0
        self.writes = 0
        # Keep the reference: githubkit's namespaces only hold a weakref to the client (API notes C1).
        self._gh: GitHub[Any] = github_client.client(
            token,
            api_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            retry=github_client.retry_policy(max_retries, max_retry_wait),
            on_request=[self._on_request],
        )

    def __enter__(self) -> GitHubPublisher:
        self._gh.__enter__()  # type: ignore[no-untyped-call]  # githubkit leaves it unannotated
        return self

    def __exit__(self, *exc: Any) -> None:
        self._gh.__exit__(*exc)

    # -- transport --------------------------------------------------------------------------------------------

    def _on_request(self, request: httpx.Request) -> None:
        self.requests += 1
        if request.method in _WRITES:
            self.writes += 1

    def _path(self, rest: str) -> str:
        return f"repos/{self.owner}/{self.name}/{rest}"

    def _call(self, method: str, rest: str, *, params: Mapping[str, Any] | None = None, json: Any = None) -> Any:
        if method in _WRITES:
            self._pace()
        try:
            response = self._gh.request(method, self._path(rest), params=params, json=json)
        except RequestFailed as exc:
            raise PublishError(f"GitHub {method} {rest}: {exc.response.status_code} {_message(exc)}") from None
        except RequestError as exc:
            raise PublishError(f"GitHub {method} {rest}: {exc}") from None
        except GitHubException as exc:
            raise PublishError(f"GitHub {method} {rest}: {exc}") from None
        finally:
            if method in _WRITES:
                self._last_write = time.monotonic()
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def _get_or_none(self, rest: str) -> Any:
        """GET that answers None for a 404 (a branch that does not exist)."""
        try:
            return self._gh.request("GET", self._path(rest)).json()
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return None
            raise PublishError(f"GitHub GET {rest}: {exc.response.status_code} {_message(exc)}") from None
        except (RequestError, GitHubException) as exc:
            raise PublishError(f"GitHub GET {rest}: {exc}") from None

    def call(self, method: str, rest: str, *, params: Mapping[str, Any] | None = None, json: Any = None) -> Any:
        """One REST request on this repository (``repos/OWNER/NAME/<rest>``), paced, retried and kept on the API
        origin like every request of the publisher (the dashboard issue uses it)."""
        return self._call(method, rest, params=params, json=json)

    def get_or_none(self, rest: str) -> Any:
        """A GET on this repository that answers None for a 404."""
        return self._get_or_none(rest)

    def _pace(self) -> None:
        if self._last_write is None or self.write_interval <= 0:
            return
        wait = self._last_write + self.write_interval - time.monotonic()
        if wait > 0:
            self._sleep(wait)

    # -- reading ----------------------------------------------------------------------------------------------

    def ref_sha(self, branch: str) -> str | None:
        found = self._get_or_none(f"git/ref/heads/{branch}")
        return None if found is None else str(found["object"]["sha"])

    def base_head(self) -> _Base:
        sha = self.ref_sha(self.base)
        if sha is None:
            raise PublishError(f"base branch {self.base!r} does not exist in {self.owner}/{self.name}")
        commit = self._call("GET", f"git/commits/{sha}")
        return _Base(sha, str(commit["tree"]["sha"]))

    def _folder(self, tree: str, folder: str, cache: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """Entries of ``folder`` (posix, "" = root) in the tree ``tree``, walking one level per request."""
        if folder in cache:
            return cache[folder]
        if folder in ("", "."):
            entries = self._call("GET", f"git/trees/{tree}")["tree"]
        else:
            parent = str(PurePosixPath(folder).parent)
            name = PurePosixPath(folder).name
            match = [e for e in self._folder(tree, "" if parent == "." else parent, cache) if e["path"] == name]
            entries = (
                self._call("GET", f"git/trees/{match[0]['sha']}")["tree"]
                if match and match[0]["type"] == "tree"
                else []
            )
        cache[folder] = entries
        return entries  # type: ignore[no-any-return]

    def base_files(self, base: _Base, catalog_dir: str, output: str | None, local_root: Path | None) -> dict[str, str]:
        """The base's family files and rendered list: from ``local_root`` when the local file has the same git blob
        sha as the base's (no download), else downloaded as a blob."""
        wanted: dict[str, dict[str, Any]] = {}
        cache: dict[str, list[dict[str, Any]]] = {}
        for entry in self._folder(base.tree, catalog_dir, cache):
            if entry["type"] == "blob" and entry["path"].endswith((".yaml", ".yml")):
                wanted[f"{catalog_dir}/{entry['path']}"] = entry
        if output is not None:
            folder = str(PurePosixPath(output).parent)
            for entry in self._folder(base.tree, "" if folder == "." else folder, cache):
                if entry["type"] == "blob" and entry["path"] == PurePosixPath(output).name:
                    wanted[output] = entry
        return self._read_blobs(base, wanted, local_root)

    def base_markdown(self, base: _Base, patterns: list[str], local_root: Path | None) -> dict[str, str]:
        """Markdown mode: the base's files that the patterns (repository-relative, globs in the file name only)
        name, listing one folder per request."""
        from listkeeper.mdlist.files import folders, matches

        cache: dict[str, list[dict[str, Any]]] = {}
        entries: dict[str, dict[str, Any]] = {}
        for folder in folders(patterns):
            for entry in self._folder(base.tree, folder, cache):
                if entry["type"] == "blob" and entry.get("mode") != "120000":
                    entries[f"{folder}/{entry['path']}" if folder else entry["path"]] = entry
        wanted = {path: entries[path] for path in matches(patterns, entries)}
        return self._read_blobs(base, wanted, local_root)

    def _read_blobs(self, base: _Base, wanted: dict[str, dict[str, Any]], local_root: Path | None) -> dict[str, str]:
        files: dict[str, str] = {}
        for path, entry in sorted(wanted.items()):
            base.modes[path] = str(entry.get("mode", "100644"))
            data = _read_local(local_root, path)
            if data is None or git_blob_sha(data) != entry["sha"]:
                blob = self._call("GET", f"git/blobs/{entry['sha']}")
                data = (
                    base64.b64decode(blob["content"]) if blob.get("encoding") == "base64" else blob["content"].encode()
                )
            try:
                files[path] = data.decode("utf-8")
            except UnicodeDecodeError:
                raise PublishError(f"{path} on {self.base} is not UTF-8 text") from None
        return files

    def _pulls(self, state: str) -> list[dict[str, Any]]:
        params = {"state": state, "head": f"{self.owner}:{self.branch}", "base": self.base, "per_page": 10}
        if state == "closed":
            params |= {"sort": "created", "direction": "desc"}
        return list(self._call("GET", "pulls", params=params) or [])

    def open_pull(self) -> dict[str, Any] | None:
        """The open bot PR for our branch (head) and base, if any."""
        found = self._pulls("open")
        return found[0] if found else None

    def declined(self) -> Declined | None:
        """The most recent closed bot PR, when it was closed unmerged by someone other than the bot."""
        closed = self._pulls("closed")
        if not closed:
            return None
        latest = max(closed, key=lambda p: (str(p.get("closed_at") or ""), int(p["number"])))
        marker = body_module.parse_marker(latest.get("body"))
        if latest.get("merged_at") or marker is None or marker.closed or not marker.subjects:
            return None
        return Declined(int(latest["number"]), marker.subjects)

    def _comments(self, number: int) -> list[dict[str, Any]]:
        return list(self._call("GET", f"issues/{number}/comments", params={"per_page": 100}) or [])

    # -- writing ----------------------------------------------------------------------------------------------

    def _commit(self, proposal: Proposal, base: _Base) -> str:
        tree = self._call(
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
        commit = self._call(
            "POST",
            "git/commits",
            json={"message": proposal.commit_message(), "tree": tree["sha"], "parents": [base.sha]},
        )
        return str(commit["sha"])

    def _set_branch(self, sha: str, exists: bool) -> None:
        if exists:
            self._call("PATCH", f"git/refs/heads/{self.branch}", json={"sha": sha, "force": True})
            return
        try:
            self._call("POST", "git/refs", json={"ref": f"refs/heads/{self.branch}", "sha": sha})
        except PublishError as exc:
            if "Reference already exists" not in str(exc):
                raise
            self._call("PATCH", f"git/refs/heads/{self.branch}", json={"sha": sha, "force": True})

    def _branch_is_ours(self, sha: str) -> str | None:
        """None when the commit at ``sha`` is the bot's, else why not (no open PR to compare a marker with)."""
        commit = self._call("GET", f"git/commits/{sha}")
        if body_module.parse_trailer(str(commit.get("message", ""))) is None:
            person = commit.get("author") or {}
            return (
                f"its head commit {sha[:12]} by {person.get('name')} <{person.get('email')}> has no "
                f"{body_module.TRAILER} trailer"
            )
        return None

    def _result(
        self, action: Action, message: str, pull: Mapping[str, Any] | None = None, head: str | None = None
    ) -> PublishResult:
        number = int(pull["number"]) if pull else None
        url = str(pull["html_url"]) if pull else None
        return PublishResult(action, message, number, url, head, self.requests, self.writes)

    def publish(self, proposal: Proposal, base: _Base, pull: Mapping[str, Any] | None) -> PublishResult:
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
            self._call("DELETE", f"git/refs/heads/{self.branch}")
            return self._result("deleted", f"nothing to change: deleted the stale branch {self.branch}")
        head = self._commit(proposal, base)
        self._set_branch(head, exists=branch_sha is not None)
        body = proposal.body_for(head=head, base=base.sha)
        created = self._create_pull(proposal.title, body)
        if self.labels:
            self._call("POST", f"issues/{created['number']}/labels", json={"labels": list(self.labels)})
        return self._result("created", f"opened #{created['number']}: {proposal.title}", created, head)

    def _create_pull(self, title: str, body: str) -> dict[str, Any]:
        payload = {"title": title, "head": self.branch, "base": self.base, "body": body}
        try:
            return self._call("POST", "pulls", json=payload)  # type: ignore[no-any-return]
        except PublishError as exc:
            if "already exists" not in str(exc):
                raise
        existing = self.open_pull()  # a PR appeared between our lookup and now: update it instead
        if existing is None:
            raise PublishError(f"GitHub refused the pull request for {self.branch} and none is open")
        return self._call("PATCH", f"pulls/{existing['number']}", json={"title": title, "body": body})  # type: ignore[no-any-return]

    def _with_pull(
        self, proposal: Proposal, base: _Base, pull: Mapping[str, Any], branch_sha: str | None
    ) -> PublishResult:
        number = int(pull["number"])
        marker = body_module.parse_marker(pull.get("body"))
        recorded = marker.head if marker is not None else None
        if branch_sha is not None and branch_sha != recorded and self._branch_is_ours(branch_sha) is not None:
            self._notify_once(number, HUMAN_NOTICE, _human_notice(self.branch, branch_sha))
            return self._result(
                "skipped", f"#{number}: {self.branch} has commits the bot did not make; left alone", pull
            )
        if proposal.empty:
            self._notify_once(number, CLOSED_NOTICE, _closed_notice())
            closed = body_module.with_marker(str(pull.get("body") or ""), _closed(marker))
            self._call("PATCH", f"pulls/{number}", json={"state": "closed", "body": closed})
            if branch_sha is not None:
                self._call("DELETE", f"git/refs/heads/{self.branch}")
            return self._result("closed", f"nothing left to change: closed #{number} and deleted {self.branch}", pull)
        if (
            marker is not None
            and marker.fingerprint == proposal.fingerprint
            and marker.base == base.sha
            and branch_sha == marker.head
        ):
            return self._result("unchanged", f"#{number} is up to date", pull, branch_sha)
        head = self._commit(proposal, base)
        self._set_branch(head, exists=branch_sha is not None)
        body = proposal.body_for(head=head, base=base.sha)
        updated = self._call("PATCH", f"pulls/{number}", json={"title": proposal.title, "body": body})
        return self._result("updated", f"updated #{number}: {proposal.title}", updated, head)

    def _notify_once(self, number: int, notice: str, text: str) -> None:
        if any(notice in str(c.get("body") or "") for c in self._comments(number)):
            return
        self._call("POST", f"issues/{number}/comments", json={"body": f"{text}\n\n{notice}"})

    def dismissed_note(self, declined: Declined) -> str:
        return f"#{declined.number} was closed without merging: not proposing {', '.join(declined.subjects)} again"


def _closed(marker: body_module.Marker | None) -> body_module.Marker:
    if marker is None:
        return body_module.Marker("", closed=True)
    return body_module.Marker(marker.fingerprint, marker.subjects, marker.head, marker.base, closed=True)


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


def _read_local(root: Path | None, path: str) -> bytes | None:
    if root is None:
        return None
    try:
        return (root / path).read_bytes()
    except OSError:
        return None


def _message(exc: RequestFailed) -> str:
    try:
        data = exc.response.json()
    except ValueError:
        return exc.response.text[:200]
    if not isinstance(data, dict):
        return str(data)[:200]
    details = [str(e.get("message", e)) for e in data.get("errors", []) if isinstance(e, dict)]
    return "; ".join([str(data.get("message", "")), *details])


__all__ = ["Declined", "GitHubPublisher", "PublishResult", "git_blob_sha"]
