"""The Hugging Face adapter against a fake Hub on 127.0.0.1 (huggingface_hub's httpx2 traffic is invisible to respx)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
import yaml
from huggingface_hub.utils import _http as hf_http

from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.catalog.refs import catalog_refs
from listkeeper.config import SourcesConfig
from listkeeper.evidence import FieldChange, NewItem, OrgRename, org_renamed, shape, to_json
from listkeeper.findings import Kind
from listkeeper.sources.base import SourceResult
from listkeeper.sources.hf.transport import PoliteTransport, Traffic, library_client_factory
from listkeeper.sources.huggingface import HuggingFaceSource, build
from listkeeper.state import State, open_state
from listkeeper.subjects import Subject, hf_collection, hf_dataset, hf_model, hf_space
from tests.fakes.hub import FakeHub
from tests.fakes.server import FakeServer, Response

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SLUG = "zai-org/cogvlm-6603c50b9b43d044171d0854"


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub() as fake:
        yield fake


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    with open_state(tmp_path / "state.sqlite") as st:
        yield st


class Waits(list[float]):
    """A sleep that records instead of sleeping: asserts on waits without slowing the suite down."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def catalog(tmp_path: Path, *entries: dict[str, Any]) -> LoadedCatalog:
    root = tmp_path / "catalog"
    root.mkdir(exist_ok=True)
    family = {"id": "cog", "name": "Cog series", "entries": list(entries)}
    (root / "cog.yaml").write_text(yaml.safe_dump(family, sort_keys=False), encoding="utf-8")
    return load_catalog(root)


def entry(entry_id: str = "cogvlm", **items: Any) -> dict[str, Any]:
    return {"id": entry_id, "name": entry_id, **items}


def source(hub: FakeHub, waits: Waits | None = None, token: str | None = None, **config: Any) -> HuggingFaceSource:
    cfg = SourcesConfig(hf_endpoint=hub.url, **{"max_retry_wait": 0.01, "max_retries": 2, "timeout": 2.0, **config})
    return HuggingFaceSource(cfg, token=token, sleep=waits if waits is not None else Waits())


def run(src: HuggingFaceSource, loaded: LoadedCatalog, state: State, now: datetime = NOW) -> SourceResult:
    return src.run(loaded, catalog_refs(loaded), state, now)


def kinds(result: SourceResult, subject: Subject) -> set[Kind]:
    return {f.kind for f in result.findings if f.subject == subject}


def only(result: SourceResult, kind: Kind, subject: Subject | None = None) -> Any:
    found = [f for f in result.findings if f.kind == kind and (subject is None or f.subject == subject)]
    assert len(found) == 1, result.findings
    return found[0]


def assert_counted(hub: FakeHub, result: SourceResult) -> None:
    """The adapter's own count equals what the server received."""
    assert result.requests == len(hub.requests), hub.api_requests()


# --- the endpoint, headers, and the fake itself ----------------------------------------------------------------


def test_configured_endpoint_is_used_with_our_user_agent_and_no_telemetry(hub, state, tmp_path):
    hub.add_model("BAAI/Bunny-v1_1-4B", license="apache-2.0")
    loaded = catalog(tmp_path, entry("bunny", checkpoints=[{"hf": "BAAI/Bunny-v1_1-4B"}]))

    result = run(source(hub), loaded, state)

    fact = result.facts[hf_model("BAAI/Bunny-v1_1-4B")]
    assert fact.exists is True and fact.data["license"] == "apache-2.0"
    assert result.findings == []
    assert [r.path for r in hub.requests] == ["/api/models/BAAI/Bunny-v1_1-4B"]
    request = hub.requests[0]
    assert request.headers["user-agent"].startswith("listkeeper/")
    assert "authorization" not in request.headers  # token=False: no token from the environment or a cache file
    assert sorted(request.query["expand"]) == sorted(
        ["gated", "disabled", "lastModified", "createdAt", "likes", "cardData", "tags", "downloads"]
    )
    assert_counted(hub, result)
    # The library's shared client factory is restored afterwards.
    assert library_client_factory() is hf_http.default_client_factory


def test_token_from_env_is_sent_to_the_hub(hub, state, tmp_path):
    hub.add_model("BAAI/Bunny-v1_1-4B")
    loaded = catalog(tmp_path, entry("bunny", checkpoints=[{"hf": "BAAI/Bunny-v1_1-4B"}]))
    src = build(SourcesConfig(hf_endpoint=hub.url), {"HF_TOKEN": "hf_test"})

    run(src, loaded, state)

    assert hub.requests[0].headers["authorization"] == "Bearer hf_test"


