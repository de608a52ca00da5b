"""Network safety for the link checker: which addresses we may connect to (and the token rule, for the record).

Two rules from the brief, enforced here and nowhere else:

* **Never fetch private, loopback, link-local, multicast, reserved or unspecified addresses** unless configured
  (``allow_loopback`` unlocks loopback only, ``allow_private`` every other non-public range but not loopback).
  The check runs inside the HTTP transport's network backend (:class:`VettingBackend`), i.e. at the moment a TCP
  connection is opened, for the first request *and every redirect hop*. The backend resolves the name itself,
  vets every address, and connects to the address it vetted - so a DNS answer that changes between "check" and
  "connect" (DNS rebinding) cannot slip a private address past us. Residual risk: none for direct connections;
  the engine disables proxies (``trust_env=False``) because through a proxy the proxy, not us, would resolve
  the name.
* **A token goes only to its own origin**: the engine asks :func:`listkeeper.http.origin.auth_headers_for` (the
  one cross-origin guard, shared with the Hub and GitHub clients) on every hop. A redirect to any other origin
  therefore loses the token.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


class AddressError(Exception):
    """Base for refusals and lookup failures raised while opening a connection."""


class ForbiddenAddress(AddressError):
    """The host is (or resolves only to) an address we must not connect to."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"{host} is a {reason} address ({address})" if host != address else f"{reason} address {host}")
        self.host = host
        self.address = address
        self.reason = reason


class NameNotResolved(AddressError):
    """DNS gave no address. ``permanent`` is True only for NXDOMAIN (EAI_NONAME): the name does not exist."""

    def __init__(self, host: str, permanent: bool, message: str) -> None:
        super().__init__(f"{host}: {message}")
        self.host = host
        self.permanent = permanent


class InvalidHostName(AddressError):
    """The host cannot be looked up at all: not a valid DNS name (an empty or over-long label, a bad A-label)."""

    def __init__(self, host: str, message: str) -> None:
        super().__init__(f"invalid host name {host!r}: {message}")
        self.host = host


def forbidden_reason(address: IPAddress, *, allow_loopback: bool = False, allow_private: bool = False) -> str | None:
    """Why connecting to ``address`` is refused, or None when it is allowed.

    IPv4-mapped (``::ffff:10.0.0.1``) and 6to4/NAT64-style embeddings are unwrapped first so an IPv6 spelling
    cannot smuggle a private IPv4 address past the check.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return forbidden_reason(address.ipv4_mapped, allow_loopback=allow_loopback, allow_private=allow_private)
        if address.sixtofour is not None:
            return forbidden_reason(address.sixtofour, allow_loopback=allow_loopback, allow_private=allow_private)
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    if allow_private:
        return None
    checks = (
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    )
    for reason, hit in checks:
        if hit:
            return reason
    if not address.is_global:  # shared address space (100.64/10) and other non-global ranges
        return "non-global"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The IP address a URL host spells literally (``[::1]`` included), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (``getaddrinfo``), without blocking the event loop."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]), None)
    return list(seen)


class CachingResolver:
    """One DNS lookup per host for a whole run, shared by concurrent connections (single flight).

    Answers and NXDOMAIN are remembered; temporary failures are not, so a retry asks again. Addresses are still
    vetted on every use, so caching never lets a forbidden address through.
    """

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self.lookups = 0
        self._answers: dict[str, list[str] | socket.gaierror] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def __call__(self, host: str, port: int) -> list[str]:
        key = host.lower()
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._answers:
                self.lookups += 1
                try:
                    self._answers[key] = await self.inner(host, port)
                except socket.gaierror as exc:
                    if exc.errno != socket.EAI_NONAME:
                        raise
                    self._answers[key] = exc
            answer = self._answers[key]
        if isinstance(answer, socket.gaierror):
            raise socket.gaierror(answer.errno, answer.strerror)
        return list(answer)


async def vetted_addresses(
    host: str,
    port: int,
    *,
    allow_loopback: bool = False,
    allow_private: bool = False,
    resolver: Resolver = system_resolver,
    timeout: float | None = None,
) -> list[str]:
    """Resolve ``host`` and return only the addresses we may connect to.

    Raises :class:`ForbiddenAddress` when none is allowed (the reason of the first refused address is reported)
    and :class:`NameNotResolved` on DNS failure, telling NXDOMAIN (permanent) from a temporary failure.
    """
    literal = literal_address(host)
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            async with asyncio.timeout(timeout):
                addresses = await resolver(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"DNS lookup of {host} timed out") from None
        except socket.gaierror as exc:
            permanent = exc.errno == socket.EAI_NONAME
            message = "no such host (NXDOMAIN)" if permanent else f"DNS lookup failed ({exc.strerror or exc})"
            raise NameNotResolved(host, permanent, message) from None
        except UnicodeError as exc:  # the resolver's IDNA encoding: "a..b", a 64-character label
            raise InvalidHostName(host, str(exc)) from None
        except Exception as exc:  # any other resolver failure is a failed lookup, never the end of the run
            raise NameNotResolved(host, False, f"DNS lookup failed ({type(exc).__name__}: {exc})") from None
        if not addresses:
            raise NameNotResolved(host, False, "DNS returned no address")
    allowed: list[str] = []
    refused: tuple[str, str] | None = None
    for text in addresses:
        try:
            address = ipaddress.ip_address(str(text).split("%")[0])
        except ValueError:
            continue  # a resolver answer that is no address at all is never connected to
        reason = forbidden_reason(address, allow_loopback=allow_loopback, allow_private=allow_private)
        if reason is None:
            allowed.append(text)
        elif refused is None:
            refused = (text, reason)
    if not allowed:
        if refused is None:
            raise NameNotResolved(host, False, "DNS returned no usable address")
        raise ForbiddenAddress(host, refused[0], refused[1])
    return allowed


class VettingBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, vets, and connects to the vetted address only.

    TLS still uses the original host name for SNI and certificate checks (httpcore passes it to ``start_tls``
    separately), so connecting by IP does not weaken HTTPS.
    """

    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        allow_private: bool = False,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.allow_loopback = allow_loopback
        self.allow_private = allow_private
        self.resolver = resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await vetted_addresses(
            host,
            port,
            allow_loopback=self.allow_loopback,
            allow_private=self.allow_private,
            resolver=self.resolver,
            timeout=timeout,
        )
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise ForbiddenAddress(path, path, "unix socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
