"""One deadline for the whole run, sources included (``check.deadline``), enforced at the transport level.

    with deadline.run_deadline(300.0):           # the pipeline, around sources and links
        ...
        deadline.remaining()                      # seconds left, or None outside a run
        deadline.budget(20.0)                     # one request's total budget: min(per request, what is left)

Read timeouts alone do not bound a request: a server that sends one byte every 0.5 s restarts them forever, and
library retries come on top. So every request the sources send passes a transport here that gives it a *total*
budget (``sources.timeout``, never more than what is left of the run): connect, read and write timeouts are clamped
to it, and the response body is read through a stream that stops as soon as the budget is spent. Retries check
:func:`remaining` first, so none starts (or sleeps) past the deadline. Whatever was not answered is *unknown*.

The deadline lives in a context variable, so the adapters' libraries (huggingface_hub, githubkit, arxiv) need not
pass it along; outside :func:`run_deadline` nothing is bounded beyond each request's own budget.

Residual risk: the budget is checked between received chunks and every socket wait is clamped to what was left when
the request started, so a request ends at most one clamped wait late; a server that drips its *status line and
headers* is bounded by the clamped read timeout per byte only while the library reads them (no public hook reaches
below the connection pool).
"""

from __future__ import annotations

import contextlib
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, Protocol, Self
from urllib.parse import urlsplit

_END: ContextVar[float | None] = ContextVar("listkeeper_run_deadline", default=None)


@contextlib.contextmanager
def run_deadline(seconds: float) -> Iterator[float]:
    """Bound everything inside to ``seconds`` from now (monotonic); yields the end time."""
    end = time.monotonic() + seconds
    token = _END.set(end)
    try:
        yield end
    finally:
        _END.reset(token)


def remaining() -> float | None:
    """Seconds left of the run (may be negative), or None when no run deadline is set."""
    end = _END.get()
    return None if end is None else end - time.monotonic()


def expired() -> bool:
    left = remaining()
    return left is not None and left <= 0


def budget(per_request: float) -> float:
    """One request's total time budget: ``per_request``, never more than what is left of the run (≥ 0)."""
    left = remaining()
    return max(0.0, per_request if left is None else min(per_request, left))


def fits(wait: float) -> bool:
    """True when sleeping ``wait`` seconds (before a retry) still ends before the run deadline."""
    left = remaining()
    return left is None or wait < left


def env_proxy(url: str) -> str | None:
    """The environment's proxy for ``url`` (``*_PROXY``/``NO_PROXY``), for transports built with ``trust_env``
    off: a client that mounts environment proxies itself would route around a wrapping transport."""
    parts = urlsplit(url)
    if parts.hostname and urllib.request.proxy_bypass(parts.hostname):
        return None
    return urllib.request.getproxies().get(parts.scheme)


# -- httpx-style sync transports (httpx for GitHub, httpx2 for the Hub) ------------------------------------------


class _Transport(Protocol):
    def handle_request(self, request: Any) -> Any: ...

    def close(self) -> None: ...


class _Stream:
    """A response body that raises ``expired(total)`` once the request's budget is spent (checked per chunk).

    Mixed with the library's ``SyncByteStream`` (:class:`BudgetTransport` does it), which its responses require.
    """

    def __init__(self, inner: Any, end: float, total: float, expired: Callable[[float], Exception]) -> None:
        self.inner = inner
        self.end = end
        self.total = total
        self.expired = expired

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.inner:
            if time.monotonic() > self.end:
                self.close()
                raise self.expired(self.total)
            yield chunk

    def close(self) -> None:
        self.inner.close()


class BudgetTransport:
    """Wraps an httpx/httpx2 sync transport: each request gets a total budget (see the module docstring).

    ``stream_base`` is the library's ``SyncByteStream`` (``httpx.SyncByteStream``, ``httpx2.SyncByteStream``).

    ``not_sent(reason)`` builds the exception for a request that is not sent because the run deadline has passed;
    ``expired(total)`` the one for a body not complete within its budget. Adapters choose exceptions their
    library does not retry on its own.
    """

    def __init__(
        self,
        inner: _Transport,
        per_request: float,
        *,
        stream_base: type,
        not_sent: Callable[[str], Exception],
        expired: Callable[[float], Exception],
    ) -> None:
        self.inner = inner
        self.per_request = per_request
        self.not_sent = not_sent
        self.expired = expired
        self._stream: type[_Stream] = type("BudgetStream", (_Stream, stream_base), {})

    def handle_request(self, request: Any) -> Any:
        total = budget(self.per_request)
        if total <= 0:
            raise self.not_sent("the run deadline has passed: request not sent")
        end = time.monotonic() + total
        timeouts = dict(request.extensions.get("timeout") or {})
        request.extensions["timeout"] = {
            key: total if timeouts.get(key) is None else min(float(timeouts[key]), total)
            for key in ("connect", "read", "write", "pool")
        }
        response = self.inner.handle_request(request)
        response.stream = self._stream(response.stream, end, total, self.expired)
        return response

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
