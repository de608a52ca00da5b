"""The link checker's client: every connection goes through the vetting backend."""

from __future__ import annotations

import asyncio

import httpcore
import httpx

from listkeeper.config import CheckConfig
from listkeeper.links.client import make_client
from listkeeper.links.net import ForbiddenAddress
from tests.fakes.server import FakeServer, Request, Response


def test_httpx_still_keeps_its_pool_where_the_workaround_replaces_it() -> None:
    """:class:`VettedTransport` replaces httpx's private ``_pool``: this fails when httpx moves it."""
    transport = httpx.AsyncHTTPTransport()
    assert isinstance(transport._pool, httpcore.AsyncConnectionPool)


def test_connections_use_our_resolver_and_vetting() -> None:
    """A name only our resolver knows is reachable; a loopback address without ``allow_loopback`` is not: both
    hold only when httpx's pool really is the one with our backend."""
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    def handler(req: Request) -> Response:
        return Response.text("ok")

    async def get(config: CheckConfig, url: str) -> int | str:
        async with make_client(config, resolver=resolver) as client:
            try:
                return (await client.get(url)).status_code
            except ForbiddenAddress as exc:
                return str(exc)

    with FakeServer(handler) as server:
        url = f"http://only-our-resolver.test:{server.port}/"
        assert asyncio.run(get(CheckConfig(allow_loopback=True), url)) == 200
        refused = asyncio.run(get(CheckConfig(allow_loopback=False), url))
    assert asked == ["only-our-resolver.test", "only-our-resolver.test"]
    assert isinstance(refused, str) and "loopback" in refused
    assert [r.path for r in server.requests] == ["/"]
