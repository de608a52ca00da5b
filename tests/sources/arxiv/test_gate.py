"""The process-wide arXiv gate: requests start ``delay`` apart, a Retry-After pushes the next one back, and no
wait runs past the run deadline."""

from __future__ import annotations

import time

import pytest

from listkeeper import deadline
from listkeeper.sources.arxiv.gate import Gate, Unavailable


def test_slots_are_spaced_by_the_delay() -> None:
    gate = Gate()
    starts = []
    for _ in range(2):
        with gate.slot(0.2):
            starts.append(time.monotonic())
    assert starts[1] - starts[0] >= 0.2 - 0.01


def test_a_deferral_pushes_the_next_slot_back() -> None:
    gate = Gate()
    gate.defer(0.3)
    started = time.monotonic()
    with gate.slot(0.0):
        assert time.monotonic() - started >= 0.3 - 0.01


def test_a_wait_past_the_run_deadline_is_refused_at_once() -> None:
    gate = Gate()
    gate.defer(5)
    started = time.monotonic()
    with deadline.run_deadline(0.5), pytest.raises(Unavailable, match="past the run deadline"), gate.slot(0.0):
        pass
    assert time.monotonic() - started < 0.5
