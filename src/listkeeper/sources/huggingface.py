"""The Hugging Face Hub adapter: models, datasets, Spaces and collections the catalog points at, and new releases
by tracked authors.

How it keeps the request count low (politeness is correctness, see CONTRIBUTING):

* one ``list_models/list_datasets/list_spaces(author=owner, expand=[...])`` answers every catalog repo of an owner
  that has two or more of them, and the same listing serves the tracking rules for that author;
* one raw ``GET /api/collections/{slug}`` per collection (the raw JSON keeps per-item gated/lastModified/runtime,
  which ``huggingface_hub.Collection`` drops), and its items answer for catalog repos they contain;
* per-id ``*_info`` only for the rest (single-repo owners, ids missing from their owner's listing);
* facts younger than ``ttl_hours`` are reused from the state store, so a second run within the TTL sends nothing.

Failures never turn into "dead": only the Hub's own "repository not found" answer does. Everything the library
sends goes through :class:`.hf.transport.PoliteTransport`, which retries 408/429/5xx and network errors with
waits taken from ``Retry-After`` / ``RateLimit: "api";r=0;t=N`` (the one :mod:`listkeeper.http.retry` policy,
capped at ``max_retry_wait``), counts every request actually sent, and, when it gives up, raises an exception
the library's own ``http_backoff`` does not retry (that one sleeps up to five times with uncapped waits for
listings).

The parts live in :mod:`listkeeper.sources.hf`: ``transport``, ``queries``, ``cache``, ``summary``,
``findings`` and ``releases``; this module runs them in order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.catalog.refs import Ref
from listkeeper.config import SourcesConfig
from listkeeper.findings import Finding, Location
from listkeeper.sources import backoff, tracking
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.sources.hf import cache
from listkeeper.sources.hf.common import (
    NAME,
    NS_RENAMED,
    SUBJECT_KIND,
    Run,
)
from listkeeper.sources.hf.findings import fact_findings, license_findings
from listkeeper.sources.hf.queries import HubQueries
from listkeeper.sources.hf.releases import new_releases
from listkeeper.state import State
from listkeeper.subjects import Subject


class HuggingFaceSource(HubQueries):
    """Answers ``hf-model``, ``hf-dataset``, ``hf-space`` and ``hf-collection`` subjects (see module docstring)."""

    name = NAME

    def wants(self, subject: Subject) -> bool:
        return subject.kind in ("hf-model", "hf-dataset", "hf-space", "hf-collection")

    def run(self, loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime) -> SourceResult:
        start_requests = self.traffic.requests
        self.traffic.hops.clear()
        run = Run(now=now)
        locations: dict[Subject, list[Location]] = defaultdict(list)
        for ref in refs:
            if self.wants(ref.subject):
                locations[ref.subject].append(ref.location)
        rules = tracking.hf_author_rules(loaded)
        cached = cache.cached_facts(state, now, self.config.ttl_hours)
        run.facts.update({s: f for s, f in cached.items() if s in locations})
        backoffs = backoff.pending(state, NAME)
        replay = {
            s: b
            for s in locations
            if s not in run.facts
            and (b := backoffs.get(s)) is not None
            and not b.due(now)
            and self.config.ttl_hours > 0
        }
        needed = [s for s in locations if s not in run.facts and s not in replay]
        cache.load_cached_listings(state, run, self.config.ttl_hours)
        run.renamed_owners.update({k: v for k, v in state.items(NS_RENAMED).items() if isinstance(v, str)})

        with self._session():
            self._collections(state, run, [s for s in needed if s.kind == "hf-collection"])
            for kind in ("model", "dataset", "space"):
                subjects = [s for s in needed if s.kind == SUBJECT_KIND[kind] and s not in run.facts]
                self._repos(run, kind, subjects, rules)
            self._follow_renamed_authors(run, rules)

        findings: list[Finding] = []
        for s in locations:
            if (stored := replay.get(s)) is not None:
                exists = False if stored.outcome == "dead" else None
                stamp = datetime.fromtimestamp(stored.asked_at, UTC).isoformat()
                run.facts[s] = Fact(s, exists, data={"checked_at": stamp}, reused=True)
                findings += stored.replay(tuple(sorted(set(locations[s]))))
            else:
                findings += fact_findings(run.facts[s], locations[s], self.endpoints)
        findings += license_findings(loaded, run.facts, locations, self.endpoints)
        findings += new_releases(loaded, state, run, rules, locations, self.endpoints)
        cache.store(state, run, cached, rules)
        # Unknown subjects back off only when the Hub answered at all: a run that reached nobody writes no state.
        answered = bool(self.traffic.hops)
        with state.transaction():
            for s in needed:
                fact = run.facts.get(s)
                if fact is None or (fact.exists is None and not answered):
                    continue
                outcome: backoff.Outcome | None = (
                    "dead" if fact.exists is False else "unknown" if fact.exists is None else None
                )
                if outcome is not None:
                    stored_findings = [f for f in findings if f.subject == s and str(f.kind) == outcome]
                    ttl = self.config.ttl_hours
                    backoff.remember(
                        state, NAME, s, outcome, stored_findings, now=now, ttl_hours=ttl, previous=backoffs.get(s)
                    )
                elif s in backoffs:
                    backoff.forget(state, NAME, s)
        result = SourceResult(NAME, facts=dict(run.facts), findings=findings)
        result.requests = self.traffic.requests - start_requests
        if run.broken or run.failures:
            result.unavailable = run.broken or "; ".join(run.failures[:3])
        return result


def build(config: SourcesConfig, env: Mapping[str, str]) -> HuggingFaceSource:
    """The adapter as the source registry builds it: the token comes from ``HF_TOKEN``."""
    return HuggingFaceSource(config, token=env.get("HF_TOKEN") or None)
