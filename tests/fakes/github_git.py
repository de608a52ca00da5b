"""Git Data API, pull requests and issues for :class:`tests.fakes.github.FakeGitHub`: refs, commits, trees, blobs,
pulls, issues, issue comments and labels, with real in-memory trees so a test can read the files on any branch.

    gh = FakeGitHub(token="t").start()
    git = FakeGitData(gh)                                   # plugs itself into gh.extra_handlers
    base = git.init("acme/list", {"catalog/a.yaml": "..."})  # repo + one commit on main
    ...  # run the publisher against gh.url
    git.files("acme/list", "listkeeper/update")            # {path: text} on that branch
    git.writes()                                           # every POST/PATCH/PUT/DELETE (GraphQL excluded)

Shapes follow the REST API (``GET /repos/{o}/{r}/git/ref/heads/{b}`` → ``{"ref", "object": {"sha", "type"}}``,
``POST /git/refs`` → ``422 "Reference already exists"``, ``POST /pulls`` → ``422`` "A pull request already exists
for owner:branch.", pulls with ``number``, ``html_url``, ``head{ref,sha,label}``, ``base{ref,sha}``, ``body``,
``state``, ``merged_at``, ``user{login}``). Blob shas are real git blob shas; tree and commit shas are sha1 of their
content (stable, but not git's encoding). The ``head.sha`` of an open pull follows its branch, as on GitHub.

Issues (REST "Issues" endpoints): ``GET /issues`` lists issues *and* pull requests (a pull carries a
``pull_request`` key), filtered by ``state`` (default ``open``), ``labels`` (comma-separated, all must match) and
``creator``, sorted by ``created``/``updated`` in ``direction`` (default ``desc``), paginated by ``per_page`` (default
30, at most 100) and ``page``. ``POST /issues`` needs a non-empty ``title`` (``422`` ``missing_field``), takes
``body`` and ``labels`` (created on first use, as for a user with push access) and answers ``201``; a body over
65,536 characters is ``422``. ``GET``/``PATCH /issues/{n}`` (``title``, ``body``, ``state``, ``state_reason``,
``labels``). Issues and pulls share one number sequence. :meth:`FakeGitData.edit_issue` is a person editing an
issue in the web UI (ticking a box).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.github import FakeGitHub, FakeRepo
from tests.fakes.server import Request, Response

_PATH = re.compile(r"^/repos/([^/]+)/([^/]+)/(git|pulls|issues)(/.*)?$")
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class FakeCommit:
    sha: str
    tree: str
    parents: list[str]
    message: str
    author: dict[str, str]
    committer: dict[str, str]


@dataclass
class FakePull:
    number: int
    title: str
    body: str
    head: str
    base: str
    user: str
    state: str = "open"
    merged_at: str | None = None
    closed_at: str | None = None
    created_at: str = ""
    updated_at: str = ""
    head_sha: str = ""  # frozen when closed
    labels: list[str] = field(default_factory=list)


@dataclass
class FakeComment:
    id: int
    body: str
    user: str
    created_at: str


@dataclass
class FakeIssue:
    number: int
    title: str
    body: str
    user: str
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    closed_at: str | None = None


@dataclass
class _Store:
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # sha → {path: (mode, blob)}
    commits: dict[str, FakeCommit] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # "heads/main" → sha
    pulls: dict[int, FakePull] = field(default_factory=dict)
    comments: dict[int, list[FakeComment]] = field(default_factory=dict)
    issues: dict[int, FakeIssue] = field(default_factory=dict)


class FakeGitData:
    """The git objects, refs and pull requests of the fake's repositories."""

    def __init__(self, gh: FakeGitHub, *, login: str = "listkeeper-bot") -> None:
        self.gh = gh
        self.login = login  # the user the token belongs to (author of PRs and comments made through the API)
        self._clock = datetime(2026, 11, 1, tzinfo=UTC)
        self._serial = 0
        self._subtrees: dict[str, tuple[str, str]] = {}  # sub-tree sha → (root tree sha, folder path)
        gh.extra_handlers.append(self.handle)

    # -- the world --------------------------------------------------------------------------------------------

    def _store(self, repo: FakeRepo) -> _Store:
        return repo.extra.setdefault("git", _Store())  # type: ignore[no-any-return]

    def store(self, full_name: str) -> _Store:
        repo = self.gh.resolve(full_name)
        if repo is None:
            raise KeyError(full_name)
        return self._store(repo)

    def _now(self) -> str:
        self._clock += timedelta(minutes=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _blob(self, store: _Store, data: bytes) -> str:
        sha = blob_sha(data)
        store.blobs[sha] = data
        return sha

    def _tree(self, store: _Store, entries: dict[str, tuple[str, str]]) -> str:
        sha = hashlib.sha1(json.dumps(sorted(entries.items())).encode()).hexdigest()
        store.trees[sha] = dict(entries)
        return sha

    def _commit(
        self,
        store: _Store,
        tree: str,
        parents: list[str],
        message: str,
        author: dict[str, str],
        committer: dict[str, str],
    ) -> FakeCommit:
        data = json.dumps([tree, parents, message, author, committer, self._next()]).encode()
        commit = FakeCommit(hashlib.sha1(data).hexdigest(), tree, parents, message, author, committer)
        store.commits[commit.sha] = commit
        return commit

    def init(self, full_name: str, files: dict[str, str], branch: str = "main") -> str:
        """Create the repository (if needed) with one commit holding ``files`` on ``branch``."""
        if self.gh.resolve(full_name) is None:
            self.gh.add_repo(full_name, default_branch=branch)
        store = self.store(full_name)
        tree = self._tree(store, {p: ("100644", self._blob(store, t.encode())) for p, t in files.items()})
        who = {"name": "Human Maintainer", "email": "human@example.org", "date": self._now()}
        commit = self._commit(store, tree, [], "initial", who, who)
        store.refs[f"heads/{branch}"] = commit.sha
        return commit.sha

    def push(
        self,
        full_name: str,
        branch: str,
        files: dict[str, str | None],
        message: str = "a human commit",
        author: tuple[str, str] = ("Human Maintainer", "human@example.org"),
    ) -> str:
        """A commit on top of ``branch`` changing ``files`` (None deletes), as ``git push`` by a person would."""
        store = self.store(full_name)
        parent = store.refs[f"heads/{branch}"]
        entries = dict(store.trees[store.commits[parent].tree])
        for path, text in files.items():
            if text is None:
                entries.pop(path, None)
            else:
                entries[path] = ("100644", self._blob(store, text.encode()))
        who = {"name": author[0], "email": author[1], "date": self._now()}
        commit = self._commit(store, self._tree(store, entries), [parent], message, who, who)
        store.refs[f"heads/{branch}"] = commit.sha
        return commit.sha

    def files(self, full_name: str, ref: str) -> dict[str, str]:
        """{path: text} at a branch name or a commit sha."""
        store = self.store(full_name)
        sha = store.refs.get(f"heads/{ref}", ref)
        tree = store.trees[store.commits[sha].tree]
        return {path: store.blobs[blob].decode() for path, (_, blob) in sorted(tree.items())}

    def branch(self, full_name: str, name: str) -> str | None:
        return self.store(full_name).refs.get(f"heads/{name}")

    def commit(self, full_name: str, sha: str) -> FakeCommit:
        return self.store(full_name).commits[sha]

    def pulls(self, full_name: str) -> list[FakePull]:
        return sorted(self.store(full_name).pulls.values(), key=lambda p: p.number)

    def comments(self, full_name: str, number: int) -> list[FakeComment]:
        return list(self.store(full_name).comments.get(number, []))

    def close(self, full_name: str, number: int, *, merged: bool = False) -> None:
        """A person closes (or merges) a pull request."""
        pull = self.store(full_name).pulls[number]
        pull.head_sha = self._head_sha(self.store(full_name), pull)
        pull.state = "closed"
        pull.closed_at = self._now()
        pull.merged_at = pull.closed_at if merged else None

    def issues(self, full_name: str) -> list[FakeIssue]:
        return sorted(self.store(full_name).issues.values(), key=lambda i: i.number)

    def edit_issue(self, full_name: str, number: int, body: str) -> None:
        """A person edits an issue's body in the web UI (e.g. ticks a task-list box)."""
        issue = self.store(full_name).issues[number]
        issue.body = body
        issue.updated_at = self._now()

    def _number(self, store: _Store) -> int:
        return max([*store.pulls, *store.issues, *store.comments, 0]) + 1

    def writes(self) -> list[Request]:
        """Every mutating request the fake received (GraphQL queries are reads, left out)."""
        return [r for r in self.gh.server.requests if r.method in WRITE_METHODS and r.path != "/graphql"]

    # -- payloads ---------------------------------------------------------------------------------------------

    def _api(self, repo: FakeRepo, rest: str) -> str:
        return f"{self.gh.url}/repos/{repo.full_name}{rest}"

    def _ref_json(self, repo: FakeRepo, ref: str, sha: str) -> dict[str, Any]:
        return {
            "ref": f"refs/{ref}",
            "node_id": f"REF_{hashlib.sha1(ref.encode()).hexdigest()[:12]}",
            "url": self._api(repo, f"/git/refs/{ref}"),
            "object": {"sha": sha, "type": "commit", "url": self._api(repo, f"/git/commits/{sha}")},
        }

    def _commit_json(self, repo: FakeRepo, commit: FakeCommit) -> dict[str, Any]:
        return {
            "sha": commit.sha,
            "node_id": f"C_{commit.sha[:12]}",
            "url": self._api(repo, f"/git/commits/{commit.sha}"),
            "html_url": f"https://github.com/{repo.full_name}/commit/{commit.sha}",
            "author": commit.author,
            "committer": commit.committer,
            "message": commit.message,
            "tree": {"sha": commit.tree, "url": self._api(repo, f"/git/trees/{commit.tree}")},
            "parents": [
                {"sha": p, "url": self._api(repo, f"/git/commits/{p}"), "html_url": f"https://github.com/{p}"}
                for p in commit.parents
            ],
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None},
        }

    def _tree_json(self, repo: FakeRepo, store: _Store, sha: str, prefix: str, recursive: bool) -> dict[str, Any]:
        entries = store.trees[sha]
        items: dict[str, dict[str, Any]] = {}
        for path, (mode, blob) in sorted(entries.items()):
            if prefix and not path.startswith(prefix + "/"):
                continue
            rel = path[len(prefix) + 1 :] if prefix else path
            parts = rel.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if (recursive or depth == 1) and folder not in items:
                    full = f"{prefix}/{folder}" if prefix else folder
                    sub = hashlib.sha1(f"{sha}:{full}".encode()).hexdigest()
                    items[folder] = {"path": folder, "mode": "040000", "type": "tree", "sha": sub}
                    self._subtrees[sub] = (sha, full)
            if recursive or len(parts) == 1:
                items[rel] = {
                    "path": rel,
                    "mode": mode,
                    "type": "blob",
                    "sha": blob,
                    "size": len(store.blobs[blob]),
                    "url": self._api(repo, f"/git/blobs/{blob}"),
                }
        self_sha = sha if not prefix else hashlib.sha1(f"{sha}:{prefix}".encode()).hexdigest()
        return {
            "sha": self_sha,
            "url": self._api(repo, f"/git/trees/{self_sha}"),
            "tree": list(items.values()),
            "truncated": False,
        }

    def _head_sha(self, store: _Store, pull: FakePull) -> str:
        if pull.state == "open":
            return store.refs.get(f"heads/{pull.head}", pull.head_sha)
        return pull.head_sha

    def _pull_json(self, repo: FakeRepo, store: _Store, pull: FakePull) -> dict[str, Any]:
        return {
            "url": self._api(repo, f"/pulls/{pull.number}"),
            "id": 5_000_000 + pull.number,
            "node_id": f"PR_{pull.number}",
            "html_url": f"https://github.com/{repo.full_name}/pull/{pull.number}",
            "number": pull.number,
            "state": pull.state,
            "locked": False,
            "title": pull.title,
            "user": {"login": pull.user, "type": "Bot" if pull.user.endswith("[bot]") else "User"},
            "body": pull.body,
            "labels": [{"name": name} for name in pull.labels],
            "created_at": pull.created_at,
            "updated_at": pull.updated_at,
            "closed_at": pull.closed_at,
            "merged_at": pull.merged_at,
            "draft": False,
            "head": {
                "label": f"{repo.owner}:{pull.head}",
                "ref": pull.head,
                "sha": self._head_sha(store, pull),
                "repo": {"full_name": repo.full_name},
            },
            "base": {
                "label": f"{repo.owner}:{pull.base}",
                "ref": pull.base,
                "sha": store.refs.get(f"heads/{pull.base}", ""),
                "repo": {"full_name": repo.full_name},
            },
        }

    def _comment_json(self, repo: FakeRepo, number: int, comment: FakeComment) -> dict[str, Any]:
        return {
            "id": comment.id,
            "html_url": f"https://github.com/{repo.full_name}/pull/{number}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": {"login": comment.user},
            "created_at": comment.created_at,
            "updated_at": comment.created_at,
        }

    @staticmethod
    def _unprocessable(message: str, errors: list[dict[str, Any]] | None = None) -> Response:
        body: dict[str, Any] = {"message": message, "documentation_url": "https://docs.github.com/rest"}
        if errors:
            body["errors"] = errors
        body["status"] = "422"
        return Response.json(body, 422)

    # -- HTTP -------------------------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response | None:
        m = _PATH.match(req.path)
        if m is None:
            return None
        repo = self.gh.resolve(f"{m.group(1)}/{m.group(2)}")
        if repo is None:
            return None
        store = self._store(repo)
        area, rest = m.group(3), m.group(4) or ""
        if area == "git":
            return self._git(req, repo, store, rest)
        if area == "pulls":
            return self._pulls(req, repo, store, rest)
        return self._issues(req, repo, store, rest)

    def _git(self, req: Request, repo: FakeRepo, store: _Store, rest: str) -> Response | None:
        method = req.method
        if method == "GET" and rest.startswith("/ref/"):
            ref = rest[len("/ref/") :]
            sha = store.refs.get(ref)
            return (
                self.gh.not_found("git/refs#get-a-reference")
                if sha is None
                else Response.json(self._ref_json(repo, ref, sha))
            )
        if method == "POST" and rest == "/refs":
            data = req.json() or {}
            ref, sha = str(data.get("ref", "")), str(data.get("sha", ""))
            if not ref.startswith("refs/") or ref.count("/") < 2:
                return self._unprocessable("Reference name must start with 'refs/' and have at least two slashes.")
            if sha not in store.commits:
                return self._unprocessable("Object does not exist")
            if ref[len("refs/") :] in store.refs:
                return self._unprocessable("Reference already exists")
            store.refs[ref[len("refs/") :]] = sha
            return Response.json(self._ref_json(repo, ref[len("refs/") :], sha), 201)
        if rest.startswith("/refs/") and method in ("PATCH", "DELETE"):
            ref = rest[len("/refs/") :]
            if ref not in store.refs:
                return self._unprocessable("Reference does not exist")
            if method == "DELETE":
                del store.refs[ref]
                return Response(204)
            data = req.json() or {}
            sha = str(data.get("sha", ""))
            if sha not in store.commits:
                return self._unprocessable("Object does not exist")
            if not data.get("force") and not self._descends(store, sha, store.refs[ref]):
                return self._unprocessable("Update is not a fast forward")
            store.refs[ref] = sha
            return Response.json(self._ref_json(repo, ref, sha))
        if method == "GET" and rest.startswith("/commits/"):
            commit = store.commits.get(rest[len("/commits/") :])
            return (
                self.gh.not_found("git/commits") if commit is None else Response.json(self._commit_json(repo, commit))
            )
        if method == "POST" and rest == "/commits":
            return self._post_commit(req, repo, store)
        if method == "GET" and rest.startswith("/trees/"):
            sha = rest[len("/trees/") :]
            recursive = req.query.get("recursive", ["0"])[0] not in ("0", "false", "")
            if sha in store.trees:
                return Response.json(self._tree_json(repo, store, sha, "", recursive))
            if sha in self._subtrees:
                root, folder = self._subtrees[sha]
                return Response.json(self._tree_json(repo, store, root, folder, recursive))
            return self.gh.not_found("git/trees")
        if method == "POST" and rest == "/trees":
            return self._post_tree(req, repo, store)
        if method == "GET" and rest.startswith("/blobs/"):
            sha = rest[len("/blobs/") :]
            if sha not in store.blobs:
                return self.gh.not_found("git/blobs")
            data = store.blobs[sha]
            return Response.json(
                {
                    "sha": sha,
                    "node_id": f"B_{sha[:12]}",
                    "size": len(data),
                    "url": self._api(repo, f"/git/blobs/{sha}"),
                    "content": base64.encodebytes(data).decode(),
                    "encoding": "base64",
                }
            )
        if method == "POST" and rest == "/blobs":
            data = req.json() or {}
            raw = data.get("content", "")
            content = base64.b64decode(raw) if data.get("encoding") == "base64" else str(raw).encode()
            sha = self._blob(store, content)
            return Response.json({"sha": sha, "url": self._api(repo, f"/git/blobs/{sha}")}, 201)
        return None

    @staticmethod
    def _descends(store: _Store, sha: str, ancestor: str) -> bool:
        todo, seen = [sha], set()
        while todo:
            current = todo.pop()
            if current == ancestor:
                return True
            if current in seen or current not in store.commits:
                continue
            seen.add(current)
            todo.extend(store.commits[current].parents)
        return False

    def _post_tree(self, req: Request, repo: FakeRepo, store: _Store) -> Response:
        data = req.json() or {}
        base = data.get("base_tree")
        if base is not None and base not in store.trees:
            return self._unprocessable("base_tree is not a valid tree oid")
        entries = dict(store.trees[base]) if base else {}
        for item in data.get("tree", []):
            path, mode = item.get("path"), item.get("mode", "100644")
            if not isinstance(path, str) or not path or item.get("type", "blob") != "blob":
                return self._unprocessable("Invalid tree info", [{"path": path}])
            if "content" in item:
                entries[path] = (mode, self._blob(store, str(item["content"]).encode("utf-8")))
            elif item.get("sha") is None:
                entries.pop(path, None)
            elif item["sha"] in store.blobs:
                entries[path] = (mode, item["sha"])
            else:
                return self._unprocessable("Invalid tree info", [{"path": path, "sha": item["sha"]}])
        sha = self._tree(store, entries)
        return Response.json(self._tree_json(repo, store, sha, "", True), 201)

    def _post_commit(self, req: Request, repo: FakeRepo, store: _Store) -> Response:
        data = req.json() or {}
        tree, parents = data.get("tree"), data.get("parents") or []
        if tree not in store.trees or any(p not in store.commits for p in parents):
            return self._unprocessable(
                "Tree SHA does not exist" if tree not in store.trees else "Parent SHA does not exist"
            )
        when = self._now()
        default = {"name": self.login, "email": f"{self.login}@users.noreply.github.com"}
        author = {**default, **(data.get("author") or {}), "date": when}
        committer = {**(data.get("committer") or author), "date": when}
        commit = self._commit(store, tree, list(parents), str(data.get("message", "")), author, committer)
        return Response.json(self._commit_json(repo, commit), 201)

    def _pulls(self, req: Request, repo: FakeRepo, store: _Store, rest: str) -> Response | None:
        if rest == "" and req.method == "GET":
            state = req.query.get("state", ["open"])[0]
            head = req.query.get("head", [None])[0]
            base = req.query.get("base", [None])[0]
            found = [
                p
                for p in store.pulls.values()
                if (state == "all" or p.state == state)
                and (head is None or f"{repo.owner}:{p.head}".lower() == head.lower())
                and (base is None or p.base == base)
            ]
            direction = req.query.get("direction", ["desc"])[0]
            found.sort(key=lambda p: p.number, reverse=direction == "desc")
            per_page = int(req.query.get("per_page", ["30"])[0])
            return Response.json([self._pull_json(repo, store, p) for p in found[:per_page]])
        if rest == "" and req.method == "POST":
            data = req.json() or {}
            head, base = str(data.get("head", "")), str(data.get("base", ""))
            branch = head.split(":", 1)[1] if ":" in head else head
            if f"heads/{branch}" not in store.refs:
                return self._unprocessable(
                    "Validation Failed", [{"resource": "PullRequest", "field": "head", "code": "invalid"}]
                )
            if any(p.state == "open" and p.head == branch and p.base == base for p in store.pulls.values()):
                return self._unprocessable(
                    "Validation Failed",
                    [
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": f"A pull request already exists for {repo.owner}:{branch}.",
                        }
                    ],
                )
            number = self._number(store)
            when = self._now()
            pull = FakePull(
                number,
                str(data.get("title", "")),
                str(data.get("body") or ""),
                branch,
                base,
                self.login,
                created_at=when,
                updated_at=when,
                head_sha=store.refs[f"heads/{branch}"],
            )
            store.pulls[number] = pull
            return Response.json(self._pull_json(repo, store, pull), 201)
        m = re.fullmatch(r"/(\d+)", rest)
        if m is None:
            return None
        pull = store.pulls.get(int(m.group(1)))
        if pull is None:
            return self.gh.not_found("pulls/pulls#get-a-pull-request")
        if req.method == "GET":
            return Response.json(self._pull_json(repo, store, pull))
        if req.method == "PATCH":
            data = req.json() or {}
            if "title" in data:
                pull.title = str(data["title"])
            if "body" in data:
                pull.body = str(data["body"] or "")
            if data.get("state") == "closed" and pull.state == "open":
                pull.head_sha = self._head_sha(store, pull)
                pull.state, pull.closed_at = "closed", self._now()
            pull.updated_at = self._now()
            return Response.json(self._pull_json(repo, store, pull))
        return None

    def _issue_json(self, repo: FakeRepo, issue: FakeIssue) -> dict[str, Any]:
        api = self._api(repo, f"/issues/{issue.number}")
        return {
            "id": 7_000_000 + issue.number,
            "node_id": f"I_{issue.number}",
            "url": api,
            "repository_url": self._api(repo, ""),
            "labels_url": api + "/labels{/name}",
            "comments_url": api + "/comments",
            "events_url": api + "/events",
            "html_url": f"https://github.com/{repo.full_name}/issues/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "body": issue.body,
            "user": {"login": issue.user, "type": "Bot" if issue.user.endswith("[bot]") else "User"},
            "labels": [self._label_json(name) for name in issue.labels],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "comments": len(self.comments(repo.full_name, issue.number)),
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": issue.closed_at,
            "author_association": "OWNER",
        }

    @staticmethod
    def _label_json(name: str) -> dict[str, Any]:
        number = int(hashlib.sha1(name.encode()).hexdigest()[:8], 16)
        return {"id": number, "node_id": f"LA_{number}", "name": name, "color": "ededed", "default": False}

    def _pull_as_issue(self, repo: FakeRepo, store: _Store, pull: FakePull) -> dict[str, Any]:
        """A pull request as the issues endpoints show it: an issue with a ``pull_request`` key."""
        issue = FakeIssue(
            pull.number, pull.title, pull.body, pull.user, pull.state, None, list(pull.labels), pull.created_at,
            pull.updated_at, pull.closed_at,
        )  # fmt: skip
        data = self._issue_json(repo, issue)
        data["html_url"] = f"https://github.com/{repo.full_name}/pull/{pull.number}"
        data["pull_request"] = {
            "url": self._api(repo, f"/pulls/{pull.number}"),
            "html_url": data["html_url"],
            "merged_at": pull.merged_at,
        }
        return data

    @staticmethod
    def _labels(value: Any) -> list[str] | None:
        if not isinstance(value, list):
            return None
        names = [item.get("name") if isinstance(item, dict) else item for item in value]
        return [str(name) for name in names if isinstance(name, str | int)]

    def _issue_list(self, req: Request, repo: FakeRepo, store: _Store) -> Response:
        state = req.query.get("state", ["open"])[0]
        if state not in ("open", "closed", "all"):
            return self._unprocessable(
                "Validation Failed", [{"resource": "Issue", "field": "state", "code": "invalid"}]
            )
        wanted = [name for name in req.query.get("labels", [""])[0].split(",") if name]
        creator = req.query.get("creator", [None])[0]
        items = [(i.number, i.created_at, i.updated_at, self._issue_json(repo, i)) for i in store.issues.values()]
        items += [
            (p.number, p.created_at, p.updated_at, self._pull_as_issue(repo, store, p)) for p in store.pulls.values()
        ]
        found = [
            item
            for item in items
            if (state == "all" or item[3]["state"] == state)
            and all(name in [label["name"] for label in item[3]["labels"]] for name in wanted)
            and (creator is None or item[3]["user"]["login"] == creator)
        ]
        sort = req.query.get("sort", ["created"])[0]
        direction = req.query.get("direction", ["desc"])[0]
        column = {"created": 1, "updated": 2}.get(sort, 1)
        found.sort(key=lambda item: (item[column], item[0]), reverse=direction != "asc")
        per_page = min(int(req.query.get("per_page", ["30"])[0]), 100)
        page = max(int(req.query.get("page", ["1"])[0]), 1)
        return Response.json([item[3] for item in found[(page - 1) * per_page : page * per_page]])

    def _too_long(self) -> Response:
        message = "body is too long (maximum is 65536 characters)"
        return self._unprocessable(
            "Validation Failed", [{"resource": "Issue", "code": "custom", "field": "body", "message": message}]
        )

    def _create_issue(self, req: Request, repo: FakeRepo, store: _Store) -> Response:
        data = req.json() or {}
        title = data.get("title")
        if not isinstance(title, str | int) or str(title).strip() == "":
            return self._unprocessable(
                'Invalid request.\n\n"title" wasn\'t supplied.',
                [{"resource": "Issue", "code": "missing_field", "field": "title"}],
            )
        body = data.get("body") or ""
        if len(str(body)) > 65_536:
            return self._too_long()
        when = self._now()
        issue = FakeIssue(
            self._number(store), str(title), str(body), self.login, labels=self._labels(data.get("labels")) or [],
            created_at=when, updated_at=when,
        )  # fmt: skip
        store.issues[issue.number] = issue
        location = self._api(repo, f"/issues/{issue.number}")
        return Response.json(self._issue_json(repo, issue), 201, {"Location": location})

    def _edit_issue(self, req: Request, repo: FakeRepo, issue: FakeIssue) -> Response:
        data = req.json() or {}
        if "title" in data:
            if data["title"] is None or str(data["title"]).strip() == "":
                return self._unprocessable(
                    "Validation Failed", [{"resource": "Issue", "code": "missing_field", "field": "title"}]
                )
            issue.title = str(data["title"])
        if "body" in data:
            if len(str(data["body"] or "")) > 65_536:
                return self._too_long()
            issue.body = str(data["body"] or "")
        if "state" in data:
            if data["state"] not in ("open", "closed"):
                return self._unprocessable(
                    "Validation Failed", [{"resource": "Issue", "field": "state", "code": "invalid"}]
                )
            if data["state"] == "closed" and issue.state == "open":
                issue.closed_at = self._now()
                issue.state_reason = str(data.get("state_reason") or "completed")
            elif data["state"] == "open" and issue.state == "closed":
                issue.closed_at, issue.state_reason = None, "reopened"
            issue.state = data["state"]
        if (labels := self._labels(data.get("labels"))) is not None:
            issue.labels = labels
        issue.updated_at = self._now()
        return Response.json(self._issue_json(repo, issue))

    def _issues(self, req: Request, repo: FakeRepo, store: _Store, rest: str) -> Response | None:
        if rest == "" and req.method == "GET":
            return self._issue_list(req, repo, store)
        if rest == "" and req.method == "POST":
            return self._create_issue(req, repo, store)
        single = re.fullmatch(r"/(\d+)", rest)
        if single is not None:
            number = int(single.group(1))
            if number in store.issues and req.method == "GET":
                return Response.json(self._issue_json(repo, store.issues[number]))
            if number in store.issues and req.method == "PATCH":
                return self._edit_issue(req, repo, store.issues[number])
            if number in store.pulls and req.method == "GET":
                return Response.json(self._pull_as_issue(repo, store, store.pulls[number]))
            if number not in store.pulls:
                return self.gh.not_found("issues/issues#get-an-issue")
            return None
        m = re.fullmatch(r"/(\d+)/(comments|labels)", rest)
        if m is None:
            return None
        number = int(m.group(1))
        if number not in store.pulls and number not in store.issues:
            return self.gh.not_found("issues/issues#get-an-issue")
        if m.group(2) == "labels" and req.method == "POST":
            labels = (req.json() or {}).get("labels", [])
            target = store.pulls[number] if number in store.pulls else store.issues[number]
            for name in labels:
                if name not in target.labels:
                    target.labels.append(str(name))
            return Response.json([{"id": i + 1, "name": n, "color": "ededed"} for i, n in enumerate(target.labels)])
        if m.group(2) == "comments" and req.method == "GET":
            per_page = int(req.query.get("per_page", ["30"])[0])
            found = store.comments.get(number, [])[:per_page]
            return Response.json([self._comment_json(repo, number, c) for c in found])
        if m.group(2) == "comments" and req.method == "POST":
            text = str((req.json() or {}).get("body", ""))
            comment = self.add_comment(repo.full_name, number, text, self.login)
            return Response.json(self._comment_json(repo, number, comment), 201)
        return None

    def add_comment(self, full_name: str, number: int, text: str, user: str) -> FakeComment:
        store = self.store(full_name)
        comment = FakeComment(900_000 + self._next(), text, user, self._now())
        store.comments.setdefault(number, []).append(comment)
        return comment
