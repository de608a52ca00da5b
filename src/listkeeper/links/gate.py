"""Per-host admission for the engine: FIFO, each request when the host's :class:`.rate.HostRate` allows, or
:class:`DeadlineReached`.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Mapping

from listkeeper.http.retry import read_headers
from listkeeper.links.rate import HostRate


class DeadlineReached(Exception):
    pass


class HostGate:
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

    def learn(self, status: int, headers: Mapping[str, str], sent: float) -> None:
        """Take in what an answer says about the host (429s, 503 + Retry-After, rate-limit headers); ``sent`` is
        when the request went out (``time.monotonic()``)."""
        advice = read_headers(headers, time.time())
        self.rate.learn(time.monotonic(), sent, status, advice)
        self._changed.set()

    def closed(self) -> bool:
        """True while the host is inside a wait it asked for."""
        return self.rate.blocked_until > time.monotonic()

    async def acquire(self, deadline: float) -> None:
        """Take a slot and the host's permission to send, or raise DeadlineReached."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineReached
        try:
            async with asyncio.timeout(remaining), self._turn:
                await self._start(deadline, holding_slot=False)
        except TimeoutError:
            raise DeadlineReached from None

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
                raise DeadlineReached
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(wait, deadline - now)):
                    await self._changed.wait()
