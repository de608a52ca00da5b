"""The arXiv adapter against a real HTTP server on 127.0.0.1 serving Atom feeds (tests/fakes/arxiv.py)."""

from __future__ import annotations

import email.utils
import itertools
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.catalog.refs import Ref, catalog_refs
from listkeeper.config import Config, SourcesConfig
from listkeeper.evidence import FieldChange, VersionChange, shape, to_json
from listkeeper.findings import Kind, Location
from listkeeper.sources.arxiv import ArxivSource, build
from listkeeper.state import State, open_state
from listkeeper.subjects import Subject
from tests.fakes.arxiv import FakeArxiv

DELAY = 0.2
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeArxiv]:
    with FakeArxiv() as server:
        yield server


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    with open_state(tmp_path / "state.sqlite") as st:
        yield st


def config(fake: FakeArxiv, **kw: Any) -> SourcesConfig:
    values: dict[str, Any] = {
        "arxiv_api_url": fake.api_url,
        "arxiv_delay": DELAY,
        "max_retries": 1,
        "timeout": 5,
        "max_retry_wait": 1,
    }
    return SourcesConfig(**(values | kw))


def catalog(tmp_path: Path, papers: list[dict[str, Any]], **entry: Any) -> LoadedCatalog:
    root = tmp_path / "catalog"
    root.mkdir(exist_ok=True)
    family = {"id": "cog", "name": "Cog", "entries": [{"id": "cogvlm", "name": "CogVLM", "papers": papers, **entry}]}
    (root / "cog.yaml").write_text(yaml.safe_dump(family, sort_keys=False), encoding="utf-8")
    return load_catalog(root)


def run(source: ArxivSource, loaded: LoadedCatalog, state: State, now: datetime = NOW, refs: list[Ref] | None = None):
    return source.run(loaded, catalog_refs(loaded) if refs is None else refs, state, now)


def kinds(result) -> list[tuple[Kind, str]]:
    return sorted((f.kind, f.subject.id) for f in result.findings)


def sent_ids(fake: FakeArxiv) -> list[str]:
    return [i for r in fake.server.requests for i in r.query.get("id_list", [""])[0].split(",") if i]


