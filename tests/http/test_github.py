"""githubkit's ``auto_retry`` answered by the one retry policy."""

from __future__ import annotations

import email.utils
from datetime import timedelta

import httpx
from githubkit.exception import PrimaryRateLimitExceeded, RequestFailed
from githubkit.response import Response

from listkeeper.http.github import retry_policy

NOW = 1_700_000_000.0


def failed(status: int, headers: dict[str, str]) -> RequestFailed:
    raw = httpx.Response(status, headers=headers, request=httpx.Request("GET", "https://api.example/x"))
    return RequestFailed(Response(raw, object))


def test_server_errors_retry_with_backoff_and_named_waits() -> None:
    policy = retry_policy(3, 10, clock=lambda: NOW)
    assert policy(failed(502, {}), 0).retry_after == timedelta(seconds=0.5)
    assert policy(failed(503, {"retry-after": "4"}), 1).retry_after == timedelta(seconds=4)
    dated = email.utils.formatdate(NOW + 5, usegmt=True)
    assert policy(failed(429, {"retry-after": dated}), 0).retry_after == timedelta(seconds=5)  # an HTTP-date
    assert not policy(failed(503, {"retry-after": "60"}), 0).do_retry  # longer than we may wait
    assert not policy(failed(502, {}), 3).do_retry  # retries used up
    assert not policy(failed(404, {}), 0).do_retry


def test_a_zero_wait_is_never_returned() -> None:  # githubkit sleeps 60 s on timedelta(0)
    policy = retry_policy(3, 10, clock=lambda: NOW)
    option = policy(failed(503, {"retry-after": "0"}), 0)
    assert option.do_retry and option.retry_after == timedelta(seconds=0.001)


def test_primary_rate_limit_waits_until_the_reset_within_the_deadline() -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 5)}
    raw = httpx.Response(403, headers=headers, request=httpx.Request("GET", "https://api.example/x"))
    exc = PrimaryRateLimitExceeded(Response(raw, object), timedelta(seconds=999))
    assert retry_policy(3, 10, clock=lambda: NOW)(exc, 0).retry_after == timedelta(seconds=5)
    assert not retry_policy(3, 10, fits=lambda wait: wait < 5, clock=lambda: NOW)(exc, 0).do_retry
