"""Retry decisions and server-named waits: pure, with the time passed in (no clock, no sleeping).

    retry_after(headers, now)           # seconds a refusal asked us to wait, or None
    next_wait(attempt, headers, now, cap=120)   # the wait before retry ``attempt``, or None: give up

``headers`` are any mapping whose keys are header names (any case); ``now`` is a Unix time, needed for HTTP-dates
and for reset values given as epoch seconds (GitHub's ``X-RateLimit-Reset``).
"""

from __future__ import annotations

import email.utils
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})  # answers worth asking again (after a wait)
BACKOFF_BASE = 0.5  # seconds: the first wait when the server names none, doubled per attempt
_EPOCH = 1e9  # reset values above this are Unix times (GitHub), below it deltas


@dataclass(frozen=True)
class Advice:
    """What one response's headers say about its host. Pure data, from :func:`read_headers`."""

    wait: float | None = None  # seconds the host asked us to wait (Retry-After, reset of an exhausted budget)
    quota: float | None = None  # requests per second the host's stated policy allows (RateLimit-Policy)
    remaining: float | None = None  # requests left in the current window ...
    reset: float | None = None  # ... and seconds until it resets


def retryable(status: int) -> bool:
    """Whether an HTTP status is worth a retry (timeouts, rate limits, server errors)."""
    return status in RETRY_STATUS


def parse_retry_after(value: str, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delay-seconds or an HTTP-date (``now`` is a Unix time)."""
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _seconds(raw: str, now: float) -> float | None:
    try:
        number = float(raw.strip())
    except ValueError:
        return None
    return max(0.0, number - now if number > _EPOCH else number)


def _param(text: str, *names: str) -> float | None:
    """The first ``name=number`` among ``names`` in a structured header (``limit=10, remaining=3`` or ``;r=3;t=2``)."""
    for name in names:
        if match := re.search(rf"(?:^|[,;\s]){name}=\"?(\d+(?:\.\d+)?)", text):
            return float(match.group(1))
    return None


def _policy_quota(text: str) -> float | None:
    """Requests per second from ``RateLimit-Policy``: the strictest of its policies (``q`` or the leading number,
    over ``w`` seconds, 1 when absent)."""
    rates = []
    for policy in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", text):
        quota = _param(policy, "q")
        if quota is None and (match := re.match(r"\s*(\d+(?:\.\d+)?)", policy)):
            quota = float(match.group(1))
        window = _param(policy, "w") or 1.0
        if quota is not None and window > 0:
            rates.append(quota / window)
    return min(rates) if rates else None


def read_headers(headers: Mapping[str, str], now: float) -> Advice:
    """Read the rate-limit headers of one response (``now`` a Unix time, for dates and epochs).

    When several headers name a wait, the longest wins: politeness errs on the slow side.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    waits: list[float] = []
    if (after := parse_retry_after(lower.get("retry-after", ""), now)) is not None:
        waits.append(after)
    combined = lower.get("ratelimit", "")
    remaining = _param(combined, "remaining", "r")
    reset = _param(combined, "reset", "t")
    for prefix in ("ratelimit-", "x-ratelimit-"):
        if remaining is None and (raw := lower.get(prefix + "remaining", "").strip()):
            remaining = _seconds(raw, 0.0)
        if reset is None and (raw := lower.get(prefix + "reset", "").strip()):
            reset = _seconds(raw, now)
    if remaining is not None and remaining < 1 and reset is not None:
        waits.append(reset)
    quota = _policy_quota(lower.get("ratelimit-policy", ""))
    return Advice(max(waits) if waits else None, quota, remaining, reset)


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds a refusal (429, 503, ...) asked us to wait: ``Retry-After`` (seconds or HTTP-date), and the reset
    of ``RateLimit`` (``reset=N`` / ``t=N``), ``RateLimit-Reset`` or ``X-RateLimit-Reset`` (delta or epoch) unless
    the same answer says requests remain; the longest wins. None when the answer names no wait."""
    advice = read_headers(headers, now)
    waits = [] if advice.wait is None else [advice.wait]
    if advice.reset is not None and (advice.remaining is None or advice.remaining < 1):
        waits.append(advice.reset)
    return max(waits) if waits else None


def backoff(attempt: int, cap: float, base: float = BACKOFF_BASE, rng: random.Random | None = None) -> float:
    """Our own wait before retry ``attempt`` (0-based) when the server named none: ``base * 2**attempt``, at most
    ``cap``; with ``rng``, full jitter (uniform in [0, that])."""
    top = min(cap, base * 2**attempt)
    return rng.uniform(0.0, top) if rng is not None else top


def next_wait(
    attempt: int, headers: Mapping[str, str], now: float, *, cap: float, shorten: bool = False
) -> float | None:
    """The wait before retry ``attempt`` (0-based), or None when the server asks for longer than ``cap``.

    Our own exponential backoff is always shortened to fit ``cap``. A wait the server names is honoured as it is
    (retrying early is what it refused), unless ``shorten``: then it is cut to ``cap`` too (the Hub, whose
    library would otherwise sleep the whole reset itself; the retry after ``cap`` is one request, counted).
    """
    named = retry_after(headers, now)
    if named is None:
        return backoff(attempt, cap)
    if named <= cap:
        return named
    return cap if shorten else None
