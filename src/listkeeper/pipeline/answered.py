"""What counts as an answer in a check run, and so when "nothing was checked".

"Nothing checked" means something was asked and nothing answered: no link request got an HTTP response (refused,
reset, timed out, or DNS failed, NXDOMAIN included, since a resolver that knows no host at all is no evidence about
any one link) and no source got a fresh answer (facts reused from the state store are not answers). Then the run
says so (exit 3), marks nothing dead (dead evidence becomes ``unknown``), and records nothing in the state store.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from listkeeper.links.status import LinkResult, Verdict
from listkeeper.sources.base import Fact, SourceResult

#: Link verdicts that are not requests (nothing was sent).
NOT_SENT = frozenset({Verdict.EXCLUDED, Verdict.FORBIDDEN, Verdict.INVALID})


def _fresh_answer(fact: Fact) -> bool:
    """True when a fact is this run's answer from the service: it says yes or no, and was not reused."""
    return fact.exists is not None and not fact.reused


def _source_answered(result: SourceResult) -> bool:
    """True when the service answered at least one question in this run."""
    if result.requests == 0:
        return False
    if result.unavailable is None:
        return True
    return any(_fresh_answer(fact) for fact in result.facts.values())


def _named_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(host)
    return False


def distrust_lone_nxdomain(
    results: Mapping[str, LinkResult], source_results: Sequence[SourceResult]
) -> dict[str, LinkResult]:
    """NXDOMAIN is dead evidence only when name resolution demonstrably worked in the same run.

    A resolver that answers "no such host" for every name (no network, a sandbox, a broken resolv.conf) would
    otherwise make every link dead, and an intercepting proxy that answers for IP addresses would hide that from
    :func:`nothing_checked`. So unless some link on a *named* host got an HTTP answer, or a source answered, a
    DNS-dead result (DEAD without an HTTP status) becomes ERROR.
    """
    resolved = any(r.status is not None and _named_host(r.url) for r in results.values()) or any(
        _source_answered(s) for s in source_results
    )
    if resolved:
        return dict(results)
    return {
        url: replace(r, verdict=Verdict.ERROR, detail=f"{r.detail}; not evidence: no host name resolved in this run")
        if r.verdict is Verdict.DEAD and r.status is None
        else r
        for url, r in results.items()
    }


def nothing_checked(results: Mapping[str, LinkResult], source_results: Sequence[SourceResult]) -> bool:
    """True when something was asked and nothing answered (see the module docstring)."""
    requested = [r for r in results.values() if not r.cached and r.verdict not in NOT_SENT]
    asked = bool(requested) or any(s.requests or s.unavailable for s in source_results)
    if not asked:
        return False
    links_answered = any(r.status is not None for r in requested)
    return not links_answered and not any(_source_answered(s) for s in source_results)
