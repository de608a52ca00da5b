"""A fake multi-host web on 127.0.0.1 for the link checker: one FakeServer (port) per virtual host.

    with FakeWeb() as web:
        docs = web.host("docs.example", latency=0.05)
        docs.route("/a", Ok())
        docs.route("/old", Redirect(301, docs.public("/a")))
        config = CheckConfig(allow_loopback=True, remap=web.remap())   # https://docs.example/ → 127.0.0.1:PORT
        run_check([docs.public("/old")], config)
        assert docs.server.max_in_flight[docs.server.host] <= 4

Every behaviour knows its ground truth (``alive``, ``dead``, ``moved`` with the final public URL, ``unknown``) so the
benchmark can score any link checker against it. Behaviours are plain objects with a ``respond(req, host)``
method and are safe to call from the server's threads.
"""

from __future__ import annotations

import email.utils
import itertools
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar

from tests.fakes.server import FakeServer, Request, Response

_HTML = b"<!doctype html><html><head><title>ok</title></head><body>" + b"x" * 2048 + b"</body></html>"


class Behaviour:
    """What a path does. ``truth`` is the ground truth a perfect checker reports."""

    truth: ClassVar[str] = "alive"

    def respond(self, req: Request, host: VirtualHost) -> Response:
        raise NotImplementedError

    def final_url(self, host: VirtualHost) -> str | None:
        return None


@dataclass
class Ok(Behaviour):
    body: bytes = _HTML
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})

    def respond(self, req: Request, host: VirtualHost) -> Response:
        return Response(200, dict(self.headers), self.body)


@dataclass
class Status(Behaviour):
    """A fixed status (404, 410, 500, 401 ...)."""

    status: int = 404

    @property
    def truth(self) -> str:  # type: ignore[override]
        return "dead" if self.status in (404, 410) else "unknown"

    def respond(self, req: Request, host: VirtualHost) -> Response:
        return Response(self.status, {"Content-Type": "text/html"}, b"<html>status page</html>")


@dataclass
class Redirect(Behaviour):
    """A redirect to ``location`` (absolute public URL, or a path on the same host)."""

    status: int = 301
    location: str = "/"

    @property
    def truth(self) -> str:  # type: ignore[override]
        return "moved" if self.status in (301, 308) else "alive"

    def respond(self, req: Request, host: VirtualHost) -> Response:
        return Response(self.status, {"Location": self.location}, b"")

    def final_url(self, host: VirtualHost) -> str | None:
        return self.location if "://" in self.location else host.public(self.location)


@dataclass(kw_only=True)
class _FailFirst(Behaviour):
    """Fail the first ``times`` requests (per path) with :meth:`fail`, then answer 200."""

    times: int = 1
    _seen: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def respond(self, req: Request, host: VirtualHost) -> Response:
        with self._lock:
            self._seen[req.path] += 1
            n = self._seen[req.path]
        if n > self.times:
            return Response(200, {"Content-Type": "text/html"}, _HTML)
        return self.fail(req)

    def fail(self, req: Request) -> Response:
        raise NotImplementedError


@dataclass(kw_only=True)
class RateLimited(_FailFirst):
    """429 for the first ``times`` requests (per path), then 200. ``http_date`` sends Retry-After as a date."""

    retry_after: float = 1.0
    http_date: bool = False

    def fail(self, req: Request) -> Response:
        value = (
            email.utils.formatdate(time.time() + self.retry_after, usegmt=True)
            if self.http_date
            else f"{self.retry_after:g}"
        )
        return Response(429, {"Retry-After": value, "Content-Type": "text/plain"}, b"slow down")


@dataclass(kw_only=True)
class Flaky(_FailFirst):
    """``status`` (503) for the first ``times`` requests (per path), then 200: a retry saves the link."""

    status: int = 503

    def fail(self, req: Request) -> Response:
        return Response(self.status, {"Content-Type": "text/plain"}, b"try again")


def looks_like_bot(user_agent: str) -> bool:
    """The fake bot wall's rule: no browser token, or an obvious tool/bot token."""
    ua = user_agent.lower()
    return "mozilla" not in ua or any(word in ua for word in ("bot", "python", "curl", "lychee", "listkeeper"))


@dataclass
class BotWall(Behaviour):
    """403 to bot-like user agents, 200 to browsers: alive, but a checker can only say "blocked"."""

    def respond(self, req: Request, host: VirtualHost) -> Response:
        if looks_like_bot(req.headers.get("user-agent", "")):
            return Response(403, {"Content-Type": "text/html"}, b"<html>Access denied</html>")
        return Response(200, {"Content-Type": "text/html"}, _HTML)


