"""What the Hub adapter keeps between runs: fresh facts, tracked listings, collection snapshots, release
baselines and learned org renames (one transaction per run).
"""

from __future__ import annotations

from datetime import datetime

from listkeeper.sources.base import Fact
from listkeeper.sources.hf.common import (
    NS_BASELINE,
    NS_COLLECTION,
    NS_FACTS,
    NS_LISTINGS,
    NS_RENAMED,
    Rule,
    Run,
)
from listkeeper.sources.hf.releases import author_now, baselines
from listkeeper.state import State
from listkeeper.subjects import Subject


def fresh(fetched_at: float, now: datetime, ttl_hours: float) -> bool:
    """Whether a value stored at ``fetched_at`` is younger than ``ttl_hours`` at ``now``."""
    return 0 <= now.timestamp() - fetched_at < ttl_hours * 3600


def cached_facts(state: State, now: datetime, ttl_hours: float) -> dict[Subject, Fact]:
    """Facts stored by earlier runs that are still fresh, marked reused."""
    out = {}
    for key, value in state.items(NS_FACTS).items():
        if not isinstance(value, dict) or not fresh(value.get("fetched_at", 0), now, ttl_hours):
            continue
        subject = Subject.parse(key)
        moved = Subject.parse(value["moved_to"]) if value.get("moved_to") else None
        out[subject] = Fact(subject, value["exists"], moved, dict(value.get("data", {})), reused=True)
    return out


def load_cached_listings(state: State, run: Run, ttl_hours: float) -> None:
    """Tracked authors' listings younger than the TTL answer for facts and new releases without a request."""
    for key, value in state.items(NS_LISTINGS).items():
        kind, _, owner = key.partition(":")
        if isinstance(value, dict) and fresh(value.get("fetched_at", 0), run.now, ttl_hours):
            run.listings[(kind, owner)] = value["repos"]


def store(state: State, run: Run, cached: dict[Subject, Fact], rules: list[Rule]) -> None:
    """Write what this run learned in one transaction: alive facts (dead/unknown ones are asked again next
    run, so the memory rule sees independent evidence), tracked listings and collection snapshots."""
    stamp = run.now.timestamp()
    tracked = {(k, author_now(run, r)) for r in rules for k in r.rule.kinds}
    with state.transaction():
        for subject, fact in run.facts.items():
            if fact.exists and subject not in cached:
                value = {"fetched_at": stamp, "exists": True, "data": fact.data}
                value["moved_to"] = str(fact.moved_to) if fact.moved_to else None
                state.put(NS_FACTS, str(subject), value)
        for key in run.fresh_listings & tracked:
            if (repos := run.listings.get(key)) is not None:
                state.put(NS_LISTINGS, f"{key[0]}:{key[1]}", {"fetched_at": stamp, "repos": repos})
        for slug in run.fresh_collections:
            previous = state.get(NS_COLLECTION, slug.lower()) or {}
            items = run.collection_items[slug]
            first_seen = dict(previous.get("first_seen", {}))
            for item in items:
                first_seen.setdefault(item["subject"], run.now.isoformat())
            baseline = previous.get("baseline", [i["subject"] for i in items])
            state.put(
                NS_COLLECTION,
                slug.lower(),
                {"fetched_at": stamp, "items": items, "baseline": baseline, "first_seen": first_seen},
            )
        for owner, kinds in baselines(state, run, rules).items():
            state.put(NS_BASELINE, owner, kinds)
        for old, new in run.renamed_owners.items():
            if state.get(NS_RENAMED, old) != new:
                state.put(NS_RENAMED, old, new)