def test_fake_hub_404s_unknown_paths_and_pages_listings(hub):
    hub.page_size = 2
    for i in range(5):
        hub.add_model(f"acme/m{i}")
    assert httpx.get(hub.url + "/api/agent-harnesses").status_code == 404
    first = httpx.get(hub.url + "/api/models", params=[("author", "acme"), ("expand[]", "gated")])
    assert [m["id"] for m in first.json()] == ["acme/m0", "acme/m1"]
    assert set(first.json()[0]) == {"_id", "id", "gated"}
    second = httpx.get(first.links["next"]["url"])
    assert [m["id"] for m in second.json()] == ["acme/m2", "acme/m3"]
    missing = httpx.get(hub.url + "/api/models/acme/nope")
    assert missing.status_code == 404 and missing.headers["x-error-code"] == "RepoNotFound"


# --- outcomes ---------------------------------------------------------------------------------------------------


def test_org_rename_is_moved_for_every_repo_at_the_cost_of_two_listings_and_one_lookup(hub, state, tmp_path):
    names = ["cogvlm-chat-hf", "cogvlm-grounding-generalist-hf", "cogagent-chat-hf"]
    for name in names:
        hub.add_model(f"THUDM/{name}")
    hub.rename_org("THUDM", "zai-org")
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": f"THUDM/{n}"} for n in names]))

    result = run(source(hub), loaded, state)

    for name in names:
        moved = only(result, Kind.MOVED, hf_model(f"THUDM/{name}"))
        assert moved.new_subject == hf_model(f"zai-org/{name}")
        assert org_renamed(moved.evidence) == OrgRename("THUDM", "zai-org")
        assert to_json(moved.evidence)["org_renamed"] == {"from": "THUDM", "to": "zai-org"}
        assert moved.locations[0].file.endswith("cog.yaml") and moved.locations[0].line is not None
    assert not [f for f in result.findings if f.kind in (Kind.DEAD, Kind.UNKNOWN)]
    first = only(result, Kind.MOVED, hf_model(f"THUDM/{names[0]}"))
    assert first.evidence["redirects"][0]["status"] == 307
    assert first.evidence["redirects"][0]["location"].startswith(f"/api/models/zai-org/{names[0]}?expand=")
    # THUDM listing (empty) + one lookup (307 + 200) + zai-org listing answers the other two.
    assert [r.path for r in hub.requests] == [
        "/api/models",
        f"/api/models/THUDM/{names[0]}",
        f"/api/models/zai-org/{names[0]}",
        "/api/models",
    ]
    assert_counted(hub, result)


def test_single_repo_rename_redirect_is_moved(hub, state, tmp_path):
    hub.add_space("THUDM/CogVLM-CogAgent")
    hub.rename("space", "THUDM/CogVLM-CogAgent", "zai-org/CogVLM-CogAgent")
    loaded = catalog(tmp_path, entry(demos=[{"space": "THUDM/CogVLM-CogAgent"}]))

    result = run(source(hub), loaded, state)

    moved = only(result, Kind.MOVED)
    assert moved.new_subject == hf_space("zai-org/CogVLM-CogAgent")
    assert moved.evidence["new_url"] == f"{hub.url}/spaces/zai-org/CogVLM-CogAgent"
    assert result.facts[hf_space("THUDM/CogVLM-CogAgent")].moved_to == hf_space("zai-org/CogVLM-CogAgent")


def test_case_only_difference_is_not_a_move(hub, state, tmp_path):
    hub.add_model("YanweiLi/MGM-7B")
    loaded = catalog(tmp_path, entry("mgm", checkpoints=[{"hf": "yanweili/mgm-7b"}]))

    result = run(source(hub), loaded, state)

    assert result.findings == [] and result.facts[hf_model("yanweili/mgm-7b")].exists is True


def test_gated_model_is_alive_and_gated_never_dead(hub, state, tmp_path):
    hub.add_model("meta-llama/Llama-3-8B", gated="manual")
    hub.add_model("acme/a", gated="auto")
    hub.add_model("acme/b")
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "meta-llama/Llama-3-8B"}, {"hf": "acme/a"}, {"hf": "acme/b"}]))

    result = run(source(hub), loaded, state)

    assert only(result, Kind.GATED, hf_model("meta-llama/Llama-3-8B")).evidence["gated"] == "manual"
    assert only(result, Kind.GATED, hf_model("acme/a")).evidence["gated"] == "auto"
    assert kinds(result, hf_model("acme/b")) == set()
    assert all(f.exists for f in result.facts.values())
    assert Kind.DEAD not in {f.kind for f in result.findings}


