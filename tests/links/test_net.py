"""Address vetting, DNS failure classes, connect-to-what-was-vetted, and token scoping."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpcore
import httpx
import pytest

from listkeeper.links.net import (
    ForbiddenAddress,
    NameNotResolved,
    VettingBackend,
    forbidden_reason,
    vetted_addresses,
)
from tests.fakes.server import FakeServer, Response


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "private"),  # reserved; Python also counts it as private
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
        ("fc00::1", "private"),
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped IPv6 is unwrapped
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("2002:a00:1::", "private"),  # 6to4 embedding of 10.0.0.1
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_forbidden_reason(address: str, reason: str | None) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) == reason


def test_allow_flags_are_separate() -> None:
    loop, private = ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.0.0.1")
    assert forbidden_reason(loop, allow_loopback=True) is None
    assert forbidden_reason(private, allow_loopback=True) == "private"
    assert forbidden_reason(private, allow_private=True) is None
    assert forbidden_reason(loop, allow_private=True) == "loopback"
    assert forbidden_reason(ipaddress.ip_address("169.254.169.254"), allow_private=True) is None


def _resolver(table: dict[str, list[str] | int]):
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        answer = table[host]
        if isinstance(answer, int):
            raise socket.gaierror(answer, "lookup failed")
        return answer

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def test_vetting_keeps_only_allowed_addresses() -> None:
    resolve = _resolver({"mixed.test": ["10.0.0.5", "93.184.216.34"], "inside.test": ["169.254.169.254"]})
    assert asyncio.run(vetted_addresses("mixed.test", 80, resolver=resolve)) == ["93.184.216.34"]
    with pytest.raises(ForbiddenAddress) as info:
        asyncio.run(vetted_addresses("inside.test", 80, resolver=resolve))
    assert info.value.reason == "link-local" and info.value.address == "169.254.169.254"
    with pytest.raises(ForbiddenAddress):
        asyncio.run(vetted_addresses("[::ffff:10.0.0.1]", 80, resolver=resolve))
    assert resolve.calls == ["mixed.test", "inside.test"]  # a literal address is never looked up


def test_dns_failures_tell_nxdomain_from_temporary() -> None:
    resolve = _resolver({"gone.test": socket.EAI_NONAME, "flaky.test": socket.EAI_AGAIN})
    with pytest.raises(NameNotResolved) as gone:
        asyncio.run(vetted_addresses("gone.test", 80, resolver=resolve))
    assert gone.value.permanent
    with pytest.raises(NameNotResolved) as flaky:
        asyncio.run(vetted_addresses("flaky.test", 80, resolver=resolve))
    assert not flaky.value.permanent


def test_slow_dns_is_a_connect_timeout() -> None:
    async def slow(host: str, port: int) -> list[str]:
        await asyncio.sleep(5)
        return ["93.184.216.34"]

    with pytest.raises(httpcore.ConnectTimeout):
        asyncio.run(vetted_addresses("slow.test", 80, resolver=slow, timeout=0.05))


def test_backend_connects_to_the_address_it_vetted() -> None:
    """A name only our resolver knows reaches the server: the connection uses the vetted IP, not a second lookup."""
    resolve = _resolver({"rebind.test": ["127.0.0.1"]})

    async def fetch(url: str, **flags: bool) -> httpx.Response:
        transport = httpx.AsyncHTTPTransport()
        transport._pool = httpcore.AsyncConnectionPool(network_backend=VettingBackend(resolver=resolve, **flags))
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.get(url)

    with FakeServer(lambda req: Response.text(req.host)) as server:
        url = f"http://rebind.test:{server.port}/"
        response = asyncio.run(fetch(url, allow_loopback=True))
        assert response.status_code == 200 and response.text == f"rebind.test:{server.port}"
        with pytest.raises(ForbiddenAddress):
            asyncio.run(fetch(url))
        assert len(server.requests) == 1


def test_caching_resolver_asks_once_per_host_and_remembers_nxdomain() -> None:
    import asyncio
    import socket

    from listkeeper.links.net import CachingResolver

    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        await asyncio.sleep(0.01)
        if host == "gone.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if host == "flaky.example":
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return ["93.184.216.34"]

    cache = CachingResolver(resolver)

    async def main() -> None:
        # Ten concurrent connections to one host: one lookup.
        answers = await asyncio.gather(*(cache("Site.example", 443) for _ in range(10)))
        assert answers == [["93.184.216.34"]] * 10
        for _ in range(3):
            with pytest.raises(socket.gaierror) as nx:
                await cache("gone.example", 443)
            assert nx.value.errno == socket.EAI_NONAME
        for _ in range(2):  # temporary failures are asked again
            with pytest.raises(socket.gaierror):
                await cache("flaky.example", 443)

    asyncio.run(main())
    assert calls == ["Site.example", "gone.example", "flaky.example", "flaky.example"]
    assert cache.lookups == 4
