"""Per-host admission (:class:`listkeeper.links.gate.HostGate`) on a real event loop: FIFO order, the slot cap,
the host's own wait (Retry-After) and the run deadline."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from listkeeper.links.gate import DeadlineReached, HostGate


def test_requests_start_in_arrival_order_within_the_cap() -> None:
    async def scenario() -> list[int]:
        gate = HostGate(limit=2, min_interval=0.0)
        deadline = time.monotonic() + 5
        started: list[int] = []

        async def one(n: int) -> None:
            await gate.acquire(deadline)
            started.append(n)
            await asyncio.sleep(0.02)
            gate.release()

        tasks = []
        for n in range(6):
            tasks.append(asyncio.create_task(one(n)))
            await asyncio.sleep(0)  # arrive one after the other
        await asyncio.gather(*tasks)
        return started

    started = asyncio.run(scenario())
    assert started == list(range(6))


def test_no_more_than_the_cap_are_admitted_at_once() -> None:
    async def scenario() -> int:
        gate = HostGate(limit=2, min_interval=0.0)
        deadline = time.monotonic() + 5
        inside = peak = 0

        async def one() -> None:
            nonlocal inside, peak
            await gate.acquire(deadline)
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.02)
            inside -= 1
            gate.release()

        await asyncio.gather(*(one() for _ in range(7)))
        return peak

    assert asyncio.run(scenario()) == 2


def test_min_interval_spaces_the_starts() -> None:
    async def scenario() -> list[float]:
        gate = HostGate(limit=4, min_interval=0.05)
        deadline = time.monotonic() + 5
        starts: list[float] = []

        async def one() -> None:
            await gate.acquire(deadline)
            starts.append(time.monotonic())
            gate.release()

        await asyncio.gather(*(one() for _ in range(4)))
        return starts

    starts = asyncio.run(scenario())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.04 for gap in gaps), gaps


def test_a_wait_the_host_asked_for_that_outlasts_the_deadline_gives_up_at_once() -> None:
    async def scenario() -> float:
        gate = HostGate(limit=2, min_interval=0.0)
        await gate.acquire(time.monotonic() + 5)
        gate.learn(429, {"Retry-After": "60"}, time.monotonic())
        gate.release()
        assert gate.closed()
        began = time.monotonic()
        with pytest.raises(DeadlineReached):
            await gate.acquire(time.monotonic() + 1.0)
        return time.monotonic() - began

    assert asyncio.run(scenario()) < 0.5  # no point waiting for a turn that comes after the deadline


def test_a_past_deadline_is_refused_without_waiting() -> None:
    async def scenario() -> None:
        gate = HostGate(limit=1, min_interval=0.0)
        with pytest.raises(DeadlineReached):
            await gate.acquire(time.monotonic() - 1)

    asyncio.run(scenario())