def test_deleted_model_is_dead_with_evidence(hub, state, tmp_path):
    hub.add_model("acme/kept")
    hub.add_model("acme/other")
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "acme/kept"}, {"hf": "acme/gone"}, {"hf": "solo/gone-too"}]))

    result = run(source(hub), loaded, state)

    dead = only(result, Kind.DEAD, hf_model("acme/gone"))
    assert dead.evidence["status"] == 404 and dead.evidence["error_code"] == "RepoNotFound"
    assert dead.evidence["api_url"] == f"{hub.url}/api/models/acme/gone"
    assert dead.locations[0].path == "entries[0].checkpoints[1].hf"
    assert only(result, Kind.DEAD, hf_model("solo/gone-too")).evidence["status"] == 404
    assert result.facts[hf_model("acme/gone")].exists is False
    assert result.unavailable is None
    # acme listing, then a per-id lookup for the id missing from it, then solo's single repo.
    assert [r.path for r in hub.requests] == ["/api/models", "/api/models/acme/gone", "/api/models/solo/gone-too"]


def test_only_the_hub_s_repo_not_found_code_is_dead_evidence(state, tmp_path, monkeypatch):
    """On an https endpoint the library maps any 401 on /api/models/... to RepositoryNotFoundError. The real Hub
    says "not found" with `X-Error-Code: RepoNotFound` (401 for anonymous callers); a bare 401 from a proxy or a
    mirror that wants credentials must not mark every repo dead."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/solo/gone"):
            return httpx2.Response(401, headers={"X-Error-Code": "RepoNotFound"}, json={"error": "Repo not found"})
        return httpx2.Response(401, json={"error": "Unauthorized"})

    monkeypatch.setattr(httpx2, "HTTPTransport", lambda proxy=None: httpx2.MockTransport(handler))
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "solo/gone"}, {"hf": "other/model"}]))
    src = HuggingFaceSource(SourcesConfig(hf_endpoint="https://hub.example", max_retries=0), sleep=Waits())

    result = run(src, loaded, state)

    dead = only(result, Kind.DEAD, hf_model("solo/gone"))
    assert dead.evidence["status"] == 401 and dead.evidence["error_code"] == "RepoNotFound"
    unknown = only(result, Kind.UNKNOWN, hf_model("other/model"))
    assert unknown.evidence["status"] == 401 and "RepoNotFound" in unknown.evidence["reason"]
    assert result.facts[hf_model("other/model")].exists is None and result.unavailable


def test_space_stages(hub, state, tmp_path):
    hub.add_space("acme/sleepy", stage="SLEEPING")
    hub.add_space("acme/crashed", stage="RUNTIME_ERROR")
    hub.add_space("acme/fine", stage="RUNNING")
    hub.add_space("solo/paused", stage="PAUSED")
    hub.add_space("solo2/build", stage="BUILD_ERROR")
    spaces = ["acme/sleepy", "acme/crashed", "acme/fine", "solo/paused", "solo2/build"]
    loaded = catalog(tmp_path, entry(demos=[{"space": s} for s in spaces]))

    result = run(source(hub), loaded, state)

    assert kinds(result, hf_space("acme/sleepy")) == {Kind.ASLEEP}
    assert kinds(result, hf_space("acme/crashed")) == {Kind.BROKEN}
    assert kinds(result, hf_space("acme/fine")) == set()
    assert kinds(result, hf_space("solo/paused")) == {Kind.ASLEEP}
    assert kinds(result, hf_space("solo2/build")) == {Kind.BROKEN}
    assert all(result.facts[hf_space(s)].exists for s in spaces)
    assert result.facts[hf_space("acme/sleepy")].data["stage"] == "SLEEPING"
    listing = next(r for r in hub.requests if r.path == "/api/spaces")
    assert "runtime" in listing.query["expand"]


def test_disabled_repos(hub, state, tmp_path):
    hub.add_dataset("laion/laion-art", disabled=True)
    hub.add_model("acme/x", disabled=True)
    hub.add_model("acme/y")
    loaded = catalog(tmp_path, entry(datasets=["laion/laion-art"], checkpoints=[{"hf": "acme/x"}, {"hf": "acme/y"}]))

    result = run(source(hub), loaded, state)

    assert kinds(result, hf_dataset("laion/laion-art")) == {Kind.DISABLED}  # 403 DisabledRepoError on lookup
    assert only(result, Kind.DISABLED, hf_dataset("laion/laion-art")).evidence["status"] == 403
    assert kinds(result, hf_model("acme/x")) == {Kind.DISABLED}  # disabled: true in the listing
    assert result.facts[hf_model("acme/x")].exists is True


def test_collection_new_item_since_last_run(hub, state, tmp_path):
    hub.add_model("zai-org/cogvlm-chat-hf", gated="auto")
    hub.add_model("zai-org/cogagent-chat-hf")
    hub.add_model("zai-org/cogvlm2-llama3-chat-19B")
    hub.add_collection(SLUG, "CogVLM", [("model", "zai-org/cogvlm-chat-hf"), ("model", "zai-org/cogagent-chat-hf")])
    loaded = catalog(tmp_path, entry(collections=[SLUG], checkpoints=[{"hf": "zai-org/cogvlm-chat-hf"}]))

    first = run(source(hub), loaded, state)

    assert first.facts[hf_collection(SLUG)].exists is True
    assert Kind.NEW_RELEASE not in {f.kind for f in first.findings}  # first fetch is the baseline
    # The collection item answered for the catalog checkpoint: no per-id request.
    assert [r.path for r in hub.requests] == [f"/api/collections/{SLUG}"]
    assert kinds(first, hf_model("zai-org/cogvlm-chat-hf")) == {Kind.GATED}

    hub.add_to_collection(SLUG, "model", "zai-org/cogvlm2-llama3-chat-19B", note="CogVLM2")
    within_ttl = run(source(hub), loaded, state, NOW + timedelta(hours=1))
    assert within_ttl.requests == 0 and Kind.NEW_RELEASE not in {f.kind for f in within_ttl.findings}

    later = run(source(hub), loaded, state, NOW + timedelta(hours=21))
    new = only(later, Kind.NEW_RELEASE)
    assert new.subject == hf_model("zai-org/cogvlm2-llama3-chat-19B")
    assert shape(new.evidence, NewItem) == NewItem.in_collection("zai-org/cogvlm2-llama3-chat-19B", "hf-model", SLUG)
    assert new.evidence["note"] == "CogVLM2"
    assert new.locations[0].path == "entries[0].collections[0]"
    # cogagent-chat-hf was in the baseline: never proposed.
    assert hf_model("zai-org/cogagent-chat-hf") not in {f.subject for f in later.findings}


def test_missing_collection_is_dead(hub, state, tmp_path):
    loaded = catalog(tmp_path, entry(collections=[SLUG]))
    result = run(source(hub), loaded, state)
    assert only(result, Kind.DEAD, hf_collection(SLUG)).evidence["status"] == 404


def test_a_404_page_that_is_not_the_hub_s_answer_is_unknown(state, tmp_path):
    """HF_ENDPOINT pointing at a mirror or proxy that 404s with its own page: no evidence, nothing dead."""
    page = FakeServer(lambda req: Response(404, {"Content-Type": "text/html"}, b"<h1>404 Not Found</h1>")).start()
    try:
        loaded = catalog(tmp_path, entry(collections=[SLUG], checkpoints=[{"hf": "solo/model"}]))
        result = run(source(page), loaded, state)  # type: ignore[arg-type]
    finally:
        page.stop()
    assert {f.kind for f in result.findings} == {Kind.UNKNOWN} and len(result.findings) == 2
    assert all(f.exists is None for f in result.facts.values())


# --- new releases -----------------------------------------------------------------------------------------------


def _tracked(tmp_path: Path, **rule: Any) -> LoadedCatalog:
    rule = {"author": "zai-org", "include": ["cogvlm*", "cogagent*", "glm-*v*"], **rule}
    return catalog(
        tmp_path,
        entry(
            checkpoints=[{"hf": "zai-org/cogvlm-chat-hf"}],
            track={"hf_authors": [rule]},
            dismissed=["hf:model/zai-org/cogagent-vqa-hf"],
        ),
        entry("glm", checkpoints=[{"hf": "zai-org/glm-4v-9b"}]),
    )


def test_new_release_baseline_then_new_repo(hub, state, tmp_path):
    for name in ["cogvlm-chat-hf", "glm-4v-9b", "cogvlm-old-hf", "chatglm3-6b"]:
        hub.add_model(f"zai-org/{name}")
    loaded = _tracked(tmp_path)

    first = run(source(hub), loaded, state)
    assert [f for f in first.findings if f.kind == Kind.NEW_RELEASE] == []  # baseline
    assert [r.path for r in hub.requests] == ["/api/models"]  # one listing: facts and tracking
    assert state.get("hf-author-baseline", "zai-org")["model"]
    hub.reset_requests()
    assert run(source(hub), loaded, state, NOW + timedelta(hours=1)).requests == 0  # listing reused within TTL

    hub.add_model("zai-org/cogvlm2-llama3-chat-19B", created_at="2026-03-01T13:00:00.000Z", downloads=7, likes=3)
    hub.add_model("zai-org/GLM-4.1V-9B-Thinking", created_at="2026-03-01T14:00:00.000Z")
    hub.add_model("zai-org/glm-4-9b-chat")  # no include glob matches
    hub.add_model("zai-org/cogagent-vqa-hf")  # dismissed in the entry
    hub.add_model("zai-org/cogagent-9b")  # dismissed in state
    state.dismiss("hf:model/zai-org/cogagent-9b", "closed PR")
    hub.reset_requests()

    later = run(source(hub), loaded, state, NOW + timedelta(hours=21))

    new = {f.subject: f for f in later.findings if f.kind == Kind.NEW_RELEASE}
    assert set(new) == {hf_model("zai-org/cogvlm2-llama3-chat-19B"), hf_model("zai-org/GLM-4.1V-9B-Thinking")}
    ev = new[hf_model("zai-org/cogvlm2-llama3-chat-19B")].evidence
    item = shape(ev, NewItem)
    assert item == NewItem("zai-org/cogvlm2-llama3-chat-19B", "hf-model", "2026-03-01T13:00:00Z")
    assert ev["downloads"] == 7 and ev["likes"] == 3
    assert ev["url"] == f"{hub.url}/zai-org/cogvlm2-llama3-chat-19B" and ev["rule"]["author"] == "zai-org"
    assert new[hf_model("zai-org/cogvlm2-llama3-chat-19B")].locations[0].path == "entries[0].track.hf_authors[0]"
    assert [r.path for r in hub.requests] == ["/api/models"]


def test_new_release_with_since_needs_no_baseline(hub, state, tmp_path):
    hub.add_model("zai-org/cogvlm-chat-hf", created_at="2023-11-01T00:00:00.000Z")
    hub.add_model("zai-org/cogagent-old", created_at="2023-12-01T00:00:00.000Z")
    hub.add_model("zai-org/cogagent-new", created_at="2026-02-01T00:00:00.000Z")
    loaded = _tracked(tmp_path, since=date(2026, 1, 1))

    result = run(source(hub), loaded, state)

    assert {f.subject for f in result.findings if f.kind == Kind.NEW_RELEASE} == {hf_model("zai-org/cogagent-new")}


def test_renamed_catalog_repo_is_not_a_new_release(hub, state, tmp_path):
    hub.add_model("THUDM/cogvlm-chat-hf", created_at="2026-02-01T00:00:00.000Z")
    hub.rename_org("THUDM", "zai-org")
    loaded = catalog(
        tmp_path,
        entry(
            checkpoints=[{"hf": "THUDM/cogvlm-chat-hf"}],
            track={"hf_authors": [{"author": "zai-org", "include": ["cogvlm*"], "since": date(2026, 1, 1)}]},
        ),
    )

    result = run(source(hub), loaded, state)

    assert {f.kind for f in result.findings} == {Kind.MOVED}


# --- rate limits and outages ------------------------------------------------------------------------------------


def test_retry_after_is_honoured_then_success(hub, state, tmp_path):
    hub.add_model("solo/model")
    hub.rate_limit(2, retry_after=3)
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "solo/model"}]))
    waits = Waits()

    result = run(source(hub, waits, max_retry_wait=60), loaded, state)

    assert waits == [3.0, 3.0]
    assert result.facts[hf_model("solo/model")].exists is True and result.unavailable is None
    assert result.requests == 3
    assert_counted(hub, result)


def test_ratelimit_header_reset_is_honoured_and_capped(hub, state, tmp_path):
    for name in ("a", "b"):
        hub.add_model(f"acme/{name}")
    hub.rate_limit(1, retry_after=None, reset=250)
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "acme/a"}, {"hf": "acme/b"}]))
    waits = Waits()

    result = run(source(hub, waits, max_retry_wait=120), loaded, state)

    assert waits == [120.0]  # t=250 from `RateLimit: "api";r=0;t=250`, capped; the library would sleep 251 s
    assert result.facts[hf_model("acme/a")].exists is True and result.requests == 2


def test_exhausted_rate_limit_is_unknown_never_dead(hub, state, tmp_path):
    hub.add_model("acme/a")
    hub.add_model("acme/b")
    hub.add_model("solo/c")
    hub.rate_limit(1000, retry_after=1)
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "acme/a"}, {"hf": "acme/b"}, {"hf": "solo/c"}]))
    waits = Waits()

    result = run(source(hub, waits, max_retries=2), loaded, state)

    assert {f.kind for f in result.findings} == {Kind.UNKNOWN}
    assert all(f.exists is None for f in result.facts.values())
    assert result.unavailable and "429" in result.unavailable
    # listing (3 attempts), lookup acme/a (3 attempts) → the breaker opens; nothing more is sent.
    assert result.requests == 6
    assert_counted(hub, result)
    assert state.items("hf-facts") == {}  # unknown facts are never cached


@pytest.mark.parametrize("mode", ["500", "refuse"])
def test_service_down_is_unavailable_and_unknown(hub, state, tmp_path, mode):
    hub.add_model("acme/a")
    hub.add_model("acme/b")
    hub.add_space("solo/s")
    hub.add_collection(SLUG, "CogVLM", [("model", "acme/a")])
    hub.down(mode)  # type: ignore[arg-type]
    loaded = catalog(
        tmp_path,
        entry(collections=[SLUG], checkpoints=[{"hf": "acme/a"}, {"hf": "acme/b"}], demos=[{"space": "solo/s"}]),
    )

    result = run(source(hub, max_retries=1), loaded, state)

    assert result.unavailable and "did not answer" in result.unavailable
    assert {f.kind for f in result.findings} == {Kind.UNKNOWN}
    assert len(result.findings) == 4
    assert_counted(hub, result)
    assert result.requests == (4 if mode == "500" else 0)  # two calls × 2 attempts, then the breaker


def test_timeout_is_unknown(hub, state, tmp_path):
    hub.add_model("solo/model")
    hub.down("hang")
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "solo/model"}]))

    result = run(source(hub, max_retries=0, timeout=0.2), loaded, state)

    assert {f.kind for f in result.findings} == {Kind.UNKNOWN}
    assert "Timeout" in result.findings[0].evidence["reason"]
    assert result.requests == 1


def test_request_budget_one_listing_per_org_and_nothing_within_ttl(hub, state, tmp_path):
    orgs = {"zai-org": 5, "YanweiLi": 4, "BAAI": 3}
    for org, count in orgs.items():
        for i in range(count):
            hub.add_model(f"{org}/model-{i}")
        hub.add_model(f"{org}/not-in-catalog")
    hub.add_space("zai-org/demo-1", stage="RUNNING")
    hub.add_space("zai-org/demo-2", stage="SLEEPING")
    checkpoints = [{"hf": f"{org}/model-{i}"} for org, count in orgs.items() for i in range(count)]
    loaded = catalog(
        tmp_path, entry(checkpoints=checkpoints, demos=[{"space": "zai-org/demo-1"}, {"space": "zai-org/demo-2"}])
    )

    first = run(source(hub), loaded, state)

    assert len(first.facts) == 14 and all(f.exists for f in first.facts.values())
    assert first.requests == 4 == len(hub.requests)  # 3 model listings + 1 space listing for 14 repos
    assert sorted(r.query["author"][0] for r in hub.requests) == ["BAAI", "YanweiLi", "zai-org", "zai-org"]

    hub.reset_requests()
    second = run(source(hub), loaded, state, NOW + timedelta(hours=2))
    assert second.requests == 0 and hub.requests == []
    assert {(f.kind, f.subject) for f in second.findings} == {(f.kind, f.subject) for f in first.findings}
    assert second.facts[hf_space("zai-org/demo-2")].reused is True

    third = run(source(hub), loaded, state, NOW + timedelta(hours=21))  # past the TTL: asked again
    assert third.requests == 4


def test_pagination_is_followed_and_counted(hub, state, tmp_path):
    hub.max_limit = 2
    for i in range(5):
        hub.add_model(f"acme/m{i}")
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "acme/m0"}, {"hf": "acme/m4"}]))

    result = run(source(hub), loaded, state)

    assert result.facts[hf_model("acme/m4")].exists is True
    assert result.requests == 3 == len(hub.requests)
    assert "cursor" in hub.requests[2].query


def test_dead_facts_are_asked_again_after_their_backoff_not_every_run(hub, state, tmp_path):
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "solo/gone"}]))
    run(source(hub), loaded, state)
    hub.reset_requests()
    again = run(source(hub), loaded, state, NOW + timedelta(hours=1))
    # within the backoff the finding is repeated, marked as such (the memory rule takes it for no new evidence)
    assert again.requests == 0 and only(again, Kind.DEAD).subject == hf_model("solo/gone")
    assert only(again, Kind.DEAD).evidence["reused"].failures == 1
    later = run(source(hub), loaded, state, NOW + timedelta(hours=20))
    assert later.requests == 1 and "reused" not in only(later, Kind.DEAD).evidence


def test_token_is_never_sent_to_another_origin():
    """A `Link` next page (or anything else) on another host must not receive the Hub token."""
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append((request.url.host, request.headers.get("authorization")))
        return httpx2.Response(200, json=[])

    config = SourcesConfig(hf_endpoint="https://hub.example")
    transport = PoliteTransport(httpx2.MockTransport(handler), config, Traffic(), Waits())
    with httpx2.Client(transport=transport) as client:
        client.get("https://hub.example/api/models", headers={"Authorization": "Bearer hf_x"})
        client.get("https://elsewhere.example/api/models?cursor=1", headers={"Authorization": "Bearer hf_x"})
    assert seen == [("hub.example", "Bearer hf_x"), ("elsewhere.example", None)]


def test_renamed_collection_is_moved(hub, state, tmp_path):
    hub.add_model("THUDM/cogvlm-chat-hf")
    old_slug = "THUDM/cogvlm-6603c50b9b43d044171d0854"
    hub.add_collection(old_slug, "CogVLM", [("model", "THUDM/cogvlm-chat-hf")])
    hub.rename_org("THUDM", "zai-org")
    loaded = catalog(tmp_path, entry(collections=[old_slug]))

    result = run(source(hub), loaded, state)

    moved = only(result, Kind.MOVED, hf_collection(old_slug))
    assert moved.new_subject == hf_collection("zai-org/cogvlm-6603c50b9b43d044171d0854")
    assert moved.evidence["redirects"][0]["status"] == 307


def test_importing_the_adapter_changes_no_environment():
    """Nothing is set at import time: not the environment, not the library's constants."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_DISABLE_TELEMETRY", "DISABLE_TELEMETRY")}
    code = (
        "import os, listkeeper.sources.huggingface\n"
        "from huggingface_hub import constants\n"
        "print(os.environ.get('HF_HUB_DISABLE_TELEMETRY'), constants.HF_HUB_DISABLE_TELEMETRY)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None False"


def test_a_run_sends_no_telemetry_request_and_restores_the_flag(hub, state, tmp_path, monkeypatch):
    """With telemetry on, huggingface_hub's User-Agent sends a hidden GET /api/agent-harnesses: the run turns it off
    for its session only. Fails when the library stops reading ``constants.HF_HUB_DISABLE_TELEMETRY``."""
    from huggingface_hub import constants
    from huggingface_hub.utils import _detect_agent

    monkeypatch.delenv("HF_HUB_DISABLE_TELEMETRY", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", False)
    # the detection would fetch from the library's endpoint once per process (then cache it on disk): aim both at
    # the fake, with nothing loaded yet
    monkeypatch.setattr(constants, "ENDPOINT", hub.url)
    monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", str(tmp_path / "harnesses.json"))
    monkeypatch.setattr(_detect_agent, "_registry", None)
    hub.add_model("solo/model")
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "solo/model"}]))

    result = run(source(hub), loaded, state)

    assert [r.path for r in hub.requests] == ["/api/models/solo/model"]
    assert result.facts[hf_model("solo/model")].exists is True
    assert constants.HF_HUB_DISABLE_TELEMETRY is False


