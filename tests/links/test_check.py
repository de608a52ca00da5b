"""The link engine against a fake multi-host web on real sockets: verdicts, politeness, retries, safety, remap."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from listkeeper.config import CheckConfig, HostPolicy
from listkeeper.links.check import DEADLINE_MIN, USER_AGENT, run_check, work_deadline
from listkeeper.links.status import CheckStats, Hop, LinkResult, Verdict
from tests.fakes.web import (
    BigBody,
    BotWall,
    CloudflareChallenge,
    FakeWeb,
    Flaky,
    Hang,
    HeadNotAllowed,
    HostRateLimit,
    Ok,
    RateLimited,
    Redirect,
    Reset,
    Status,
    Trickle,
)


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    with FakeWeb() as w:
        yield w


def config(web: FakeWeb, **kw: object) -> CheckConfig:
    base: dict[str, object] = {
        "allow_loopback": True,
        "remap": web.remap(),
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "request_timeout": 2.0,
        "max_retries": 2,
        "deadline": 15.0,
    }
    base.update(kw)
    return CheckConfig.model_validate(base)


def check(urls: list[str], cfg: CheckConfig, **kw: object) -> tuple[dict[str, LinkResult], CheckStats]:
    kw.setdefault("retry_base", 0.02)
    kw.setdefault("seed", 1)
    return run_check(urls, cfg, **kw)


# -- verdicts ------------------------------------------------------------------------------------------------------


def test_every_http_verdict(web: FakeWeb) -> None:
    site = web.host("site.example")
    other = web.host("other.example")
    other.route("/new-home", Ok())
    urls = {
        "ok": site.route("/ok", Ok()),
        "404": site.route("/gone", Status(404)),
        "410": site.route("/removed", Status(410)),
        "301": site.route("/moved", Redirect(301, "/moved2")),
        "308": site.route("/moved2", Redirect(308, other.public("/new-home"))),
        "302": site.route("/temp", Redirect(302, "/ok")),
        "temp-then-perm": site.route("/mixed", Redirect(302, site.public("/moved"))),
        "perm-to-dead": site.route("/perm-dead", Redirect(301, "/gone")),
        "500": site.route("/broken", Status(500)),
        "400": site.route("/bad", Status(400)),
        "flaky": site.route("/flaky", Flaky(status=503, times=1)),
        "botwall": site.route("/wall", BotWall()),
        "cloudflare": site.route("/cf", CloudflareChallenge()),
        "cloudflare-body": site.route("/cf-body", CloudflareChallenge(with_header=False)),
        "999": site.route("/linkedin", Status(999)),
        "401": site.route("/login", Status(401)),
        "head405": site.route("/nohead", HeadNotAllowed()),
        "loop": site.route("/loop", Redirect(302, "/loop2")),
        "loop2": site.route("/loop2", Redirect(302, "/loop")),
    }
    results, stats = check(list(urls.values()), config(web))
    got = {name: results[url] for name, url in urls.items()}

    assert got["ok"].verdict is Verdict.OK and got["ok"].detail == "HTTP 200 OK"
    assert got["404"].verdict is Verdict.DEAD and got["404"].detail == "HTTP 404 Not Found"
    assert got["410"].verdict is Verdict.DEAD
    moved = got["301"]
    assert moved.verdict is Verdict.REDIRECTED
    assert moved.final_url == "https://other.example/new-home"  # public form, not 127.0.0.1
    assert moved.chain == (Hop(301, "https://site.example/moved2"), Hop(308, "https://other.example/new-home"))
    assert got["308"].verdict is Verdict.REDIRECTED and got["308"].final_url == "https://other.example/new-home"
    assert got["302"].verdict is Verdict.OK and got["302"].final_url is None
    assert got["302"].chain == (Hop(302, "https://site.example/ok"),)
    assert got["temp-then-perm"].verdict is Verdict.OK  # a 302 in the chain: the final status decides
    assert got["perm-to-dead"].verdict is Verdict.DEAD and got["perm-to-dead"].final_url is None
    assert got["500"].verdict is Verdict.ERROR and "after" in got["500"].detail
    assert got["400"].verdict is Verdict.ERROR  # unknown, never dead
    assert got["flaky"].verdict is Verdict.OK and got["flaky"].attempts >= 2
    assert got["botwall"].verdict is Verdict.BLOCKED and got["botwall"].detail == "HTTP 403 Forbidden"
    assert got["cloudflare"].verdict is Verdict.BLOCKED and got["cloudflare"].detail == "Cloudflare challenge"
    assert got["cloudflare-body"].detail == "Cloudflare challenge"  # recognised from server + GET body
    assert got["999"].verdict is Verdict.BLOCKED and "LinkedIn" in got["999"].detail
    assert got["401"].verdict is Verdict.BLOCKED
    assert got["head405"].verdict is Verdict.OK
    assert got["loop"].verdict is Verdict.ERROR and got["loop"].detail == "redirect loop"
    # No 403/401/999/5xx ever became dead.
    dead = {name for name, r in got.items() if r.verdict is Verdict.DEAD}
    assert dead == {"404", "410", "perm-to-dead"}
    assert stats.requests == len(site.requests) + len(other.requests)
    assert all(r.headers["user-agent"] == USER_AGENT for r in site.requests)
    assert USER_AGENT.startswith("listkeeper/") and "(+https://github.com/listkeeper/listkeeper)" in USER_AGENT


def test_too_many_redirects(web: FakeWeb) -> None:
    site = web.host("hops.example")
    for i in range(5):
        site.route(f"/{i}", Redirect(301, f"/{i + 1}"))
    site.route("/5", Ok())
    results, _ = check([site.public("/0")], config(web, max_redirects=3))
    result = results[site.public("/0")]
    assert result.verdict is Verdict.ERROR and result.detail == "too many redirects (more than 3)"
    assert len(result.chain) == 3


def test_invalid_and_excluded_urls_send_nothing(web: FakeWeb) -> None:
    site = web.host("x.example")
    site.route("/private-area", Ok())
    urls = ["", "   ", "mailto:a@b.org", "ftp://x.example/f", "https://", "/relative/path", "http://x.example:99999/"]
    excluded = site.public("/private-area")
    results, stats = check([*urls, excluded], config(web, exclude=[r"/private-area$"]))
    for url in urls:
        assert results[url].verdict is Verdict.INVALID, url
        assert results[url].detail
    assert results[excluded].verdict is Verdict.EXCLUDED and "exclude rule" in results[excluded].detail
    assert stats.requests == 0 and not site.requests


def test_dns_nxdomain_is_dead_but_a_temporary_failure_is_not(web: FakeWeb) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        if host == "gone.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    results, _ = check(["https://gone.test/x", "https://flaky.test/y"], config(web), resolver=resolver)
    gone, flaky = results["https://gone.test/x"], results["https://flaky.test/y"]
    assert gone.verdict is Verdict.DEAD and "NXDOMAIN" in gone.detail and gone.attempts == 1
    assert flaky.verdict is Verdict.ERROR and "temporary DNS failure" in flaky.detail and flaky.attempts == 3


def test_connection_refused_is_an_error_not_dead(web: FakeWeb) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    url = f"http://127.0.0.1:{port}/"
    results, _ = check([url], config(web, max_retries=1))
    assert results[url].verdict is Verdict.ERROR and "connection failed" in results[url].detail


def test_accept_codes_global_and_per_host(web: FakeWeb) -> None:
    a, b = web.host("a.example"), web.host("b.example")
    wall_a, wall_b = a.route("/w", BotWall()), b.route("/w", BotWall())
    teapot = a.route("/t", Status(418))
    cfg = config(web, accept=[418], hosts={"b.example": HostPolicy(accept=[403])})
    results, _ = check([wall_a, wall_b, teapot], cfg)
    assert results[wall_a].verdict is Verdict.BLOCKED
    assert results[wall_b].verdict is Verdict.OK
    assert results[teapot].verdict is Verdict.OK


def test_on_result_and_duplicates(web: FakeWeb) -> None:
    site = web.host("dup.example")
    url = site.route("/a", Ok())
    seen: list[LinkResult] = []
    results, stats = check([url, url, url], config(web), on_result=seen.append)
    assert list(results) == [url] and len(seen) == 1 and stats.requests == 1


def test_resets_and_408_are_retried_and_never_dead(web: FakeWeb) -> None:
    site = web.host("wobbly.example")
    once = site.route("/reset-once", Reset(times=1))
    always = site.route("/reset-always", Reset(times=100))
    timeout_once = site.route("/408", Flaky(status=408, times=2))  # HEAD and its GET confirmation get 408
    results, stats = check([once, always, timeout_once], config(web, max_retries=2))
    assert results[once].verdict is Verdict.OK and results[once].attempts == 2
    assert results[timeout_once].verdict is Verdict.OK and results[timeout_once].attempts == 3
    gone = results[always]
    assert gone.verdict is Verdict.ERROR and gone.status is None
    assert gone.detail.startswith("connection reset") and gone.detail.endswith("after 3 attempts")
    assert site.server.count("/reset-always") == 3 and stats.retries == 4


def test_exhausted_retries_keep_the_last_status(web: FakeWeb) -> None:
    """A server that answered 500 or 429 every time did answer: the status is kept as evidence (and tells
    "the network works" apart from "nothing answered")."""
    site = web.host("tired.example")
    broken = site.route("/broken", Status(500))
    # On a host of its own: a host that has shown a rate limit is asked with GET only, so a 429 arriving first
    # would take the HEAD out of the broken link's attempts.
    busy = web.host("busy.example").route("/busy", RateLimited(retry_after=0.05, times=100))
    results, _ = check([broken, busy], config(web, max_retries=1))
    assert (results[broken].verdict, results[broken].status) == (Verdict.ERROR, 500)
    assert results[broken].detail == "HTTP 500 Internal Server Error after 3 attempts"  # HEAD, GET, GET
    assert (results[busy].verdict, results[busy].status) == (Verdict.RATE_LIMITED, 429)
    limited = web.host("limited2.example")
    url = limited.route("/x", RateLimited(retry_after=60, times=5))
    results, _ = check([url], config(web, deadline=1.0))
    assert (results[url].verdict, results[url].status) == (Verdict.RATE_LIMITED, 429)
    assert "deadline" in results[url].detail


def test_tls_failure_is_an_error_and_not_retried(web: FakeWeb) -> None:
    site = web.host("plain.example")
    site.route("/", Ok())
    url = f"https://{site.server.host}/"  # TLS to a plain-HTTP server: the handshake fails
    results, _ = check([url], config(web))
    assert results[url].verdict is Verdict.ERROR and results[url].detail.startswith("TLS error")
    assert results[url].attempts == 1


# -- method choice and bodies --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "learned"), [(403, False), (404, False), (501, True)])
def test_head_answered_wrongly_is_confirmed_with_get(web: FakeWeb, status: int, learned: bool) -> None:
    """HEAD answered 403/404/501 while GET works: GET decides. 405 and 501 mean "no HEAD here" for the rest of the
    run; a 403 or 404 to HEAD may be about that page only, so the next URL starts with HEAD again."""
    site = web.host("headless.example")
    urls = [site.route(f"/{i}", HeadNotAllowed(status)) for i in range(3)]
    results, _ = check(urls, config(web, per_host=1))
    assert all(r.verdict is Verdict.OK for r in results.values()), results
    methods = [r.method for r in site.requests]
    assert methods == (["HEAD", "GET", "GET", "GET"] if learned else ["HEAD", "GET"] * 3)


def test_head_then_get_fallback_is_learned_per_host(web: FakeWeb) -> None:
    site = web.host("nohead.example")
    urls = [site.route(f"/{i}", HeadNotAllowed()) for i in range(4)]
    results, _ = check(urls[:1], config(web))
    assert results[urls[0]].verdict is Verdict.OK
    assert [r.method for r in site.requests] == ["HEAD", "GET"]
    site.server.reset()
    results, _ = check(urls, config(web, per_host=1))
    assert all(r.verdict is Verdict.OK for r in results.values())
    methods = [r.method for r in site.requests]
    assert methods[:2] == ["HEAD", "GET"] and methods[2:] == ["GET"] * 3  # after a 405, GET only on this host


def test_use_get_hosts_and_quirks_skip_head(web: FakeWeb) -> None:
    site = web.host("gets.example")
    url = site.route("/p", Ok())
    check([url], config(web, hosts={"gets.example": HostPolicy(use_get=True, headers={"X-Trace": "1"})}))
    assert [r.method for r in site.requests] == ["GET"]
    assert site.requests[0].headers["x-trace"] == "1"
    linkedin = web.host("www.linkedin.com")
    url = linkedin.route("/in/someone", Status(999))
    results, _ = check([url], config(web))
    assert [r.method for r in linkedin.requests] == ["GET"]
    assert results[url].verdict is Verdict.BLOCKED


def test_large_body_is_capped(web: FakeWeb) -> None:
    site = web.host("big.example")
    chunked, announced = BigBody(), BigBody(announce=True)
    urls = [site.route("/chunked", chunked), site.route("/announced", announced)]
    started = time.monotonic()
    results, _ = check(urls, config(web, hosts={"big.example": HostPolicy(use_get=True)}, max_body_bytes=64 * 1024))
    elapsed = time.monotonic() - started
    assert all(r.verdict is Verdict.OK for r in results.values())
    assert elapsed < 3.0
    # The server could only push what the client read plus socket buffers - far from 50 MB.
    assert chunked.sent < 8 * 1024 * 1024
    assert announced.sent < 8 * 1024 * 1024


# -- timeouts and deadline -----------------------------------------------------------------------------------------


def test_hang_and_trickle_time_out(web: FakeWeb) -> None:
    site = web.host("slow.example")
    hang = site.route("/hang", Hang(30))
    trickle = site.route("/trickle", Trickle(interval=0.05, seconds=30))
    cfg = config(web, read_timeout=0.3, request_timeout=0.6, max_retries=1, hosts={"slow.example": {"use_get": True}})
    started = time.monotonic()
    results, _ = check([hang, trickle], cfg)
    assert time.monotonic() - started < 4.0
    assert results[hang].verdict is Verdict.TIMEOUT and results[hang].detail == "read timeout after 2 attempts"
    assert results[trickle].verdict is Verdict.TIMEOUT and "no complete answer within 0.6 s" in results[trickle].detail


def test_deadline_bounds_retry_waits(web: FakeWeb) -> None:
    site = web.host("limited.example")
    url = site.route("/x", RateLimited(retry_after=60, times=5))
    hang = site.route("/hang", Hang(30))
    started = time.monotonic()
    results, stats = check([url, hang], config(web, deadline=1.0, request_timeout=5.0, read_timeout=5.0))
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert results[url].verdict is Verdict.RATE_LIMITED and "deadline" in results[url].detail
    assert results[hang].verdict is Verdict.TIMEOUT
    assert stats.rate_limited == 1 and site.sent_429 == 1  # no second request


def test_a_hanging_url_is_retried_once_whatever_max_retries_says(web: FakeWeb) -> None:
    site = web.host("hang.example")
    hang = site.route("/hang", Hang(30))
    cfg = config(web, read_timeout=0.3, request_timeout=0.4, max_retries=5, hosts={"hang.example": {"use_get": True}})
    started = time.monotonic()
    results, stats = check([hang], cfg)
    assert time.monotonic() - started < 0.4 * 2 + 1.5  # two attempts of at most the timeout each, and a backoff
    assert results[hang].verdict is Verdict.TIMEOUT and results[hang].attempts == 2
    assert site.server.count("/hang") == 2 and stats.retries == 1


def test_the_deadline_follows_the_number_of_links() -> None:
    assert work_deadline(CheckConfig(deadline=42), 10_000) == 42  # set: fixed
    auto = CheckConfig()
    assert work_deadline(auto, 10) == DEADLINE_MIN
    assert work_deadline(auto, 10_000) == pytest.approx(10_000 * auto.deadline_per_link)
    assert work_deadline(auto, 10_000_000) == auto.deadline_max


def test_what_the_deadline_cut_short_is_timeout_and_listed_for_the_next_run(web: FakeWeb) -> None:
    site = web.host("closed.example")
    first = site.route("/first", RateLimited(retry_after=60, times=5))
    waiting = [site.route(f"/{i}", Status(404)) for i in range(4)]
    other = web.host("open.example")
    gone = other.route("/gone", Status(410))
    results, stats = check([first, *waiting, gone], config(web, per_host=1, deadline=1.0))
    assert results[gone].verdict is Verdict.DEAD  # answered in time
    assert results[first].verdict is Verdict.RATE_LIMITED and "deadline" in results[first].detail
    for url in waiting:  # never sent: the host asked for a minute, the run had a second
        assert results[url].verdict is Verdict.TIMEOUT and "deadline" in results[url].detail
    assert site.server.count() == 1
    assert sorted(stats.unanswered) == sorted([first, *waiting])
    assert stats.deadline == 1.0


# -- politeness ----------------------------------------------------------------------------------------------------


def test_per_host_cap_is_never_exceeded(web: FakeWeb) -> None:
    slow = web.host("slow.example", latency=0.05)
    urls = [slow.route(f"/{i}", Ok()) for i in range(30)]
    results, stats = check(urls, config(web, per_host=2))
    assert all(r.verdict is Verdict.OK for r in results.values())
    assert slow.max_in_flight == 2  # the cap was reached and never exceeded (measured by the server)
    assert stats.max_in_flight[slow.server.host] == 2  # and by the engine
    assert stats.requests == 30 and stats.by_host[slow.server.host] == 30


def test_per_host_override_and_global_cap(web: FakeWeb) -> None:
    hosts = [web.host(f"h{i}.example", latency=0.04) for i in range(6)]
    urls = [h.route(f"/{j}", Ok()) for h in hosts for j in range(5)]
    cfg = config(web, per_host=4, max_concurrency=3, hosts={"h0.example": HostPolicy(max_concurrency=1)})
    results, stats = check(urls, cfg)
    assert all(r.verdict is Verdict.OK for r in results.values())
    assert web.max_in_flight <= 3
    assert hosts[0].max_in_flight == 1
    assert max(stats.max_in_flight.values()) <= 3


def test_retry_after_seconds_and_date_are_honoured(web: FakeWeb) -> None:
    site = web.host("ra.example")
    seconds = site.route("/s", RateLimited(retry_after=1.0))
    results, stats = check([seconds], config(web))
    first, second = site.requests
    assert results[seconds].verdict is Verdict.OK
    assert second.started - first.started >= 1.0
    assert stats.rate_limited == 1 and stats.retries == 1

    dated = web.host("rd.example")
    url = dated.route("/d", RateLimited(retry_after=2.0, http_date=True))
    results, _ = check([url], config(web))
    first, second = dated.requests
    assert results[url].verdict is Verdict.OK
    assert second.started - first.started >= 1.0  # an HTTP-date has one-second resolution


def test_a_429_closes_the_host_for_its_retry_after(web: FakeWeb) -> None:
    site = web.host("busy.example", latency=0.05)
    limited = site.route("/limited", RateLimited(retry_after=0.5))
    others = [site.route(f"/{i}", Ok()) for i in range(8)]
    # Two at a time: when the 429 comes back, the other requests are still waiting for the host.
    results, stats = check([limited, *others], config(web, per_host=2))
    assert all(r.verdict is Verdict.OK for r in results.values())
    t429 = next(r.started for r in site.requests if r.path == "/limited")
    later = sorted(r.started for r in site.requests if r.started > t429 + 0.1)
    assert len(later) >= 7, "requests after the 429"
    assert later[0] >= t429 + 0.5  # nothing went to the host before Retry-After expired
    assert stats.rate_limited == 1


def test_a_rate_limited_host_is_paced_below_its_limit_and_asked_with_get(web: FakeWeb) -> None:
    """A host refusing more than 5 arrivals a second (refused ones count): after the first storm the engine paces
    itself under the limit, never sends inside a Retry-After window, and asks with GET only."""
    limiter = HostRateLimit(burst=5, window=1.0, retry_after=1.0, count_refused=True)
    site = web.host("limited.example", latency=0.02, limiter=limiter)
    urls = [site.route(f"/{i}", Ok() if i % 5 else Status(404)) for i in range(30)]
    results, stats = check(urls, config(web, per_host=4, max_retries=3))
    assert all(r.verdict is (Verdict.OK if i % 5 else Verdict.DEAD) for i, r in enumerate(results.values()))
    assert site.max_in_flight <= 4
    assert 1 <= len(limiter.refused) <= 6  # the first storm (at most the 4 in flight) and rarely one more
    arrivals = [r.started for r in site.requests]
    for refused in limiter.refused:  # nothing sent while the host asked for quiet (requests already on the way aside)
        assert not [t for t in arrivals if refused + 0.1 < t < refused + limiter.retry_after - 0.05]
    first_refusal = min(limiter.refused)
    late = [r for r in site.requests if r.started > first_refusal + 0.1]
    assert late and all(r.method == "GET" for r in late)  # one request per link once the host showed a limit
    assert stats.requests <= 30 + len(limiter.refused) + 8  # HEAD+GET pairs only before the limit was known


def test_stats_are_filled(web: FakeWeb) -> None:
    site = web.host("stats.example", latency=0.02)
    urls = [site.route(f"/{i}", Ok()) for i in range(3)]
    stats = CheckStats()
    _, returned = check(urls, config(web), stats=stats)
    assert returned is stats and stats.requests == 3 and stats.wall > 0
    assert stats.host_time[site.server.host] >= 0.06 and stats.retries == 0


# -- safety --------------------------------------------------------------------------------------------------------


def test_private_addresses_are_refused_before_connecting(web: FakeWeb) -> None:
    lookups: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return {"metadata.test": ["169.254.169.254"], "intranet.test": ["10.0.0.1"]}[host]

    urls = [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.test/",
        "http://intranet.test/",
    ]
    results, stats = check(urls, config(web), resolver=resolver)
    for url in urls:
        assert results[url].verdict is Verdict.FORBIDDEN, url
        assert "private address" in results[url].detail
    assert "link-local" in results["http://metadata.test/"].detail
    assert lookups == ["metadata.test", "intranet.test"] and stats.requests == 0
    assert not stats.by_host and not stats.host_time


def test_loopback_needs_allow_loopback(web: FakeWeb) -> None:
    site = web.host("local.example")
    site.route("/", Ok())
    results, _ = check([site.local("/")], config(web, allow_loopback=False))
    assert results[site.local("/")].verdict is Verdict.FORBIDDEN and "loopback" in results[site.local("/")].detail
    assert not site.requests


def test_redirect_to_a_private_address_is_refused(web: FakeWeb) -> None:
    site = web.host("public.example")
    meta = site.route("/meta", Redirect(302, "http://169.254.169.254/latest/meta-data/iam"))
    intranet = site.route("/intra", Redirect(301, "http://10.0.0.1:8080/"))
    results, stats = check([meta, intranet], config(web))
    assert results[meta].verdict is Verdict.FORBIDDEN
    assert results[meta].detail.startswith("redirect to a private address")
    assert results[meta].chain == (Hop(302, "http://169.254.169.254/latest/meta-data/iam"),)
    assert results[intranet].verdict is Verdict.FORBIDDEN
    assert stats.requests == 2 and set(stats.by_host) == {site.server.host}
    assert set(stats.host_time) == {site.server.host}  # refused hosts were never contacted: not "slow hosts"


def test_token_only_to_its_origin_and_dropped_on_cross_origin_redirect(web: FakeWeb) -> None:
    api = web.host("api.example")
    elsewhere = web.host("elsewhere.example")
    elsewhere.route("/landing", Ok())
    api.route("/same-origin-target", Ok())
    cross = api.route("/start", Redirect(302, elsewhere.public("/landing")))
    same = api.route("/same", Redirect(302, "/same-origin-target"))
    other = elsewhere.route("/direct", Ok())
    tokens = {api.local("/").rstrip("/"): "s3cret"}
    results, _ = check([cross, same, other], config(web), tokens=tokens)
    assert all(r.verdict is Verdict.OK for r in results.values())
    assert {r.path: r.headers.get("authorization") for r in api.requests} == {
        "/start": "Bearer s3cret",
        "/same": "Bearer s3cret",
        "/same-origin-target": "Bearer s3cret",
    }
    assert [r.headers.get("authorization") for r in elsewhere.requests] == [None, None]
    # No tokens by default.
    api.server.reset()
    check([cross], config(web))
    assert all("authorization" not in r.headers for r in api.requests)


# -- remap ---------------------------------------------------------------------------------------------------------


def test_remap_requests_locally_and_reports_public_urls(web: FakeWeb) -> None:
    site = web.host("docs.example")
    site.route("/new", Ok())
    local_abs = site.route("/abs", Redirect(301, site.local("/new")))  # server leaks its local address
    relative = site.route("/rel", Redirect(308, "/new"))
    results, _ = check([local_abs, relative], config(web))
    for url in (local_abs, relative):
        assert results[url].verdict is Verdict.REDIRECTED
        assert results[url].final_url == "https://docs.example/new"
    assert all(r.host == site.server.host for r in site.requests)


# -- one link never ends the run (issue 10 §1) --------------------------------------------------------------------

_BAD_HOSTS = ["http://a..b/", "http://xn--/", "http://0177.0.0.1/", "http://" + "a" * 64 + ".example/"]


@pytest.mark.parametrize("location", [*_BAD_HOSTS, "http://[::1/", "http://x.example:0x50/"])
def test_a_redirect_to_an_unusable_url_is_that_links_error(web: FakeWeb, location: str) -> None:
    """httpx parses a Location even when it does not follow it, and the resolver encodes names with IDNA: either
    raising used to escape the task group and end the whole run."""
    site = web.host("x.example")
    bad = site.route("/bad", Redirect(302, location))
    good = site.route("/ok", Ok())
    results, _ = check([bad, good], config(web))
    assert results[good].verdict is Verdict.OK
    result = results[bad]
    assert result.verdict is Verdict.ERROR and "redirect to an unusable URL" in result.detail, result
    assert result.attempts == 1  # not retried: the same answer would come again


@pytest.mark.parametrize("url", _BAD_HOSTS)
def test_a_link_with_an_unusable_host_is_invalid_and_sends_nothing(web: FakeWeb, url: str) -> None:
    site = web.host("x.example")
    good = site.route("/ok", Ok())
    looked_up: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        looked_up.append(host)
        return ["127.0.0.1"]

    results, stats = check([url, good], config(web), resolver=resolver)
    assert results[good].verdict is Verdict.OK
    assert results[url].verdict is Verdict.INVALID and "invalid host" in results[url].detail
    assert looked_up == [] and stats.requests == 1  # the good link only (remapped, no lookup)


def test_resolver_failures_of_any_kind_are_that_links_verdict(web: FakeWeb) -> None:
    """A resolver that raises something unforeseen, or answers with garbage, fails only the link it was asked for."""
    site = web.host("x.example")
    good = site.route("/ok", Ok())

    async def resolver(host: str, port: int) -> list[str]:
        if host == "idna.test":
            raise UnicodeError("encoding with 'idna' codec failed")
        if host == "broken.test":
            raise RuntimeError("resolver thread died")
        if host == "garbage.test":
            return ["not-an-address"]
        raise OSError(113, "No route to host")

    urls = ["https://idna.test/", "https://broken.test/", "https://garbage.test/", "https://oserror.test/"]
    results, _ = check([*urls, good], config(web, max_retries=1), resolver=resolver)
    assert results[good].verdict is Verdict.OK
    assert results["https://idna.test/"].verdict is Verdict.INVALID
    assert "invalid host name" in results["https://idna.test/"].detail
    for url in urls[1:]:
        assert results[url].verdict is Verdict.ERROR and "DNS" in results[url].detail, results[url]
        assert results[url].attempts == 2  # a temporary lookup failure is retried, never dead
