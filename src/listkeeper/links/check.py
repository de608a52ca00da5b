"""The async link-checking engine: one shared HTTP client, polite per host, safe, and honest about uncertainty.

    results = await check_urls(urls, config.check)            # {url: LinkResult}
    results, stats = run_check(urls, config.check)            # same, from sync code

How a URL is checked
--------------------
1. Validation (``INVALID``: empty, malformed, not http/https), exclusion (``EXCLUDED``: ``config.exclude``), then
   remapping (``config.remap``: first matching ``(regex, replacement)`` wins) to the URL actually requested.
2. ``HEAD`` first; ``GET`` when HEAD is answered with anything but success or 429 (405, 403, 501, 404, 5xx ...
   are all things HEAD gets wrong on real sites), for hosts with ``use_get``/a quirk (:mod:`.quirks`), and for
   the rest of the run on a host that answered HEAD with 405/501. ``GET`` streams and reads at most
   ``max_body_bytes`` (nothing when ``Content-Length`` is larger) and then closes the stream.
3. Redirects are followed by hand (the client never follows them): every hop is vetted against private
   addresses (:mod:`.net`; refused: ``FORBIDDEN``), gets its own headers and token decision, and is recorded as
   ``Hop(status, target)`` - the status that redirected and the public form of the URL it pointed to. A chain of
   only 301/308 that ends in success is ``REDIRECTED`` with ``final_url``; any 302/303/307 in the chain lets the
   final status decide.
4. Retries (at most ``max_retries``; a timeout at most once, so a hanging URL costs at most two
   ``request_timeout``) with exponential backoff and full jitter on 408, 429, 5xx, timeouts, connection
   failures/resets and temporary DNS failures. ``Retry-After`` (seconds or HTTP-date), ``RateLimit: ... reset=N``,
   ``RateLimit-Reset`` and ``X-RateLimit-Reset`` are honoured with no cap except the run deadline: a wait that
   would end past it is not started, and the verdict (rate-limited, timeout or error) says "deadline".
5. Politeness: a global cap (``max_concurrency``), and per host (:mod:`.rate`) a concurrency cap (``per_host``, or
   ``hosts[h].max_concurrency``) plus a token bucket at the rate the host is learned to allow (at most one start
   per ``hosts[h].min_interval``). A 429, or a 503 naming a wait, closes the whole host until that wait is over
   and cuts its rate multiplicatively; the rate is then regained and probed upward. ``RateLimit-Policy`` caps the
   rate, an exhausted ``RateLimit``/``X-RateLimit`` budget closes the host until its reset. A host that has shown
   a limit is asked with GET only: one request answers what HEAD and a confirming GET would. A "host" is the
   origin actually contacted (host[:port] after remapping). The caps are enforced around each request and
   measured (``CheckStats.max_in_flight``).
6. The run deadline follows the work: ``config.deadline`` when set, else ``deadline_per_link`` per URL, at least
   :data:`DEADLINE_MIN` and at most ``deadline_max`` seconds (:func:`work_deadline`). Whatever has no answer by then
   is ``timeout`` (never dead), and its URL is listed in ``CheckStats.unanswered`` so the next run asks it first.

Remap and public URLs
---------------------
Reports use public URLs. A redirect ``Location`` that points into a remapped origin is mapped back through the
inverse of a remap rule when that rule is a *simple prefix rewrite*: the pattern is ``^`` + a literal prefix
(escaped characters and ``.`` allowed, no other regex syntax) and the replacement has no group references.
Other rules cannot be inverted, so targets under them are reported as requested. A ``Location`` that is a public
URL covered by a remap rule is remapped before it is requested, so redirects between remapped hosts stay local.

Tokens
------
``tokens`` maps origins to bearer tokens (:func:`listkeeper.http.origin.auth_headers_for`); a token is attached
only when the URL actually requested on that hop has exactly that origin. The link checker normally sends none.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping

from listkeeper import __version__
from listkeeper.config import USER_AGENT_URL, CheckConfig
from listkeeper.links.client import make_client
from listkeeper.links.engine import Engine
from listkeeper.links.net import Resolver
from listkeeper.links.net import system_resolver as _system_resolver
from listkeeper.links.remap import Remapper
from listkeeper.links.status import CheckStats, LinkResult, Verdict

log = logging.getLogger(__name__)
USER_AGENT = f"listkeeper/{__version__} (+{USER_AGENT_URL})"
DEADLINE_MIN = 300.0  # seconds: the least a run gets when its deadline follows the work

__all__ = ["USER_AGENT", "check_urls", "run_check", "work_deadline"]


def work_deadline(config: CheckConfig, n_urls: int) -> float:
    """Seconds the run may take: ``config.deadline`` when set, else ``deadline_per_link`` for each URL, at least
    :data:`DEADLINE_MIN` and at most ``deadline_max``."""
    if config.deadline is not None:
        return config.deadline
    return min(config.deadline_max, max(DEADLINE_MIN, config.deadline_per_link * n_urls))


async def check_urls(
    urls: Iterable[str],
    config: CheckConfig,
    *,
    stats: CheckStats | None = None,
    on_result: Callable[[LinkResult], None] | None = None,
    user_agent: str | None = None,
    tokens: Mapping[str, str] | None = None,
    resolver: Resolver | None = None,
    retry_base: float = 1.0,
    seed: int | None = None,
) -> dict[str, LinkResult]:
    """Check every distinct URL once; return ``{url: LinkResult}`` keyed by the URL as given.

    ``stats`` (filled in place) records requests, per-host counts and peaks, 429s, retries and time.
    ``on_result`` is called as each URL finishes (for progress output). ``tokens`` maps origins to bearer tokens
    (none by default). ``resolver`` replaces the system DNS resolver (tests). ``retry_base`` is the first backoff
    step in seconds; ``seed`` makes the jitter reproducible.
    """
    stats = stats if stats is not None else CheckStats()
    started = time.monotonic()
    unique = list(dict.fromkeys(urls))  # in the order given: the first ones are asked first
    stats.deadline = work_deadline(config, len(unique))
    results: dict[str, LinkResult] = {}
    async with make_client(config, resolver=resolver or _system_resolver) as client:
        engine = Engine(
            config=config,
            stats=stats,
            client=client,
            user_agent=user_agent or USER_AGENT,
            tokens=dict(tokens or {}),
            retry_base=retry_base,
            deadline=started + stats.deadline,
            rng=random.Random(seed),
            remap=Remapper(config.remap),
            global_sem=asyncio.Semaphore(config.max_concurrency),
        )

        async def one(url: str) -> None:
            try:
                result = await engine.check(url)
            except Exception as exc:  # one link never ends the run: an unforeseen failure is that link's error
                log.warning("checking %s failed unexpectedly", url, exc_info=True)
                result = LinkResult(url, Verdict.ERROR, detail=f"unexpected failure: {type(exc).__name__}: {exc}")
            results[url] = result
            if on_result is not None:
                on_result(result)

        async with asyncio.TaskGroup() as group:
            for url in unique:
                group.create_task(one(url))
    stats.wall = time.monotonic() - started
    return {url: results[url] for url in unique}


def run_check(urls: Iterable[str], config: CheckConfig, **kw: object) -> tuple[dict[str, LinkResult], CheckStats]:
    """Synchronous wrapper around :func:`check_urls` (starts its own event loop; not for use inside one)."""
    stats = kw.pop("stats", None)
    stats = stats if isinstance(stats, CheckStats) else CheckStats()
    results = asyncio.run(check_urls(urls, config, stats=stats, **kw))  # type: ignore[arg-type]
    return results, stats