@dataclass
class CloudflareChallenge(Behaviour):
    """A Cloudflare managed challenge: 403, ``cf-mitigated: challenge``, ``server: cloudflare``, "Just a moment..."."""

    with_header: bool = True

    def respond(self, req: Request, host: VirtualHost) -> Response:
        headers = {"Server": "cloudflare", "Content-Type": "text/html; charset=UTF-8", "CF-RAY": "8f0000000000-AMS"}
        if self.with_header:
            headers["cf-mitigated"] = "challenge"
        body = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>challenge-platform</body>"
        return Response(403, headers, body)


@dataclass
class HeadNotAllowed(Behaviour):
    """``status`` (405) to HEAD, 200 to GET. Real sites also answer HEAD with 403, 404 or 501 while GET works."""

    status: int = 405

    def respond(self, req: Request, host: VirtualHost) -> Response:
        if req.method == "HEAD":
            return Response(self.status, {"Allow": "GET"} if self.status == 405 else {}, b"")
        return Response(200, {"Content-Type": "text/html"}, _HTML)


class ConnectionDropped(Exception):
    """Raised by a behaviour to close the connection without an answer (see :class:`Reset`)."""


@dataclass(kw_only=True)
class Reset(_FailFirst):
    """The connection is closed without an answer for the first ``times`` requests (per path), then 200."""

    def fail(self, req: Request) -> Response:
        raise ConnectionDropped(req.path)


@dataclass
class Hang(Behaviour):
    """Answer only after ``delay`` seconds (longer than any timeout in use)."""

    truth: ClassVar[str] = "unknown"
    delay: float = 30.0

    def respond(self, req: Request, host: VirtualHost) -> Response:
        return Response(200, {"Content-Type": "text/html"}, _HTML, delay=self.delay)


@dataclass
class BigBody(Behaviour):
    """A ``size``-byte streamed body (chunked unless ``announce``); ``sent`` counts the bytes handed to the socket."""

    size: int = 50 * 1024 * 1024
    chunk: int = 64 * 1024
    announce: bool = False
    sent: int = 0

    def _chunks(self) -> Iterator[bytes]:
        block = b"z" * self.chunk
        remaining = self.size
        while remaining > 0:
            piece = block[: min(self.chunk, remaining)]
            self.sent += len(piece)
            remaining -= len(piece)
            yield piece

    def respond(self, req: Request, host: VirtualHost) -> Response:
        headers = {"Content-Type": "application/octet-stream"}
        if self.announce:
            headers["Content-Length"] = str(self.size)
        return Response(200, headers, self._chunks())


@dataclass
class Trickle(Behaviour):
    """200 at once, then one byte every ``interval`` seconds for ``seconds``: defeats read timeouts, not totals."""

    truth: ClassVar[str] = "unknown"
    interval: float = 0.05
    seconds: float = 30.0

    def _chunks(self) -> Iterator[bytes]:
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            yield b"."
            time.sleep(self.interval)

    def respond(self, req: Request, host: VirtualHost) -> Response:
        return Response(200, {"Content-Type": "text/html"}, self._chunks())


@dataclass
class HostRateLimit:
    """A host-wide limiter, deciding as a request arrives: more than ``burst`` arrivals within ``window`` seconds,
    or more than ``in_flight`` requests at once, get 429 + Retry-After. With ``count_refused`` (what many real
    limiters do) refused arrivals count against the window too, so a client that ignores Retry-After stays locked
    out. ``headers`` adds RateLimit headers (``RateLimit-Policy`` and ``RateLimit: limit, remaining, reset``).
    ``refused`` records when each refusal was decided (``time.monotonic()``)."""

    burst: int = 10
    window: float = 1.0
    retry_after: float = 1.0
    in_flight: int | None = None
    count_refused: bool = False
    headers: bool = False
    refused: list[float] = field(default_factory=list)
    _starts: list[float] = field(default_factory=list)
    _active: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self) -> bool:
        """One arrival: True when admitted (then :meth:`leave` when it is answered)."""
        now = time.monotonic()
        with self._lock:
            self._starts = [t for t in self._starts if now - t < self.window]
            ok = len(self._starts) < self.burst and (self.in_flight is None or self._active < self.in_flight)
            if ok or self.count_refused:
                self._starts.append(now)
            if ok:
                self._active += 1
            else:
                self.refused.append(now)
            return ok

    def leave(self) -> None:
        with self._lock:
            self._active -= 1

    def rate_headers(self) -> dict[str, str]:
        if not self.headers:
            return {}
        with self._lock:
            now = time.monotonic()
            used = sum(1 for t in self._starts if now - t < self.window)
            reset = max(1, round(self.window - (now - self._starts[0]))) if self._starts else 1
        remaining = max(0, self.burst - used)
        return {
            "RateLimit-Policy": f"{self.burst};w={self.window:g}",
            "RateLimit": f"limit={self.burst}, remaining={remaining}, reset={reset}",
        }

    def reset(self) -> None:
        with self._lock:
            self._starts.clear()
            self.refused.clear()
            self._active = 0


