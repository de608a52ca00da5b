"""Site quirks: which hosts skip HEAD (matched on the host and its parent domains only), and which responses are
bot walls (BLOCKED, never dead) rather than answers about the page."""

from __future__ import annotations

import pytest

from listkeeper.links.quirks import HEAD_UNRELIABLE, bot_wall, head_unreliable, host_matches

CHALLENGE = b"<!DOCTYPE html><html><head><title>Just a moment...</title>"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("linkedin.com", True),
        ("www.linkedin.com", True),
        ("WWW.LinkedIn.COM.", True),  # case and a trailing dot do not matter
        ("dl.acm.org", True),
        ("acm.org", False),  # a parent of a listed name is not listed
        ("notlinkedin.com", False),  # a suffix of the text is not a parent domain
        ("linkedin.com.evil.example", False),
        ("example.org", False),
    ],
)
def test_head_unreliable_hosts_and_their_subdomains(host: str, expected: bool) -> None:
    assert head_unreliable(host) is expected


def test_a_top_level_domain_alone_never_matches() -> None:
    assert host_matches("example.com", frozenset({"com"})) is False
    assert host_matches("a.b.example", frozenset({"b.example"})) is True
    assert host_matches("", HEAD_UNRELIABLE) is False


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (403, {"cf-mitigated": "challenge"}, b"", "Cloudflare challenge"),
        (200, {"cf-mitigated": "Challenge"}, b"", "Cloudflare challenge"),  # the header decides, any status
        (403, {"server": "cloudflare"}, CHALLENGE, "Cloudflare challenge"),
        (503, {"server": "cloudflare"}, b"<script src='/cdn-cgi/challenge-platform/x.js'>", "Cloudflare challenge"),
        (403, {"server": "cloudflare"}, b"<h1>403 Forbidden</h1>", None),  # a real refusal behind Cloudflare
        (404, {"server": "cloudflare"}, CHALLENGE, None),  # a 404 is an answer about the page
        (403, {"server": "cloudflare"}, b" " * 4096 + CHALLENGE, None),  # only the first 4 KiB are looked at
        (999, {}, b"", "LinkedIn bot wall (HTTP 999)"),
        (503, {"server": "ddos-guard"}, b"", "DDoS-Guard bot wall"),
        (403, {"x-sucuri-id": "12345"}, b"", "Sucuri firewall"),
        (403, {"server": "Sucuri/Cloudproxy"}, b"", "Sucuri firewall"),
        (404, {"server": "ddos-guard"}, b"", None),
        (404, {"x-sucuri-id": "12345"}, b"", None),
        (403, {"server": "nginx"}, CHALLENGE, None),  # challenge words without a wall's server are no wall
        (200, {}, CHALLENGE, None),
    ],
)
def test_bot_walls(status: int, headers: dict[str, str], body: bytes, expected: str | None) -> None:
    assert bot_wall(status, headers, body) == expected
