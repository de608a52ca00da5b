"""The link checker's shared httpx client: no redirects, no proxies from the environment, vetted connections
(:mod:`.net`), our timeouts.
"""

from __future__ import annotations

import httpcore
import httpx

from listkeeper.config import CheckConfig
from listkeeper.links.net import CachingResolver, Resolver, VettingBackend
from listkeeper.links.net import system_resolver as _system_resolver


class VettedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with our :class:`VettingBackend` under its connection pool (see :mod:`.net`).

    httpx has no public way to give its transport a network backend, and re-implementing the transport would
    re-implement its request mapping and exception translation. So this one workaround replaces the transport's
    private ``_pool``, here only; tests/links/test_client.py fails when httpx renames it or stops using it.
    """

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
        transport=VettedTransport(backend, limits), follow_redirects=False, timeout=timeout, trust_env=False
    )
