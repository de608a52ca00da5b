"""What "nothing checked" means: an answer is an HTTP response or a fresh fact; a lone NXDOMAIN is no evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from listkeeper.links.status import LinkResult, Verdict
from listkeeper.pipeline.answered import distrust_lone_nxdomain, nothing_checked
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.subjects import arxiv, github, hf_model

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EARLIER = (NOW - timedelta(hours=3)).isoformat()


def refused(address: str) -> LinkResult:
    return LinkResult(address, Verdict.ERROR, detail="connection failed: refused")


def nxdomain(address: str) -> LinkResult:
    return LinkResult(address, Verdict.DEAD, detail="DNS: host does not exist (NXDOMAIN)")


def unavailable(name: str, *facts: Fact, requests: int = 1) -> SourceResult:
    return SourceResult(name, {f.subject: f for f in facts}, requests=requests, unavailable="connection refused")


def test_every_host_unreachable_and_every_source_down_is_nothing_checked() -> None:
    results = {
        "https://a.example/": refused("https://a.example/"),
        "https://b.example/": nxdomain("https://b.example/"),
    }
    sources = [unavailable("hf", Fact(hf_model("o/n"), None)), unavailable("arxiv", requests=0)]
    assert nothing_checked(results, sources) is True


def test_a_resolver_that_knows_no_host_is_no_evidence() -> None:
    """A sinkhole resolver answers NXDOMAIN for every name: without one HTTP answer that is no network at all."""
    results = {f"https://h{i}.example/": nxdomain(f"https://h{i}.example/") for i in range(3)}
    assert nothing_checked(results, []) is True


def test_one_http_answer_is_something_checked() -> None:
    results = {
        "https://a.example/": refused("https://a.example/"),
        "https://b.example/": LinkResult("https://b.example/", Verdict.DEAD, status=404),
    }
    assert nothing_checked(results, [unavailable("hf")]) is False


def test_facts_reused_from_the_state_store_are_not_answers() -> None:
    cached_hf = Fact(hf_model("o/n"), True, data={"checked_at": EARLIER}, reused=True)
    cached_gh = Fact(github("o/r"), True, data={"fetched_at": EARLIER}, reused=True)
    sources = [
        SourceResult("hf", {cached_hf.subject: cached_hf}, requests=0),
        SourceResult("github", {cached_gh.subject: cached_gh}, requests=2, unavailable="GitHub REST unavailable"),
    ]
    assert nothing_checked({"https://a.example/": refused("https://a.example/")}, sources) is True


def test_a_source_that_answered_is_something_checked() -> None:
    fresh = Fact(arxiv("2311.03079"), True, data={"fetched_at": NOW.isoformat()})
    partial = unavailable("arxiv", fresh, Fact(arxiv("2312.08914"), None))
    assert nothing_checked({"https://a.example/": refused("https://a.example/")}, [partial]) is False
    whole = SourceResult("github", {}, requests=1)
    assert nothing_checked({}, [whole]) is False


def test_nothing_asked_is_not_nothing_checked() -> None:
    """Everything answered from the cache, or nothing to check: a normal run, not an outage."""
    cached = LinkResult("https://a.example/", Verdict.OK, status=200, cached=True)
    invalid = LinkResult("ftp://x", Verdict.INVALID, detail="unsupported scheme")
    excluded = LinkResult("https://skip.example/", Verdict.EXCLUDED, detail="matches exclude rule")
    forbidden = LinkResult("https://10.0.0.1/", Verdict.FORBIDDEN, detail="private address")
    results = {r.url: r for r in (cached, invalid, excluded, forbidden)}
    assert nothing_checked(results, [SourceResult("hf", requests=0)]) is False
    assert nothing_checked({}, []) is False


def test_a_source_that_could_not_even_connect_counts_as_asked() -> None:
    """The Hub adapter does not count connection attempts that never reached the server; its unavailable reason
    still says it was asked."""
    assert nothing_checked({}, [unavailable("hf", requests=0)]) is True


def test_nxdomain_is_not_evidence_when_no_host_name_resolved() -> None:
    nx = LinkResult("https://gone.example/", Verdict.DEAD, detail="DNS: gone.example does not exist (NXDOMAIN)")
    by_ip = LinkResult("http://203.0.113.7:7860/", Verdict.DEAD, status=404, detail="HTTP 404")
    # Only an IP address answered (an intercepting proxy, say): the resolver proved nothing.
    out = distrust_lone_nxdomain({nx.url: nx, by_ip.url: by_ip}, [])
    assert out[nx.url].verdict is Verdict.ERROR and "no host name resolved" in out[nx.url].detail
    assert out[by_ip.url].verdict is Verdict.DEAD  # an HTTP 404 stays dead evidence
    # A named host answered: name resolution works, so NXDOMAIN is evidence.
    ok = LinkResult("https://alive.example/", Verdict.OK, status=200)
    out = distrust_lone_nxdomain({nx.url: nx, ok.url: ok}, [])
    assert out[nx.url].verdict is Verdict.DEAD
