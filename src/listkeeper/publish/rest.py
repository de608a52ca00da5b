"""One GitHub repository over REST, for the publisher: the client (token kept on the API origin, retries with
Retry-After honoured), at least ``write_interval`` seconds between mutating requests, requests counted; reading the
base branch's files (one folder per request, no download when the local file has the same blob sha), the bot's
pull requests and their comments; moving a branch. Only this module and :mod:`listkeeper.sources.github` import
githubkit.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Self

import httpx
from githubkit import GitHub
from githubkit.exception import GitHubException, RequestError, RequestFailed

from listkeeper.errors import PublishError
from listkeeper.http import github as github_client

_WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass
class Base:
    """The base branch's head commit and its root tree, and the mode of each file read from it."""

    sha: str
    tree: str
    modes: dict[str, str] = field(default_factory=dict)  # path → mode, for the files we read


def git_blob_sha(data: bytes) -> str:
    """The sha git gives a blob with this content (to know whether a local file equals the base's)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class GitHubRepo:
    """One repository's REST calls. Use as a context manager (it owns the HTTP client)."""

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

    def __enter__(self) -> Self:
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

    def call(self, method: str, rest: str, *, params: Mapping[str, Any] | None = None, json: Any = None) -> Any:
        """One REST request on this repository (``repos/OWNER/NAME/<rest>``), paced, retried and kept on the API
        origin like every request of the publisher (the dashboard issue uses it)."""
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

    def get_or_none(self, rest: str) -> Any:
        """A GET on this repository that answers None for a 404 (a branch that does not exist)."""
        try:
            return self._gh.request("GET", self._path(rest)).json()
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return None
            raise PublishError(f"GitHub GET {rest}: {exc.response.status_code} {_message(exc)}") from None
        except (RequestError, GitHubException) as exc:
            raise PublishError(f"GitHub GET {rest}: {exc}") from None

    def _pace(self) -> None:
        if self._last_write is None or self.write_interval <= 0:
            return
        wait = self._last_write + self.write_interval - time.monotonic()
        if wait > 0:
            self._sleep(wait)

    # -- reading the base and the pull requests ------------------------------------------------------------

    def ref_sha(self, branch: str) -> str | None:
        found = self.get_or_none(f"git/ref/heads/{branch}")
        return None if found is None else str(found["object"]["sha"])

    def base_head(self) -> Base:
        sha = self.ref_sha(self.base)
        if sha is None:
            raise PublishError(f"base branch {self.base!r} does not exist in {self.owner}/{self.name}")
        commit = self.call("GET", f"git/commits/{sha}")
        return Base(sha, str(commit["tree"]["sha"]))

    def _folder(self, tree: str, folder: str, cache: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        """Entries of ``folder`` (posix, "" = root) in the tree ``tree``, walking one level per request."""
        if folder in cache:
            return cache[folder]
        if folder in ("", "."):
            entries = self.call("GET", f"git/trees/{tree}")["tree"]
        else:
            parent = str(PurePosixPath(folder).parent)
            name = PurePosixPath(folder).name
            match = [e for e in self._folder(tree, "" if parent == "." else parent, cache) if e["path"] == name]
            entries = (
                self.call("GET", f"git/trees/{match[0]['sha']}")["tree"] if match and match[0]["type"] == "tree" else []
            )
        cache[folder] = entries
        return entries  # type: ignore[no-any-return]

    def base_files(self, base: Base, catalog_dir: str, output: str | None, local_root: Path | None) -> dict[str, str]:
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

    def base_markdown(self, base: Base, patterns: list[str], local_root: Path | None) -> dict[str, str]:
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

    def _read_blobs(self, base: Base, wanted: dict[str, dict[str, Any]], local_root: Path | None) -> dict[str, str]:
        files: dict[str, str] = {}
        for path, entry in sorted(wanted.items()):
            base.modes[path] = str(entry.get("mode", "100644"))
            data = _read_local(local_root, path)
            if data is None or git_blob_sha(data) != entry["sha"]:
                blob = self.call("GET", f"git/blobs/{entry['sha']}")
                data = (
                    base64.b64decode(blob["content"]) if blob.get("encoding") == "base64" else blob["content"].encode()
                )
            try:
                files[path] = data.decode("utf-8")
            except UnicodeDecodeError:
                raise PublishError(f"{path} on {self.base} is not UTF-8 text") from None
        return files

    def pulls(self, state: str) -> list[dict[str, Any]]:
        params = {"state": state, "head": f"{self.owner}:{self.branch}", "base": self.base, "per_page": 10}
        if state == "closed":
            params |= {"sort": "created", "direction": "desc"}
        return list(self.call("GET", "pulls", params=params) or [])

    def open_pull(self) -> dict[str, Any] | None:
        """The open bot PR for our branch (head) and base, if any."""
        found = self.pulls("open")
        return found[0] if found else None

    def comments(self, number: int) -> list[dict[str, Any]]:
        return list(self.call("GET", f"issues/{number}/comments", params={"per_page": 100}) or [])

    def set_branch(self, sha: str, exists: bool) -> None:
        if exists:
            self.call("PATCH", f"git/refs/heads/{self.branch}", json={"sha": sha, "force": True})
            return
        try:
            self.call("POST", "git/refs", json={"ref": f"refs/heads/{self.branch}", "sha": sha})
        except PublishError as exc:
            if "Reference already exists" not in str(exc):
                raise
            self.call("PATCH", f"git/refs/heads/{self.branch}", json={"sha": sha, "force": True})


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


__all__ = ["Base", "GitHubRepo", "git_blob_sha"]
