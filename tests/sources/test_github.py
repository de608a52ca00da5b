"""The GitHub adapter against a real HTTP server on 127.0.0.1 (tests/fakes/github.py): GraphQL and REST paths."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.catalog.refs import catalog_refs
from listkeeper.config import Config, SourcesConfig
from listkeeper.evidence import FieldChange, NewItem, Release, entry, shape, to_json
from listkeeper.findings import Kind
from listkeeper.sources.base import SourceResult
from listkeeper.sources.github import GitHubSource, build
from listkeeper.sources.github.graphql import GRAPHQL_BATCH
from listkeeper.state import State, open_state
from listkeeper.subjects import Subject
from tests.fakes.github import FakeGitHub, graphql_body
from tests.fakes.server import FakeServer, Response

TOKEN = "ghp_t0k3n"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as server:
        yield server


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    with open_state(tmp_path / "state.sqlite") as st:
        yield st


def source(fake: FakeGitHub, token: str | None = TOKEN, **kw: Any) -> GitHubSource:
    values: dict[str, Any] = {"github_api_url": fake.url, "timeout": 5, "max_retries": 1, "max_retry_wait": 1}
    return GitHubSource(SourcesConfig(**(values | kw)), token)


def catalog(tmp_path: Path, code: list[str], tracked: list[str] | None = None) -> LoadedCatalog:
    root = tmp_path / "catalog"
    root.mkdir(exist_ok=True)
    entry: dict[str, Any] = {"id": "cogvlm", "name": "CogVLM", "code": code}
    if tracked:
        entry["track"] = {"github": tracked}
    family = {"id": "cog", "name": "Cog", "entries": [entry]}
    (root / "cog.yaml").write_text(yaml.safe_dump(family, sort_keys=False), encoding="utf-8")
    return load_catalog(root)


def run(src: GitHubSource, loaded: LoadedCatalog, state: State, now: datetime = NOW) -> SourceResult:
    return src.run(loaded, catalog_refs(loaded), state, now)


def kinds(result: SourceResult) -> list[tuple[Kind, str]]:
    return sorted((f.kind, f.subject.id) for f in result.findings)


def by_kind(result: SourceResult, kind: Kind) -> list[Any]:
    return [f for f in result.findings if f.kind is kind]


def world(fake: FakeGitHub) -> None:
    """Alive, renamed, transferred, archived, disabled and deleted repositories."""
    fake.add_repo("zai-org/CogVLM")
    fake.add_repo("THUDM/CogAgent")
    fake.transfer("THUDM/CogAgent", "zai-org")
    fake.add_repo("dvlab-research/MiniGemini")
    fake.rename("dvlab-research/MiniGemini", "MGM")
    fake.add_repo("BAAI-DCAI/Bunny", archived=True)
    fake.add_repo("someone/blocked", disabled=True)
    fake.add_repo("haotian-liu/gone")
    fake.delete("haotian-liu/gone")


CODE = [
    "zai-org/CogVLM",
    "THUDM/CogAgent",
    "dvlab-research/MiniGemini",
    "BAAI-DCAI/Bunny",
    "someone/blocked",
    "haotian-liu/gone",
]
EXPECTED = [
    (Kind.MOVED, "THUDM/CogAgent"),
    (Kind.MOVED, "dvlab-research/MiniGemini"),
    (Kind.DEAD, "haotian-liu/gone"),
    (Kind.ARCHIVED, "BAAI-DCAI/Bunny"),
    (Kind.DISABLED, "someone/blocked"),
]


def check_world(result: SourceResult) -> None:
    assert kinds(result) == sorted(EXPECTED)
    moved = {f.subject.id: f.new_subject for f in by_kind(result, Kind.MOVED)}
    assert moved == {
        "THUDM/CogAgent": Subject("github", "zai-org/CogAgent"),
        "dvlab-research/MiniGemini": Subject("github", "dvlab-research/MGM"),
    }
    assert result.facts[Subject("github", "THUDM/CogAgent")].moved_to == Subject("github", "zai-org/CogAgent")
    assert result.facts[Subject("github", "zai-org/CogVLM")].exists is True
    assert result.facts[Subject("github", "zai-org/CogVLM")].moved_to is None
    assert result.facts[Subject("github", "haotian-liu/gone")].exists is False
    [dead] = by_kind(result, Kind.DEAD)
    assert dead.evidence  # not found, with the service's word for it
    assert dead.locations[0].path == "entries[0].code[5]"
    assert result.unavailable is None


def test_graphql_outcomes(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    world(fake)
    result = run(source(fake), catalog(tmp_path, CODE), state)
    check_world(result)
    assert result.requests == 1 == fake.server.count("/graphql", "POST")
    assert fake.server.count(method="GET") == 0
    [dead] = by_kind(result, Kind.DEAD)
    assert dead.evidence["error_type"] == "NOT_FOUND"
    assert "haotian-liu/gone" in dead.evidence["message"]
    assert {f.evidence["via"] for f in by_kind(result, Kind.MOVED)} == {"graphql"}
    query = graphql_body(fake.server.requests[0])
    assert 'r1: repository(owner: "THUDM", name: "CogAgent", followRenames: true)' in query
    assert "rateLimit { cost remaining resetAt }" in query


def test_rest_outcomes_without_a_token(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    world(fake)
    result = run(source(fake, token=None), catalog(tmp_path, CODE), state)
    check_world(result)
    assert fake.server.count("/graphql") == 0  # GitHub refuses GraphQL without a token: never asked
    assert all("authorization" not in r.headers for r in fake.server.requests)
    # one GET per repo, plus the followed 301 of the two moved ones
    assert result.requests == len(CODE) + 2 == len(fake.server.requests)
    assert sum(1 for r in fake.server.requests if r.path.startswith("/repositories/")) == 2
    assert {f.evidence["via"] for f in by_kind(result, Kind.MOVED)} == {"rest-301"}
    [dead] = by_kind(result, Kind.DEAD)
    assert dead.evidence["status"] == 404 and dead.evidence["message"] == "Not Found"


def test_graphql_outage_falls_back_to_rest(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    world(fake)
    fake.graphql_down = 502
    result = run(source(fake, max_retries=1, max_retry_wait=0.05), catalog(tmp_path, CODE), state)
    check_world(result)
    assert fake.server.count("/graphql") == 2  # one try, one retry
    assert all(r.headers.get("authorization") == f"token {TOKEN}" for r in fake.server.requests)


def test_graphql_broken_once_is_not_asked_again(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    names = [f"org/repo-{n}" for n in range(60)]
    for name in names:
        fake.add_repo(name)
    fake.graphql_down = 502
    result = run(source(fake, max_retries=0), catalog(tmp_path, names), state)
    assert fake.server.count("/graphql") == 1  # the second batch goes straight to REST
    assert result.requests == 1 + 60
    assert sum(1 for f in result.facts.values() if f.exists) == 60 and result.unavailable is None


def test_60_repos_with_a_token_take_2_graphql_requests(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    names = [f"org{n // 10}/repo-{n}" for n in range(60)]
    for name in names:
        fake.add_repo(name)
    result = run(source(fake), catalog(tmp_path, names), state)
    assert result.requests == 2 == len(fake.server.requests)
    assert [q.count("repository(") for q in fake.graphql_queries] == [GRAPHQL_BATCH, 60 - GRAPHQL_BATCH]
    assert sum(1 for f in result.facts.values() if f.exists) == 60
    assert result.findings == []


def test_new_release_since_last_run(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    fake.add_repo("zai-org/CogVLM2")
    fake.add_release("zai-org/CogVLM2", "v1.0")
    fake.add_repo("zai-org/tags-only")
    fake.add_tag("zai-org/tags-only", "0.1")
    loaded = catalog(tmp_path, ["zai-org/CogVLM2"], tracked=["zai-org/CogVLM2", "zai-org/tags-only"])
    src = source(fake)
    first = run(src, loaded, state)
    assert first.findings == []  # baseline
    assert first.facts[Subject("github", "zai-org/CogVLM2")].data["latest"]["tag"] == "v1.0"

    fake.add_release("zai-org/CogVLM2", "v1.1-rc", prerelease=True)  # not a release for GitHub's "latest"
    fake.add_release("zai-org/CogVLM2", "v1.1", published_at="2024-06-02T00:00:00Z")
    fake.add_tag("zai-org/tags-only", "0.2")
    second = run(src, loaded, state, NOW + timedelta(days=1))
    assert kinds(second) == [(Kind.NEW_RELEASE, "zai-org/CogVLM2"), (Kind.NEW_RELEASE, "zai-org/tags-only")]
    release = next(f for f in second.findings if f.subject.id == "zai-org/CogVLM2")
    assert shape(release.evidence, Release) == Release("v1.1", "2024-06-02T00:00:00Z")
    assert to_json(release.evidence) == {
        "tag": "v1.1",
        "published_at": "2024-06-02T00:00:00Z",
        "url": "https://github.com/zai-org/CogVLM2/releases/tag/v1.1",
        "previous": "v1.0",
    }
    paths = sorted(loc.path for loc in release.locations)
    assert paths == ["entries[0].code[0]", "entries[0].track.github[0]"]
    tag = next(f for f in second.findings if f.subject.id == "zai-org/tags-only")
    assert shape(tag.evidence, Release) == Release("0.2", None)
    assert to_json(tag.evidence)["published_at"] is None  # written as null, not left out

    third = run(src, loaded, state, NOW + timedelta(days=2))
    assert third.findings == []  # reported once


def test_new_release_over_rest(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    fake.add_repo("zai-org/CogVLM2")
    fake.add_release("zai-org/CogVLM2", "v1.0")
    fake.add_repo("zai-org/tags-only")
    fake.add_tag("zai-org/tags-only", "0.1")
    fake.add_repo("zai-org/untracked")
    loaded = catalog(tmp_path, ["zai-org/untracked"], tracked=["zai-org/CogVLM2", "zai-org/tags-only"])
    src = source(fake, token=None)
    first = run(src, loaded, state)
    assert first.findings == []
    # untracked: the repo only; tracked: repo + releases/latest; tags-only: repo + releases/latest (404) + tags
    assert first.requests == 1 + 2 + 3
    assert fake.server.count("/repos/zai-org/untracked/releases/latest") == 0
    fake.add_release("zai-org/CogVLM2", "v2.0")
    fake.add_tag("zai-org/tags-only", "0.2")
    second = run(src, loaded, state, NOW + timedelta(days=1))
    assert kinds(second) == [(Kind.NEW_RELEASE, "zai-org/CogVLM2"), (Kind.NEW_RELEASE, "zai-org/tags-only")]
    newer = next(f for f in second.findings if f.subject.id == "zai-org/CogVLM2")
    release = shape(newer.evidence, Release)
    assert release is not None and (release.tag, release.stated) == ("v2.0", False)


def test_etag_304_reuses_stored_facts(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    fake.add_repo("zai-org/CogVLM")
    fake.add_repo("BAAI-DCAI/Bunny", archived=True)
    fake.add_repo("THUDM/CogAgent")
    fake.transfer("THUDM/CogAgent", "zai-org")
    loaded = catalog(tmp_path, ["zai-org/CogVLM", "BAAI-DCAI/Bunny", "THUDM/CogAgent"])
    src = source(fake, token=None, ttl_hours=1)
    first = run(src, loaded, state)
    limit_after_first = fake.rest_remaining
    fake.server.reset()

    fake.log.clear()
    second = run(src, loaded, state, NOW + timedelta(hours=2))  # past the TTL: ask again, conditionally
    sent = fake.server.requests
    stored = {r.path: r.headers.get("if-none-match") for r in sent}
    assert all(etag and etag.startswith('W/"') for etag in stored.values())
    assert fake.log == [
        ("GET", "/repos/zai-org/CogVLM", 304),
        ("GET", "/repos/BAAI-DCAI/Bunny", 304),
        ("GET", "/repos/THUDM/CogAgent", 301),
        ("GET", f"/repositories/{fake.resolve('zai-org/CogAgent').id}", 304),
    ]
    assert second.requests == 4  # a 304 is a request sent, too
    assert fake.rest_remaining == limit_after_first - 1  # only the 301 counted: the 304s are free

    def without_time(result: SourceResult) -> dict[Subject, Any]:
        return {
            s: (f.exists, f.moved_to, {k: v for k, v in f.data.items() if k != "fetched_at"})
            for s, f in result.facts.items()
        }

    assert without_time(second) == without_time(first)
    assert kinds(second) == kinds(first) == [(Kind.ARCHIVED, "BAAI-DCAI/Bunny"), (Kind.MOVED, "THUDM/CogAgent")]


def test_fake_answers_304_to_a_matching_etag(fake: FakeGitHub) -> None:
    import httpx

    fake.add_repo("zai-org/CogVLM")
    first = httpx.get(f"{fake.url}/repos/zai-org/CogVLM")
    second = httpx.get(f"{fake.url}/repos/zai-org/CogVLM", headers={"If-None-Match": first.headers["etag"]})
    assert (first.status_code, second.status_code) == (200, 304)
    assert second.headers["x-ratelimit-remaining"] == first.headers["x-ratelimit-remaining"]


def test_facts_are_reused_within_the_ttl(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    world(fake)
    src = source(fake, ttl_hours=20)
    loaded = catalog(tmp_path, CODE)
    first = run(src, loaded, state)
    second = run(src, loaded, state, NOW + timedelta(hours=19))
    # everything alive came from the store; the dead repo is asked again only after its backoff (the TTL), its
    # finding repeated meanwhile and marked as such (the memory rule does not take it for new evidence)
    assert second.requests == 0
    assert kinds(second) == kinds(first)
    assert all(f.reused for f in second.facts.values()) and not any(f.reused for f in first.facts.values())
    (dead,) = [f for f in second.findings if f.kind is Kind.DEAD]
    assert dead.evidence["reused"].next_ask.startswith("2024-06-02T08:00")
    fake.add_repo("haotian-liu/gone")  # re-created: alive again, and the store did not hide it
    third = run(src, loaded, state, NOW + timedelta(hours=20, minutes=5))
    assert third.requests == 1 and "gone" in fake.graphql_queries[-1]  # one batch, with the facts due again
    assert (Kind.DEAD, "haotian-liu/gone") not in kinds(third)


def test_rest_rate_limit_exhausted_is_unknown(tmp_path: Path, state: State) -> None:
    names = [f"org/repo-{n}" for n in range(5)]
    with FakeGitHub(rest_limit=2) as fake:
        for name in names:
            fake.add_repo(name)
        result = run(source(fake, token=None), catalog(tmp_path, names), state)
        assert result.requests == 2  # stopped when x-ratelimit-remaining said 0
    assert sum(1 for f in result.facts.values() if f.exists) == 2
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN] * 3
    assert "rate limit" in (result.unavailable or "")
    assert not by_kind(result, Kind.DEAD)


def test_rest_403_rate_limit_is_unknown(tmp_path: Path, state: State) -> None:
    names = [f"org/repo-{n}" for n in range(3)]
    with FakeGitHub() as fake:
        for name in names:
            fake.add_repo(name)
        fake.rest_remaining = 0  # spent by someone else before this run
        result = run(source(fake, token=None, max_retry_wait=1), catalog(tmp_path, names), state)
        assert result.requests == 1  # the 403 (reset in an hour: no retry), then stop
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN] * 3
    assert all(f.exists is None for f in result.facts.values())


def test_graphql_rate_limit_is_unknown(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    names = [f"org/repo-{n}" for n in range(60)]
    for name in names:
        fake.add_repo(name)
    fake.graphql_remaining = 0
    result = run(source(fake), catalog(tmp_path, names), state)
    assert result.requests == 1  # HTTP 200 with a RATE_LIMITED error; the second batch is not sent, no REST
    assert fake.server.count(method="GET") == 0
    assert {f.kind for f in result.findings} == {Kind.UNKNOWN} and len(result.findings) == 60
    assert "rate limit" in (result.unavailable or "")


def test_graphql_other_errors_are_unknown(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    fake.add_repo("org/ok")
    fake.add_repo("org/blocked")
    fake.graphql_errors["org/blocked"] = ("FORBIDDEN", "Repository access blocked")
    result = run(source(fake), catalog(tmp_path, ["org/ok", "org/blocked"]), state)
    assert kinds(result) == [(Kind.UNKNOWN, "org/blocked")]
    assert result.facts[Subject("github", "org/ok")].exists is True
    assert result.facts[Subject("github", "org/blocked")].exists is None
    assert "FORBIDDEN" in (result.unavailable or "")


def test_token_goes_only_to_the_api_origin(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    elsewhere = FakeServer(lambda req: Response.json({"full_name": "evil/x"})).start()
    try:
        fake.add_repo("zai-org/CogVLM")
        fake.redirects["/graphql"] = (307, f"{elsewhere.url}/graphql")
        fake.redirects["/repos/evil/x"] = (301, f"{elsewhere.url}/repositories/1")
        result = run(source(fake), catalog(tmp_path, ["zai-org/CogVLM", "evil/x"]), state)
    finally:
        elsewhere.stop()
    assert elsewhere.requests == []  # neither the token nor a request left the API origin
    assert fake.server.requests and all(r.headers["authorization"] == f"token {TOKEN}" for r in fake.server.requests)
    assert result.facts[Subject("github", "zai-org/CogVLM")].exists is True  # GraphQL refused → REST answered
    assert kinds(result) == [(Kind.UNKNOWN, "evil/x")]
    assert "another origin" in (result.unavailable or "")


def test_server_errors_are_unknown_never_dead(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    world(fake)
    fake.down = 503
    result = run(source(fake, max_retries=1, max_retry_wait=0.05), catalog(tmp_path, CODE), state)
    assert {f.kind for f in result.findings} == {Kind.UNKNOWN}
    assert all(f.exists is None for f in result.facts.values())
    # GraphQL: try + retry; REST: the first repo's try + retry, then the sweep stops
    assert result.requests == 4


def test_a_404_page_that_is_not_github_s_answer_is_unknown(tmp_path: Path, state: State) -> None:
    page = FakeServer(lambda req: Response(404, {"Content-Type": "text/html"}, b"<h1>404 Not Found</h1>")).start()
    try:
        src = GitHubSource(SourcesConfig(github_api_url=page.url, max_retries=0), None)
        result = run(src, catalog(tmp_path, ["org/a"]), state)
    finally:
        page.stop()
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN]
    assert result.facts[Subject("github", "org/a")].exists is None and "404" in (result.unavailable or "")


@pytest.mark.parametrize("token", [TOKEN, None])
def test_429_storm_is_unknown_never_dead(tmp_path: Path, fake: FakeGitHub, state: State, token: str | None) -> None:
    world(fake)
    fake.down, fake.retry_after = 429, "1"
    result = run(source(fake, token=token, max_retries=1, max_retry_wait=2), catalog(tmp_path, CODE), state)
    assert {f.kind for f in result.findings} == {Kind.UNKNOWN} and len(result.findings) == len(CODE)
    assert all(f.exists is None for f in result.facts.values())
    assert result.requests == 2 == len(fake.server.requests)  # one try, one retry after Retry-After, then stop
    assert "rate limit" in (result.unavailable or "")


def test_timeout_is_unknown(tmp_path: Path, state: State) -> None:
    slow = FakeServer(lambda req: Response.json({}, delay=2.0)).start()
    try:
        src = GitHubSource(SourcesConfig(github_api_url=slow.url, timeout=0.3, max_retries=0), None)
        result = run(src, catalog(tmp_path, ["org/a", "org/b"]), state)
    finally:
        slow.stop()
    assert result.requests == 1  # an outage stops the sweep
    assert [f.kind for f in result.findings] == [Kind.UNKNOWN, Kind.UNKNOWN]


def test_build_reads_the_token_from_env() -> None:
    cfg = Config(sources=SourcesConfig(github_api_url="http://127.0.0.1:9"))
    assert build(cfg, {"GITHUB_TOKEN": "abc"}).token == "abc"
    assert build(cfg, {}).token is None
    assert build(cfg.sources, {"GITHUB_TOKEN": ""}).token is None


# --- issue 13: the list states what it knows --------------------------------------------------------------------


@pytest.mark.parametrize("token", [TOKEN, None])
def test_release_stated_in_the_catalog_is_compared_on_the_first_run(
    tmp_path: Path, fake: FakeGitHub, state: State, token: str | None
) -> None:
    for name in ("org/newer", "org/same", "org/pre-only"):
        fake.add_repo(name)
        fake.add_release(name, "v1.1")
    fake.add_release("org/newer", "v1.2")
    fake.add_release("org/newer", "v1.3-rc1", prerelease=True)
    fake.add_release("org/newer", "v2.0-draft", draft=True)
    fake.add_release("org/pre-only", "v1.2-beta", prerelease=True)
    code: list[Any] = [{"repo": name, "release": "v1.1"} for name in ("org/newer", "org/same", "org/pre-only")]
    result = run(source(fake, token=token), catalog(tmp_path, code), state)
    releases = by_kind(result, Kind.NEW_RELEASE)
    newer = [(f.subject.id, f.evidence["previous"], shape(f.evidence, Release)) for f in releases]
    assert [(name, previous, r.tag, r.stated) for name, previous, r in newer if r] == [
        ("org/newer", "v1.1", "v1.2", True)
    ]
    assert list(to_json(releases[0].evidence)) == ["field", "tag", "published_at", "url", "previous"]
    assert releases[0].locations[0].path == "entries[0].code[0].repo"


def test_license_where_the_catalog_states_one(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    fake.add_repo("org/a", license="MIT")
    fake.add_repo("org/b", license="Apache-2.0")
    fake.add_repo("org/c", license="MIT")
    code: list[Any] = [{"repo": "org/a", "license": "Apache-2.0"}, {"repo": "org/b", "license": "Apache-2.0"}, "org/c"]
    result = run(source(fake), catalog(tmp_path, code), state)
    (changed,) = by_kind(result, Kind.CHANGED)
    assert changed.subject.id == "org/a"
    assert shape(changed.evidence, FieldChange) == FieldChange("license", "Apache-2.0", "MIT")


def test_findings_about_a_moved_repo_name_the_new_id(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    fake.add_repo("THUDM/CogVLM")
    fake.rename("THUDM/CogVLM", "CogVLM-old")
    fake.transfer("THUDM/CogVLM-old", "zai-org")
    fake.archive("zai-org/CogVLM-old")
    result = run(source(fake), catalog(tmp_path, ["THUDM/CogVLM"]), state)
    (moved,) = by_kind(result, Kind.MOVED)
    (archived,) = by_kind(result, Kind.ARCHIVED)
    assert moved.subject.id == "THUDM/CogVLM" and moved.new_subject is not None
    assert archived.subject.id == "zai-org/CogVLM-old" and archived.evidence["alias"] == "THUDM/CogVLM"


def test_unknown_repos_back_off_doubling_while_the_rest_answers(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    fake.add_repo("org/ok")
    fake.add_repo("org/flaky")
    fake.graphql_errors["org/flaky"] = ("FORBIDDEN", "Resource protected by organization SAML enforcement.")
    loaded = catalog(tmp_path, ["org/ok", "org/flaky"])
    src = source(fake, ttl_hours=20)
    assert (Kind.UNKNOWN, "org/flaky") in kinds(run(src, loaded, state))
    assert run(src, loaded, state, NOW + timedelta(hours=1)).requests == 0  # first backoff: 2 h
    again = run(src, loaded, state, NOW + timedelta(hours=2))
    assert again.requests == 1 and (Kind.UNKNOWN, "org/flaky") in kinds(again)
    assert run(src, loaded, state, NOW + timedelta(hours=5)).requests == 0  # then 4 h
    del fake.graphql_errors["org/flaky"]
    assert kinds(run(src, loaded, state, NOW + timedelta(hours=6))) == []


# --- issue 13 §3: new repositories of tracked orgs ----------------------------------------------------------------


def org_catalog(tmp_path: Path, code: list[Any], orgs: list[dict[str, Any]]) -> LoadedCatalog:
    root = tmp_path / "catalog"
    root.mkdir(exist_ok=True)
    entry: dict[str, Any] = {"id": "glm", "name": "GLM", "code": code, "track": {"github_orgs": orgs}}
    (root / "glm.yaml").write_text(yaml.safe_dump({"id": "glm", "name": "GLM", "entries": [entry]}), encoding="utf-8")
    return load_catalog(root)


def org_world(fake: FakeGitHub) -> None:
    fake.add_repo("zai-org/GLM-4.1V-Thinking", created_at="2025-07-01T00:00:00Z")
    fake.add_repo("zai-org/GLM-4.6V", created_at="2025-12-08T00:00:00Z")
    fake.add_repo("zai-org/GLM-V-fork", created_at="2025-12-09T00:00:00Z", fork=True)
    fake.add_repo("zai-org/glm-docs", created_at="2025-12-10T00:00:00Z")
    fake.add_repo("zai-org/CogVLM", created_at="2023-10-01T00:00:00Z")
    fake.add_repo("OpenGVLab/InternVL3.5", created_at="2025-08-25T00:00:00Z")


@pytest.mark.parametrize("token", [TOKEN, None])
def test_tracked_orgs_report_new_repositories_in_one_batch(
    tmp_path: Path, fake: FakeGitHub, state: State, token: str | None
) -> None:
    org_world(fake)
    orgs = [
        {"org": "zai-org", "include": ["GLM*"], "exclude": ["*-docs"], "since": date(2025, 8, 1)},
        {"org": "OpenGVLab", "include": ["InternVL*"], "since": date(2025, 1, 1)},
    ]
    loaded = org_catalog(tmp_path, ["zai-org/CogVLM"], orgs)
    result = run(source(fake, token=token), loaded, state)
    found = by_kind(result, Kind.NEW_RELEASE)
    assert sorted(f.subject.id for f in found) == ["OpenGVLab/InternVL3.5", "zai-org/GLM-4.6V"]
    glm = next(f for f in found if f.subject.id == "zai-org/GLM-4.6V")
    item = shape(glm.evidence, NewItem)
    assert entry(glm.evidence) == "glm" and item is not None and item.kind == "repository"
    assert (item.id, (item.created_at or "")[:10]) == ("zai-org/GLM-4.6V", "2025-12-08")
    assert list(to_json(glm.evidence)) == ["id", "kind", "created_at", "url", "entry", "rule"]
    assert glm.locations[0].path == "entries[0].track.github_orgs[0]"
    if token:  # the catalog repo and both orgs' newest repositories: one GraphQL request, no REST
        (query,) = fake.graphql_queries
        assert result.requests == 1 and "repository(owner:" in query and query.count("repositoryOwner(") == 2
        assert "orderBy: {field: CREATED_AT, direction: DESC}" in query
    else:
        assert [path for _, path, _ in fake.log if "/users/" in path] == [
            "/users/zai-org/repos",
            "/users/OpenGVLab/repos",
        ]
    fake.server.reset()
    assert run(source(fake, token=token), loaded, state, NOW + timedelta(hours=1)).requests == 0  # cached


def test_tracked_org_without_since_starts_from_a_baseline(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    org_world(fake)
    loaded = org_catalog(tmp_path, [], [{"org": "zai-org"}])
    assert by_kind(run(source(fake), loaded, state), Kind.NEW_RELEASE) == []
    fake.add_repo("zai-org/GLM-5V", created_at="2026-01-05T00:00:00Z")
    later = run(source(fake), loaded, state, NOW + timedelta(hours=21))
    assert [f.subject.id for f in by_kind(later, Kind.NEW_RELEASE)] == ["zai-org/GLM-5V"]


def test_tracked_org_pages_down_to_its_cutoff_and_unknown_orgs_are_said(
    tmp_path: Path, fake: FakeGitHub, state: State
) -> None:
    for n in range(150):
        fake.add_repo(f"big/r{n:03d}", created_at=f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}T00:00:00Z")
    loaded = org_catalog(tmp_path, [], [{"org": "big", "since": date(2025, 1, 1)}, {"org": "nobody-here"}])
    result = run(source(fake), loaded, state)
    assert len(by_kind(result, Kind.NEW_RELEASE)) == 150 and result.requests == 2  # two pages of 100
    (unknown,) = by_kind(result, Kind.UNKNOWN)
    assert unknown.evidence == {"org": "nobody-here"}


def test_fake_rejects_an_owner_page_larger_than_github_allows(fake: FakeGitHub) -> None:
    import httpx

    query = 'query { o0: repositoryOwner(login: "x") { repositories(first: 101) { nodes { name } } } }'
    body = httpx.post(f"{fake.url}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert "exceeds the `first` limit of 100" in body["errors"][0]["message"]


def test_a_dripping_answer_is_cut_at_the_request_budget(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    """One byte every 0.2 s never trips httpx's read timeout; the total budget does (issue 10 §2)."""
    import time

    world(fake)
    fake.server.drip = 0.2
    started = time.monotonic()
    result = run(source(fake, timeout=1.0, max_retries=2), catalog(tmp_path, CODE), state)
    # GraphQL is cut, then REST's first repository is cut and the sweep stops: two budgets.
    assert time.monotonic() - started < 2 * 1.3
    assert {f.kind for f in result.findings} == {Kind.UNKNOWN}
    assert all(f.exists is None for f in result.facts.values())


def test_no_retry_starts_past_the_run_deadline(tmp_path: Path, fake: FakeGitHub, state: State) -> None:
    from listkeeper import deadline

    world(fake)
    fake.down, fake.retry_after = 429, "2"
    with deadline.run_deadline(1.0):
        result = run(source(fake, max_retries=3, max_retry_wait=5), catalog(tmp_path, CODE), state)
    assert result.requests == len(fake.server.requests) == 1  # the retry would wait 2 s: past the deadline
    assert {f.kind for f in result.findings} == {Kind.UNKNOWN}