def test_facts_baseline_then_new_version(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add(
        "2311.03079",
        "CogVLM: Visual Expert for Pretrained Language Models",  # the catalog's title too
        versions=2,
        authors=["Weihan Wang", "Qingsong Lv"],
        journal_ref="NeurIPS 2024",
        doi="10.48550/arXiv.2311.03079",
    )
    title = "CogVLM: Visual Expert for Pretrained Language Models"
    loaded = catalog(tmp_path, [{"arxiv": "2311.03079", "title": title}])
    source = ArxivSource(config(fake))

    first = run(source, loaded, state)
    fact = first.facts[Subject("arxiv", "2311.03079")]
    assert fact.exists is True
    assert fact.data["version"] == "v2"
    assert fact.data["authors"] == ["Weihan Wang", "Qingsong Lv"]
    assert fact.data["journal_ref"] == "NeurIPS 2024" and fact.data["doi"] == "10.48550/arXiv.2311.03079"
    assert fact.data["withdrawn"] is False
    assert datetime.fromisoformat(fact.data["updated"]) > datetime.fromisoformat(fact.data["published"])
    assert first.findings == []  # the first run is the baseline
    assert first.requests == 1 and first.unavailable is None

    fake.new_version("2311.03079")
    second = run(source, loaded, state, NOW + timedelta(hours=21))
    assert second.requests == 1
    [finding] = second.findings
    assert finding.kind is Kind.NEW_VERSION
    assert shape(finding.evidence, VersionChange) == VersionChange("v2", "v3")
    assert list(to_json(finding.evidence)) == ["from", "to", "updated", "url"]
    assert finding.evidence["url"] == "https://arxiv.org/abs/2311.03079v3"
    [location] = finding.locations
    assert location.file.endswith("catalog/cog.yaml")
    assert (location.line, location.path) == (7, "entries[0].papers[0].arxiv")
    assert finding.source == "arxiv"

    third = run(source, loaded, state, NOW + timedelta(hours=42))
    assert third.requests == 1 and third.findings == []  # reported once, then it is the new baseline


def test_withdrawn_paper(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2402.00001", "A paper")
    fake.withdraw("2402.00001", "This paper has been withdrawn by the author due to an error in Table 2.")
    loaded = catalog(tmp_path, [{"arxiv": "2402.00001", "title": "A paper"}])
    result = run(ArxivSource(config(fake)), loaded, state)
    assert kinds(result) == [(Kind.WITHDRAWN, "2402.00001")]
    assert "Table 2" in result.findings[0].evidence["comment"]
    assert result.facts[Subject("arxiv", "2402.00001")].data["withdrawn"] is True


def test_missing_paper_is_dead_with_evidence(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2311.03079", "CogVLM")
    loaded = catalog(tmp_path, [{"arxiv": "2311.03079", "title": "CogVLM"}, {"arxiv": "2401.99999"}])
    result = run(ArxivSource(config(fake)), loaded, state)
    assert result.requests == 1
    assert kinds(result) == [(Kind.DEAD, "2401.99999")]
    dead = result.findings[0]
    assert dead.evidence["reason"] == "absent from id_list feed" and dead.evidence["api"] == fake.api_url
    assert result.facts[Subject("arxiv", "2401.99999")].exists is False
    assert result.facts[Subject("arxiv", "2311.03079")].exists is True


def test_title_change_is_reported(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2401.00002", "Bunny: Efficient Multimodal Models")
    loaded = catalog(tmp_path, [{"arxiv": "2401.00002", "title": "Efficient Multimodal Learning from Data-centric"}])
    result = run(ArxivSource(config(fake)), loaded, state)
    [finding] = result.findings
    assert finding.kind is Kind.CHANGED
    change = FieldChange(
        "title", "Efficient Multimodal Learning from Data-centric", "Bunny: Efficient Multimodal Models"
    )
    assert shape(finding.evidence, FieldChange) == change
    assert list(to_json(finding.evidence)) == ["field", "old", "new", "url"]


def test_malformed_id_is_never_sent(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2311.03079", "CogVLM")
    loaded = catalog(tmp_path, [{"arxiv": "2311.03079", "title": "CogVLM"}])
    bad = Ref(Subject("arxiv", "2311.0307"), Location("catalog/cog.yaml", 9), "cogvlm", "paper")
    result = run(ArxivSource(config(fake)), loaded, state, refs=[*catalog_refs(loaded), bad])
    assert sent_ids(fake) == ["2311.03079"]
    assert result.facts[Subject("arxiv", "2311.03079")].exists is True  # the batch was not spoiled
    assert kinds(result) == [(Kind.INVALID, "2311.0307")]
    assert result.facts[bad.subject].exists is None


def test_fake_rejects_a_malformed_id_with_400(fake: FakeArxiv) -> None:
    import httpx

    assert httpx.get(fake.api_url, params={"id_list": "2311.03079,2311.0307"}).status_code == 400


@pytest.mark.parametrize(("batch", "expected"), [(200, [200, 50]), (250, [250])])
def test_250_papers_in_few_requests(
    tmp_path: Path, fake: FakeArxiv, state: State, batch: int, expected: list[int]
) -> None:
    ids = [f"2401.{n:05d}" for n in range(1, 251)]
    for paper_id in ids:
        fake.add(paper_id, f"Paper {paper_id}")
    loaded = catalog(tmp_path, [{"arxiv": i} for i in ids])
    result = run(ArxivSource(config(fake, arxiv_batch=batch)), loaded, state)
    assert result.requests == len(expected) == len(fake.server.requests)
    assert [len(r.query["id_list"][0].split(",")) for r in fake.server.requests] == expected
    assert [int(r.query["max_results"][0]) for r in fake.server.requests] == expected  # page_size >= chunk
    assert sorted(sent_ids(fake)) == ids  # versions stripped, every id once
    assert sum(1 for f in result.facts.values() if f.exists) == 250  # nothing cut at 100
    assert result.findings == []


def test_requests_are_spaced_across_batches_searches_and_instances(
    tmp_path: Path, fake: FakeArxiv, state: State
) -> None:
    for n in range(1, 4):
        fake.add(f"2401.0000{n}", f"CogVLM part {n}")
    loaded = catalog(tmp_path, [{"arxiv": f"2401.0000{n}"} for n in range(1, 4)], track={"arxiv_terms": ["CogVLM"]})
    run(ArxivSource(config(fake, arxiv_batch=1)), loaded, state)
    run(ArxivSource(config(fake, arxiv_batch=2)), loaded, state, NOW + timedelta(days=2))
    times = fake.times
    assert len(times) == 4 + 3  # 3 batches + 1 search, then 2 batches + 1 search
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= DELAY


@pytest.mark.parametrize("status", [503, 429])
def test_service_down_is_unknown_never_dead(tmp_path: Path, fake: FakeArxiv, state: State, status: int) -> None:
    fake.down = status
    loaded = catalog(tmp_path, [{"arxiv": f"2401.0000{n}"} for n in range(1, 4)], track={"arxiv_terms": ["CogVLM"]})
    result = run(ArxivSource(config(fake, arxiv_batch=1, max_retries=1)), loaded, state)
    assert result.requests == 2 == len(fake.server.requests)  # one try + one retry, then no further batch/search
    assert result.unavailable is not None and str(status) in result.unavailable
    assert {f.kind for f in result.findings} == {Kind.UNKNOWN}
    assert len(result.findings) == 3
    assert all(f.exists is None for f in result.facts.values())


def test_long_retry_after_gives_up_at_once(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.down, fake.retry_after = 429, "3600"
    loaded = catalog(tmp_path, [{"arxiv": "2401.00001"}])
    result = run(ArxivSource(config(fake, max_retries=3, max_retry_wait=5)), loaded, state)
    assert result.requests == 1
    assert "Retry-After" in (result.unavailable or "")
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN]


def test_short_retry_after_is_honoured(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.down, fake.retry_after = 503, "0.5"
    loaded = catalog(tmp_path, [{"arxiv": "2401.00001"}])
    result = run(ArxivSource(config(fake, max_retries=1, max_retry_wait=5)), loaded, state)
    assert result.requests == 2
    first, second = fake.times
    assert second - first >= 0.5
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN]


def test_retry_after_as_an_http_date_is_honoured(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    """An HTTP-date is a wait like delay-seconds (it used to be ignored here while the link checker honoured it)."""
    fake.down, fake.retry_after = 429, email.utils.formatdate(time.time() + 3600, usegmt=True)
    loaded = catalog(tmp_path, [{"arxiv": "2401.00001"}])
    result = run(ArxivSource(config(fake, max_retries=3, max_retry_wait=5)), loaded, state)
    assert result.requests == 1
    assert "Retry-After" in (result.unavailable or "")


def test_timeout_is_unknown(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2401.00001", "A")
    fake.latency = 2.0
    loaded = catalog(tmp_path, [{"arxiv": "2401.00001"}])
    result = run(ArxivSource(config(fake, timeout=0.3)), loaded, state)
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN]
    assert "Timeout" in (result.unavailable or "")


def test_html_instead_of_a_feed_is_unknown(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2401.00001", "A")
    fake.html = True
    loaded = catalog(tmp_path, [{"arxiv": "2401.00001"}])
    result = run(ArxivSource(config(fake)), loaded, state)
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN]


def test_empty_feed_for_several_ids_is_unknown(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    for n in range(1, 4):
        fake.add(f"2401.0000{n}", f"Paper {n}")
    fake.empty = True
    loaded = catalog(tmp_path, [{"arxiv": f"2401.0000{n}"} for n in range(1, 4)], track={"arxiv_terms": ["Paper"]})
    result = run(ArxivSource(config(fake)), loaded, state)
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN] * 3
    assert all(f.exists is None for f in result.facts.values())
    assert "empty feed" in (result.unavailable or "") and result.requests == 1  # and no search after that
    # A single id arXiv does not know is still dead evidence (for the memory rule to confirm over time); asked
    # after the backoff of the unknown answer above.
    later = NOW + timedelta(hours=3)
    single = run(ArxivSource(config(fake)), catalog(tmp_path, [{"arxiv": "2401.00009"}]), state, later)
    assert [f.kind for f in single.findings] == [Kind.DEAD]
    # ... but not one arXiv counts in opensearch:totalResults while its page comes back empty.
    counted = run(ArxivSource(config(fake)), catalog(tmp_path, [{"arxiv": "2401.00001"}]), state, later)
    assert [f.kind for f in counted.findings] == [Kind.UNKNOWN] and "totalResults 1" in (counted.unavailable or "")


def test_facts_are_reused_within_the_ttl(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2311.03079", "CogVLM", versions=2)
    fake.add("2401.00002", "Bunny")
    loaded = catalog(tmp_path, [{"arxiv": "2311.03079"}, {"arxiv": "2401.00002v1"}], track={"arxiv_terms": ["Bunny"]})
    source = ArxivSource(config(fake, ttl_hours=20))
    first = run(source, loaded, state)
    assert first.requests == 2  # one id batch, one search
    second = run(source, loaded, state, NOW + timedelta(hours=19))
    assert second.requests == 0
    assert {s: replace(f, reused=False) for s, f in second.facts.items()} == first.facts
    assert all(f.reused for f in second.facts.values()) and not any(f.reused for f in first.facts.values())
    fake.new_version("2311.03079")
    third = run(source, loaded, state, NOW + timedelta(hours=20, minutes=1))
    assert third.requests == 2
    assert kinds(third) == [(Kind.NEW_VERSION, "2311.03079")]


def test_search_terms_propose_candidates(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2311.03079", "CogVLM: Visual Expert for Pretrained Language Models")
    fake.add("2408.16500", "CogVLM2: Visual Language Models for Image and Video Understanding")
    fake.add("2312.08914", "CogAgent: A Visual Language Model for GUI Agents", summary="Built on CogVLM.")
    fake.add("2405.00001", "Old CogVLM variant")
    fake.add("2405.00002", "Dismissed by a maintainer, about CogVLM")
    fake.add("2403.00001", "Unrelated work on LLaVA")
    loaded = catalog(
        tmp_path,
        [{"arxiv": "2311.03079v1", "title": "CogVLM: Visual Expert for Pretrained Language Models"}],
        track={"arxiv_terms": ["CogVLM"]},
        dismissed=["arxiv:2405.00001"],
    )
    state.dismiss("arxiv:2405.00002", "closed PR")
    result = run(ArxivSource(config(fake)), loaded, state)
    search = [r for r in fake.server.requests if r.query.get("search_query", [""])[0]]
    assert len(search) == 1
    assert search[0].query["sortBy"] == ["submittedDate"] and search[0].query["sortOrder"] == ["descending"]
    assert int(search[0].query["max_results"][0]) <= 10
    candidates = [f for f in result.findings if f.kind is Kind.CANDIDATE_PAPER]
    assert sorted(f.subject.id for f in candidates) == ["2312.08914", "2408.16500"]
    cand = next(f for f in candidates if f.subject.id == "2408.16500")
    assert cand.evidence["terms"] == ["CogVLM"] and cand.evidence["entries"] == ["cogvlm"]
    assert cand.evidence["url"] == "https://arxiv.org/abs/2408.16500"
    assert cand.locations[0].path == "entries[0].track.arxiv_terms[0]"
    assert loaded.catalog.entries()[0][2].papers[0].arxiv == "2311.03079v1"  # nothing added automatically


def test_build_reads_the_configured_url() -> None:
    cfg = Config(sources=SourcesConfig(arxiv_api_url="http://127.0.0.1:9/api/query"))
    assert build(cfg, {}).config.arxiv_api_url == "http://127.0.0.1:9/api/query"
    assert build(cfg.sources).name == "arxiv"


def test_connection_refused_is_unknown(tmp_path: Path, state: State) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cfg = SourcesConfig(arxiv_api_url=f"http://127.0.0.1:{port}/api/query", arxiv_delay=DELAY, max_retries=1)
    loaded = catalog(tmp_path, [{"arxiv": "2401.00001"}])
    result = run(ArxivSource(cfg), loaded, state)
    assert result.requests == 2  # one try, one retry
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN]
    assert "ConnectionError" in (result.unavailable or "")


def test_all_search_terms_share_one_request(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    """Three terms cost one OR query, not three requests three seconds apart; hits go to the terms they mention."""
    fake.add("2408.16500", "CogVLM2: Visual Language Models for Image and Video Understanding")
    fake.add("2408.03326", "LLaVA-OneVision: Easy Visual Task Transfer")
    fake.add("2402.11530", "Efficient Multimodal Learning from Data-centric Perspective", summary="We present Bunny.")
    fake.add("2403.00009", "Unrelated work on speech")
    loaded = catalog(tmp_path, [], track={"arxiv_terms": ["CogVLM", "LLaVA", "Bunny"]})
    result = run(ArxivSource(config(fake)), loaded, state)
    (search,) = [r for r in fake.server.requests if r.query.get("search_query", [""])[0]]
    assert search.query["search_query"] == ['all:"Bunny" OR all:"CogVLM" OR all:"LLaVA"']
    assert int(search.query["max_results"][0]) == 30
    terms = {f.subject.id: f.evidence["terms"] for f in result.findings if f.kind is Kind.CANDIDATE_PAPER}
    assert terms == {"2408.16500": ["CogVLM"], "2408.03326": ["LLaVA"], "2402.11530": ["Bunny"]}
    # Within the TTL the combined answer is reused: no request at all.
    before = len(fake.server.requests)
    run(ArxivSource(config(fake)), loaded, state)
    assert len(fake.server.requests) == before


# --- issue 13: what the list states, outages told from absence, pacing and backoff across runs --------------------


def test_version_stated_in_the_catalog_is_compared_on_the_first_run(
    tmp_path: Path, fake: FakeArxiv, state: State
) -> None:
    fake.add("2403.18814", "Mini-Gemini", versions=2)
    fake.add("2311.03079", "CogVLM", versions=3)
    fake.add("2402.11530", "Bunny", versions=1)
    papers = [{"arxiv": "2403.18814v1"}, {"arxiv": "2311.03079", "version": 3}, {"arxiv": "2402.11530", "version": 1}]
    result = run(ArxivSource(config(fake)), catalog(tmp_path, papers), state)
    found = [f for f in result.findings if f.kind is Kind.NEW_VERSION]
    assert [(f.subject.id, shape(f.evidence, VersionChange)) for f in found] == [
        ("2403.18814v1", VersionChange.listed("v1", "v2"))
    ]
    assert list(to_json(found[0].evidence)) == ["field", "from", "to", "updated", "url"]
    assert found[0].evidence["updated"].startswith("20")


def test_withdrawn_finding_carries_the_reason(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2403.18814", "Mini-Gemini")
    fake.withdraw("2403.18814", "This paper has been withdrawn due to an error in Table 2.")
    result = run(ArxivSource(config(fake)), catalog(tmp_path, [{"arxiv": "2403.18814"}]), state)
    (withdrawn,) = [f for f in result.findings if f.kind is Kind.WITHDRAWN]
    assert withdrawn.evidence["reason"] == "This paper has been withdrawn due to an error in Table 2."


def test_missing_papers_asked_alone_are_told_from_an_outage_by_a_canary(
    tmp_path: Path, fake: FakeArxiv, state: State
) -> None:
    fake.add("2311.03079", "CogVLM")
    source = ArxivSource(config(fake))
    run(source, catalog(tmp_path, [{"arxiv": "2311.03079"}]), state)  # a paper known to exist, cached
    papers = [{"arxiv": "2311.03079"}, {"arxiv": "2401.00001"}, {"arxiv": "2401.00002"}]
    fake.server.reset()
    result = run(source, catalog(tmp_path, papers), state, NOW + timedelta(hours=1))
    # Only the two unknown ids needed asking: arXiv's answer for them alone is a valid empty feed, and the
    # canary in the same feed shows it is an answer, not an outage.
    assert kinds(result) == [(Kind.DEAD, "2401.00001"), (Kind.DEAD, "2401.00002")]
    assert result.unavailable is None and result.requests == 1
    assert sorted(sent_ids(fake)) == ["2311.03079", "2401.00001", "2401.00002"]


def test_an_empty_feed_missing_the_canary_is_an_outage(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2311.03079", "CogVLM")
    source = ArxivSource(config(fake))
    run(source, catalog(tmp_path, [{"arxiv": "2311.03079"}]), state)
    fake.empty = True
    papers = [{"arxiv": "2311.03079"}, {"arxiv": "2401.00001"}]
    result = run(source, catalog(tmp_path, papers), state, NOW + timedelta(hours=1))
    assert kinds(result) == [(Kind.UNKNOWN, "2401.00001")]
    assert "canary" in (result.unavailable or "")


def test_fake_reports_the_true_total_with_an_empty_page(fake: FakeArxiv) -> None:
    import httpx

    fake.add("2311.03079", "CogVLM")
    fake.empty = True
    body = httpx.get(fake.api_url, params={"id_list": "2311.03079,2401.00001"}).text
    assert "<entry>" not in body and "<opensearch:totalResults>1</opensearch:totalResults>" in body


def test_spacing_holds_across_processes_through_the_state_store(
    tmp_path: Path, fake: FakeArxiv, state: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    from listkeeper.sources.arxiv import gate

    fake.add("2311.03079", "CogVLM")
    loaded = catalog(tmp_path, [{"arxiv": "2311.03079"}])
    delay = 1.5
    run(ArxivSource(config(fake, arxiv_delay=delay, ttl_hours=0)), loaded, state)
    # A second process starts with a fresh in-process gate: only the state store knows the last request.
    monkeypatch.setattr(gate, "GATE", gate.Gate())
    run(ArxivSource(config(fake, arxiv_delay=delay, ttl_hours=0)), loaded, state, NOW + timedelta(seconds=1))
    first, second = fake.times
    assert second - first >= delay - 0.05


def test_missing_papers_are_asked_again_on_a_backoff_schedule(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    fake.add("2311.03079", "CogVLM")
    loaded = catalog(tmp_path, [{"arxiv": "2311.03079"}, {"arxiv": "2401.00001"}])
    source = ArxivSource(config(fake, ttl_hours=20))
    first = run(source, loaded, state)
    assert (Kind.DEAD, "2401.00001") in kinds(first) and first.requests == 1
    second = run(source, loaded, state, NOW + timedelta(hours=1))
    assert second.requests == 0  # within the backoff: the stored finding is repeated, marked as such
    (dead,) = [f for f in second.findings if f.kind is Kind.DEAD]
    assert dead.evidence["reused"].asked_at.startswith("2024-06-01T12:00")
    third = run(source, loaded, state, NOW + timedelta(hours=20, minutes=5))
    assert third.requests == 1 and (Kind.DEAD, "2401.00001") in kinds(third)
    assert "reused" not in next(f for f in third.findings if f.kind is Kind.DEAD).evidence


def test_a_dripping_feed_is_cut_at_the_request_budget(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    """requests' timeout is per socket read: a feed sent one byte every 0.2 s never trips it (issue 10 §2)."""
    import time

    fake.add("2401.00001", "A")
    fake.server.drip = 0.2
    loaded = catalog(tmp_path, [{"arxiv": "2401.00001"}])
    started = time.monotonic()
    result = run(ArxivSource(config(fake, timeout=1.0, max_retries=3)), loaded, state)
    assert time.monotonic() - started < 1.5
    assert result.requests == 1 and "no complete answer within 1 s" in (result.unavailable or "")
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN]


def test_nothing_is_sent_or_waited_for_past_the_run_deadline(tmp_path: Path, fake: FakeArxiv, state: State) -> None:
    from listkeeper import deadline

    fake.down, fake.retry_after = 503, "2"
    loaded = catalog(tmp_path, [{"arxiv": "2401.00001"}])
    with deadline.run_deadline(1.0):
        result = run(ArxivSource(config(fake, max_retries=3, max_retry_wait=5)), loaded, state)
    assert result.requests == 1  # the retry would start 2 s later, past the deadline
    assert "past the run deadline" in (result.unavailable or "")
    with open_state(tmp_path / "fresh.sqlite") as fresh, deadline.run_deadline(0.0):
        result = run(ArxivSource(config(fake)), loaded, fresh)  # a new store: no backoff schedule from the above
    assert result.requests == 0 and "deadline" in (result.unavailable or "")
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN]
