"""The HTTP layer under huggingface_hub while the adapter runs: retries and waits (the one
:mod:`listkeeper.http.retry` policy), counting, the token guard, and the two library workarounds.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx2
from huggingface_hub import constants
from huggingface_hub.utils import _http as hf_http

from listkeeper import deadline
from listkeeper.config import SourcesConfig
from listkeeper.errors import SourceUnavailable
from listkeeper.http import origin, retry


def library_client_factory() -> Callable[[], httpx2.Client]:
    """The client factory huggingface_hub has installed. The library offers ``set_client_factory`` but no getter:
    this reads its private module attribute, here only (tests/sources/test_huggingface.py fails when it moves)."""
    factory: Callable[[], httpx2.Client] = hf_http._GLOBAL_CLIENT_FACTORY
    return factory


@contextlib.contextmanager
def quiet_library() -> Iterator[None]:
    """No telemetry from huggingface_hub while we use it, unless ``HF_HUB_DISABLE_TELEMETRY`` is set explicitly.

    With telemetry on, the first request builds a User-Agent that triggers a hidden
    ``GET {endpoint}/api/agent-harnesses`` (agent detection, cached for 24 h under HF_HOME): a request we did not
    ask for. The library reads the variable once, at import, into ``constants.HF_HUB_DISABLE_TELEMETRY``, which it
    consults on every request: set that for the session and restore it after (nothing set at import time).
    """
    explicit = os.environ.get("HF_HUB_DISABLE_TELEMETRY")
    previous = constants.HF_HUB_DISABLE_TELEMETRY
    constants.HF_HUB_DISABLE_TELEMETRY = True if explicit is None else explicit.lower() in ("1", "true", "yes", "on")
    try:
        yield
    finally:
        constants.HF_HUB_DISABLE_TELEMETRY = previous


class HubGaveUp(SourceUnavailable):
    """Retries exhausted (429 storm, 5xx, network). Deliberately not an ``httpx2`` error: ``http_backoff`` in the
    library would otherwise retry it again with its own uncapped sleeps."""

    service = "Hugging Face Hub"

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class Traffic:
    requests: int = 0
    waits: list[float] = field(default_factory=list)
    hops: list[tuple[str, str, int, str | None]] = field(default_factory=list)  # method, url, status, location


class PoliteTransport(httpx2.BaseTransport):
    """Wraps the real transport: every hop (including redirect hops and pagination) passes here exactly once per
    attempt, so counting here is exact; retries happen here so they also cover ``*_info`` calls, which the library
    never retries."""

    def __init__(
        self,
        inner: httpx2.BaseTransport | deadline.BudgetTransport,
        config: SourcesConfig,
        traffic: Traffic,
        sleep: Callable[[float], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inner = inner
        self.config = config
        self.traffic = traffic
        self.clock = clock
        self.sleep = sleep
        self.home = config.hf_endpoint

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        # The library passes its Authorization header explicitly to every page URL a `Link` header names; httpx
        # strips it only on redirects. A token is for the configured endpoint and nowhere else.
        origin.strip_foreign_auth(request, self.home)
        attempt = 0
        headers: dict[str, str]
        while True:
            try:
                response = self.inner.handle_request(request)
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:  # nothing reached the server
                failure, headers = f"{type(exc).__name__}: {exc}", {}
            except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as exc:
                self.traffic.requests += 1
                failure, headers = f"{type(exc).__name__}: {exc}", {}
            else:
                self.traffic.requests += 1
                status = response.status_code
                self.traffic.hops.append((request.method, str(request.url), status, response.headers.get("location")))
                if not retry.retryable(status):
                    return response
                response.read()
                response.close()
                failure, headers = f"HTTP {status}", dict(response.headers)
                if attempt >= self.config.max_retries:
                    raise HubGaveUp(f"{failure} after {attempt + 1} attempts", status)
            if attempt >= self.config.max_retries:
                raise HubGaveUp(f"{failure} after {attempt + 1} attempts")
            # capped: huggingface_hub's own http_backoff would otherwise sleep a whole reset itself
            wait = retry.next_wait(attempt, headers, self.clock(), cap=self.config.max_retry_wait, shorten=True)
            assert wait is not None  # shorten=True always gives a wait
            if not deadline.fits(wait):
                raise HubGaveUp(f"{failure} after {attempt + 1} attempts (the next would start past the run deadline)")
            self.traffic.waits.append(wait)
            self.sleep(wait)
            attempt += 1

    def close(self) -> None:
        self.inner.close()


def proxy_for(endpoint: str) -> str | None:
    """The environment proxy for the endpoint (the client is built with ``trust_env=False`` so that proxy mounts
    cannot bypass :class:`PoliteTransport`)."""
    return deadline.env_proxy(endpoint)


def error_status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def error_header(exc: BaseException, name: str) -> str | None:
    response = getattr(exc, "response", None)
    return response.headers.get(name) if response is not None else None


def is_hub_error(response: httpx2.Response) -> bool:
    """True for the Hub API's own error shape, a JSON object with an ``error`` message."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), str)


def error_text(response: httpx2.Response) -> str:
    try:
        return str(response.json().get("error", ""))[:200]
    except (ValueError, AttributeError):
        return response.text[:200]
