"""The engine behind :func:`.check.check_urls`: one URL through validation, exclusion, remapping, HEAD/GET, the
redirect chain and retries, paced per host by :mod:`.gate` (the full description is in :mod:`.check`).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from listkeeper.config import CheckConfig, HostPolicy
from listkeeper.http import retry
from listkeeper.http.origin import auth_headers_for
from listkeeper.http.retry import retry_after
from listkeeper.links import quirks
from listkeeper.links.classify import classify, invalid_reason, is_tls, retryable_status
from listkeeper.links.gate import DeadlineReached, HostGate
from listkeeper.links.net import (
    ForbiddenAddress,
    InvalidHostName,
    NameNotResolved,
)
from listkeeper.links.rate import NO_HINT_WAIT
from listkeeper.links.remap import Remapper
from listkeeper.links.status import CheckStats, Hop, LinkResult, Verdict

ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BACKOFF_CAP = 30.0  # seconds; the largest backoff we choose ourselves (server-requested waits are not capped)
_PERMANENT = frozenset({301, 308})
_BAD_LOCATION = "Invalid URL in location header"  # httpx's wording when a redirect's Location does not parse
_TIMEOUTS = frozenset({"timeout", "read-timeout", "connect-timeout"})  # failure kinds retried at most once


def backoff(attempt: int, base: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    return retry.backoff(attempt, BACKOFF_CAP, base, rng)


@dataclass
class _Response:
    status: int
    headers: dict[str, str]
    body: bytes
    location: str | None = None
    sent: float = 0.0  # when the request went out (time.monotonic()): the arrival the host counted


@dataclass
class _Failure:
    verdict: Verdict
    detail: str
    retryable: bool
    kind: str = ""  # groups failures for "after N attempts" messages
    status: int | None = None  # the HTTP status of the last answer, when the failure is one (429, 5xx after retries)
    deadline: bool = False  # cut short by the run deadline: the URL is left for the next run


@dataclass
class _HopResult:
    response: _Response | None
    failure: _Failure | None
    attempts: int


@dataclass
class Engine:
    config: CheckConfig
    stats: CheckStats
    client: httpx.AsyncClient
    user_agent: str
    tokens: Mapping[str, str]
    retry_base: float
    deadline: float
    rng: random.Random
    remap: Remapper
    global_sem: asyncio.Semaphore
    gates: dict[str, HostGate] = field(default_factory=dict)
    in_flight_total: int = 0
    max_in_flight_total: int = 0
    bytes_read: int = 0

    # -- host policy ----------------------------------------------------------------------------------------------

    def policy(self, *urls: str) -> HostPolicy | None:
        for url in urls:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            for key in (parts.netloc.lower(), host):
                if key in self.config.hosts:
                    return self.config.hosts[key]
        return None

    def gate(self, key: str, policy: HostPolicy | None) -> HostGate:
        gate = self.gates.get(key)
        if gate is None:
            limit = (policy.max_concurrency if policy else None) or self.config.per_host
            gate = self.gates[key] = HostGate(limit, (policy.min_interval if policy else None) or 0.0)
        return gate

    # -- one URL --------------------------------------------------------------------------------------------------

    async def check(self, url: str) -> LinkResult:
        started = time.monotonic()
        if reason := invalid_reason(url):
            return LinkResult(url, Verdict.INVALID, detail=reason, attempts=0)
        public = url.strip()
        for pattern in self.config.exclude:
            if re.search(pattern, public):
                return LinkResult(url, Verdict.EXCLUDED, detail=f"matches exclude rule {pattern!r}", attempts=0)
        request_url = self.remap.forward(public)
        if reason := invalid_reason(request_url):
            return LinkResult(url, Verdict.INVALID, detail=f"remapped to an invalid URL: {reason}", attempts=0)
        chain: list[Hop] = []
        seen = {request_url}
        attempts = 0
        while True:
            hop = await self.fetch(request_url, public, first=not chain)
            attempts += hop.attempts
            elapsed = time.monotonic() - started
            if hop.failure is not None:
                failure = hop.failure
                if failure.deadline:
                    self.stats.unanswered.append(url)
                return LinkResult(
                    url, failure.verdict, failure.status, None, tuple(chain), failure.detail, attempts, elapsed
                )
            response = hop.response
            assert response is not None
            if response.location is None:
                return self.final(url, response, chain, attempts, elapsed, public, request_url)
            if len(chain) >= self.config.max_redirects:
                detail = f"too many redirects (more than {self.config.max_redirects})"
                return LinkResult(url, Verdict.ERROR, response.status, None, tuple(chain), detail, attempts, elapsed)
            target_request, target_public = self.resolve_location(request_url, response.location)
            chain.append(Hop(response.status, target_public))
            if reason := invalid_reason(target_request):
                detail = f"redirect to an unusable URL ({reason})"
                return LinkResult(url, Verdict.ERROR, response.status, None, tuple(chain), detail, attempts, elapsed)
            if target_request in seen:
                return LinkResult(
                    url, Verdict.ERROR, response.status, None, tuple(chain), "redirect loop", attempts, elapsed
                )
            seen.add(target_request)
            request_url, public = target_request, target_public

    def resolve_location(self, request_url: str, location: str) -> tuple[str, str]:
        """(URL to request next, its public form) for a Location header received from ``request_url``."""
        try:
            target = urljoin(request_url, location.strip())
        except ValueError:  # e.g. "http://[::1/" (an unclosed IPv6 literal)
            return location, location
        if self.remap.covers(target):
            return self.remap.forward(target), target
        return target, self.remap.public(target)

    def final(
        self,
        url: str,
        response: _Response,
        chain: list[Hop],
        attempts: int,
        elapsed: float,
        public: str,
        request_url: str,
    ) -> LinkResult:
        policy = self.policy(request_url, public)
        accept = [*self.config.accept, *(policy.accept if policy else [])]
        verdict, detail = classify(response.status, response.headers, response.body, accept)
        final_url = None
        if chain:
            route = " → ".join(str(h.status) for h in chain)
            if verdict is Verdict.OK and all(h.status in _PERMANENT for h in chain):
                verdict, final_url = Verdict.REDIRECTED, chain[-1].url
                detail = f"moved permanently ({route}) to {final_url}"
            else:
                detail = f"{detail} after redirects ({route})"
        return LinkResult(url, verdict, response.status, final_url, tuple(chain), detail, attempts, elapsed)

    # -- one hop, with retries ------------------------------------------------------------------------------------

    async def fetch(self, request_url: str, public: str, *, first: bool) -> _HopResult:
        host_key = httpx.URL(request_url).netloc.decode("ascii", "replace").lower()
        policy = self.policy(request_url, public)
        gate = self.gate(host_key, policy)
        hostname = (urlsplit(public).hostname or "") if public else ""
        use_get = gate.use_get or bool(policy and policy.use_get) or quirks.head_unreliable(hostname)
        method = "GET" if use_get else "HEAD"
        accept = {*self.config.accept, *(policy.accept if policy else [])}
        headers = {"User-Agent": self.user_agent, "Accept": ACCEPT, **(policy.headers if policy else {})}
        retries = 0
        attempts = 0
        last: _Failure | None = None
        while True:
            try:
                await gate.acquire(self.deadline)
            except DeadlineReached:
                return _HopResult(None, self._deadline_failure(last, attempts), attempts)
            if gate.use_get or gate.rate.limited:
                method = "GET"  # learned while this request waited: HEAD fails, or every request counts
            try:
                attempts += 1
                outcome = await self.send(method, request_url, headers, host_key, gate)
                if isinstance(outcome, _Response):
                    gate.learn(outcome.status, outcome.headers, outcome.sent)
                if method == "HEAD" and _head_unconvincing(outcome, accept) and not gate.closed():
                    # Confirm with GET at once, in the same slot: HEAD is too often answered wrongly to trust.
                    if isinstance(outcome, _Response) and outcome.status in (405, 501):
                        gate.use_get = True  # the host does not do HEAD at all: save the round trip from now on
                    method = "GET"
                    try:
                        await gate.pace(self.deadline)
                    except DeadlineReached:
                        return _HopResult(None, self._deadline_failure(None, attempts), attempts)
                    attempts += 1
                    outcome = await self.send(method, request_url, headers, host_key, gate)
                    if isinstance(outcome, _Response):
                        gate.learn(outcome.status, outcome.headers, outcome.sent)
            finally:
                gate.release()
            closes_host = False  # a refusal closes the host (its gate holds every request) until the wait is over
            if isinstance(outcome, _Response):
                status = outcome.status
                if not retryable_status(status) or quirks.bot_wall(status, outcome.headers, outcome.body):
                    return _HopResult(outcome, None, attempts)
                verdict, detail = classify(status, outcome.headers, outcome.body)
                last = _Failure(verdict, detail, True, kind=f"http{status}", status=status)
                asked = retry_after(outcome.headers, time.time())
                if status == 429:
                    self.stats.rate_limited += 1
                    asked = NO_HINT_WAIT if asked is None else asked
                closes_host = status in (429, 503) and gate.closed()
            else:
                if not outcome.retryable:
                    if outcome.kind == "forbidden" and not first:
                        outcome = _Failure(Verdict.FORBIDDEN, f"redirect to a private address: {outcome.detail}", False)
                    elif outcome.kind == "forbidden":
                        outcome = _Failure(Verdict.FORBIDDEN, f"private address: {outcome.detail}", False)
                    return _HopResult(None, outcome, attempts)
                last, asked = outcome, None
            if retries >= (1 if last.kind in _TIMEOUTS else self.config.max_retries):
                return _HopResult(None, self._exhausted(last, attempts), attempts)
            wait = asked if asked is not None else backoff(retries, self.retry_base, self.rng)
            now = time.monotonic()
            if now + wait > self.deadline:
                return _HopResult(None, self._deadline_failure(last, attempts, wait), attempts)
            if not closes_host:
                await asyncio.sleep(wait)
            retries += 1
            self.stats.retries += 1

    async def send(
        self, method: str, url: str, headers: dict[str, str], host_key: str, gate: HostGate
    ) -> _Response | _Failure:
        hop_headers = {**headers, **auth_headers_for(url, self.tokens)}
        started = time.monotonic()
        async with self.global_sem:
            self.stats.requests += 1
            self.stats.by_host[host_key] += 1
            gate.in_flight += 1
            self.in_flight_total += 1
            self.stats.max_in_flight[host_key] = max(self.stats.max_in_flight[host_key], gate.in_flight)
            self.max_in_flight_total = max(self.max_in_flight_total, self.in_flight_total)
            try:
                budget = min(self.config.request_timeout, self.deadline - started)
                gate.rate.sent(sent := time.monotonic())
                async with asyncio.timeout(budget):
                    response = await self._exchange(method, url, hop_headers)
                    response.sent = sent
                    return response
            except TimeoutError:
                detail = f"no complete answer within {budget:.3g} s"
                return _Failure(Verdict.TIMEOUT, detail, True, "timeout", deadline=budget < self.config.request_timeout)
            except ForbiddenAddress as exc:
                self._uncount(host_key)  # refused before connecting: nothing was sent
                return _Failure(Verdict.FORBIDDEN, f"{exc.address} ({exc.reason}), not contacted", False, "forbidden")
            except InvalidHostName as exc:
                self._uncount(host_key)  # refused before connecting: nothing was sent
                return _Failure(Verdict.INVALID, str(exc), False, "invalid")
            except NameNotResolved as exc:
                if exc.permanent:
                    return _Failure(Verdict.DEAD, f"DNS: {exc.host} does not exist (NXDOMAIN)", False, "nxdomain")
                return _Failure(Verdict.ERROR, f"temporary DNS failure for {exc.host}", True, "dns")
            except httpx.ConnectTimeout:
                return _Failure(Verdict.TIMEOUT, "connect timeout", True, "connect-timeout")
            except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout):
                return _Failure(Verdict.TIMEOUT, "read timeout", True, "read-timeout")
            except httpx.ConnectError as exc:
                if is_tls(exc):
                    return _Failure(Verdict.ERROR, f"TLS error: {exc}", False, "tls")
                return _Failure(Verdict.ERROR, f"connection failed: {exc or 'refused'}", True, "connect")
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                if str(exc).startswith(_BAD_LOCATION):  # httpx parses Location itself, even when not following it
                    return _Failure(Verdict.ERROR, f"redirect to an unusable URL ({exc})", False, "location")
                return _Failure(Verdict.ERROR, f"connection reset ({type(exc).__name__})", True, "reset")
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
                return _Failure(Verdict.INVALID, f"cannot request this URL: {exc}", False, "invalid")
            except UnicodeError as exc:  # IDNA: httpx reads a redirect's Location (http://xn--/), even unfollowed
                return _Failure(Verdict.ERROR, f"redirect to an unusable URL ({exc})", False, "location")
            except httpx.HTTPError as exc:
                return _Failure(Verdict.ERROR, f"{type(exc).__name__}: {exc}", False, "http")
            finally:
                gate.in_flight -= 1
                self.in_flight_total -= 1
                if host_key in self.stats.by_host:  # a refused address was never contacted: no time to report
                    self.stats.host_time[host_key] += time.monotonic() - started

    def _uncount(self, host_key: str) -> None:
        self.stats.requests -= 1
        self.stats.by_host[host_key] -= 1
        if self.stats.by_host[host_key] <= 0:
            del self.stats.by_host[host_key]
            self.stats.max_in_flight.pop(host_key, None)

    async def _exchange(self, method: str, url: str, headers: dict[str, str]) -> _Response:
        async with self.client.stream(method, url, headers=headers) as response:
            lowered = {k.lower(): v for k, v in response.headers.items()}
            location = lowered.get("location") if 300 <= response.status_code < 400 else None
            body = b""
            if method == "GET" and location is None:
                body = await self._read_capped(response, lowered)
            return _Response(response.status_code, lowered, body, location)

    async def _read_capped(self, response: httpx.Response, headers: Mapping[str, str]) -> bytes:
        """Read at most ``max_body_bytes``; skip bodies announced larger. Leaving the stream closes the socket."""
        cap = self.config.max_body_bytes
        try:
            if int(headers.get("content-length", "0")) > cap:
                return b""
        except ValueError:
            pass
        buf = bytearray()
        async for chunk in response.aiter_raw():
            self.bytes_read += len(chunk)
            buf += chunk[: cap - len(buf)]
            if len(buf) >= cap:
                break
        return bytes(buf)

    # -- failure wording ------------------------------------------------------------------------------------------

    def _exhausted(self, last: _Failure, attempts: int) -> _Failure:
        detail = f"{last.detail} after {_attempts(attempts)}"
        return _Failure(last.verdict, detail, False, last.kind, last.status, deadline=last.deadline)

    def _deadline_failure(self, last: _Failure | None, attempts: int, wait: float | None = None) -> _Failure:
        if last is None:
            detail = "deadline: the run deadline passed before a request was sent"
            return _Failure(Verdict.TIMEOUT, detail, False, deadline=True)
        asked = f"; the next try ({wait:.3g} s away) would end past the run deadline" if wait is not None else ""
        detail = f"{last.detail} after {_attempts(attempts)} (deadline{asked})"
        return _Failure(last.verdict, detail, False, last.kind, last.status, deadline=True)


def _attempts(n: int) -> str:
    return f"{n} attempt" if n == 1 else f"{n} attempts"


def _head_unconvincing(outcome: _Response | _Failure, accept: set[int]) -> bool:
    """A HEAD answer that GET might contradict: any status but success, a redirect, or 429 (which GET would share)."""
    if not isinstance(outcome, _Response):
        return False
    status = outcome.status
    return not (200 <= status < 300 or status in accept or outcome.location is not None or status == 429)
