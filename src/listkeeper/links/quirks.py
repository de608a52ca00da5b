"""Site quirks the link checker must know to avoid false "dead" verdicts.

Two kinds of knowledge, both pure functions of a response so they are easy to test and extend:

* hosts that mishandle ``HEAD`` (answer 403/404/405/999 or a bot page to HEAD while GET works): the engine goes
  straight to GET for them, saving a request that could only mislead;
* bot walls: responses that say "you look like a robot", not "this page is gone". They become
  :attr:`~listkeeper.links.status.Verdict.BLOCKED` - never dead - with a detail naming the wall.

Users extend the first list per host with ``[check.hosts."example.org"] use_get = true``.
"""

from __future__ import annotations

from collections.abc import Mapping

# Hosts known to answer HEAD differently from GET (bot heuristics, unimplemented HEAD, 405). Matched on the host
# name and on its parent domains (``www.linkedin.com`` matches ``linkedin.com``).
HEAD_UNRELIABLE: frozenset[str] = frozenset(
    {
        "linkedin.com",  # 999 to anything it considers a bot, HEAD more often than GET
        "twitter.com",
        "x.com",
        "medium.com",  # 403 on HEAD behind Cloudflare
        "researchgate.net",
        "amazon.com",  # 405/503 on HEAD
        "dl.acm.org",  # 403 on HEAD
        "ieeexplore.ieee.org",
        "openai.com",  # Cloudflare bot management
        "reddit.com",
        "zenodo.org",  # HEAD on records redirects differently
    }
)

# Markers in the first bytes of a challenge page (Cloudflare "Just a moment...", its challenge script).
_CLOUDFLARE_BODY = (b"just a moment", b"challenge-platform", b"cf-chl-", b"attention required! | cloudflare")


def host_matches(host: str, names: frozenset[str]) -> bool:
    """True when ``host`` or one of its parent domains is in ``names``."""
    labels = host.lower().rstrip(".").split(".")
    return any(".".join(labels[i:]) in names for i in range(len(labels) - 1))


def head_unreliable(host: str) -> bool:
    """Should the engine skip HEAD for this host and use GET?"""
    return host_matches(host, HEAD_UNRELIABLE)


def bot_wall(status: int, headers: Mapping[str, str], body: bytes = b"") -> str | None:
    """Name the bot wall this response is, or None. ``headers`` keys are lower-cased; ``body`` is a prefix.

    - Cloudflare managed challenge: ``cf-mitigated: challenge`` (any status), or ``server: cloudflare`` with 403/503
      and a challenge page ("Just a moment...").
    - LinkedIn's non-standard 999.
    - DDoS-Guard and Sucuri firewalls on 403/503.
    """
    server = headers.get("server", "").lower()
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "Cloudflare challenge"
    lowered = body[:4096].lower()
    if status in (403, 503) and "cloudflare" in server and any(m in lowered for m in _CLOUDFLARE_BODY):
        return "Cloudflare challenge"
    if status == 999:
        return "LinkedIn bot wall (HTTP 999)"
    if status in (403, 503) and "ddos-guard" in server:
        return "DDoS-Guard bot wall"
    if status in (403, 503) and ("x-sucuri-id" in headers or "sucuri" in server):
        return "Sucuri firewall"
    return None
