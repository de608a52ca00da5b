"""New repositories of tracked GitHub orgs (``track.github_orgs``): which orgs to list, their listings (cached
within the TTL), the baseline of the first listing, and the ``new-release`` findings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from githubkit import GitHub

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.catalog.model import GitHubOrgRule
from listkeeper.evidence import NewItem, typed
from listkeeper.findings import Finding, Kind
from listkeeper.sources import tracking
from listkeeper.sources.base import SourceResult
from listkeeper.sources.github import graphql, rest
from listkeeper.sources.github.common import NAME, ORG_BASELINE_NS, ORGS_NS, WEB, Writes, fresh
from listkeeper.sources.github.transport import Api
from listkeeper.state import State
from listkeeper.subjects import Subject

OrgRule = tracking.Rule[GitHubOrgRule]


def cached_orgs(
    rules: Sequence[OrgRule], state: State, now: datetime, ttl_hours: float
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Listings younger than the TTL (lower org -> listing), and the orgs to ask."""
    cached: dict[str, dict[str, Any]] = {}
    ask: list[str] = []
    for org in dict.fromkeys(r.rule.org for r in rules):
        stored = state.get(ORGS_NS, org.lower())
        if stored is not None and fresh(stored, now, ttl_hours):
            cached[org.lower()] = stored
        elif org.lower() not in (a.lower() for a in ask):
            ask.append(org)
    return cached, ask


def _cutoffs(orgs: Sequence[str], rules: Sequence[OrgRule], state: State) -> dict[str, str | None]:
    """lower org -> the creation time below which a listing may stop (None: the first page is enough)."""
    out: dict[str, str | None] = {}
    for org in orgs:
        low = org.lower()
        sinces = [r.rule.since.isoformat() for r in rules if r.rule.org.lower() == low and r.rule.since]
        baseline = (state.get(ORG_BASELINE_NS, low) or {}).get("newest")
        candidates = [*sinces, *([baseline] if baseline else [])]
        out[low] = min(candidates) if candidates else None
    return out


def list_orgs(
    api: Api,
    gh: GitHub[Any],
    orgs: list[str],
    rules: Sequence[OrgRule],
    state: State,
    writes: Writes,
    now: datetime,
) -> dict[str, dict[str, Any]]:
    """Every asked org's repositories, newest first, down to its cutoff: GraphQL batches (``repositoryOwner
    .repositories`` ordered by creation) with a token, else REST ``/users/{org}/repos?sort=created``."""
    cutoffs = _cutoffs(orgs, rules, state)
    if api.token:
        listings = graphql.org_listings(api, gh, orgs, cutoffs)
    else:
        listings = rest.org_listings(api, gh, orgs, cutoffs, state, writes)
    for low, listing in listings.items():
        if not listing.get("error"):
            listing["fetched_at"] = now.isoformat()
            writes.append((ORGS_NS, low, listing))
    return listings


def new_repos(
    loaded: LoadedCatalog,
    rules: Sequence[OrgRule],
    listings: Mapping[str, dict[str, Any]],
    result: SourceResult,
    state: State,
    writes: Writes,
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
            if not tracking.admits(rule.rule, name):
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
                **typed(NewItem(name, "repository", created)),
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
