"""Per-host rate control for the link checker: pure and synchronous, with time passed in (no HTTP, no clock).

    rate = HostRate(cap=4)                       # nothing known yet: the concurrency cap alone paces the host
    rate.delay(now)                              # seconds until the next request may start (inf: no free slot)
    rate.start(now)                              # a request may go: takes a slot and a token
    rate.sent(now)                               # ... and went out now (what the host will count)
    rate.learn(now, started, status, headers)    # what the answer says about the host
    rate.finish()                                # the request is done: frees its slot

How it paces
------------
A host gets at most ``cap`` requests in flight and, once a limit is known, a token bucket at ``rate`` requests per
second. The bucket holds one token, so starts are ``1 / rate`` apart, plus what the host's window has room for
beyond the pace (:meth:`HostRate.burst`): a start that came late (a busy event loop) is made up for without ever
putting more arrivals in a :data:`WINDOW` than the host accepted. No request starts while the host is inside a wait
it asked for (``blocked_until``).

How it learns
-------------
* **429**, or **503 with Retry-After**: the host is closed until the wait it asked for (``Retry-After`` in seconds
  or as an HTTP-date, else ``RateLimit``/``RateLimit-Reset``/``X-RateLimit-Reset``, else :data:`NO_HINT_WAIT`).
  The arrivals we sent in the :data:`WINDOW` before the refused request are what the host accepted: that is the
  *ceiling*. The rate is cut to :data:`CUT` × the ceiling (multiplicative decrease, never to one request at a
  time), regained quickly up to :data:`SAFE` × the ceiling, and from there probed upward slowly; every further
  429 halves the probing speed, so a host that keeps refusing the same rate converges on it instead of
  oscillating. Refusals of requests sent before the last cut were sent at the old rate: they extend the wait but
  do not cut again (one cut per 429 storm).
* **RateLimit-Policy** (``10;w=1`` or ``"default";q=10;w=1``): the host's stated quota; the rate never exceeds
  :data:`QUOTA_SHARE` x ``q / w`` (pacing at the quota itself would empty the budget every window).
* **Remaining / reset** (``RateLimit: remaining=3, reset=2``, ``"default";r=3;t=2``, ``RateLimit-Remaining`` and
  ``RateLimit-Reset``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset``): with nothing remaining the host is
  closed until the reset; a budget that resets more than :data:`BUDGET_WINDOW` seconds away is spread over the
  time left (an hourly quota must last the hour). Short windows need no spreading: the learned rate covers them.
"""

from __future__ import annotations

import math
from collections import deque

from listkeeper.http.retry import Advice

WINDOW = 1.0  # seconds: arrivals counted before a refused request (most limits are per second or longer)
CUT = 0.8  # after a 429: rate = CUT x the ceiling measured there
SAFE = 0.95  # the rate regained quickly after a cut, as a fraction of the ceiling
REGAIN_TAU = 1.5  # seconds: the gap to SAFE x ceiling shrinks by e every REGAIN_TAU seconds
PROBE = 0.0025  # above SAFE: + PROBE x ceiling per second, halved for every further 429
PROBE_MIN = 0.02  # requests per second per second: the least probing speed (after one refusal)
QUOTA_SHARE = 0.9  # of a stated quota (RateLimit-Policy) that we use
MIN_RATE = 0.05  # requests per second: the slowest pace (one request every 20 s)
NO_HINT_WAIT = 1.0  # seconds a host is left alone after a 429 that names no wait
BUDGET_WINDOW = 10.0  # seconds: a remaining budget that resets later than this is spread over the time left
STARTUP_SLACK = 3.0  # seconds: a first refusal this soon after our first send counts every send before it
_RETAIN = 30.0  # seconds of request starts kept (a refusal can answer a request started this long ago)


