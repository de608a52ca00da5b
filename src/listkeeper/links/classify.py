"""What one answer means: a status (and its headers and body) as a :class:`.status.Verdict`, and which URLs
are not worth asking at all. Pure.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from urllib.parse import urlsplit

import httpx

from listkeeper.links import quirks
from listkeeper.links.status import Verdict

_SCHEMES = ("http", "https")
_NOT_RETRIED_5XX = frozenset({501, 505, 511})  # "not implemented" and friends do not get better with time


def _phrase(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def classify(status: int, headers: Mapping[str, str], body: bytes, accept: Iterable[int] = ()) -> tuple[Verdict, str]:
    """The verdict for a final (non-redirect) response. Pure; redirect chains are handled by the caller.

    Only 404 and 410 are dead. Bot walls, 401/403/999 are blocked; 429 rate-limited; 408 timeout; any other
    status is an error - inconclusive, never dead.
    """
    if 200 <= status < 300 or status in set(accept):
        return Verdict.OK, _phrase(status)
    if status in (404, 410):
        return Verdict.DEAD, _phrase(status)
    if wall := quirks.bot_wall(status, headers, body):
        return Verdict.BLOCKED, wall
    if status in (401, 403, 999):
        return Verdict.BLOCKED, _phrase(status)
    if status == 429:
        return Verdict.RATE_LIMITED, _phrase(status)
    if status == 408:
        return Verdict.TIMEOUT, _phrase(status)
    return Verdict.ERROR, _phrase(status)


def invalid_reason(url: str) -> str | None:
    if not url.strip():
        return "empty URL"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"malformed URL: {exc}"
    if parts.scheme.lower() not in _SCHEMES:
        return f"unsupported scheme {parts.scheme!r}" if parts.scheme else "not an absolute URL"
    if not parts.hostname:
        return "URL has no host"
    if any(c.isspace() for c in url.strip()):
        return "URL contains whitespace"
    try:
        httpx.URL(url.strip()).host  # noqa: B018 - httpx's own parse: odd IPv4 forms (0177.0.0.1), bad A-labels
        parts.hostname.encode("idna")  # what the resolver does: empty or over-long labels (a..b)
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        return f"invalid host {parts.hostname!r}: {exc}"
    return None


def retryable_status(status: int) -> bool:
    return status in (408, 429) or (500 <= status < 600 and status not in _NOT_RETRIED_5XX)


def is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
