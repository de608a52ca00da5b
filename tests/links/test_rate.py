"""The per-host rate controller, pure: time is a number the test moves, hosts are simulated here."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import pytest

from listkeeper.http.retry import Advice, read_headers
from listkeeper.links.rate import (
    CUT,
    NO_HINT_WAIT,
    QUOTA_SHARE,
    SAFE,
    HostRate,
)

NOW = 1_700_000_000.0  # a Unix time for HTTP-dates and epoch resets


def refusal(wait: float | None = 2.0) -> Advice:
    return Advice(wait=wait)


def run_at(rate: HostRate, times: list[float]) -> None:
    """Requests started (and finished) at the given times."""
    for t in times:
        rate.start(t)
        rate.sent(t)
        rate.finish()


def test_nothing_known_means_only_the_cap_paces() -> None:
    rate = HostRate(cap=2)
    assert rate.delay(0.0) == 0
    rate.start(0.0)
    rate.start(0.0)
    assert rate.delay(0.0) == math.inf  # both slots taken
    assert rate.delay(0.0, holding_slot=True) == 0  # a GET confirming a HEAD needs no new slot
    rate.finish()
    assert rate.delay(0.0) == 0
    assert not rate.limited


def test_a_configured_interval_spaces_starts() -> None:
    rate = HostRate(cap=4, max_rate=4.0)  # min_interval 0.25 s
    assert rate.limited
    rate.start(10.0)
    assert rate.delay(10.0) == pytest.approx(0.25)
    assert rate.delay(10.1) == pytest.approx(0.15)
    rate.start(10.25)
    assert rate.delay(10.25) == pytest.approx(0.25)


def test_nothing_starts_inside_a_retry_after_window() -> None:
    rate = HostRate(cap=4)
    run_at(rate, [0.0, 0.1])
    assert rate.learn(0.2, 0.1, 429, refusal(2.0)) == 2.0
    assert rate.delay(0.2) == pytest.approx(2.0)
    assert rate.delay(1.9, holding_slot=True) == pytest.approx(0.3)  # a held slot does not skip the wait
    assert rate.delay(2.2) == 0
    # a 429 without any hint still closes the host for a moment
    other = HostRate(cap=4)
    assert other.learn(0.0, 0.0, 429, Advice()) == NO_HINT_WAIT
    assert other.delay(0.0) == NO_HINT_WAIT


def test_a_503_with_retry_after_closes_the_host_and_a_plain_503_does_not() -> None:
    rate = HostRate(cap=4)
    run_at(rate, [0.0, 0.1, 0.2])
    assert rate.learn(0.3, 0.2, 503, Advice()) is None
    assert rate.delay(0.3) == 0 and not rate.limited
    assert rate.learn(0.3, 0.2, 503, refusal(5.0)) == 5.0
    assert rate.delay(0.3) == pytest.approx(5.0) and rate.limited


# -- learning from 429s --------------------------------------------------------------------------------------------


def test_a_429_cuts_the_rate_multiplicatively_not_to_one() -> None:
    rate = HostRate(cap=4)
    run_at(rate, [i * 0.05 for i in range(10)])  # ten accepted in the last second
    rate.start(0.5)  # the eleventh is refused
    rate.sent(0.5)
    rate.learn(0.55, 0.5, 429, refusal(2.0))
    assert rate.ceiling == 10
    assert rate.rate == pytest.approx(CUT * 10)
    assert rate.rate > 1


def test_a_429_storm_cuts_once() -> None:
    """Requests sent before the cut come back refused too: they extend the wait, they do not cut again."""
    rate = HostRate(cap=4)
    run_at(rate, [i * 0.025 for i in range(10)])
    for t in (0.25, 0.26, 0.27, 0.28):
        rate.start(t)
        rate.sent(t)
    for answered, started in ((0.35, 0.25), (0.36, 0.26), (0.37, 0.27), (0.38, 0.28)):
        rate.learn(answered, started, 429, refusal(2.0))
    assert rate.refusals == 1
    assert rate.rate == pytest.approx(CUT * 10)
    assert rate.blocked_until == pytest.approx(2.38)  # the latest refusal's wait
    # a refusal of a request sent after the cut is a new signal
    rate.start(3.0)
    rate.sent(3.0)
    rate.learn(3.1, 3.0, 429, refusal(2.0))
    assert rate.refusals == 2


def test_the_rate_recovers_quickly_to_safe_then_probes_upward_slowly() -> None:
    rate = HostRate(cap=4)
    run_at(rate, [i * 0.1 for i in range(10)])
    rate.start(1.0)
    rate.sent(1.0)
    rate.learn(1.0, 1.0, 429, refusal(2.0))
    ceiling = rate.ceiling
    assert ceiling is not None and ceiling >= 9
    assert rate.rate == pytest.approx(CUT * ceiling)
    rate.delay(3.0)  # the wait: no change while the host is closed
    assert rate.rate == pytest.approx(CUT * ceiling)
    rate.delay(10.0)  # seven quiet seconds later: close to the safe rate
    assert SAFE * ceiling * 0.99 < rate.rate <= SAFE * ceiling * 1.01
    rate.delay(60.0)  # a long time without a refusal: probing above the ceiling
    assert rate.rate > ceiling
    assert rate.rate < 2 * ceiling  # ... but slowly


def test_repeated_refusals_at_the_same_rate_slow_the_probing() -> None:
    def probe_speed(refusals: int) -> float:
        rate = HostRate(cap=4)
        t = 0.0
        for _ in range(refusals):
            run_at(rate, [t + i * 0.1 for i in range(10)])
            t += 1.0
            rate.start(t)
            rate.sent(t)
            rate.learn(t, t, 429, refusal(1.0))
            t += 1.0
        rate.delay(t + 30)  # back at the safe rate
        before = rate.rate
        rate.delay(t + 40)
        assert before is not None and rate.rate is not None
        return rate.rate - before

    assert 0 < probe_speed(2) < 0.6 * probe_speed(1)
    assert 0 < probe_speed(3) < 0.6 * probe_speed(2)


def test_a_refused_first_request_is_a_wait_but_no_rate() -> None:
    rate = HostRate(cap=1)
    rate.start(0.0)
    rate.sent(0.0)
    assert rate.learn(0.1, 0.0, 429, refusal(1.0)) == 1.0
    rate.finish()
    assert rate.delay(0.5) == pytest.approx(0.6) and not rate.limited


def test_refusals_right_after_a_wait_do_not_ratchet_the_rate_down() -> None:
    """A paced host reopens after a wait and refuses again within a moment (another path's own 429): the few
    requests sent since it reopened are no measure of its rate; the cut is bounded by the pace."""
    rate = HostRate(cap=4)
    run_at(rate, [i * 0.1 for i in range(10)])
    rate.start(1.0)
    rate.sent(1.0)
    rate.learn(1.0, 1.0, 429, refusal(2.0))
    paced = rate.rate
    assert rate.ceiling is not None and paced == pytest.approx(CUT * rate.ceiling)
    run_at(rate, [3.0, 3.15])  # the host reopened at 3.0
    rate.start(3.3)
    rate.sent(3.3)
    rate.delay(3.3)
    pace = rate.rate
    assert pace is not None and pace >= paced
    rate.learn(3.3, 3.3, 429, refusal(1.0))
    assert rate.rate == pytest.approx(CUT * CUT * pace)  # one more multiplicative cut, not down to 2 per second


def test_a_stated_policy_caps_the_rate_and_an_exhausted_budget_closes_the_host() -> None:
    rate = HostRate(cap=8)
    rate.start(0.0)
    rate.learn(0.1, 0.0, 200, read_headers({"ratelimit-policy": "5;w=1", "ratelimit": "remaining=4, reset=1"}, NOW))
    assert rate.rate == pytest.approx(QUOTA_SHARE * 5) and rate.limited
    rate.start(0.2)
    rate.learn(0.3, 0.2, 200, read_headers({"ratelimit": "remaining=0, reset=3"}, NOW))
    assert rate.delay(0.3) == pytest.approx(3.0)
    # an hourly budget is spread over the hour
    hourly = HostRate(cap=8)
    hourly.start(0.0)
    hourly.learn(0.1, 0.0, 200, read_headers({"x-ratelimit-remaining": "360", "x-ratelimit-reset": "3600"}, NOW))
    assert hourly.rate == pytest.approx(0.1)


# -- convergence against a simulated host --------------------------------------------------------------------------


@dataclass
class SlidingWindowHost:
    """Refuses a request when ``limit`` arrivals (refused ones included) fall within the last ``window`` seconds."""

    limit: int
    window: float = 1.0
    retry_after: float = 2.0
    arrivals: deque[float] = field(default_factory=deque)

    def arrive(self, t: float) -> bool:
        while self.arrivals and self.arrivals[0] <= t - self.window:
            self.arrivals.popleft()
        admitted = len(self.arrivals) < self.limit
        self.arrivals.append(t)
        return admitted


def simulate(host: SlidingWindowHost, n: int, *, latency: float = 0.1, cap: int = 4) -> tuple[float, int, int]:
    """Send ``n`` requests (each retried until admitted) paced by a HostRate: (seconds, requests, 429s)."""
    rate = HostRate(cap=cap)
    t = 0.0
    in_flight: list[tuple[float, float, bool]] = []  # (answer time, start time, admitted)
    done = requests = refused = 0
    while done < n:
        in_flight.sort()
        while in_flight and in_flight[0][0] <= t:
            answered, started, ok = in_flight.pop(0)
            rate.finish()
            if ok:
                done += 1
            else:
                refused += 1
                rate.learn(answered, started, 429, Advice(wait=host.retry_after))
        if done == n:
            break
        pending = n - done - len(in_flight)
        wait = rate.delay(t) if pending > 0 else math.inf
        if wait == 0:
            rate.start(t)
            rate.sent(t)
            requests += 1
            in_flight.append((t + latency, t, host.arrive(t)))
            continue
        t = min(t + wait, in_flight[0][0] if in_flight else math.inf)
    return t, requests, refused


def test_converges_on_a_host_allowing_ten_per_second() -> None:
    """The issue's busiest host: 10 arrivals per second, refused arrivals count, Retry-After 2."""
    seconds, requests, refused = simulate(SlidingWindowHost(limit=10), 700)
    floor = 700 / 10
    assert seconds <= 1.15 * floor
    assert refused <= 4 + 0.01 * requests  # the first storm (at most the 4 in flight), then under 1%


@pytest.mark.parametrize("limit", [4, 20])
def test_converges_on_slower_and_faster_hosts(limit: int) -> None:
    n = limit * 60
    seconds, requests, refused = simulate(SlidingWindowHost(limit=limit), n)
    assert seconds <= 1.2 * n / limit
    assert refused <= 4 + 0.02 * requests


def test_the_first_storm_of_a_run_counts_every_send_before_it() -> None:
    """At the start of a large run sends reach a host later than the client records them: the ten the host
    accepted may span seconds of the client's clock. They all count."""
    rate = HostRate(cap=4)
    run_at(rate, [0.0, 0.0, 0.3, 0.6, 1.0, 1.4, 1.8, 2.1, 2.3, 2.45])  # 2.5 s of a busy start-up
    rate.start(2.5)
    rate.sent(2.5)
    rate.learn(2.55, 2.5, 429, refusal(2.0))
    assert rate.ceiling == 10


def test_late_starts_are_made_up_for_within_the_room_the_window_leaves() -> None:
    """Paced below a ceiling of 10/s, a start that came late may be followed sooner, yet no window of one second
    ever holds more than the ceiling's 10 arrivals plus the one that opens it."""
    rate = HostRate(cap=4)
    run_at(rate, [i * 0.1 for i in range(10)])
    rate.start(1.0)
    rate.sent(1.0)
    rate.learn(1.0, 1.0, 429, refusal(2.0))
    rate.delay(20.0)  # long after: back at the safe rate
    assert rate.rate == pytest.approx(SAFE * 10)
    assert 1.0 < rate.burst() <= 1.0 + 0.9 * (10 - SAFE * 10) + 1e-9
    t, starts = 20.0, []
    while t < 40.0:  # a client that sends when allowed, but wakes late for every third start
        wait = rate.delay(t)
        if wait == 0:
            rate.start(t)
            rate.sent(t)
            rate.finish()
            starts.append(t)
        else:
            t += wait + (0.05 if len(starts) % 3 == 0 else 0.0)
    assert max(sum(1 for s in starts if a <= s < a + 1.0) for a in starts) <= 10
    assert len(starts) / 20.0 >= 0.9 * SAFE * 10  # the late starts were made up for