class HostRate:
    """The pace of one host: a concurrency cap, a token bucket at the learned rate, and the waits it asked for.

    ``now`` is any monotonic clock in seconds; the engine passes ``time.monotonic()``, tests pass numbers.
    """

    def __init__(self, cap: int, *, max_rate: float | None = None) -> None:
        self.cap = cap
        self.max_rate = max_rate  # configured (hosts[h].min_interval) or stated (RateLimit-Policy): never exceeded
        self.learned: float | None = None  # the rate learned from refusals; None before the first one
        self.budget: float | None = None  # the latest long-window budget (remaining / seconds to reset)
        self.ceiling: float | None = None  # arrivals per second the host accepted when it last refused one
        self.refusals = 0  # 429 storms seen (each cut counts once)
        self.blocked_until = -math.inf
        self.active = 0  # slots held (a request and its GET confirmation share one)
        self.tokens = 1.0
        self._filled_at: float | None = None
        self._adjusted_at: float | None = None
        self._cut_at = -math.inf
        self._starts: deque[float] = deque()  # when requests went out, over the last _RETAIN seconds
        self._first_sent: float | None = None

    @property
    def rate(self) -> float | None:
        """Requests per second now: the strictest of the learned rate, the stated or configured maximum and the
        budget; None while nothing limits the host but its concurrency cap."""
        rates = [r for r in (self.learned, self.max_rate, self.budget) if r is not None]
        return min(rates) if rates else None

    def burst(self) -> float:
        """Tokens the bucket holds: one, plus 90% of the room the host's window has beyond the pace (when its
        ceiling is known, and at most half a token), so a window never holds more than ``1 + ceiling x WINDOW``
        arrivals."""
        rate = self.rate
        if self.ceiling is None or rate is None:
            return 1.0
        return 1.0 + min(0.5, max(0.0, 0.9 * (self.ceiling - rate) * WINDOW))

    @property
    def limited(self) -> bool:
        """True once the host has shown a limit (a refusal, a stated policy or budget): every request counts."""
        return self.rate is not None

    # -- pacing -----------------------------------------------------------------------------------------------

    def delay(self, now: float, *, holding_slot: bool = False) -> float:
        """Seconds until a request may start: 0 now, ``inf`` while every slot is taken (wait for :meth:`finish`).

        ``holding_slot``: the caller already holds a slot (a GET confirming a HEAD) and needs only a token.
        """
        if not holding_slot and self.active >= self.cap:
            return math.inf
        self._update(now)
        wait = max(0.0, self.blocked_until - now)
        rate = self.rate
        if rate is not None and self.tokens < 1.0 - 1e-9:  # (rounding must not leave a wait of 1e-17 s)
            wait = max(wait, (1.0 - self.tokens) / rate)
        return wait

    def start(self, now: float, *, holding_slot: bool = False) -> None:
        """A request may go now (after :meth:`delay` said 0): take a token, and a slot unless already held."""
        self._update(now)
        if not holding_slot:
            self.active += 1
        if self.rate is not None:
            self.tokens -= 1.0

    def sent(self, now: float) -> None:
        """A request went out now: an arrival the host counts (pass this time as ``started`` to :meth:`learn`).
        Separate from :meth:`start` because a busy client can send a while after it was allowed to."""
        self._starts.append(now)
        if self._first_sent is None:
            self._first_sent = now
        self._trim(now)

    def finish(self) -> None:
        """Free the slot taken by :meth:`start`."""
        self.active = max(0, self.active - 1)

    # -- learning ---------------------------------------------------------------------------------------------

    def learn(self, now: float, started: float, status: int, advice: Advice) -> float | None:
        """Take in an answer to a request started at ``started``. Returns the wait the host asked for, if any.

        Only a 429, or a 503 that names a wait, closes the host and cuts the rate; every answer's stated
        policy and remaining budget are taken in.
        """
        self._update(now)
        if advice.quota is not None:
            quota = max(MIN_RATE, QUOTA_SHARE * advice.quota)
            self.max_rate = quota if self.max_rate is None else min(self.max_rate, quota)
        if advice.remaining is not None and advice.reset is not None and advice.reset > 0:
            if advice.remaining < 1:
                self.blocked_until = max(self.blocked_until, now + advice.reset)
            elif advice.reset > BUDGET_WINDOW:
                self.budget = max(MIN_RATE, advice.remaining / advice.reset)
            else:
                self.budget = None
        self.tokens = min(self.tokens, self.burst())
        refused = status == 429 or (status == 503 and advice.wait is not None)
        if not refused:
            return None
        wait = advice.wait if advice.wait is not None else NO_HINT_WAIT
        reopened = self.blocked_until  # when the host last let us send again (-inf: never closed)
        self.blocked_until = max(self.blocked_until, now + wait)
        if started < self._cut_at:
            return wait  # sent before the last cut, at the old rate: that storm was already answered
        # What the host accepted: the requests we sent in the WINDOW up to the refused one (itself excluded),
        # counting only from when the host last reopened (nothing could be sent while it was closed).
        since = max(started - WINDOW, reopened - 1e-6)
        accepted = sum(1 for t in self._starts if since < t <= started) - 1
        if self.learned is None:
            if self._first_sent is not None and self._first_sent >= started - WINDOW - STARTUP_SLACK:
                # the first storm of a run: everything sent so far reached the host's window (at the start, sends
                # reach a host later than we record them, so a window of our own clock would miss some)
                accepted = sum(1 for t in self._starts if t <= started) - 1
            if accepted < 1:
                return wait  # its first request refused: a wait, but nothing about a rate
            ceiling = accepted / WINDOW
        else:
            # paced: what it accepted, but never below CUT x the pace (a refusal soon after a wait, or another
            # path's own 429, comes after a few sends that say little about its rate: one refusal, one cut)
            ceiling = min(self.learned, max(accepted / WINDOW, CUT * self.learned))
        if self.max_rate is not None:
            ceiling = min(ceiling, self.max_rate)
        self.ceiling = ceiling
        self.refusals += 1
        self._cut_at = now
        self.learned = max(MIN_RATE, CUT * ceiling)
        return wait

    # -- time passing -----------------------------------------------------------------------------------------

    def _update(self, now: float) -> None:
        """Refill tokens and move the rate toward (and, slowly, above) what the host accepted."""
        rate = self.rate
        if self._filled_at is not None and rate is not None:
            self.tokens = min(self.burst(), self.tokens + (now - self._filled_at) * rate)
        self._filled_at = now
        last, self._adjusted_at = self._adjusted_at, now
        if last is None or self.learned is None or self.ceiling is None:
            return
        quiet_from = max(last, self.blocked_until)  # no probing while the host is closed
        dt = now - quiet_from
        if dt <= 0:
            return
        safe = SAFE * self.ceiling
        learned = self.learned
        if learned < safe:
            learned = safe - (safe - learned) * math.exp(-dt / REGAIN_TAU)
            if learned > 0.99 * safe:
                learned = safe  # close enough: probing starts from here
        else:
            learned += max(PROBE * self.ceiling, PROBE_MIN) * dt / 2 ** (self.refusals - 1)
        if self.max_rate is not None:
            learned = min(learned, self.max_rate)
        self.learned = learned

    def _trim(self, now: float) -> None:
        while self._starts and self._starts[0] <= now - _RETAIN:
            self._starts.popleft()