def test_the_library_client_factory_is_found():
    """``library_client_factory`` reads a private attribute (no public getter): this fails when the library moves
    it, before a run could leave our factory installed."""
    from huggingface_hub import set_client_factory

    before = library_client_factory()
    assert callable(before)

    def mine():
        return httpx2.Client()

    set_client_factory(mine)
    try:
        assert library_client_factory() is mine
    finally:
        set_client_factory(before)
    assert library_client_factory() is before


def test_org_rename_learned_from_models_serves_spaces_and_datasets(hub, state, tmp_path):
    """Once the models revealed THUDM → zai-org, the Spaces and datasets of THUDM are listed under zai-org at once:
    no empty THUDM listing and no redirect per repo to rediscover the rename."""
    for name in ("cogvlm-chat-hf", "cogagent-chat-hf"):
        hub.add_model(f"THUDM/{name}")
    for name in ("CogVLM-CogAgent", "CogVLM2"):
        hub.add_space(f"THUDM/{name}")
    for name in ("CogVLM-SFT-311K", "CogAgent-data"):
        hub.add_dataset(f"THUDM/{name}")
    hub.rename_org("THUDM", "zai-org")
    loaded = catalog(
        tmp_path,
        entry(
            checkpoints=[{"hf": "THUDM/cogvlm-chat-hf"}, {"hf": "THUDM/cogagent-chat-hf"}],
            demos=[{"space": "THUDM/CogVLM-CogAgent"}, {"space": "THUDM/CogVLM2"}],
            datasets=["THUDM/CogVLM-SFT-311K", "THUDM/CogAgent-data"],
        ),
    )

    result = run(source(hub), loaded, state)

    moved = {str(f.subject): str(f.new_subject) for f in result.findings if f.kind is Kind.MOVED}
    assert len(moved) == 6 and all(new.replace("zai-org", "THUDM") == old for old, new in moved.items())
    assert all(
        org_renamed(f.evidence) == OrgRename("THUDM", "zai-org") for f in result.findings if f.kind is Kind.MOVED
    )
    # One redirected lookup reveals the rename; the new owner's listing (one request, cheaper than another
    # 307 + 200) answers the other model.
    assert [(r.path, r.query.get("author")) for r in hub.requests] == [
        ("/api/models", ["THUDM"]),
        ("/api/models/THUDM/cogvlm-chat-hf", None),
        ("/api/models/zai-org/cogvlm-chat-hf", None),
        ("/api/models", ["zai-org"]),
        ("/api/datasets", ["zai-org"]),
        ("/api/spaces", ["zai-org"]),
    ]
    assert_counted(hub, result)


