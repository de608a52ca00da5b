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
neither the token nor a request leaves the origin). Only this package (and the publish code) imports githubkit.

The parts: ``transport`` (the client and its budget), ``graphql`` and ``rest`` (the questions), ``findings``,
``orgs`` (new repositories of tracked orgs) and ``common``; this module runs them in order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from listkeeper.catalog.load import LoadedCatalog, format_path
from listkeeper.catalog.model import CodeRepo
from listkeeper.catalog.refs import Ref
from listkeeper.config import Config, SourcesConfig
from listkeeper.evidence import reason
from listkeeper.findings import Finding, Location
from listkeeper.sources import backoff, tracking
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.sources.github import findings, graphql, orgs, rest
from listkeeper.sources.github.common import FACTS_NS, NAME, Outcome, Repo, Writes, fresh, utc
from listkeeper.sources.github.transport import Api
from listkeeper.state import State
from listkeeper.subjects import Subject


class GitHubSource:
    """Facts and findings for ``gh:`` subjects in the catalog and for ``track.github`` repositories."""

    name = NAME

    def __init__(self, config: SourcesConfig, token: str | None) -> None:
        self.config = config
        self.token = token or None

    def wants(self, subject: Subject) -> bool:
        return subject.kind == "github"

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self, loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime) -> SourceResult:
        now = utc(now)
        api = Api(self.config, self.token)
        result = SourceResult(self.name)
        repos = self._repos(loaded, refs)
        outcomes: dict[str, Outcome] = {}
        pending: list[Repo] = []
        backoffs = backoff.pending(state, NAME)
        replay: dict[str, backoff.Backoff] = {}
        for repo in repos.values():
            cached = state.get(FACTS_NS, repo.name)
            stored = backoffs.get(repo.subject)
            if cached is not None and fresh(cached, now, self.config.ttl_hours) and _complete(cached, repo):
                outcomes[repo.name] = Outcome(True, cached, cached=True)
            elif stored is not None and not stored.due(now) and self.config.ttl_hours > 0:
                replay[repo.name] = stored  # missing or unknowable when last asked: not again before next_at
            else:
                pending.append(repo)
        writes: Writes = []
        org_rules = tracking.github_org_rules(loaded)
        listings, org_ask = orgs.cached_orgs(org_rules, state, now, self.config.ttl_hours)
        if pending or org_ask:
            gh = api.client()  # keep the reference: githubkit's namespaces only hold a weakref to it
            with gh:
                by_rest = pending
                if self.token and pending:
                    by_rest = graphql.repositories(api, gh, pending, outcomes, org_ask)
                rest.repositories(api, gh, by_rest, outcomes, state, writes)
                if org_ask:
                    listings |= orgs.list_orgs(api, gh, org_ask, org_rules, state, writes, now)
        licenses = findings.listed_licenses(loaded)
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
            findings.judge(repo, outcome, result, state, writes, now, licenses)
            if not outcome.cached:
                asked[repo.subject] = result.findings[before:]
        reasons = [reason(o.evidence) for o in outcomes.values() if o.exists is None]
        reasons += [v["error"] for v in listings.values() if v.get("error")]
        result.unavailable = next((r for r in reasons if r), None)
        result.findings += orgs.new_repos(loaded, org_rules, listings, result, state, writes, now)
        with state.transaction():
            for namespace, key, value in writes:
                state.put(namespace, key, value)
            # Unknown repos back off only when GitHub answered at all: a run that reached nobody writes no state.
            answered = api.budget.responses > 0
            for subject, found in asked.items():
                if (kind := backoff.outcome_of(found)) == "unknown" and not answered:
                    continue
                if kind is not None:
                    stored_findings = [f for f in found if str(f.kind) == kind]
                    previous = backoffs.get(subject)
                    ttl = self.config.ttl_hours
                    backoff.remember(
                        state, NAME, subject, kind, stored_findings, now=now, ttl_hours=ttl, previous=previous
                    )
                elif subject in backoffs:
                    backoff.forget(state, NAME, subject)
        result.requests = api.budget.requests
        return result

    def _repos(self, loaded: LoadedCatalog, refs: Sequence[Ref]) -> dict[str, Repo]:
        repos: dict[str, Repo] = {}
        for ref in refs:
            if self.wants(ref.subject):
                repos.setdefault(ref.subject.id, Repo(ref.subject.id)).locations.append(ref.location)
        for file, family in loaded.catalog.ordered():
            for e_index, entry in enumerate(family.entries):
                for item in entry.code:
                    if isinstance(item, CodeRepo) and item.release and item.repo in repos:
                        repos[item.repo].tracked = True
                        repos[item.repo].listed_release = item.release
                for r_index, name in enumerate(entry.track.github):
                    path = ("entries", e_index, "track", "github", r_index)
                    repo = repos.setdefault(name, Repo(name))
                    repo.tracked = True
                    repo.locations.append(Location(file, loaded.line(file, path), format_path(path)))
        return repos


def _complete(cached: dict[str, Any], repo: Repo) -> bool:
    """A cached fact serves a tracked repo only if it knows the latest release."""
    return not repo.tracked or "latest" in cached


def build(config: Config | SourcesConfig, env: Mapping[str, str] | None = None) -> GitHubSource:
    """The adapter for a configuration; the token comes from ``GITHUB_TOKEN`` in ``env`` (default: the process)."""
    env = os.environ if env is None else env
    sources = config.sources if isinstance(config, Config) else config
    return GitHubSource(sources, env.get("GITHUB_TOKEN") or None)
