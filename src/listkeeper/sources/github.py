"""The GitHub adapter: is each repository alive, moved, archived or disabled, and what is its latest release?

Two ways to ask, chosen by cost (API notes, section C):

* **With a token: GraphQL**, up to :data:`GRAPHQL_BATCH` repositories per request as aliases
  (``r0: repository(owner:, name:, followRenames: true) {...}``). A 50-repo query costs one point.
  githubkit raises ``GraphQLFailed`` on *any* error, even one alias's NOT_FOUND, so the partial data and the
  per-alias errors are taken from the exception. A rate-limit error (HTTP 200!) makes the rest *unknown*.
* **Without a token** (GitHub refuses GraphQL without one), or when GraphQL fails wholesale: **REST** per repo,
  with ``If-None-Match`` from the state store (a 304 does not count against the rate limit) and, for tracked repos
  only, ``releases/latest`` (404 when a repo only has tags → ``tags?per_page=1``). ``x-ratelimit-remaining`` is
  watched: at 0 the adapter stops and the rest is *unknown*, never dead.

A renamed or transferred repository answers under its new name (GraphQL ``followRenames``; REST ``301`` to
``/repositories/{id}``, followed on the same origin only): that is :attr:`Kind.MOVED` with the new ``gh:`` subject.

The token goes to the configured API origin only: any redirect to another origin is refused before it is sent (so
neither the token nor a request leaves the origin). Only this module (and the publish code) imports githubkit.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from githubkit import GitHub
from githubkit.exception import (
    GraphQLFailed,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
)

from listkeeper import deadline
from listkeeper.catalog.load import LoadedCatalog, format_path
from listkeeper.catalog.model import CodeRepo, GitHubOrgRule
from listkeeper.catalog.refs import Ref
from listkeeper.config import Config, SourcesConfig
from listkeeper.findings import Finding, Kind, Location, Origin
from listkeeper.http import github as github_client
from listkeeper.http.origin import OffOrigin
from listkeeper.sources import backoff
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.state import State
from listkeeper.subjects import Subject

NAME = Origin.GITHUB
GRAPHQL_BATCH = 50
SEEN_NS = "github"  # kv: owner/name (as in the catalog) -> {"tag": last seen latest release/tag or None}
FACTS_NS = "github.facts"  # kv: owner/name -> fact data with "fetched_at"; reused within ttl_hours
ETAG_NS = "github.etag"  # kv: API path -> {"etag", "status", "body"} for conditional REST requests
ORGS_NS = "github.orgs"  # kv: lower org -> {"fetched_at", "found", "repos": [{name, created_at, fork}]}
ORG_BASELINE_NS = "github.org-baseline"  # kv: lower org -> {"newest": created_at of its newest repo at first sight}
ORG_PAGE = 100  # GitHub's largest connection page
ORGS_PER_QUERY = 20  # repositoryOwner aliases per GraphQL request
USER_AGENT = github_client.USER_AGENT
WEB = "https://github.com"

_REPO_FIELDS = (
    "nameWithOwner isArchived isDisabled url pushedAt latestRelease { tagName publishedAt url } "
    "licenseInfo { spdxId } "
    'refs(refPrefix: "refs/tags/", first: 1, orderBy: {field: TAG_COMMIT_DATE, direction: DESC}) { nodes { name } }'
)


def orgs_query(orgs: Mapping[str, str | None]) -> str:
    """One query for the newest repositories of each org (``org -> cursor``), aliased ``o0``, ``o1``, ..."""
    return "\n".join(["query {", *_owner_lines(orgs), "  rateLimit { cost remaining resetAt }", "}"])


def _owner_lines(orgs: Mapping[str, str | None]) -> list[str]:
    lines = []
    for index, (org, cursor) in enumerate(orgs.items()):
        after = f", after: {json.dumps(cursor)}" if cursor else ""
        lines.append(
            f"  o{index}: repositoryOwner(login: {json.dumps(org)}) {{ login repositories(first: {ORG_PAGE}{after}, "
            "orderBy: {field: CREATED_AT, direction: DESC}, privacy: PUBLIC) "
            "{ pageInfo { endCursor hasNextPage } nodes { nameWithOwner createdAt isFork } } }"
        )
    return lines


def graphql_query(repos: Sequence[str], orgs: Sequence[str] = ()) -> str:
    """One query for ``repos`` (``owner/name``), aliased ``r0``, ``r1``, ... plus the rate-limit cost; the first
    page of each org in ``orgs`` rides along as ``o0``, ``o1``, ... (see :func:`orgs_query`)."""
    lines = ["query {", *_owner_lines(dict.fromkeys(orgs))]
    for index, repo in enumerate(repos):
        owner, name = repo.split("/", 1)
        lines.append(
            f"  r{index}: repository(owner: {json.dumps(owner)}, name: {json.dumps(name)}, followRenames: true) "
            f"{{ {_REPO_FIELDS} }}"
        )
    lines.append("  rateLimit { cost remaining resetAt }")
    lines.append("}")
    return "\n".join(lines)


class _Transport(deadline.BudgetTransport, httpx.BaseTransport):
    """The budget transport (:mod:`listkeeper.deadline`) as the httpx transport githubkit takes."""


class _Stop(Exception):
    """The REST sweep must stop (rate limit spent, outage, credentials refused); the rest is unknown."""


@dataclass
class _Repo:
    name: str  # owner/name as written in the catalog
    locations: list[Location] = field(default_factory=list)
    tracked: bool = False  # in some entry's track.github, or the list states a release: the latest one matters
    listed_release: str | None = None  # the release the list knows (``code: [{repo, release}]``)

    @property
    def subject(self) -> Subject:
        return Subject("github", self.name)


@dataclass
class _Outcome:
    """What one repository turned out to be (before it becomes a Fact and findings)."""

    exists: bool | None
    data: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)  # for DEAD / UNKNOWN
    cached: bool = False


@dataclass
class _Budget:
    """Requests sent and the last rate-limit headers seen, per resource ("core", "graphql")."""

    requests: int = 0
    remaining: dict[str, int] = field(default_factory=dict)
    responses: int = 0  # HTTP answers received (any status)


class GitHubSource:
    """Facts and findings for ``gh:`` subjects in the catalog and for ``track.github`` repositories."""

    name = NAME

    def __init__(self, config: SourcesConfig, token: str | None) -> None:
        self.config = config
        self.token = token or None
        self._api = github_client.api_base(config.github_api_url)
        self._budget = _Budget()
        self._owner_pages: dict[str, Any] = {}  # org -> repositoryOwner node answered along with a repo batch

    def wants(self, subject: Subject) -> bool:
        return subject.kind == "github"

    # -- the client -------------------------------------------------------------------------------------------

    def _client(self) -> GitHub[Any]:
        """A githubkit client (:func:`listkeeper.http.github.client`) whose transport bounds every request by the
        run deadline, with counted requests and the rate-limit budget read from every answer."""
        transport = _Transport(
            httpx.HTTPTransport(proxy=deadline.env_proxy(str(self._api))),
            self.config.timeout,
            stream_base=httpx.SyncByteStream,
            not_sent=httpx.ConnectTimeout,  # githubkit: RequestTimeout, never retried
            expired=lambda total: httpx.ReadTimeout(f"no complete answer within {total:.3g} s"),
        )
        return github_client.client(
            self.token,
            str(self._api),
            timeout=httpx.Timeout(self.config.timeout),
            retry=github_client.retry_policy(self.config.max_retries, self.config.max_retry_wait, fits=deadline.fits),
            on_request=[self._on_request],
            on_response=[self._on_response],
            transport=transport,
        )

    def _on_request(self, request: httpx.Request) -> None:
        self._budget.requests += 1

    def _on_response(self, response: httpx.Response) -> None:
        self._budget.responses += 1
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.isdigit():
            resource = response.headers.get("x-ratelimit-resource") or (
                "graphql" if response.request.url.path.endswith("/graphql") else "core"
            )
            self._budget.remaining[resource] = int(remaining)

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self, loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime) -> SourceResult:
        now = _utc(now)
        self._budget = _Budget()
        result = SourceResult(self.name)
        repos = self._repos(loaded, refs)
        outcomes: dict[str, _Outcome] = {}
        pending: list[_Repo] = []
        backoffs = backoff.pending(state, NAME)
        replay: dict[str, backoff.Backoff] = {}
        for repo in repos.values():
            cached = state.get(FACTS_NS, repo.name)
            stored = backoffs.get(repo.subject)
            if cached is not None and _fresh(cached, now, self.config.ttl_hours) and _complete(cached, repo):
                outcomes[repo.name] = _Outcome(True, cached, cached=True)
            elif stored is not None and not stored.due(now) and self.config.ttl_hours > 0:
                replay[repo.name] = stored  # missing or unknowable when last asked: not again before next_at
            else:
                pending.append(repo)
        writes: list[tuple[str, str, Any]] = []
        org_rules = _org_rules(loaded)
        listings, org_ask = self._cached_orgs(org_rules, state, now)
        if pending or org_ask:
            gh = self._client()  # keep the reference: githubkit's namespaces only hold a weakref to it
            with gh:
                rest = pending
                self._owner_pages = {}
                if self.token and pending:
                    rest = self._graphql(gh, pending, outcomes, org_ask)
                self._rest(gh, rest, outcomes, state, writes)
                if org_ask:
                    listings |= self._list_orgs(gh, org_ask, org_rules, state, writes, now)
        licenses = _listed_licenses(loaded)
        asked: dict[Subject, list[Finding]] = {}
        for repo in repos.values():
            if (stored := replay.get(repo.name)) is not None:
                exists = False if stored.outcome == "dead" else None
                stamp = datetime.fromtimestamp(stored.asked_at, UTC).isoformat()
                result.facts[repo.subject] = Fact(repo.subject, exists, data={"fetched_at": stamp}, reused=True)
                result.findings += stored.replay(tuple(sorted(set(repo.locations))))
                continue
            outcome = outcomes[repo.name]
            if outcome.exists and not outcome.cached:
                outcome.data["fetched_at"] = now.isoformat()
                writes.append((FACTS_NS, repo.name, outcome.data))
            before = len(result.findings)
            self._judge(repo, outcome, result, state, writes, now, licenses)
            if not outcome.cached:
                asked[repo.subject] = result.findings[before:]
        reasons = [o.evidence.get("reason") for o in outcomes.values() if o.exists is None]
        reasons += [v["error"] for v in listings.values() if v.get("error")]
        result.unavailable = next((r for r in reasons if r), None)
        result.findings += self._new_repos(loaded, org_rules, listings, result, state, writes, now)
        with state.transaction():
            for namespace, key, value in writes:
                state.put(namespace, key, value)
            # Unknown repos back off only when GitHub answered at all: a run that reached nobody writes no state.
            answered = self._budget.responses > 0
            for subject, findings in asked.items():
                if (kind := backoff.outcome_of(findings)) == "unknown" and not answered:
                    continue
                if kind is not None:
                    stored_findings = [f for f in findings if str(f.kind) == kind]
                    previous = backoffs.get(subject)
                    ttl = self.config.ttl_hours
                    backoff.remember(
                        state, NAME, subject, kind, stored_findings, now=now, ttl_hours=ttl, previous=previous
                    )
                elif subject in backoffs:
                    backoff.forget(state, NAME, subject)
        result.requests = self._budget.requests
        return result

    def _repos(self, loaded: LoadedCatalog, refs: Sequence[Ref]) -> dict[str, _Repo]:
        repos: dict[str, _Repo] = {}
        for ref in refs:
            if self.wants(ref.subject):
                repos.setdefault(ref.subject.id, _Repo(ref.subject.id)).locations.append(ref.location)
        for file, family in loaded.catalog.ordered():
            for e_index, entry in enumerate(family.entries):
                for item in entry.code:
                    if isinstance(item, CodeRepo) and item.release and item.repo in repos:
                        repos[item.repo].tracked = True
                        repos[item.repo].listed_release = item.release
                for r_index, name in enumerate(entry.track.github):
                    path = ("entries", e_index, "track", "github", r_index)
                    repo = repos.setdefault(name, _Repo(name))
                    repo.tracked = True
                    repo.locations.append(Location(file, loaded.line(file, path), format_path(path)))
        return repos

    # -- GraphQL ----------------------------------------------------------------------------------------------

    def _graphql(
        self, gh: GitHub[Any], repos: list[_Repo], outcomes: dict[str, _Outcome], orgs: Sequence[str] = ()
    ) -> list[_Repo]:
        """Ask in batches; returns the repos GraphQL could not answer at all (for REST to try).

        A spent rate limit makes every later batch unknown without asking (REST would not know more). The first
        page of each tracked org rides along with the last batch (kept in ``self._owner_pages``).
        """
        fallback: list[_Repo] = []
        limited: str | None = None
        broken = False
        for start in range(0, len(repos), GRAPHQL_BATCH):
            batch = repos[start : start + GRAPHQL_BATCH]
            if limited is not None:
                outcomes.update({repo.name: _Outcome(None, evidence={"reason": limited}) for repo in batch})
                continue
            if broken:
                fallback.extend(batch)
                continue
            last = start + GRAPHQL_BATCH >= len(repos)
            try:
                query = graphql_query([r.name for r in batch], orgs if last else ())
                data, errors = gh.graphql.request(query), []
            except GraphQLFailed as exc:
                data = exc.response.data or {}
                errors = [e.model_dump() for e in exc.response.errors or []]
            except RateLimitExceeded as exc:
                limited = f"GitHub GraphQL rate limit exhausted (retry after {exc.retry_after})"
                outcomes.update({repo.name: _Outcome(None, evidence={"reason": limited}) for repo in batch})
                continue
            except RequestError:  # 401, 5xx after retries, timeout, refused redirect: REST may still answer
                broken = True  # and later batches go straight to REST
                fallback.extend(batch)
                continue
            if not any(f"r{i}" in data for i in range(len(batch))):
                fallback.extend(batch)  # errors for the query as a whole (e.g. a parse error)
                continue
            by_alias: dict[str, list[dict[str, Any]]] = {}
            for error in errors:
                if error.get("path"):
                    by_alias.setdefault(str(error["path"][0]), []).append(error)
            for index, repo in enumerate(batch):
                outcomes[repo.name] = _from_graphql(data.get(f"r{index}"), by_alias.get(f"r{index}", []))
            if last:
                self._owner_pages = {org: data[f"o{i}"] for i, org in enumerate(orgs) if f"o{i}" in data}
            limit = data.get("rateLimit") or {}
            if isinstance(limit.get("remaining"), int) and limit["remaining"] < max(1, limit.get("cost") or 1):
                limited = f"GitHub GraphQL rate limit exhausted (resets {limit.get('resetAt')})"
        return fallback

    # -- REST -------------------------------------------------------------------------------------------------

    def _rest(
        self,
        gh: GitHub[Any],
        repos: list[_Repo],
        outcomes: dict[str, _Outcome],
        state: State,
        writes: list[tuple[str, str, Any]],
    ) -> None:
        """One repo after the other; after a :class:`_Stop` the rest is unknown without asking."""
        stopped: str | None = None
        for repo in repos:
            if stopped is None:
                try:
                    outcomes[repo.name] = self._rest_repo(gh, repo, state, writes)
                    continue
                except _Stop as exc:
                    stopped = str(exc)
            outcomes[repo.name] = _Outcome(None, evidence={"reason": stopped})

    def _rest_repo(self, gh: GitHub[Any], repo: _Repo, state: State, writes: list[tuple[str, str, Any]]) -> _Outcome:
        status, body, response = self._get(gh, f"repos/{repo.name}", state, writes)
        if status in (404, 410) and isinstance(body, dict) and "message" in body:  # GitHub's JSON, not a proxy page
            return _Outcome(
                False,
                evidence={
                    "status": status,
                    "message": body["message"],
                    "api": f"GET /repos/{repo.name}",
                },
            )
        if status == 0:
            return _Outcome(None, evidence={"reason": f"GET /repos/{repo.name}: {body}"})
        if status != 200 or not isinstance(body, dict):
            return _Outcome(None, evidence={"reason": f"GET /repos/{repo.name}: HTTP {status}"})
        redirected = response is not None and any(h.status_code in (301, 308) for h in response.history)
        data: dict[str, Any] = {
            "full_name": body.get("full_name") or repo.name,
            "archived": bool(body.get("archived")),
            "disabled": bool(body.get("disabled")),
            "url": body.get("html_url") or f"{WEB}/{body.get('full_name') or repo.name}",
            "pushed_at": body.get("pushed_at"),
            "license": (body.get("license") or {}).get("spdx_id"),
            "via": "rest-301" if redirected else "rest",
        }
        if repo.tracked:
            latest = self._rest_latest(gh, data["full_name"], data["url"], state, writes)
            if latest is not False:
                data["latest"] = latest
        return _Outcome(True, data)

    def _rest_latest(
        self, gh: GitHub[Any], full_name: str, html_url: str, state: State, writes: list[tuple[str, str, Any]]
    ) -> dict[str, Any] | bool | None:
        """The latest release (else the newest tag), None when there is neither, False when GitHub did not say."""
        status, body, _ = self._get(gh, f"repos/{full_name}/releases/latest", state, writes)
        if status == 200 and isinstance(body, dict) and body.get("tag_name"):
            return {
                "tag": body["tag_name"],
                "published_at": body.get("published_at"),
                "url": body.get("html_url") or f"{html_url}/releases/tag/{body['tag_name']}",
                "kind": "release",
            }
        if status != 404:
            return False
        status, body, _ = self._get(gh, f"repos/{full_name}/tags", state, writes, params={"per_page": 1})
        if status != 200 or not isinstance(body, list):
            return False
        if not body:
            return None
        tag = body[0].get("name")
        return {"tag": tag, "published_at": None, "url": f"{html_url}/tree/{tag}", "kind": "tag"}

    def _get(
        self,
        gh: GitHub[Any],
        path: str,
        state: State,
        writes: list[tuple[str, str, Any]],
        params: dict[str, Any] | None = None,
    ) -> tuple[int, Any, httpx.Response | None]:
        """A conditional GET: (status, JSON body, raw response); a 304 returns the stored body with status 200.

        Raises :class:`_Stop` when the sweep must end: rate limit spent, credentials refused, or an outage.
        """
        if self._budget.remaining.get("core", 1) <= 0:
            raise _Stop("GitHub REST rate limit exhausted")
        key = path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(params.items())) if params else "")
        stored = state.get(ETAG_NS, key)
        headers = {"If-None-Match": stored["etag"]} if stored and stored.get("etag") else {}
        try:
            response = gh.request("GET", path, params=params, headers=headers)
        except RateLimitExceeded as exc:
            raise _Stop(f"GitHub REST rate limit exhausted (retry after {exc.retry_after})") from exc
        except RequestFailed as exc:
            status = exc.response.status_code
            if status == 401:
                raise _Stop("GitHub refused the credentials (HTTP 401)") from exc
            if status >= 500 or status == 429:
                raise _Stop(f"GitHub REST unavailable (HTTP {status})") from exc
            return status, _json(exc.response.raw_response), exc.response.raw_response
        except RequestError as exc:
            if isinstance(exc.exc, OffOrigin):
                return 0, str(exc.exc), None  # this repo only: a redirect we will not follow
            raise _Stop(f"GitHub REST unavailable ({_describe(exc)})") from exc
        raw = response.raw_response
        if raw.status_code == 304 and stored is not None:
            return stored.get("status", 200), stored.get("body"), raw
        body = _json(raw)
        etag = raw.headers.get("etag")
        if raw.status_code == 200 and etag:
            writes.append((ETAG_NS, key, {"etag": etag, "status": 200, "body": _slim(body)}))
        return raw.status_code, body, raw

    # -- new repositories of tracked orgs ------------------------------------------------------------------

    def _cached_orgs(
        self, rules: Sequence[_OrgRule], state: State, now: datetime
    ) -> tuple[dict[str, dict[str, Any]], list[str]]:
        """Listings younger than the TTL (lower org -> listing), and the orgs to ask."""
        cached: dict[str, dict[str, Any]] = {}
        ask: list[str] = []
        for org in dict.fromkeys(r.rule.org for r in rules):
            stored = state.get(ORGS_NS, org.lower())
            if stored is not None and _fresh(stored, now, self.config.ttl_hours):
                cached[org.lower()] = stored
            elif org.lower() not in (a.lower() for a in ask):
                ask.append(org)
        return cached, ask

    def _cutoffs(self, orgs: Sequence[str], rules: Sequence[_OrgRule], state: State) -> dict[str, str | None]:
        """lower org -> the creation time below which a listing may stop (None: the first page is enough)."""
        out: dict[str, str | None] = {}
        for org in orgs:
            low = org.lower()
            sinces = [r.rule.since.isoformat() for r in rules if r.rule.org.lower() == low and r.rule.since]
            baseline = (state.get(ORG_BASELINE_NS, low) or {}).get("newest")
            candidates = [*sinces, *([baseline] if baseline else [])]
            out[low] = min(candidates) if candidates else None
        return out

    def _list_orgs(
        self,
        gh: GitHub[Any],
        orgs: list[str],
        rules: Sequence[_OrgRule],
        state: State,
        writes: list[tuple[str, str, Any]],
        now: datetime,
    ) -> dict[str, dict[str, Any]]:
        """Every asked org's repositories, newest first, down to its cutoff: GraphQL batches (``repositoryOwner
        .repositories`` ordered by creation) with a token, else REST ``/users/{org}/repos?sort=created``."""
        cutoffs = self._cutoffs(orgs, rules, state)
        if self.token:
            listings = self._graphql_orgs(gh, orgs, cutoffs)
        else:
            listings = self._rest_orgs(gh, orgs, cutoffs, state, writes)
        for low, listing in listings.items():
            if not listing.get("error"):
                listing["fetched_at"] = now.isoformat()
                writes.append((ORGS_NS, low, listing))
        return listings

    def _graphql_orgs(
        self, gh: GitHub[Any], orgs: list[str], cutoffs: Mapping[str, str | None]
    ) -> dict[str, dict[str, Any]]:
        listings = {org.lower(): {"found": True, "repos": []} for org in orgs}
        pending: dict[str, str | None] = dict.fromkeys(orgs)  # org -> cursor of its next page
        answered = {org: self._owner_pages[org] for org in orgs if org in self._owner_pages}
        while pending:
            if answered:  # first pages that came with the repositories' last batch: no request
                batch: dict[str, str | None] = {org: None for org in orgs if org in answered}
                data = {f"o{i}": answered[org] for i, org in enumerate(batch)}
                for org in batch:
                    del pending[org]
                answered = {}
                self._owner_round(batch, data, listings, pending, cutoffs)
                continue
            batch = dict(list(pending.items())[:ORGS_PER_QUERY])
            for org in batch:
                del pending[org]
            try:
                data = gh.graphql.request(orgs_query(batch))
            except GraphQLFailed as exc:
                data = exc.response.data or {}
            except (RateLimitExceeded, RequestError) as exc:
                for org in batch:
                    listings[org.lower()] = {"error": f"GitHub GraphQL (repositories of {org}): {_describe(exc)}"}
                continue
            self._owner_round(batch, data, listings, pending, cutoffs)
        return listings

    @staticmethod
    def _owner_round(
        batch: Mapping[str, str | None],
        data: Mapping[str, Any],
        listings: dict[str, dict[str, Any]],
        pending: dict[str, str | None],
        cutoffs: Mapping[str, str | None],
    ) -> None:
        """Add one page per org in ``batch`` (answers ``o0``, ``o1``, ...) and queue the next page where needed."""
        for index, org in enumerate(batch):
            alias = f"o{index}"
            if alias not in data:
                listings[org.lower()] = {"error": f"GitHub GraphQL: no answer for the repositories of {org}"}
                continue
            node = data[alias]
            if node is None:
                listings[org.lower()] = {"found": False, "repos": []}
                continue
            connection = node.get("repositories") or {}
            nodes = connection.get("nodes") or []
            listings[org.lower()]["repos"] += [
                {"name": n["nameWithOwner"], "created_at": n.get("createdAt"), "fork": bool(n.get("isFork"))}
                for n in nodes
                if n and n.get("nameWithOwner")
            ]
            info = connection.get("pageInfo") or {}
            cutoff = cutoffs.get(org.lower())
            oldest = nodes[-1].get("createdAt") if nodes else None
            if info.get("hasNextPage") and cutoff and oldest and oldest >= cutoff:
                pending[org] = info.get("endCursor")

    def _rest_orgs(
        self,
        gh: GitHub[Any],
        orgs: list[str],
        cutoffs: Mapping[str, str | None],
        state: State,
        writes: list[tuple[str, str, Any]],
    ) -> dict[str, dict[str, Any]]:
        listings: dict[str, dict[str, Any]] = {}
        for org in orgs:
            repos: list[dict[str, Any]] = []
            page = 1
            try:
                while True:
                    params = {"type": "owner", "sort": "created", "direction": "desc", "per_page": ORG_PAGE}
                    if page > 1:
                        params["page"] = page
                    status, body, _ = self._get(gh, f"users/{org}/repos", state, writes, params=params)
                    if status == 404 and isinstance(body, dict) and "message" in body:
                        listings[org.lower()] = {"found": False, "repos": []}
                        break
                    if status != 200 or not isinstance(body, list):
                        listings[org.lower()] = {"error": f"GET /users/{org}/repos: HTTP {status}"}
                        break
                    repos += [
                        {"name": r["full_name"], "created_at": r.get("created_at"), "fork": bool(r.get("fork"))}
                        for r in body
                        if isinstance(r, dict) and r.get("full_name")
                    ]
                    cutoff = cutoffs.get(org.lower())
                    oldest = body[-1].get("created_at") if body else None
                    if len(body) < ORG_PAGE or not cutoff or not oldest or oldest < cutoff:
                        listings[org.lower()] = {"found": True, "repos": repos}
                        break
                    page += 1
            except _Stop as exc:
                listings[org.lower()] = {"error": str(exc)}
        return listings

    def _new_repos(
        self,
        loaded: LoadedCatalog,
        rules: Sequence[_OrgRule],
        listings: Mapping[str, dict[str, Any]],
        result: SourceResult,
        state: State,
        writes: list[tuple[str, str, Any]],
        now: datetime,
    ) -> list[Finding]:
        """New-release findings for repositories created in tracked orgs since the baseline (or ``since``)."""
        known = {s.id.lower() for s in result.facts}
        known |= {f.moved_to.id.lower() for f in result.facts.values() if f.moved_to is not None}
        known |= {repo.lower() for _, _, e in loaded.catalog.entries() for repo in e.track.github}
        dismissed = {d.lower() for d in state.dismissed()}
        dismissed |= {d.lower() for _, _, e in loaded.catalog.entries() for d in e.dismissed}
        found: dict[str, Finding] = {}
        new_baselines: dict[str, str] = {}
        for rule in rules:
            low = rule.rule.org.lower()
            listing = listings.get(low)
            if listing is None or listing.get("error"):
                continue
            if not listing.get("found"):
                subject = Subject("url", f"{WEB}/{rule.rule.org}")
                message = f"GitHub has no organisation or user {rule.rule.org!r} (tracked by {rule.entry_id})"
                found.setdefault(
                    str(subject),
                    Finding(Kind.UNKNOWN, subject, message, {"org": rule.rule.org}, (rule.location,), source=NAME),
                )
                continue
            repos = listing.get("repos") or []
            baseline = (state.get(ORG_BASELINE_NS, low) or {}).get("newest") or new_baselines.get(low)
            if rule.rule.since is None and baseline is None:
                newest = max((r.get("created_at") or "" for r in repos), default="") or now.isoformat()
                new_baselines[low] = newest
                continue  # the first listing is the baseline
            for repo in repos:
                name, created = repo["name"], repo.get("created_at") or ""
                if repo.get("fork") or name.lower() in known or f"gh:{name}".lower() in dismissed:
                    continue
                if not _glob_match(rule.rule.include, rule.rule.exclude, name):
                    continue
                if rule.rule.since is not None:
                    if created[:10] < rule.rule.since.isoformat():
                        continue
                elif not created or created <= str(baseline):
                    continue
                earlier = found.get(name.lower())
                if earlier is not None:
                    locs = tuple(sorted({*earlier.locations, rule.location}))
                    found[name.lower()] = Finding(
                        earlier.kind, earlier.subject, earlier.message, earlier.evidence, locs, source=NAME
                    )
                    continue
                evidence = {
                    "id": name,
                    "kind": "repository",
                    "created_at": created,
                    "url": f"{WEB}/{name}",
                    "entry": rule.entry_id,
                    "rule": {
                        "org": rule.rule.org,
                        "include": rule.rule.include,
                        "exclude": rule.rule.exclude,
                        "since": rule.rule.since.isoformat() if rule.rule.since else None,
                    },
                }
                message = f"new repository by {rule.rule.org}: {name}"
                found[name.lower()] = Finding(
                    Kind.NEW_RELEASE, Subject("github", name), message, evidence, (rule.location,), source=NAME
                )
        writes += [(ORG_BASELINE_NS, low, {"newest": newest}) for low, newest in new_baselines.items()]
        return list(found.values())

    # -- findings ---------------------------------------------------------------------------------------------

    def _judge(
        self,
        repo: _Repo,
        outcome: _Outcome,
        result: SourceResult,
        state: State,
        writes: list[tuple[str, str, Any]],
        now: datetime,
        licenses: Mapping[str, str] | None = None,
    ) -> None:
        subject = repo.subject
        licenses = licenses or {}
        locations = tuple(sorted(set(repo.locations)))

        def finding(kind: Kind, message: str, evidence: dict[str, Any], new: Subject | None = None) -> None:
            about = subject
            if moved is not None and kind is not Kind.MOVED:  # about the repo under its new name; old as alias
                about, evidence = moved, {**evidence, "alias": repo.name}
            result.findings.append(Finding(kind, about, message, evidence, locations, new, source=self.name))

        moved: Subject | None = None

        if outcome.exists is None:
            result.facts[subject] = Fact(subject, None, data={"error": outcome.evidence.get("reason", "")})
            finding(Kind.UNKNOWN, f"GitHub could not answer for {repo.name}", outcome.evidence)
            return
        if not outcome.exists:
            result.facts[subject] = Fact(subject, False)
            evidence = {**outcome.evidence, "observed": now.isoformat()}
            finding(Kind.DEAD, f"GitHub repository {repo.name} was not found", evidence)
            return
        data = outcome.data
        full_name = data.get("full_name") or repo.name
        moved = Subject("github", full_name) if full_name.lower() != repo.name.lower() else None
        result.facts[subject] = Fact(subject, True, moved_to=moved, data=dict(data), reused=outcome.cached)
        if moved is not None:
            finding(
                Kind.MOVED,
                f"GitHub repository {repo.name} is now {full_name}",
                {"from": repo.name, "to": full_name, "via": data.get("via", ""), "url": data.get("url")},
                moved,
            )
        if data.get("archived"):
            finding(Kind.ARCHIVED, f"GitHub repository {full_name} is archived", {"url": data.get("url")})
        if data.get("disabled"):
            finding(Kind.DISABLED, f"GitHub repository {full_name} is disabled", {"url": data.get("url")})
        if repo.tracked and "latest" in data:
            self._new_release(repo, data["latest"], state, writes, finding)
        listed_license = licenses.get(repo.name.lower())
        if listed_license and data.get("license") and data["license"] != listed_license:
            finding(
                Kind.CHANGED,
                f"GitHub repository {full_name}: the license is {data['license']}, the list says {listed_license}",
                {"field": "license", "old": listed_license, "new": data["license"], "url": data.get("url")},
            )

    def _new_release(
        self,
        repo: _Repo,
        latest: dict[str, Any] | None,
        state: State,
        writes: list[tuple[str, str, Any]],
        finding: Any,
    ) -> None:
        tag = latest["tag"] if latest else None
        seen = state.get(SEEN_NS, repo.name)
        if seen is None or seen.get("tag") != tag:
            writes.append((SEEN_NS, repo.name, {"tag": tag}))
        if repo.listed_release is not None:  # the list states what it knows: compare with that, from the first run
            if latest is not None and latest.get("kind") == "release" and tag != repo.listed_release:
                finding(
                    Kind.NEW_RELEASE,
                    f"GitHub repository {repo.name} has a new release {tag} (the list has {repo.listed_release})",
                    {
                        "field": "release",
                        "tag": tag,
                        "published_at": latest.get("published_at"),
                        "url": latest.get("url"),
                        "previous": repo.listed_release,
                    },
                )
            return
        if seen is not None and latest is not None and seen.get("tag") != tag:
            finding(
                Kind.NEW_RELEASE,
                f"GitHub repository {repo.name} has a new {latest.get('kind', 'release')} {tag}",
                {
                    "tag": tag,
                    "published_at": latest.get("published_at"),
                    "url": latest.get("url"),
                    "previous": seen.get("tag"),
                },
            )


# --- helpers ---------------------------------------------------------------------------------------------------


def _from_graphql(node: dict[str, Any] | None, errors: list[dict[str, Any]]) -> _Outcome:
    if node is not None:
        tags = ((node.get("refs") or {}).get("nodes")) or []
        release = node.get("latestRelease")
        latest: dict[str, Any] | None = None
        if release and release.get("tagName"):
            latest = {
                "tag": release["tagName"],
                "published_at": release.get("publishedAt"),
                "url": release.get("url"),
                "kind": "release",
            }
        elif tags and tags[0].get("name"):
            latest = {
                "tag": tags[0]["name"],
                "published_at": None,
                "url": f"{node.get('url')}/tree/{tags[0]['name']}",
                "kind": "tag",
            }
        data = {
            "full_name": node.get("nameWithOwner"),
            "archived": bool(node.get("isArchived")),
            "disabled": bool(node.get("isDisabled")),
            "url": node.get("url"),
            "pushed_at": node.get("pushedAt"),
            "license": (node.get("licenseInfo") or {}).get("spdxId"),
            "latest": latest,
            "via": "graphql",
        }
        return _Outcome(True, data)
    if errors and all(e.get("type") == "NOT_FOUND" for e in errors):
        return _Outcome(False, evidence={"error_type": "NOT_FOUND", "message": errors[0].get("message", "")})
    reason = _messages(errors) or "no data for this repository"
    return _Outcome(None, evidence={"reason": f"GitHub GraphQL: {reason}"})


def _messages(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e.get('type') or 'error'}: {e.get('message', '')}" for e in errors[:3])


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RequestFailed):
        return f"HTTP {exc.response.status_code}"
    inner = getattr(exc, "exc", None)
    return f"{type(inner or exc).__name__}: {inner or exc}"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _slim(body: Any) -> Any:
    """Keep only what the adapter reads, so the state store stays small."""
    keep = ("full_name", "archived", "disabled", "html_url", "pushed_at", "tag_name", "published_at", "name", "license")
    if isinstance(body, dict):
        return {k: body[k] for k in keep if k in body}
    if isinstance(body, list):
        return [_slim(item) for item in body[:1]]
    return body


@dataclass
class _OrgRule:
    rule: GitHubOrgRule
    entry_id: str
    location: Location


def _org_rules(loaded: LoadedCatalog) -> list[_OrgRule]:
    out = []
    for file, family in loaded.catalog.ordered():
        for e_index, entry in enumerate(family.entries):
            for r_index, rule in enumerate(entry.track.github_orgs):
                path = ("entries", e_index, "track", "github_orgs", r_index)
                out.append(_OrgRule(rule, entry.id, Location(file, loaded.line(file, path), format_path(path))))
    return out


def _glob_match(include: Sequence[str], exclude: Sequence[str], full_name: str) -> bool:
    """Globs match the repo name (or the whole ``owner/name`` when they contain '/'), case-insensitively."""
    name = full_name.split("/", 1)[-1].lower()

    def hit(pattern: str) -> bool:
        return fnmatch.fnmatchcase(full_name.lower() if "/" in pattern else name, pattern.lower())

    return any(hit(p) for p in include) and not any(hit(p) for p in exclude)


def _listed_licenses(loaded: LoadedCatalog) -> dict[str, str]:
    """lower-cased owner/name -> the license the list states for that code repo."""
    return {
        item.repo.lower(): item.license
        for _, _, entry in loaded.catalog.entries()
        for item in entry.code
        if isinstance(item, CodeRepo) and item.license
    }


def _complete(cached: dict[str, Any], repo: _Repo) -> bool:
    """A cached fact serves a tracked repo only if it knows the latest release."""
    return not repo.tracked or "latest" in cached


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _fresh(cached: dict[str, Any], now: datetime, ttl_hours: float) -> bool:
    try:
        fetched = _utc(datetime.fromisoformat(cached["fetched_at"]))
    except (KeyError, TypeError, ValueError):
        return False
    return 0 <= (now - fetched).total_seconds() < ttl_hours * 3600


def build(config: Config | SourcesConfig, env: Mapping[str, str] | None = None) -> GitHubSource:
    """The adapter for a configuration; the token comes from ``GITHUB_TOKEN`` in ``env`` (default: the process)."""
    env = os.environ if env is None else env
    sources = config.sources if isinstance(config, Config) else config
    return GitHubSource(sources, env.get("GITHUB_TOKEN") or None)
