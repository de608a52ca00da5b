"""The cross-origin token guard: a token goes to its own origin (scheme, host, port) only, checked on every hop.

* :func:`origin` normalises a URL's origin (lower-cased, default port explicit);
* :func:`auth_headers_for` picks the Authorization header for a URL from tokens keyed by origin (the link checker);
* :func:`strip_foreign_auth` drops the Authorization header of a request to another origin (the Hub transport);
* :func:`refuse_foreign_redirect` is an httpx response hook that refuses a redirect to another origin before it
  is followed (the GitHub clients).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


class OffOrigin(Exception):
    """A redirect to another origin: refused before it is followed, so neither the token nor a request leaves."""


def origin(url: object) -> str | None:
    """``scheme://host:port`` with lower-cased scheme/host and the default port made explicit; None if not http(s).

    ``url`` is a string or any URL object whose ``str()`` is the URL (httpx's)."""
    try:
        parts = urlsplit(str(url).strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or _DEFAULT_PORTS[scheme]}"


def same_origin(a: object, b: object) -> bool:
    """Whether two URLs share an http(s) origin."""
    first = origin(a)
    return first is not None and first == origin(b)


def auth_headers_for(url: str, tokens: Mapping[str, str]) -> dict[str, str]:
    """The Authorization header for ``url``: only when its origin equals a token's origin exactly.

    ``tokens`` maps origins (``https://api.github.com``, ``http://127.0.0.1:8123``; a path is ignored) to bearer
    tokens. Called for every hop, so a token never follows a redirect to another scheme, host or port.
    """
    target = origin(url)
    if target is None:
        return {}
    for token_origin, token in tokens.items():
        if token and origin(token_origin) == target:
            return {"Authorization": f"Bearer {token}"}
    return {}


class _Request(Protocol):
    url: Any
    headers: Any


def strip_foreign_auth(request: _Request, home: object) -> None:
    """Drop the request's Authorization header unless it goes to ``home``'s origin (httpx strips it only on
    redirects; libraries that follow ``Link`` pages pass it explicitly to every page URL)."""
    if not same_origin(request.url, home):
        request.headers.pop("authorization", None)


def refuse_foreign_redirect(home: object) -> Callable[[Any], None]:
    """An httpx response hook: a redirect whose target is not on ``home``'s origin raises :class:`OffOrigin`."""

    def hook(response: Any) -> None:
        if response.has_redirect_location:
            target = response.request.url.join(response.headers["location"])
            if not same_origin(target, home):
                raise OffOrigin(f"redirect from {response.request.url} to another origin ({target}) refused")

    return hook
