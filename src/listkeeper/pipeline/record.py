"""The state store's part in a check run: what it records (this run's observations) and what it answers without a
request (links found ok within the TTL, links a previous run left unanswered, asked first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from listkeeper import memory
from listkeeper.links.status import LinkResult
from listkeeper.pipeline.answered import NOT_SENT
from listkeeper.pipeline.targets import Targets
from listkeeper.sources.base import SourceResult
from listkeeper.state import State


def record(
    state: State,
    results: Mapping[str, LinkResult],
    targets: Targets,
    sources: Sequence[SourceResult],
    now: datetime,
) -> None:
    """Record this run's observations: link results that were requested, and facts the sources asked for now.

    Reused results are not observations: a link found ok within the TTL or a fact from a source's cache says
    nothing new, and recording it again would, for instance, end a dead streak of the same subject without
    evidence (link checks and source facts share the subject's key).
    """
    at = now.timestamp()
    with state.transaction():
        for url, result in results.items():
            if result.cached or result.verdict in NOT_SENT:
                continue
            memory.record(
                state,
                memory.evidence_key(targets.subject[url]),
                result.verdict.value,
                status=result.status,
                final_url=result.final_url,
                detail=result.detail,
                at=at,
            )
        for source in sources:
            for fact in source.facts.values():
                if not fact.reused:
                    memory.record_fact(state, fact, at=at)


def cached_ok(
    state: State, targets: Targets, ttl_hours: float, now: float, recheck: frozenset[str] = frozenset()
) -> dict[str, LinkResult]:
    """The targets the store answers without a request: found ok within ``ttl_hours``, and not in ``recheck``."""
    cached = {}
    for url, subject in targets.subject.items():
        if str(subject) in recheck:
            continue
        hit = memory.fresh_ok(state, memory.evidence_key(subject), ttl_hours=ttl_hours, now=now)
        if hit is not None:
            cached[url] = LinkResult(url, hit.verdict, hit.status, hit.final_url, detail=hit.detail, cached=True)
    return cached


def carried_first(to_check: list[str], left: list[str]) -> tuple[list[str], int]:
    """``to_check`` with the URLs a previous run left unanswered first (in their order), and how many those are."""
    wanted = set(to_check)
    first = [url for url in left if url in wanted]
    firsts = set(first)
    return first + [url for url in to_check if url not in firsts], len(first)
