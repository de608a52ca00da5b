"""The one retry policy, pure: time is a number passed in."""

from __future__ import annotations

import email.utils
import random

import pytest

from listkeeper.http.retry import Advice, backoff, next_wait, parse_retry_after, read_headers, retry_after, retryable

NOW = 1_700_000_000.0  # a Unix time for HTTP-dates and epoch resets


def test_retry_after_in_seconds_and_as_an_http_date() -> None:
    assert parse_retry_after("2", NOW) == 2
    assert parse_retry_after(" 0.5 ", NOW) == 0.5
    assert parse_retry_after(email.utils.formatdate(NOW + 30, usegmt=True), NOW) == pytest.approx(30)
    assert parse_retry_after("Tue, 14 Nov 2000 22:13:40 GMT", NOW) == 0  # a past date is no wait, never negative
    assert parse_retry_after("-5", NOW) == 0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("", NOW) is None


def test_ratelimit_headers_are_read() -> None:
    # draft-ietf-httpapi-ratelimit-headers, older combined form and the structured form of the current draft
    advice = read_headers({"ratelimit": "limit=10, remaining=0, reset=3", "ratelimit-policy": "10;w=1"}, NOW)
    assert advice == Advice(wait=3, quota=10, remaining=0, reset=3)
    advice = read_headers({"ratelimit": '"default";r=5;t=20', "ratelimit-policy": '"default";q=100;w=60'}, NOW)
    assert (advice.wait, advice.quota, advice.remaining, advice.reset) == (None, pytest.approx(100 / 60), 5, 20)
    # several policies: the strictest wins
    assert read_headers({"ratelimit-policy": '"burst";q=10;w=1, "day";q=1000;w=86400'}, NOW).quota == pytest.approx(
        1000 / 86400
    )
    # separate fields; X-RateLimit-Reset as GitHub sends it (epoch seconds) or as a delta
    advice = read_headers({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 40)}, NOW)
    assert (advice.wait, advice.remaining) == (40, 0)
    assert read_headers({"ratelimit-remaining": "7", "ratelimit-reset": "4"}, NOW) == Advice(None, None, 7, 4)
    # Retry-After and an exhausted budget both name a wait: the longest wins
    assert read_headers({"retry-after": "2", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "9"}, NOW).wait == 9
    assert read_headers({}, NOW) == Advice()


def test_header_names_are_case_insensitive() -> None:
    assert retry_after({"Retry-After": "7"}, NOW) == 7
    assert retry_after({"RateLimit": '"api";r=0;t=55'}, NOW) == 55  # the Hub's form
    assert retry_after({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 30)}, NOW) == 30


def test_retry_after_of_a_refusal() -> None:
    assert retry_after({"retry-after": "7"}, NOW) == 7
    assert retry_after({"retry-after": "Tue, 14 Nov 2023 22:13:40 GMT"}, NOW) == pytest.approx(20, abs=1)
    assert retry_after({"ratelimit": "limit=100, remaining=0, reset=12"}, NOW) == 12
    assert retry_after({"ratelimit": '"default";r=0;t=25'}, NOW) == 25
    assert retry_after({"ratelimit-reset": "4"}, NOW) == 4
    assert retry_after({"x-ratelimit-reset": str(int(NOW) + 30)}, NOW) == 30  # GitHub: epoch seconds
    assert retry_after({"x-ratelimit-reset": "5"}, NOW) == 5  # others: a delta
    assert retry_after({"retry-after": "2", "x-ratelimit-reset": "9"}, NOW) == 9  # the longest wins
    assert retry_after({"retry-after": "soon"}, NOW) is None
    assert retry_after({}, NOW) is None


def test_a_reset_with_requests_left_is_not_a_wait() -> None:
    assert retry_after({"ratelimit": '"api";r=5;t=55', "retry-after": "2"}, NOW) == 2
    assert retry_after({"ratelimit": '"api";r=5;t=55'}, NOW) is None


def test_retryable_statuses() -> None:
    assert [s for s in (200, 301, 403, 404, 408, 410, 429, 500, 501, 502, 503, 504) if retryable(s)] == [
        408,
        429,
        500,
        502,
        503,
        504,
    ]


def test_backoff_doubles_up_to_the_cap_and_jitters_below_it() -> None:
    assert [backoff(n, 3.0) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    rng = random.Random(7)
    assert all(0.0 <= backoff(4, 3.0, rng=rng) <= 3.0 for _ in range(50))


def test_next_wait_honours_the_server_or_gives_up() -> None:
    assert next_wait(0, {"retry-after": "7"}, NOW, cap=60) == 7
    assert next_wait(3, {}, NOW, cap=60) == 4.0  # our own backoff
    assert next_wait(10, {}, NOW, cap=5) == 5  # ... shortened to the cap
    assert next_wait(0, {"retry-after": "9999"}, NOW, cap=5) is None  # never retry before the server allows
    assert next_wait(0, {"retry-after": "9999"}, NOW, cap=5, shorten=True) == 5  # the Hub: one retry at the cap
    dated = email.utils.formatdate(NOW + 30, usegmt=True)
    assert next_wait(0, {"Retry-After": dated}, NOW, cap=60) == pytest.approx(30)