def test_expand_values_are_ones_the_hub_accepts() -> None:
    """The Hub answers 400 to an unknown ``expand`` value (``gated`` on a Space, say); the fake does too, with the
    library's own lists."""
    from typing import get_args

    from huggingface_hub import hf_api

    from listkeeper.sources.hf.summary import EXPAND
    from tests.fakes.hub import EXPAND_VALUES

    library = {
        "model": set(get_args(hf_api.ExpandModelProperty_T)),
        "dataset": set(get_args(hf_api.ExpandDatasetProperty_T)),
        "space": set(get_args(hf_api.ExpandSpaceProperty_T)),
    }
    for kind, values in library.items():
        assert EXPAND_VALUES[kind] == values, kind
        assert set(EXPAND[kind]) <= values, (kind, set(EXPAND[kind]) - values)


# --- issue 13: tracking follows moves; the list's own facts; the largest page --------------------------------


def test_a_rule_on_a_renamed_org_finds_the_new_org_s_repos_in_the_same_run(hub, state, tmp_path):
    hub.add_model("THUDM/glm-4v-9b", created_at="2024-06-01T00:00:00.000Z")
    hub.add_model("THUDM/cogvlm2-llama3-chat-19B", created_at="2024-05-01T00:00:00.000Z")
    hub.add_model("THUDM/GLM-4.6V", created_at="2025-12-01T00:00:00.000Z")
    hub.rename_org("THUDM", "zai-org")
    rule = {"author": "THUDM", "include": ["glm-4*"], "since": date(2025, 1, 1)}
    loaded = catalog(
        tmp_path, entry(checkpoints=[{"hf": "THUDM/glm-4v-9b"}], track={"hf_authors": [rule]}), entry("cogvlm2")
    )
    result = run(source(hub), loaded, state)
    release = only(result, Kind.NEW_RELEASE)
    assert release.subject == hf_model("zai-org/GLM-4.6V") and release.evidence["author_now"] == "zai-org"
    moved = only(result, Kind.MOVED)
    assert org_renamed(moved.evidence) == OrgRename("THUDM", "zai-org")
    assert_counted(hub, result)
    # A later run (facts cached) remembers the rename: the old org's empty listing is not asked again.
    hub.reset_requests()
    later = run(source(hub), loaded, state, NOW + timedelta(hours=21))
    assert only(later, Kind.NEW_RELEASE).subject == hf_model("zai-org/GLM-4.6V")
    assert [r.query.get("author") for r in hub.requests] == [["zai-org"]]


