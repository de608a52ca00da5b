"""The async link-checking engine: one shared HTTP client, polite per host, safe, and honest about uncertainty.

    results = await check_urls(urls, config.check)            # {url: LinkResult}
    results, stats = run_check(urls, config.check)            # same, from sync code

How a URL is checked
--------------------
1. Validation (``INVALID``: empty, malformed, not http/https), exclusion (``EXCLUDED``: ``config.exclude``), then
   remapping (``config.remap``: first matching ``(regex, replacement)`` wins) to the URL actually requested.
2. ``HEAD`` first; ``GET`` when HEAD is answered with anything but success or 429 (405, 403, 501, 404, 5xx ...
   are all things HEAD gets wrong on real sites), for hosts with ``use_get``/a quirk (:mod:`.quirks`), and for
   the rest of the run on a host that answered HEAD with 405/501. ``GET`` streams and reads at most
   ``max_body_bytes`` (nothing when ``Content-Length`` is larger) and then closes the stream.
3. Redirects are followed by hand (the client never follows them): every hop is vetted against private
   addresses (:mod:`.net`; refused: ``FORBIDDEN``), gets its own headers and token decision, and is recorded as
   ``Hop(status, target)`` - the status that redirected and the public form of the URL it pointed to. A chain of
   only 301/308 that ends in success is ``REDIRECTED`` with ``final_url``; any 302/303/307 in the chain lets the
   final status decide.
4. Retries (at most ``max_retries``; a timeout at most once, so a hanging URL costs at most two
   ``request_timeout``) with exponential backoff and full jitter on 408, 429, 5xx, timeouts, connection
   failures/resets and temporary DNS failures. ``Retry-After`` (seconds or HTTP-date), ``RateLimit: ... reset=N``,
   ``RateLimit-Reset`` and ``X-RateLimit-Reset`` are honoured with no cap except the run deadline: a wait that
   would end past it is not started, and the verdict (rate-limited, timeout or error) says "deadline".
5. Politeness: a global cap (``max_concurrency``), and per host (:mod:`.rate`) a concurrency cap (``per_host``, or
   ``hosts[h].max_concurrency``) plus a token bucket at the rate the host is learned to allow (at most one start
   per ``hosts[h].min_interval``). A 429, or a 503 naming a wait, closes the whole host until that wait is over
   and cuts its rate multiplicatively; the rate is then regained and probed upward. ``RateLimit-Policy`` caps the
   rate, an exhausted ``RateLimit``/``X-RateLimit`` budget closes the host until its reset. A host that has shown
   a limit is asked with GET only: one request answers what HEAD and a confirming GET would. A "host" is the
   origin actually contacted (host[:port] after remapping). The caps are enforced around each request and
   measured (``CheckStats.max_in_flight``).
6. The run deadline follows the work: ``config.deadline`` when set, else ``deadline_per_link`` per URL, at least
   :data:`DEADLINE_MIN` and at most ``deadline_max`` seconds (:func:`work_deadline`). Whatever has no answer by then
   is ``timeout`` (never dead), and its URL is listed in ``CheckStats.unanswered`` so the next run asks it first.

Remap and public URLs
---------------------
Reports use public URLs. A redirect ``Location`` that points into a remapped origin is mapped back through the
inverse of a remap rule when that rule is a *simple prefix rewrite*: the pattern is ``^`` + a literal prefix
(escaped characters and ``.`` allowed, no other regex syntax) and the replacement has no group references.
Other rules cannot be inverted, so targets under them are reported as requested. A ``Location`` that is a public
URL covered by a remap rule is remapped before it is requested, so redirects between remapped hosts stay local.

Tokens
------
``tokens`` maps origins to bearer tokens (:func:`listkeeper.http.origin.auth_headers_for`); a token is attached
only when the URL actually requested on that hop has exactly that origin. The link checker normally sends none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import re
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from listkeeper import __version__
from listkeeper.config import USER_AGENT_URL, CheckConfig, HostPolicy
from listkeeper.http import retry
from listkeeper.http.origin import auth_headers_for
from listkeeper.http.retry import read_headers, retry_after
from listkeeper.links import quirks
from listkeeper.links.net import (
    CachingResolver,
    ForbiddenAddress,
    InvalidHostName,
    NameNotResolved,
    Resolver,
    VettingBackend,
)
from listkeeper.links.net import system_resolver as _system_resolver
from listkeeper.links.rate import NO_HINT_WAIT, HostRate
from listkeeper.links.status import CheckStats, Hop, LinkResult, Verdict

log = logging.getLogger(__name__)
USER_AGENT = f"listkeeper/{__version__} (+{USER_AGENT_URL})"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DEADLINE_MIN = 300.0  # seconds: the least a run gets when its deadline follows the work
BACKOFF_CAP = 30.0  # seconds; the largest backoff we choose ourselves (server-requested waits are not capped)
_PERMANENT = frozenset({301, 308})
_NOT_RETRIED_5XX = frozenset({501, 505, 511})  # "not implemented" and friends do not get better with time
_SCHEMES = ("http", "https")
_BAD_LOCATION = "Invalid URL in location header"  # httpx's wording when a redirect's Location does not parse
_TIMEOUTS = frozenset({"timeout", "read-timeout", "connect-timeout"})  # failure kinds retried at most once

__all__ = ["USER_AGENT", "check_urls", "classify", "run_check", "work_deadline"]


# -- pure helpers --------------------------------------------------------------------------------------------------


def work_deadline(config: CheckConfig, n_urls: int) -> float:
    """Seconds the run may take: ``config.deadline`` when set, else ``deadline_per_link`` for each URL, at least
    :data:`DEADLINE_MIN` and at most ``deadline_max``."""
    if config.deadline is not None:
        return config.deadline
    return min(config.deadline_max, max(DEADLINE_MIN, config.deadline_per_link * n_urls))


def backoff(attempt: int, base: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    return retry.backoff(attempt, BACKOFF_CAP, base, rng)


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


def _invalid_reason(url: str) -> str | None:
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


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    replacement: str
    prefix: str | None  # the literal public prefix when the rule is a simple prefix rewrite (invertible)


_LITERAL = re.compile(r"(?:\\.|[^\\.^$*+?{}\[\]|()]|\.)*")


def _literal_prefix(pattern: str, replacement: str) -> str | None:
    if not pattern.startswith("^") or "\\" in replacement or "\\g<" in replacement:
        return None
    body = pattern[1:]
    if not _LITERAL.fullmatch(body) or re.search(r"\\[A-Za-z0-9]", body):
        return None
    return re.sub(r"\\(.)", r"\1", body)


class Remapper:
    """Apply ``config.remap`` (first match wins) and invert simple prefix rules for reporting."""

    def __init__(self, rules: Iterable[tuple[str, str]]) -> None:
        self.rules = [_Rule(re.compile(p), r, _literal_prefix(p, r)) for p, r in rules]

    def forward(self, url: str) -> str:
        for rule in self.rules:
            if rule.pattern.search(url):
                return rule.pattern.sub(rule.replacement, url, count=1)
        return url

    def covers(self, url: str) -> bool:
        return any(rule.pattern.search(url) for rule in self.rules)

    def public(self, url: str) -> str:
        """The public form of a requested URL (inverse of the first invertible rule whose target prefixes it)."""
        for rule in self.rules:
            if rule.prefix is not None and rule.replacement and url.startswith(rule.replacement):
                return rule.prefix + url[len(rule.replacement) :]
        return url


# -- concurrency control -------------------------------------------------------------------------------------------


class _DeadlineReached(Exception):
    pass


class _HostGate:
    """Per-host admission around a :class:`.rate.HostRate`: requests start in arrival order (FIFO), each when the
    host's controller allows (a free slot, a token, no wait the host asked for), or give up at the deadline."""

    def __init__(self, limit: int, min_interval: float) -> None:
        self.rate = HostRate(limit, max_rate=1.0 / min_interval if min_interval > 0 else None)
        self.in_flight = 0  # requests on the wire (measured for CheckStats.max_in_flight)
        self.use_get = False
        self._turn = asyncio.Lock()  # FIFO: the next request in line waits for the host, the others for their turn
        self._changed = asyncio.Event()

    def release(self) -> None:
        self.rate.finish()
        self._changed.set()

    def learn(self, response: _Response) -> None:
        """Take in what an answer says about the host (429s, 503 + Retry-After, rate-limit headers)."""
        advice = read_headers(response.headers, time.time())
        self.rate.learn(time.monotonic(), response.sent, response.status, advice)
        self._changed.set()

    def closed(self) -> bool:
        """True while the host is inside a wait it asked for."""
        return self.rate.blocked_until > time.monotonic()

    async def acquire(self, deadline: float) -> None:
        """Take a slot and the host's permission to send, or raise _DeadlineReached."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _DeadlineReached
        try:
            async with asyncio.timeout(remaining), self._turn:
                await self._start(deadline, holding_slot=False)
        except TimeoutError:
            raise _DeadlineReached from None

    async def pace(self, deadline: float) -> None:
        """Permission to send another request in the slot already held (a GET confirming a HEAD)."""
        await self._start(deadline, holding_slot=True)

    async def _start(self, deadline: float, *, holding_slot: bool) -> None:
        while True:
            now = time.monotonic()
            wait = self.rate.delay(now, holding_slot=holding_slot)
            if wait <= 0:
                self.rate.start(now, holding_slot=holding_slot)
                return
            if now >= deadline or (math.isfinite(wait) and now + wait > deadline):
                raise _DeadlineReached
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(wait, deadline - now)):
                    await self._changed.wait()


# -- per-request outcomes ------------------------------------------------------------------------------------------


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
class _Engine:
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
    gates: dict[str, _HostGate] = field(default_factory=dict)
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

    def gate(self, key: str, policy: HostPolicy | None) -> _HostGate:
        gate = self.gates.get(key)
        if gate is None:
            limit = (policy.max_concurrency if policy else None) or self.config.per_host
            gate = self.gates[key] = _HostGate(limit, (policy.min_interval if policy else None) or 0.0)
        return gate

    # -- one URL --------------------------------------------------------------------------------------------------

    async def check(self, url: str) -> LinkResult:
        started = time.monotonic()
        if reason := _invalid_reason(url):
            return LinkResult(url, Verdict.INVALID, detail=reason, attempts=0)
        public = url.strip()
        for pattern in self.config.exclude:
            if re.search(pattern, public):
                return LinkResult(url, Verdict.EXCLUDED, detail=f"matches exclude rule {pattern!r}", attempts=0)
        request_url = self.remap.forward(public)
        if reason := _invalid_reason(request_url):
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
            if reason := _invalid_reason(target_request):
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
            except _DeadlineReached:
                return _HopResult(None, self._deadline_failure(last, attempts), attempts)
            if gate.use_get or gate.rate.limited:
                method = "GET"  # learned while this request waited: HEAD fails, or every request counts
            try:
                attempts += 1
                outcome = await self.send(method, request_url, headers, host_key, gate)
                if isinstance(outcome, _Response):
                    gate.learn(outcome)
                if method == "HEAD" and _head_unconvincing(outcome, accept) and not gate.closed():
                    # Confirm with GET at once, in the same slot: HEAD is too often answered wrongly to trust.
                    if isinstance(outcome, _Response) and outcome.status in (405, 501):
                        gate.use_get = True  # the host does not do HEAD at all: save the round trip from now on
                    method = "GET"
                    try:
                        await gate.pace(self.deadline)
                    except _DeadlineReached:
                        return _HopResult(None, self._deadline_failure(None, attempts), attempts)
                    attempts += 1
                    outcome = await self.send(method, request_url, headers, host_key, gate)
                    if isinstance(outcome, _Response):
                        gate.learn(outcome)
            finally:
                gate.release()
            closes_host = False  # a refusal closes the host (its gate holds every request) until the wait is over
            if isinstance(outcome, _Response):
                status = outcome.status
                if not _retryable_status(status) or quirks.bot_wall(status, outcome.headers, outcome.body):
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
        self, method: str, url: str, headers: dict[str, str], host_key: str, gate: _HostGate
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
                if _is_tls(exc):
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


def _retryable_status(status: int) -> bool:
    return status in (408, 429) or (500 <= status < 600 and status not in _NOT_RETRIED_5XX)


def _is_tls(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _VettedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with our :class:`VettingBackend` under its connection pool (see :mod:`.net`)."""

    def __init__(self, backend: VettingBackend, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def make_client(config: CheckConfig, *, resolver: Resolver = _system_resolver) -> httpx.AsyncClient:
    """The shared client: no redirects, no proxies from the environment, vetted connections, our timeouts, and one
    DNS lookup per host for the whole run."""
    backend = VettingBackend(
        allow_loopback=config.allow_loopback, allow_private=config.allow_private, resolver=CachingResolver(resolver)
    )
    limits = httpx.Limits(
        max_connections=config.max_concurrency, max_keepalive_connections=config.max_concurrency, keepalive_expiry=15
    )
    timeout = httpx.Timeout(
        connect=config.connect_timeout, read=config.read_timeout, write=config.read_timeout, pool=None
    )
    return httpx.AsyncClient(
        transport=_VettedTransport(backend, limits), follow_redirects=False, timeout=timeout, trust_env=False
    )


# -- public API ----------------------------------------------------------------------------------------------------


async def check_urls(
    urls: Iterable[str],
    config: CheckConfig,
    *,
    stats: CheckStats | None = None,
    on_result: Callable[[LinkResult], None] | None = None,
    user_agent: str | None = None,
    tokens: Mapping[str, str] | None = None,
    resolver: Resolver | None = None,
    retry_base: float = 1.0,
    seed: int | None = None,
) -> dict[str, LinkResult]:
    """Check every distinct URL once; return ``{url: LinkResult}`` keyed by the URL as given.

    ``stats`` (filled in place) records requests, per-host counts and peaks, 429s, retries and time.
    ``on_result`` is called as each URL finishes (for progress output). ``tokens`` maps origins to bearer tokens
    (none by default). ``resolver`` replaces the system DNS resolver (tests). ``retry_base`` is the first backoff
    step in seconds; ``seed`` makes the jitter reproducible.
    """
    stats = stats if stats is not None else CheckStats()
    started = time.monotonic()
    unique = list(dict.fromkeys(urls))  # in the order given: the first ones are asked first
    stats.deadline = work_deadline(config, len(unique))
    results: dict[str, LinkResult] = {}
    async with make_client(config, resolver=resolver or _system_resolver) as client:
        engine = _Engine(
            config=config,
            stats=stats,
            client=client,
            user_agent=user_agent or USER_AGENT,
            tokens=dict(tokens or {}),
            retry_base=retry_base,
            deadline=started + stats.deadline,
            rng=random.Random(seed),
            remap=Remapper(config.remap),
            global_sem=asyncio.Semaphore(config.max_concurrency),
        )

        async def one(url: str) -> None:
            try:
                result = await engine.check(url)
            except Exception as exc:  # one link never ends the run: an unforeseen failure is that link's error
                log.warning("checking %s failed unexpectedly", url, exc_info=True)
                result = LinkResult(url, Verdict.ERROR, detail=f"unexpected failure: {type(exc).__name__}: {exc}")
            results[url] = result
            if on_result is not None:
                on_result(result)

        async with asyncio.TaskGroup() as group:
            for url in unique:
                group.create_task(one(url))
    stats.wall = time.monotonic() - started
    return {url: results[url] for url in unique}


def run_check(urls: Iterable[str], config: CheckConfig, **kw: object) -> tuple[dict[str, LinkResult], CheckStats]:
    """Synchronous wrapper around :func:`check_urls` (starts its own event loop; not for use inside one)."""
    stats = kw.pop("stats", None)
    stats = stats if isinstance(stats, CheckStats) else CheckStats()
    results = asyncio.run(check_urls(urls, config, stats=stats, **kw))  # type: ignore[arg-type]
    return results, stats