class VirtualHost:
    """One virtual host: a name (for public URLs), a FakeServer, a latency and a route table."""

    def __init__(self, web: FakeWeb, name: str, latency: float, limiter: HostRateLimit | None) -> None:
        self.web = web
        self.name = name
        self.latency = latency
        self.limiter = limiter
        self.routes: dict[str, Behaviour] = {}
        self.sent_429 = 0
        self.active = 0  # requests inside the handler (latency + behaviour), not hangs the client gave up on
        self.max_active = 0
        self.server = FakeServer(self._handle).start()
        self._quiet_dropped_connections()

    def _quiet_dropped_connections(self) -> None:
        """A :class:`ConnectionDropped` escapes the request handler, so socketserver closes the socket without an
        answer (what the client sees as a reset). Keep socketserver from printing a traceback for it."""
        httpd = self.server._httpd
        report = httpd.handle_error

        def handle_error(request: object, client_address: object) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionDropped):
                report(request, client_address)  # type: ignore[arg-type]

        httpd.handle_error = handle_error  # type: ignore[method-assign]

    def route(self, path: str, behaviour: Behaviour) -> str:
        """Serve ``behaviour`` at ``path``; returns the public URL."""
        self.routes[path] = behaviour
        return self.public(path)

    def public(self, path: str = "/") -> str:
        return f"https://{self.name}{path}"

    def local(self, path: str = "/") -> str:
        return f"{self.server.url}{path}"

    @property
    def max_in_flight(self) -> int:
        return self.server.max_in_flight[self.server.host]

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def _handle(self, req: Request) -> Response:
        with self.web._lock:
            self.web.in_flight += 1
            self.web.max_in_flight = max(self.web.max_in_flight, self.web.in_flight)
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        admitted = False
        try:
            if self.limiter is not None:
                admitted = self.limiter.admit()
                if not admitted:
                    with self.web._lock:
                        self.sent_429 += 1
                    headers = {"Retry-After": f"{self.limiter.retry_after:g}", **self.limiter.rate_headers()}
                    return Response(429, headers, b"rate limited")
            if self.latency:
                time.sleep(self.latency)
            behaviour = self.routes.get(req.path)
            if behaviour is None:
                return Response(404, {"Content-Type": "text/plain"}, b"no such page")
            response = behaviour.respond(req, self)
            if self.limiter is not None:
                response.headers.update(self.limiter.rate_headers())
            if response.status == 429:
                with self.web._lock:
                    self.sent_429 += 1
            return response
        finally:
            if admitted and self.limiter is not None:
                self.limiter.leave()
            with self.web._lock:
                self.web.in_flight -= 1
                self.active -= 1


class FakeWeb:
    """A set of virtual hosts on 127.0.0.1 with shared counters (global in-flight peak, 429s sent)."""

    def __init__(self) -> None:
        self.hosts: dict[str, VirtualHost] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._names = itertools.count(1)

    def host(
        self, name: str | None = None, *, latency: float = 0.0, limiter: HostRateLimit | None = None
    ) -> VirtualHost:
        name = name or f"host{next(self._names)}.example"
        vhost = self.hosts[name] = VirtualHost(self, name, latency, limiter)
        return vhost

    def remap(self) -> list[tuple[str, str]]:
        """Remap rules sending each public host to its local server (simple prefix rules: invertible)."""
        return [(f"^https://{h.name.replace('.', chr(92) + '.')}/", f"{h.local('/')}") for h in self.hosts.values()]

    @property
    def requests(self) -> int:
        return sum(len(h.server.requests) for h in self.hosts.values())

    @property
    def sent_429(self) -> int:
        return sum(h.sent_429 for h in self.hosts.values())

    def reset(self) -> None:
        """Forget requests, peaks, 429 counts and per-path state (first-429/first-503), e.g. between two checkers."""
        with self._lock:
            self.max_in_flight = 0
            for h in self.hosts.values():
                h.server.reset()
                h.sent_429 = 0
                h.max_active = 0
                if h.limiter is not None:
                    h.limiter.reset()
                for behaviour in h.routes.values():
                    seen = getattr(behaviour, "_seen", None)
                    if seen is not None:
                        seen.clear()

    def close(self) -> None:
        for h in self.hosts.values():
            h.server.stop()

    def __enter__(self) -> FakeWeb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