def test_listings_ask_for_the_largest_page(hub, state, tmp_path):
    for i in range(250):
        hub.add_model(f"acme/m{i:03d}")
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "acme/m000"}, {"hf": "acme/m249"}]))
    result = run(source(hub), loaded, state)
    assert result.facts[hf_model("acme/m249")].exists is True
    assert result.requests == 1 and hub.requests[0].query["limit"] == ["1000"]
    assert httpx.get(hub.url + "/api/models", params={"author": "acme", "limit": "0"}).status_code == 400
    assert len(httpx.get(hub.url + "/api/models", params={"author": "acme"}).json()) == 100  # the server's default


def test_license_where_the_catalog_states_one_and_findings_name_the_new_id(hub, state, tmp_path):
    hub.add_model("acme/a", license="mit")
    hub.add_model("acme/b", license="apache-2.0")
    hub.add_model("old/c", license="llama3", gated="manual")
    hub.rename("model", "old/c", "new/c")
    checkpoints = [{"hf": "acme/a", "license": "apache-2.0"}, {"hf": "acme/b", "license": "apache-2.0"}]
    checkpoints += [{"hf": "old/c", "license": "llama2"}]
    result = run(source(hub), catalog(tmp_path, entry(checkpoints=checkpoints)), state)
    changed = sorted(
        (f.subject.id, change.old, change.new)
        for f in result.findings
        if f.kind is Kind.CHANGED and (change := shape(f.evidence, FieldChange)) is not None
    )
    assert changed == [("acme/a", "apache-2.0", "mit"), ("new/c", "llama2", "llama3")]
    gated = only(result, Kind.GATED)
    assert gated.subject == hf_model("new/c") and gated.evidence["alias"] == "old/c"


