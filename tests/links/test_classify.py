"""What one answer means (:mod:`listkeeper.links.classify`): pure, so checked here status by status."""

from __future__ import annotations

import ssl

import pytest

from listkeeper.links.classify import classify, invalid_reason, is_tls, retryable_status
from listkeeper.links.status import Verdict


@pytest.mark.parametrize(
    ("status", "verdict", "detail"),
    [
        (200, Verdict.OK, "HTTP 200 OK"),
        (204, Verdict.OK, "HTTP 204 No Content"),
        (404, Verdict.DEAD, "HTTP 404 Not Found"),
        (410, Verdict.DEAD, "HTTP 410 Gone"),
        (401, Verdict.BLOCKED, "HTTP 401 Unauthorized"),
        (403, Verdict.BLOCKED, "HTTP 403 Forbidden"),
        (999, Verdict.BLOCKED, "LinkedIn bot wall (HTTP 999)"),  # a status only LinkedIn sends
        (429, Verdict.RATE_LIMITED, "HTTP 429 Too Many Requests"),
        (408, Verdict.TIMEOUT, "HTTP 408 Request Timeout"),
        (500, Verdict.ERROR, "HTTP 500 Internal Server Error"),
        (503, Verdict.ERROR, "HTTP 503 Service Unavailable"),
        (400, Verdict.ERROR, "HTTP 400 Bad Request"),
        (451, Verdict.ERROR, "HTTP 451 Unavailable For Legal Reasons"),
    ],
)
def test_only_404_and_410_are_dead_everything_else_not_ok_is_inconclusive(
    status: int, verdict: Verdict, detail: str
) -> None:
    assert classify(status, {}, b"") == (verdict, detail)


def test_accepted_statuses_count_as_alive() -> None:
    assert classify(403, {}, b"", accept=[403])[0] is Verdict.OK
    assert classify(404, {}, b"", accept=[403])[0] is Verdict.DEAD


def test_a_bot_wall_is_blocked_and_named_whatever_its_status() -> None:
    verdict, detail = classify(503, {"server": "cloudflare", "cf-mitigated": "challenge"}, b"")
    assert verdict is Verdict.BLOCKED and "Cloudflare" in detail


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty URL"),
        ("   ", "empty URL"),
        ("ftp://example.org/x", "unsupported scheme 'ftp'"),
        ("/relative/path", "not an absolute URL"),
        ("https:///nohost", "URL has no host"),
        ("https://example.org:99999/", "malformed URL"),
        ("https://exa mple.org/", "URL contains whitespace"),
        ("http://a..b/", "invalid host 'a..b'"),
        ("http://0177.0.0.1/", "invalid host '0177.0.0.1'"),
    ],
)
def test_invalid_urls_are_named_before_any_request(url: str, reason: str) -> None:
    found = invalid_reason(url)
    assert found is not None and found.startswith(reason), found


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://[::1]:8080/", "https://bücher.example/"])
def test_valid_urls_have_no_reason(url: str) -> None:
    assert invalid_reason(url) is None


def test_retryable_statuses() -> None:
    assert [s for s in (200, 404, 408, 429, 500, 501, 502, 503, 505, 511, 599) if retryable_status(s)] == [
        408,
        429,
        500,
        502,
        503,
        599,
    ]


def test_tls_failures_are_recognised_through_the_exception_chain() -> None:
    try:
        try:
            raise ssl.SSLCertVerificationError("certificate verify failed")
        except ssl.SSLError as inner:
            raise ConnectionError("connect failed") from inner
    except ConnectionError as outer:
        assert is_tls(outer)
    assert not is_tls(ConnectionError("connection refused"))
