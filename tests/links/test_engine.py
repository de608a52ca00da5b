"""The engine's pure parts (the backoff between retries); the engine itself runs in tests/links/test_check.py
against real servers on loopback."""

from __future__ import annotations

from listkeeper.links.engine import BACKOFF_CAP, backoff


def test_backoff_is_exponential_with_full_jitter() -> None:
    import random

    rng = random.Random(3)
    for attempt in range(8):
        ceiling = min(BACKOFF_CAP, 0.5 * 2**attempt)
        waits = [backoff(attempt, 0.5, rng) for _ in range(200)]
        assert all(0.0 <= w <= ceiling for w in waits)
        assert max(waits) > 0.8 * ceiling and min(waits) < 0.2 * ceiling  # spread over the whole range (jitter)
    assert max(backoff(20, 1.0, rng) for _ in range(50)) <= BACKOFF_CAP