def test_a_retry_is_not_started_past_the_run_deadline(hub, state, tmp_path):
    """A Retry-After that outlasts the run is not waited for: the subjects are unknown at once (issue 10 §2)."""
    from listkeeper import deadline

    hub.add_model("solo/model")
    hub.rate_limit(5, retry_after=3)
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "solo/model"}]))
    waits = Waits()
    with deadline.run_deadline(1.0):
        result = run(source(hub, waits, max_retry_wait=60, max_retries=3), loaded, state)
    assert waits == []
    assert result.requests == 1 and "past the run deadline" in (result.unavailable or "")
    assert result.facts[hf_model("solo/model")].exists is None


def test_a_dripping_body_is_cut_at_the_request_budget(hub, state, tmp_path):
    """One byte every 0.2 s never trips a read timeout; the total budget (sources.timeout) does."""
    import time

    hub.add_model("solo/model")
    hub.server.drip = 0.2
    loaded = catalog(tmp_path, entry(checkpoints=[{"hf": "solo/model"}]))
    started = time.monotonic()
    result = run(source(hub, timeout=1.0, max_retries=3), loaded, state)
    assert time.monotonic() - started < 2 * 1.3  # two calls (the breaker opens after two), each cut at 1 s
    assert result.facts[hf_model("solo/model")].exists is None
    assert "no complete answer within 1 s" in (result.unavailable or "")
