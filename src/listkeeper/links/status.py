"""The outcome of checking one URL: a closed set of verdicts, never a string or a bool.

Only ``DEAD`` (404, 410, NXDOMAIN) and a *permanent* ``REDIRECTED`` can ever lead to catalog changes, and ``DEAD``
only after the memory rule (:mod:`listkeeper.memory`) has seen it repeatedly over time. Everything else that is
not ``OK`` is inconclusive by construction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    OK = "ok"
    REDIRECTED = "redirected"  # permanent (301/308) chain; final_url is the proposal. Temporary redirects are OK.
    DEAD = "dead"  # 404, 410, NXDOMAIN
    BLOCKED = "blocked"  # 401, 403, 999, bot walls (Cloudflare challenge): never dead
    RATE_LIMITED = "rate-limited"  # 429 after retries
    TIMEOUT = "timeout"
    ERROR = "error"  # TLS, connection refused/reset, 5xx after retries, too many redirects
    EXCLUDED = "excluded"  # matched an exclude rule (``check.exclude``): not requested, reported nowhere
    FORBIDDEN = "forbidden"  # a private/loopback/link-local address, also as a redirect target: not contacted
    INVALID = "invalid"  # malformed or empty URL


@dataclass(frozen=True)
class Hop:
    status: int
    url: str


@dataclass(frozen=True)
class LinkResult:
    url: str  # as written in the catalog/Markdown (before remap)
    verdict: Verdict
    status: int | None = None  # final HTTP status, if any
    final_url: str | None = None  # where a permanent redirect chain ends (public URL, after un-remapping)
    chain: tuple[Hop, ...] = ()  # every redirect hop
    detail: str = ""  # human-readable reason ("HTTP 404", "Cloudflare challenge", "connect timeout", ...)
    attempts: int = 1
    elapsed: float = 0.0  # seconds, all attempts
    cached: bool = False  # taken from the state store (fresh OK), no request sent


@dataclass
class CheckStats:
    """What a run cost: for politeness assertions, the summary table and the benchmark."""

    requests: int = 0
    by_host: Counter[str] = field(default_factory=Counter)  # requests per host
    max_in_flight: Counter[str] = field(default_factory=Counter)  # peak concurrent requests per host
    rate_limited: int = 0  # 429 responses received
    retries: int = 0
    host_time: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # seconds per host
    wall: float = 0.0
    deadline: float = 0.0  # seconds the run was allowed (the deadline follows the number of URLs)
    unanswered: list[str] = field(default_factory=list)  # URLs the deadline cut short: asked first next run
    carried_over: int = 0  # URLs a previous run left unanswered, asked first in this one
