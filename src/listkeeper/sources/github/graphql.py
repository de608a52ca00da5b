"""The GitHub adapter's GraphQL questions (with a token): repositories in aliased batches, and the newest
repositories of tracked orgs, each answer reduced to an :class:`~.common.Outcome` or an org listing.

githubkit raises ``GraphQLFailed`` on *any* error, even one alias's NOT_FOUND, so the partial data and the
per-alias errors are taken from the exception. A rate-limit error (HTTP 200!) makes the rest *unknown*.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from githubkit import GitHub
from githubkit.exception import GraphQLFailed, RateLimitExceeded, RequestError

from listkeeper.sources.github.common import ORG_PAGE, Outcome, Repo, describe
from listkeeper.sources.github.transport import Api

GRAPHQL_BATCH = 50
ORGS_PER_QUERY = 20  # repositoryOwner aliases per GraphQL request

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


def repositories(
    api: Api, gh: GitHub[Any], repos: list[Repo], outcomes: dict[str, Outcome], orgs: Sequence[str] = ()
) -> list[Repo]:
    """Ask in batches; returns the repos GraphQL could not answer at all (for REST to try).

    A spent rate limit makes every later batch unknown without asking (REST would not know more). The first
    page of each tracked org rides along with the last batch (kept in ``api.owner_pages``).
    """
    fallback: list[Repo] = []
    limited: str | None = None
    broken = False
    for start in range(0, len(repos), GRAPHQL_BATCH):
        batch = repos[start : start + GRAPHQL_BATCH]
        if limited is not None:
            outcomes.update({repo.name: Outcome(None, evidence={"reason": limited}) for repo in batch})
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
            outcomes.update({repo.name: Outcome(None, evidence={"reason": limited}) for repo in batch})
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
            outcomes[repo.name] = from_graphql(data.get(f"r{index}"), by_alias.get(f"r{index}", []))
        if last:
            api.owner_pages = {org: data[f"o{i}"] for i, org in enumerate(orgs) if f"o{i}" in data}
        limit = data.get("rateLimit") or {}
        if isinstance(limit.get("remaining"), int) and limit["remaining"] < max(1, limit.get("cost") or 1):
            limited = f"GitHub GraphQL rate limit exhausted (resets {limit.get('resetAt')})"
    return fallback


def from_graphql(node: dict[str, Any] | None, errors: list[dict[str, Any]]) -> Outcome:
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
        return Outcome(True, data)
    if errors and all(e.get("type") == "NOT_FOUND" for e in errors):
        return Outcome(False, evidence={"error_type": "NOT_FOUND", "message": errors[0].get("message", "")})
    reason = _messages(errors) or "no data for this repository"
    return Outcome(None, evidence={"reason": f"GitHub GraphQL: {reason}"})


def _messages(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e.get('type') or 'error'}: {e.get('message', '')}" for e in errors[:3])


def org_listings(
    api: Api, gh: GitHub[Any], orgs: list[str], cutoffs: Mapping[str, str | None]
) -> dict[str, dict[str, Any]]:
    """Every org's repositories, newest first, down to its cutoff (``repositoryOwner.repositories`` ordered by
    creation, :data:`ORGS_PER_QUERY` orgs per request)."""
    listings = {org.lower(): {"found": True, "repos": []} for org in orgs}
    pending: dict[str, str | None] = dict.fromkeys(orgs)  # org -> cursor of its next page
    answered = {org: api.owner_pages[org] for org in orgs if org in api.owner_pages}
    while pending:
        if answered:  # first pages that came with the repositories' last batch: no request
            batch: dict[str, str | None] = {org: None for org in orgs if org in answered}
            data = {f"o{i}": answered[org] for i, org in enumerate(batch)}
            for org in batch:
                del pending[org]
            answered = {}
            _owner_round(batch, data, listings, pending, cutoffs)
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
                listings[org.lower()] = {"error": f"GitHub GraphQL (repositories of {org}): {describe(exc)}"}
            continue
        _owner_round(batch, data, listings, pending, cutoffs)
    return listings


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
