"""The one githubkit client factory and its retry policy (the sources' GitHub adapter and the publisher use it).

Every client: the configured API base URL, our User-Agent, a timeout, no in-memory HTTP cache (ETags live in the
state store), redirects followed on the API origin only (:func:`listkeeper.http.origin.refuse_foreign_redirect`),
and githubkit's ``auto_retry`` hook answered by :func:`retry_policy` (the one :mod:`listkeeper.http.retry` policy).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import httpx
from githubkit import GitHub
from githubkit.exception import GitHubException, RateLimitExceeded, RequestFailed
from githubkit.retry import RetryOption

from listkeeper.config import USER_AGENT_URL
from listkeeper.http.origin import refuse_foreign_redirect
from listkeeper.http.retry import next_wait, retry_after, retryable

USER_AGENT = f"listkeeper (+{USER_AGENT_URL})"

RetryPolicy = Callable[[GitHubException, int], RetryOption]
Hook = Callable[[httpx.Response], None]


def api_base(api_url: str) -> httpx.URL:
    """The API base URL with exactly one trailing slash (githubkit joins paths onto it)."""
    return httpx.URL(api_url.rstrip("/") + "/")


def retry_policy(
    max_retries: int,
    max_wait: float,
    *,
    fits: Callable[[float], bool] = lambda _wait: True,
    clock: Callable[[], float] = time.time,
) -> RetryPolicy:
    """githubkit's ``auto_retry`` hook: retry rate limits and server errors up to ``max_retries`` times, waiting
    what the server asked (``Retry-After``, ``X-RateLimit-Reset``, ...) or our own backoff; never a wait longer
    than ``max_wait`` or one that ``fits`` refuses (the run deadline).

    githubkit sleeps 60 s when the returned delay is zero (``timedelta(0)`` is falsy): never return zero.
    """

    def decide(exc: GitHubException, count: int) -> RetryOption:
        if count >= max_retries:
            return RetryOption(False)
        wait: float | None
        if isinstance(exc, RateLimitExceeded):
            named = retry_after(exc.response.headers, clock())
            wait = named if named is not None else exc.retry_after.total_seconds()  # githubkit's default (60 s)
        elif isinstance(exc, RequestFailed) and retryable(exc.response.status_code) and exc.response.status_code != 408:
            wait = next_wait(count, exc.response.headers, clock(), cap=max_wait)
        else:
            return RetryOption(False)
        if wait is None or wait > max_wait or not fits(wait):
            return RetryOption(False)
        return RetryOption(True, timedelta(seconds=max(wait, 0.001)))

    return decide


def client(
    token: str | None,
    api_url: str,
    *,
    timeout: httpx.Timeout,
    retry: RetryPolicy,
    on_request: Sequence[Callable[[httpx.Request], None]] = (),
    on_response: Sequence[Hook] = (),
    transport: httpx.BaseTransport | None = None,
) -> GitHub[Any]:
    """A githubkit client for ``api_url``. With ``transport``, the environment is not trusted (a proxy would be
    mounted beside the transport): the transport carries any proxy itself.

    Keep a reference to the client: githubkit's namespaces only hold a weakref to it.
    """
    base = api_base(api_url)
    extra: dict[str, Any] = {} if transport is None else {"transport": transport, "trust_env": False}
    return GitHub(
        token,
        base_url=str(base),
        user_agent=USER_AGENT,
        timeout=timeout,
        http_cache=False,
        auto_retry=retry,
        follow_redirects=True,
        event_hooks={"request": list(on_request), "response": [*on_response, refuse_foreign_redirect(base)]},
        **extra,
    )
