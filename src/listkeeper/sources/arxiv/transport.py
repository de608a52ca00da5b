"""The arXiv adapter's HTTP: an ``arxiv.Client`` aimed at the configured URL, whose ``requests`` session has a
total time budget per request, passes the gate, counts requests, honours ``Retry-After`` and rejects non-Atom
bodies; any failure becomes :class:`~.gate.Unavailable`.

Library traps handled here (see the API notes, section B): no HTTP timeout is set by the library, so the
session's adapter and ``request`` are replaced on our own client (:func:`library_session`: no public hook).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import arxiv  # no py.typed, no stubs
import requests
import requests.adapters

from listkeeper import deadline
from listkeeper.config import USER_AGENT_URL, SourcesConfig
from listkeeper.http import retry
from listkeeper.sources import backoff
from listkeeper.sources.arxiv import gate
from listkeeper.sources.arxiv.common import NAME
from listkeeper.sources.arxiv.gate import Unavailable
from listkeeper.state import State

_ATOM_NS = b"http://www.w3.org/2005/Atom"
_TOTAL = re.compile(rb"<opensearch:totalResults[^>]*>\s*(\d+)\s*</opensearch:totalResults>")


class _BudgetAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with a total time budget per request (:mod:`listkeeper.deadline`): the body is read here,
    chunk by chunk, and abandoned once ``sources.timeout`` (or what is left of the run) is spent. requests' own
    timeout is per socket read, which a server sending one byte at a time restarts forever."""

    def __init__(self, per_request: float) -> None:
        super().__init__()
        self.per_request = per_request

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        total = deadline.budget(self.per_request)
        if total <= 0:
            raise Unavailable("the run deadline has passed: request not sent")
        end = time.monotonic() + total
        response = super().send(request, stream=True, timeout=total, verify=verify, cert=cert, proxies=proxies)
        if stream:
            return response
        body = bytearray()
        try:
            while chunk := response.raw.read1(65536, decode_content=True):
                if time.monotonic() > end:
                    raise Unavailable(f"no complete answer within {total:.3g} s")
                body += chunk
        finally:
            response.close()
        response._content = bytes(body)  # what requests itself stores once it has read a body
        response._content_consumed = True
        return response


def library_session(client: arxiv.Client) -> requests.Session:
    """The ``requests.Session`` an ``arxiv.Client`` sends through. The library offers no public hook for it (no
    session argument, no adapter setting): this reads its private attribute, here only
    (tests/sources/arxiv/test_transport.py fails when it moves)."""
    session: requests.Session = client._session
    return session


class ArxivApi:
    """Asks arXiv: every request passes the gate (and, with a state store, the cross-process pacing), counted."""

    def __init__(self, config: SourcesConfig) -> None:
        self.config = config
        self.requests = 0  # HTTP requests sent by this adapter instance (all runs)
        self._state: State | None = None  # the run's state store (cross-process pacing)
        self._total: int | None = None  # opensearch:totalResults of the last feed
        self._responses = 0  # HTTP answers received (any status)

    def _client(self, page_size: int) -> arxiv.Client:
        """An ``arxiv.Client`` aimed at the configured URL, with a timeout, the gate and request counting."""
        client = arxiv.Client(
            page_size=max(1, page_size), delay_seconds=self.config.arxiv_delay, num_retries=self.config.max_retries
        )
        client.query_url_format = f"{self.config.arxiv_api_url}?{{}}"
        adapter = _BudgetAdapter(self.config.timeout)
        session = library_session(client)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.request = self._wrap(session.request)  # type: ignore[method-assign]
        return client

    def _wrap(self, send: Callable[..., requests.Response]) -> Callable[..., requests.Response]:
        def request(method: str, url: str, **kwargs: Any) -> requests.Response:
            headers = dict(kwargs.pop("headers", None) or {})
            library = headers.get("user-agent", "")
            headers["user-agent"] = f"listkeeper (+{USER_AGENT_URL}) {library}".strip()
            kwargs["timeout"] = self.config.timeout  # per socket wait; _BudgetAdapter bounds the whole request
            state = self._state
            with gate.GATE.slot(self.config.arxiv_delay):
                if state is not None:  # the spacing holds across processes sharing the state store
                    most = max(self.config.arxiv_delay, self.config.max_retry_wait)
                    backoff.wait_turn(state, NAME, most=deadline.budget(most))  # never past the run deadline
                self.requests += 1
                try:
                    response = send(method, url, headers=headers, **kwargs)
                except requests.ConnectionError:
                    raise  # nothing reached arXiv (and a run that checked nothing writes no state)
                except requests.RequestException:
                    if state is not None:
                        backoff.hold_off(state, NAME, self.config.arxiv_delay)
                    raise
                self._responses += 1
                if state is not None:
                    backoff.hold_off(state, NAME, self.config.arxiv_delay)
            if response.status_code in (429, 503):
                wait = retry.retry_after(response.headers, time.time())
                if wait is not None:
                    if wait > self.config.max_retry_wait:
                        raise Unavailable(f"HTTP {response.status_code}, Retry-After {wait:g} s")
                    gate.GATE.defer(wait)
                    if state is not None:
                        backoff.hold_off(state, NAME, wait)
            elif response.status_code == 200 and (_ATOM_NS not in response.content[:2048]):
                raise Unavailable("HTTP 200 but the body is not an Atom feed")
            elif response.status_code == 200:
                found = _TOTAL.search(response.content[:4096])
                self._total = int(found.group(1)) if found else None
            return response

        return request

    def _ask(self, search: arxiv.Search, page_size: int) -> list[arxiv.Result]:
        """All results of one search, or :class:`Unavailable` for any failure."""
        client = self._client(page_size)
        try:
            return list(client.results(search))
        except Unavailable:
            raise
        except arxiv.HTTPError as exc:
            raise Unavailable(f"HTTP {exc.status} after {exc.retry + 1} attempt(s)") from exc
        except (arxiv.ArxivError, requests.RequestException, OSError) as exc:
            raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
        finally:
            library_session(client).close()
