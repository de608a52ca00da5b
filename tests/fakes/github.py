"""A fake GitHub API on 127.0.0.1: repositories over REST and GraphQL, shaped like the real responses.

    gh = FakeGitHub(token="t0k3n").start()
    gh.add_repo("zai-org/CogVLM")
    gh.add_release("zai-org/CogVLM", "v1.0")
    gh.rename("zai-org/CogVLM", "CogVLM-1")            # old name now answers 301 → /repositories/{id}
    config = SourcesConfig(github_api_url=gh.url)

REST (API notes C3/C4): ``GET /repos/{o}/{r}`` and ``GET /repositories/{id}`` (weak ``ETag``; ``If-None-Match``
→ ``304`` which does not count against the rate limit), ``.../releases/latest`` (newest non-draft, non-prerelease;
``404`` when there is none), ``.../tags?per_page=N``; a renamed or transferred repo answers ``301`` (GET) or ``307``
with ``Location: {base}/repositories/{id}{rest}``. Every REST answer carries ``x-ratelimit-*``; when
:attr:`rest_remaining` is spent the answer is ``403`` with ``x-ratelimit-remaining: 0``.

GraphQL: ``POST /graphql`` needs a token (``401`` otherwise). The query is parsed for the alias shape the adapter
sends (``rN: repository(owner: "o", name: "n", followRenames: true) {...}``); missing repos are ``null`` with an
error ``{"type": "NOT_FOUND", "path": ["rN"]}``, ``rateLimit { cost remaining resetAt }`` is answered, and a spent
:attr:`graphql_remaining` gives HTTP 200 with a ``RATE_LIMITED`` error and no data.

Owners: ``repositoryOwner(login: "o") { login repositories(first: N, after: "c", orderBy: {field: CREATED_AT,
direction: DESC}, privacy: PUBLIC) { pageInfo { endCursor hasNextPage } nodes { nameWithOwner createdAt ... } } }``
(``first`` is required and at most 100, as on GitHub; an unknown login is ``null``), and REST
``GET /users/{login}/repos?sort=created&direction=desc&per_page=100`` with ``Link`` paging.

Other fakes extend it: ``fake.extra_handlers.append(fn)`` where ``fn(request) -> Response | None`` is tried, in
order, for any request the built-in routes do not serve (before the 404); authentication and rate limiting apply
to those requests too. Use :meth:`resolve` to find a repo by ``owner/name`` (current name) and :meth:`repo_json`
for REST payloads.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes.server import FakeServer, Request, Response

_ALIAS = re.compile(r'(\w+)\s*:\s*repository\(\s*owner:\s*"([^"]*)"\s*,\s*name:\s*"([^"]*)"([^)]*)\)')
_REPOS = re.compile(r"^/repos/([^/]+)/([^/]+)(/.*)?$")
_OWNER = re.compile(r'(\w+)\s*:\s*repositoryOwner\(\s*login:\s*"([^"]*)"\s*\)\s*\{.*?repositories\(([^)]*)\)', re.S)
_USER_REPOS = re.compile(r"^/(?:users|orgs)/([^/]+)/repos$")
_REPOSITORIES = re.compile(r"^/repositories/(\d+)(/.*)?$")
DOCS = "https://docs.github.com/rest"

ExtraHandler = Callable[[Request], "Response | None"]


@dataclass
class FakeRelease:
    id: int
    tag: str
    published_at: str
    draft: bool = False
    prerelease: bool = False


@dataclass
class FakeRepo:
    id: int
    full_name: str
    archived: bool = False
    disabled: bool = False
    pushed_at: str = "2024-01-01T00:00:00Z"
    default_branch: str = "main"
    created_at: str = "2023-01-01T00:00:00Z"
    fork: bool = False
    license: str | None = None  # SPDX id (REST ``license.spdx_id``, GraphQL ``licenseInfo.spdxId``)
    releases: list[FakeRelease] = field(default_factory=list)  # oldest first
    tags: list[str] = field(default_factory=list)  # oldest first
    extra: dict[str, Any] = field(default_factory=dict)  # room for other fakes (git data, pulls ...)

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.full_name.split("/", 1)[1]


class FakeGitHub:
    """Repositories, their history of names, rate limits, and the HTTP server that serves them."""

    def __init__(self, token: str | None = None, *, rest_limit: int = 5000, graphql_limit: int = 5000) -> None:
        self.token = token  # the only accepted token (None: any token is accepted)
        self.repos: dict[int, FakeRepo] = {}
        self.old_names: dict[str, int] = {}  # lower-cased former full names → repo id
        self.rest_limit = self.rest_remaining = rest_limit
        self.graphql_limit = self.graphql_remaining = graphql_limit
        self.down: int | None = None  # answer every request with this status (e.g. 502)
        self.graphql_down: int | None = None  # answer GraphQL with this status
        self.retry_after: str | None = None
        self.redirects: dict[str, tuple[int, str]] = {}  # path → (status, absolute Location), checked first
        self.extra_handlers: list[ExtraHandler] = []
        self.graphql_queries: list[str] = []
        self.log: list[tuple[str, str, int]] = []  # (method, path, status) of every answer, in order
        self.graphql_errors: dict[str, tuple[str, str]] = {}  # full name → (error type, message) instead of data
        self.owners: set[str] = set()  # lower-cased logins that exist even without public repos
        self._next_id = 1000
        self.server = FakeServer(self.handle)

    # -- lifecycle --------------------------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self.server.url

    # -- the world --------------------------------------------------------------------------------------------

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_repo(self, full_name: str, **attrs: Any) -> FakeRepo:
        if self.resolve(full_name) is not None:
            raise ValueError(f"{full_name} exists")
        repo = FakeRepo(self._id(), full_name, **attrs)
        self.repos[repo.id] = repo
        self.old_names.pop(full_name.lower(), None)  # re-creating an old name ends its redirect
        return repo

    def resolve(self, full_name: str) -> FakeRepo | None:
        """The repository currently called ``full_name`` (case-insensitive)."""
        wanted = full_name.lower()
        return next((r for r in self.repos.values() if r.full_name.lower() == wanted), None)

    def lookup(self, full_name: str) -> tuple[FakeRepo | None, bool]:
        """(repo, True if ``full_name`` is a former name), following renames like GitHub does."""
        repo = self.resolve(full_name)
        if repo is not None:
            return repo, False
        moved = self.old_names.get(full_name.lower())
        return (self.repos.get(moved), True) if moved is not None else (None, False)

    def _get(self, full_name: str) -> FakeRepo:
        repo = self.resolve(full_name)
        if repo is None:
            raise KeyError(full_name)
        return repo

    def rename(self, full_name: str, new_name: str) -> FakeRepo:
        """Rename within the owner (``new_name`` without owner)."""
        repo = self._get(full_name)
        self.old_names[repo.full_name.lower()] = repo.id
        repo.full_name = f"{repo.owner}/{new_name}"
        return repo

    def transfer(self, full_name: str, new_owner: str) -> FakeRepo:
        repo = self._get(full_name)
        self.old_names[repo.full_name.lower()] = repo.id
        repo.full_name = f"{new_owner}/{repo.name}"
        return repo

    def archive(self, full_name: str) -> FakeRepo:
        repo = self._get(full_name)
        repo.archived = True
        return repo

    def disable(self, full_name: str) -> FakeRepo:
        repo = self._get(full_name)
        repo.disabled = True
        return repo

    def delete(self, full_name: str) -> None:
        repo = self._get(full_name)
        del self.repos[repo.id]
        self.old_names = {k: v for k, v in self.old_names.items() if v != repo.id}

    def add_release(
        self,
        full_name: str,
        tag: str,
        *,
        published_at: str | None = None,
        draft: bool = False,
        prerelease: bool = False,
    ) -> FakeRelease:
        repo = self._get(full_name)
        when = published_at or (datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=len(repo.releases))).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        release = FakeRelease(self._id(), tag, when, draft, prerelease)
        repo.releases.append(release)
        if tag not in repo.tags:
            repo.tags.append(tag)
        return release

    def add_tag(self, full_name: str, tag: str) -> None:
        self._get(full_name).tags.append(tag)

    # -- payloads ---------------------------------------------------------------------------------------------

    def repo_json(self, repo: FakeRepo) -> dict[str, Any]:
        return {
            "id": repo.id,
            "node_id": f"R_kgDO{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "private": False,
            "owner": {"login": repo.owner, "id": abs(hash(repo.owner)) % 10**8, "type": "Organization"},
            "html_url": f"https://github.com/{repo.full_name}",
            "description": None,
            "fork": repo.fork,
            "url": f"{self.url}/repos/{repo.full_name}",
            "created_at": repo.created_at,
            "updated_at": repo.pushed_at,
            "pushed_at": repo.pushed_at,
            "default_branch": repo.default_branch,
            "archived": repo.archived,
            "disabled": repo.disabled,
            "visibility": "public",
            "stargazers_count": 42,
            "license": None
            if repo.license is None
            else {"key": repo.license.lower(), "name": repo.license, "spdx_id": repo.license, "url": None},
        }

    def release_json(self, repo: FakeRepo, release: FakeRelease) -> dict[str, Any]:
        return {
            "id": release.id,
            "url": f"{self.url}/repos/{repo.full_name}/releases/{release.id}",
            "html_url": f"https://github.com/{repo.full_name}/releases/tag/{release.tag}",
            "tag_name": release.tag,
            "name": release.tag,
            "draft": release.draft,
            "prerelease": release.prerelease,
            "created_at": release.published_at,
            "published_at": release.published_at,
        }

    @staticmethod
    def not_found(doc: str = "repos/repos#get-a-repository") -> Response:
        return Response.json({"message": "Not Found", "documentation_url": f"{DOCS}/{doc}", "status": "404"}, 404)

    # -- HTTP -------------------------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        resp = self._handle(req)
        self.log.append((req.method, req.path, resp.status))
        return resp

    def _handle(self, req: Request) -> Response:
        if self.down is not None:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return Response.json({"message": "Server Error"}, self.down, headers)
        if req.path in self.redirects:
            status, location = self.redirects[req.path]
            return Response.json({"message": "Moved Permanently", "url": location}, status, {"Location": location})
        auth = req.headers.get("authorization")
        if auth is not None and self.token is not None and auth not in (f"token {self.token}", f"Bearer {self.token}"):
            return Response.json({"message": "Bad credentials", "documentation_url": DOCS, "status": "401"}, 401)
        if req.path == "/graphql" and req.method == "POST":
            return self._graphql(req, authenticated=auth is not None)
        return self._rest(req)

    def _rate_headers(self, resource: str, remaining: int, limit: int) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(remaining, 0)),
            "x-ratelimit-used": str(limit - max(remaining, 0)),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-resource": resource,
        }

    def _rest(self, req: Request) -> Response:
        if self.rest_remaining <= 0:
            return Response.json(
                {
                    "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated "
                    "requests get a higher rate limit.)",
                    "documentation_url": f"{DOCS}/overview/rate-limits-for-the-rest-api",
                },
                403,
                self._rate_headers("core", 0, self.rest_limit),
            )
        resp = self._route(req)
        if resp.status == 200 and req.method == "GET" and isinstance(resp.body, bytes):
            etag = 'W/"' + hashlib.sha1(resp.body).hexdigest() + '"'
            resp.headers["ETag"] = etag
            if req.headers.get("if-none-match") == etag:
                resp = Response(304, {"ETag": etag})
        if resp.status != 304:
            self.rest_remaining -= 1
        resp.headers.update(self._rate_headers("core", self.rest_remaining, self.rest_limit))
        return resp

    def owner_repos(self, login: str) -> list[FakeRepo] | None:
        """Public repos of an owner, newest first (by creation); None when no such owner exists."""
        owned = [r for r in self.repos.values() if r.owner.lower() == login.lower()]
        if not owned and login.lower() not in self.owners:
            return None
        return sorted(owned, key=lambda r: (r.created_at, r.id), reverse=True)

    def _owner_rest(self, req: Request, login: str) -> Response:
        """``GET /users/{login}/repos`` (``/orgs/{org}/repos``): ``sort=created``, ``direction``, ``per_page`` ≤ 100,
        ``page``; ``Link`` to the next page."""
        repos = self.owner_repos(login)
        if repos is None:
            return self.not_found("repos/repos#list-repositories-for-a-user")
        q = {k: v[-1] for k, v in req.query.items()}
        per_page = min(int(q.get("per_page", "30")), 100)
        page = max(int(q.get("page", "1")), 1)
        if q.get("sort", "full_name") == "created":
            repos = repos if q.get("direction", "desc") == "desc" else list(reversed(repos))
        else:
            repos = sorted(repos, key=lambda r: r.full_name.lower())
        chunk = repos[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(repos):
            params = "&".join(f"{k}={v}" for k, v in {**q, "page": str(page + 1)}.items())
            headers["Link"] = f'<{self.url}{req.path}?{params}>; rel="next"'
        return Response.json([self.repo_json(r) for r in chunk], 200, headers)

    def _route(self, req: Request) -> Response:
        repo: FakeRepo | None = None
        rest: str | None = None
        if (m := _USER_REPOS.match(req.path)) and req.method == "GET":
            return self._owner_rest(req, m.group(1))
        if m := _REPOS.match(req.path):
            repo, moved = self.lookup(f"{m.group(1)}/{m.group(2)}")
            rest = m.group(3) or ""
            if repo is not None and moved:
                location = f"{self.url}/repositories/{repo.id}{rest}"
                if req.target.partition("?")[2]:
                    location += "?" + req.target.partition("?")[2]
                status = 301 if req.method in ("GET", "HEAD") else 307
                body = {"message": "Moved Permanently", "url": location, "documentation_url": DOCS}
                return Response.json(body, status, {"Location": location})
        elif m := _REPOSITORIES.match(req.path):
            repo = self.repos.get(int(m.group(1)))
            rest = m.group(2) or ""
        if repo is not None and req.method == "GET":
            if rest == "":
                return Response.json(self.repo_json(repo))
            if rest == "/releases/latest":
                published = [r for r in repo.releases if not r.draft and not r.prerelease]
                if not published:
                    return self.not_found("releases/releases#get-the-latest-release")
                return Response.json(self.release_json(repo, published[-1]))
            if rest == "/tags":
                per_page = int(req.query.get("per_page", ["30"])[0])
                tags = [
                    {
                        "name": tag,
                        "commit": {"sha": hashlib.sha1(tag.encode()).hexdigest(), "url": ""},
                        "zipball_url": f"{self.url}/repos/{repo.full_name}/zipball/refs/tags/{tag}",
                        "tarball_url": f"{self.url}/repos/{repo.full_name}/tarball/refs/tags/{tag}",
                        "node_id": f"REF_{tag}",
                    }
                    for tag in reversed(repo.tags)
                ]
                return Response.json(tags[:per_page])
        for handler in self.extra_handlers:
            answer = handler(req)
            if answer is not None:
                return answer
        return self.not_found()

    def _graphql(self, req: Request, *, authenticated: bool) -> Response:
        if self.graphql_down is not None:
            return Response.json({"message": "Server Error"}, self.graphql_down)
        if not authenticated:
            return Response.json(
                {
                    "message": "This endpoint requires you to be authenticated.",
                    "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql"
                    "#authenticating-with-graphql",
                },
                401,
            )
        query = (req.json() or {}).get("query", "")
        self.graphql_queries.append(query)
        if self.graphql_remaining <= 0:
            body = {
                "errors": [
                    {
                        "type": "RATE_LIMITED",
                        "code": "graphql_rate_limit",
                        "message": "API rate limit already exceeded for user ID 1.",
                    }
                ]
            }
            return Response.json(body, 200, self._rate_headers("graphql", 0, self.graphql_limit))
        aliases = _ALIAS.findall(query)
        owners = _OWNER.findall(query)
        for _, _, args in owners:
            first = re.search(r"first:\s*(\d+)", args)
            if first is None or int(first.group(1)) > 100:
                count = first.group(1) if first else "no"
                message = (
                    f"Requesting {count} records on the `repositories` connection exceeds the `first` limit of 100 "
                    "records."
                    if first
                    else "You must provide a `first` or `last` value to properly paginate the `repositories` "
                    "connection."
                )
                return Response.json({"errors": [{"type": "MISSING_PAGINATION_BOUNDARIES", "message": message}]})
        cost = 1  # GitHub: Σ connection requests / 100, minimum 1; ≤ 100 aliases with first: 1 stays at 1
        self.graphql_remaining -= cost
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for alias, owner, name, args in aliases:
            repo, moved = self.lookup(f"{owner}/{name}")
            if f"{owner}/{name}" in self.graphql_errors:
                kind, message = self.graphql_errors[f"{owner}/{name}"]
                data[alias] = None
                errors.append({"type": kind, "path": [alias], "message": message})
                continue
            if repo is None or (moved and "followRenames: true" not in args):
                data[alias] = None
                errors.append(
                    {
                        "type": "NOT_FOUND",
                        "path": [alias],
                        "locations": [{"line": 2, "column": 3}],
                        "message": f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                    }
                )
                continue
            data[alias] = self._repo_node(repo)
        for alias, login, args in owners:
            data[alias] = self._owner_node(login, args)
        if "rateLimit" in query:
            reset = datetime.now(UTC) + timedelta(hours=1)
            data["rateLimit"] = {
                "cost": cost,
                "remaining": self.graphql_remaining,
                "resetAt": reset.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        body: dict[str, Any] = {"data": data}
        if errors:
            body["errors"] = errors
        return Response.json(body, 200, self._rate_headers("graphql", self.graphql_remaining, self.graphql_limit))

    def _owner_node(self, login: str, args: str) -> dict[str, Any] | None:
        """``repositoryOwner(login:) { login repositories(first:, after:, orderBy: {field: CREATED_AT, direction:},
        privacy: PUBLIC) { pageInfo { endCursor hasNextPage } nodes {...} } }``: null for an unknown login."""
        repos = self.owner_repos(login)
        if repos is None:
            return None
        if "direction: ASC" in args:
            repos = list(reversed(repos))
        first = int(re.search(r"first:\s*(\d+)", args).group(1))  # type: ignore[union-attr]
        after = re.search(r'after:\s*"(\d+)"', args)
        start = int(after.group(1)) if after else 0
        chunk = repos[start : start + first]
        end = start + len(chunk)
        nodes = [
            {
                "nameWithOwner": r.full_name,
                "createdAt": r.created_at,
                "isFork": r.fork,
                "isArchived": r.archived,
                "url": f"https://github.com/{r.full_name}",
            }
            for r in chunk
        ]
        page_info = {"endCursor": str(end) if chunk else None, "hasNextPage": end < len(repos)}
        return {"login": repos[0].owner if repos else login, "repositories": {"pageInfo": page_info, "nodes": nodes}}

    def _repo_node(self, repo: FakeRepo) -> dict[str, Any]:
        published = [r for r in repo.releases if not r.draft and not r.prerelease]
        latest = published[-1] if published else None
        return {
            "nameWithOwner": repo.full_name,
            "isArchived": repo.archived,
            "isDisabled": repo.disabled,
            "url": f"https://github.com/{repo.full_name}",
            "pushedAt": repo.pushed_at,
            "latestRelease": None
            if latest is None
            else {
                "tagName": latest.tag,
                "publishedAt": latest.published_at,
                "url": f"https://github.com/{repo.full_name}/releases/tag/{latest.tag}",
            },
            "refs": {"nodes": [{"name": tag} for tag in reversed(repo.tags[-1:])]},
            "licenseInfo": None if repo.license is None else {"spdxId": repo.license, "name": repo.license},
        }


def graphql_body(req: Request) -> str:
    """The query text of a recorded GraphQL request."""
    return str(json.loads(req.body or b"{}").get("query", ""))
