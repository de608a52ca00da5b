"""The Hugging Face Hub adapter: models, datasets, Spaces and collections the catalog points at, and new releases
by tracked authors.

How it keeps the request count low (politeness is correctness, see CONTRIBUTING):

* one ``list_models/list_datasets/list_spaces(author=owner, expand=[...])`` answers every catalog repo of an owner
  that has two or more of them, and the same listing serves the tracking rules for that author;
* one raw ``GET /api/collections/{slug}`` per collection (the raw JSON keeps per-item gated/lastModified/runtime,
  which ``huggingface_hub.Collection`` drops), and its items answer for catalog repos they contain;
* per-id ``*_info`` only for the rest (single-repo owners, ids missing from their owner's listing);
* facts younger than ``ttl_hours`` are reused from the state store, so a second run within the TTL sends nothing.

Failures never turn into "dead": only the Hub's own "repository not found" answer does. Everything the library
sends goes through :class:`_PoliteTransport`, which retries 408/429/5xx and network errors with waits taken from
``Retry-After`` / ``RateLimit: "api";r=0;t=N`` (capped at ``max_retry_wait``), counts every request actually sent,
and, when it gives up, raises an exception the library's own ``http_backoff`` does not retry (that one sleeps up to
five times with uncapped waits for listings).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeVar

import httpx2
from huggingface_hub import HfApi, constants, set_client_factory
from huggingface_hub.errors import (
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
)
from huggingface_hub.hf_api import DatasetInfo, ModelInfo, SpaceInfo
from huggingface_hub.utils import _http as hf_http
from huggingface_hub.utils import build_hf_headers
from huggingface_hub.utils._pagination import paginate

from listkeeper import __version__, deadline
from listkeeper.catalog.load import LoadedCatalog, format_path
from listkeeper.catalog.model import HfAuthorRule
from listkeeper.catalog.refs import Ref
from listkeeper.config import SourcesConfig
from listkeeper.findings import Finding, Kind, Location
from listkeeper.http import origin, retry
from listkeeper.sources import backoff
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.state import State
from listkeeper.subjects import Endpoints, Subject

NAME = "hf"
RepoKind = Literal["model", "dataset", "space"]
_SUBJECT_KIND: dict[RepoKind, str] = {"model": "hf-model", "dataset": "hf-dataset", "space": "hf-space"}
_REPO_KIND: dict[str, RepoKind] = {v: k for k, v in _SUBJECT_KIND.items()}
_COMMON = ["disabled", "lastModified", "createdAt", "likes", "cardData", "tags"]
# The Hub answers 400 to an expand value a kind does not have: Spaces cannot be gated (no "gated"), and have a
# runtime instead of download counts.
EXPAND: dict[RepoKind, list[str]] = {
    "model": ["gated", *_COMMON, "downloads"],
    "dataset": ["gated", *_COMMON, "downloads"],
    "space": [*_COMMON, "runtime"],
}
ALIVE_STAGES = frozenset({"RUNNING", "RUNNING_BUILDING", "BUILDING", "APP_STARTING", "RUNNING_APP_STARTING"})
ASLEEP_STAGES = frozenset({"SLEEPING", "PAUSED", "STOPPED"})
BROKEN_STAGES = frozenset({"RUNTIME_ERROR", "BUILD_ERROR", "CONFIG_ERROR", "NO_APP_FILE"})
PAGE_SIZE = 1000  # the largest listing page the Hub serves (api-notes A2); fewer pages, same answer
BREAKER_FAILURES = 2  # consecutive calls that exhausted their retries before we stop asking for this run

# State namespaces.
NS_FACTS = "hf-facts"
NS_LISTINGS = "hf-listings"
NS_BASELINE = "hf-author-baseline"
NS_COLLECTION = "hf-collection"
NS_RENAMED = "hf-renamed-owners"  # lower old owner -> new owner, as the Hub revealed it (org renames)

T = TypeVar("T")


# --- transport: retries, waits, counting -------------------------------------------------------------------------


def library_client_factory() -> Callable[[], httpx2.Client]:
    """The client factory huggingface_hub has installed. The library offers ``set_client_factory`` but no getter:
    this reads its private module attribute, here only (tests/sources/test_huggingface.py fails when it moves)."""
    factory: Callable[[], httpx2.Client] = hf_http._GLOBAL_CLIENT_FACTORY
    return factory


@contextlib.contextmanager
def quiet_library() -> Iterator[None]:
    """No telemetry from huggingface_hub while we use it, unless ``HF_HUB_DISABLE_TELEMETRY`` is set explicitly.

    With telemetry on, the first request builds a User-Agent that triggers a hidden
    ``GET {endpoint}/api/agent-harnesses`` (agent detection, cached for 24 h under HF_HOME): a request we did not
    ask for. The library reads the variable once, at import, into ``constants.HF_HUB_DISABLE_TELEMETRY``, which it
    consults on every request: set that for the session and restore it after (nothing set at import time).
    """
    explicit = os.environ.get("HF_HUB_DISABLE_TELEMETRY")
    previous = constants.HF_HUB_DISABLE_TELEMETRY
    constants.HF_HUB_DISABLE_TELEMETRY = True if explicit is None else explicit.lower() in ("1", "true", "yes", "on")
    try:
        yield
    finally:
        constants.HF_HUB_DISABLE_TELEMETRY = previous


class HubGaveUp(Exception):
    """Retries exhausted (429 storm, 5xx, network). Deliberately not an ``httpx2`` error: ``http_backoff`` in the
    library would otherwise retry it again with its own uncapped sleeps."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass
class _Traffic:
    requests: int = 0
    waits: list[float] = field(default_factory=list)
    hops: list[tuple[str, str, int, str | None]] = field(default_factory=list)  # method, url, status, location


class _PoliteTransport(httpx2.BaseTransport):
    """Wraps the real transport: every hop (including redirect hops and pagination) passes here exactly once per
    attempt, so counting here is exact; retries happen here so they also cover ``*_info`` calls, which the library
    never retries."""

    def __init__(
        self,
        inner: httpx2.BaseTransport | deadline.BudgetTransport,
        config: SourcesConfig,
        traffic: _Traffic,
        sleep: Callable[[float], None],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inner = inner
        self.config = config
        self.traffic = traffic
        self.clock = clock
        self.sleep = sleep
        self.home = config.hf_endpoint

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        # The library passes its Authorization header explicitly to every page URL a `Link` header names; httpx
        # strips it only on redirects. A token is for the configured endpoint and nowhere else.
        origin.strip_foreign_auth(request, self.home)
        attempt = 0
        while True:
            try:
                response = self.inner.handle_request(request)
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:  # nothing reached the server
                failure, headers = f"{type(exc).__name__}: {exc}", {}
            except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as exc:
                self.traffic.requests += 1
                failure, headers = f"{type(exc).__name__}: {exc}", {}
            else:
                self.traffic.requests += 1
                status = response.status_code
                self.traffic.hops.append((request.method, str(request.url), status, response.headers.get("location")))
                if not retry.retryable(status):
                    return response
                response.read()
                response.close()
                failure, headers = f"HTTP {status}", dict(response.headers)
                if attempt >= self.config.max_retries:
                    raise HubGaveUp(f"{failure} after {attempt + 1} attempts", status)
            if attempt >= self.config.max_retries:
                raise HubGaveUp(f"{failure} after {attempt + 1} attempts")
            # capped: huggingface_hub's own http_backoff would otherwise sleep a whole reset itself
            wait = retry.next_wait(attempt, headers, self.clock(), cap=self.config.max_retry_wait, shorten=True)
            assert wait is not None  # shorten=True always gives a wait
            if not deadline.fits(wait):
                raise HubGaveUp(f"{failure} after {attempt + 1} attempts (the next would start past the run deadline)")
            self.traffic.waits.append(wait)
            self.sleep(wait)
            attempt += 1

    def close(self) -> None:
        self.inner.close()


def _proxy_for(endpoint: str) -> str | None:
    """The environment proxy for the endpoint (the client is built with ``trust_env=False`` so that proxy mounts
    cannot bypass :class:`_PoliteTransport`)."""
    return deadline.env_proxy(endpoint)


# --- what the Hub said, reduced to plain JSON ----------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value if isinstance(value, str) else None


def _license(card: Any, tags: Sequence[str] | None) -> str | None:
    value = card.get("license") if isinstance(card, Mapping) else getattr(card, "license", None)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if value:
        return str(value)
    for tag in tags or ():
        if tag.startswith("license:"):
            return tag.removeprefix("license:")
    return None


def summarise_info(info: Any) -> dict[str, Any]:
    """A ``ModelInfo``/``DatasetInfo``/``SpaceInfo`` (from a listing or ``*_info``) as the JSON kept in facts."""
    runtime = getattr(info, "runtime", None)
    return {
        "hub_id": info.id,
        "gated": getattr(info, "gated", None) or False,
        "disabled": bool(getattr(info, "disabled", False)),
        "last_modified": _iso(getattr(info, "last_modified", None)),
        "created_at": _iso(getattr(info, "created_at", None)),
        "downloads": getattr(info, "downloads", None),
        "likes": getattr(info, "likes", None),
        "license": _license(getattr(info, "card_data", None), getattr(info, "tags", None)),
        "stage": getattr(runtime, "stage", None) if runtime is not None else None,
    }


def summarise_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A raw collection item (``/api/collections/{slug}``) as the JSON kept in facts."""
    runtime = item.get("runtime") or {}
    return {
        "hub_id": item.get("id"),
        "gated": item.get("gated") or False,
        "disabled": False,
        "last_modified": item.get("lastModified"),
        "created_at": None,
        "downloads": item.get("downloads"),
        "likes": item.get("likes"),
        "license": None,
        "stage": runtime.get("stage") if isinstance(runtime, Mapping) else None,
    }


# --- the adapter -------------------------------------------------------------------------------------------------


@dataclass
class _Rule:
    rule: HfAuthorRule
    entry_id: str
    location: Location


@dataclass
class _Run:
    """Per-run working data."""

    now: datetime
    facts: dict[Subject, Fact] = field(default_factory=dict)
    listings: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)  # (kind, owner)
    fresh_listings: set[tuple[RepoKind, str]] = field(default_factory=set)
    collection_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    fresh_collections: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    consecutive_gave_up: int = 0
    broken: str | None = None
    renamed_owners: dict[str, str] = field(default_factory=dict)  # lower old owner → new owner, learned this run


class HuggingFaceSource:
    """Answers ``hf-model``, ``hf-dataset``, ``hf-space`` and ``hf-collection`` subjects (see module docstring)."""

    name = NAME

    def __init__(
        self, config: SourcesConfig, token: str | None = None, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.config = config
        self.token = token
        self.sleep = sleep
        self.endpoint = config.hf_endpoint.rstrip("/")
        self.endpoints = Endpoints(hf=self.endpoint)
        self.api = HfApi(
            endpoint=self.endpoint, token=token or False, library_name="listkeeper", library_version=__version__
        )
        self.traffic = _Traffic()

    def wants(self, subject: Subject) -> bool:
        return subject.kind in ("hf-model", "hf-dataset", "hf-space", "hf-collection")

    # -- the HTTP client the library uses while we run -----------------------------------------------------------

    def _client(self) -> httpx2.Client:
        timeout = httpx2.Timeout(self.config.timeout, connect=min(5.0, self.config.timeout))
        inner = deadline.BudgetTransport(
            httpx2.HTTPTransport(proxy=_proxy_for(self.endpoint)),
            self.config.timeout,
            stream_base=httpx2.SyncByteStream,
            not_sent=HubGaveUp,
            expired=lambda total: HubGaveUp(f"no complete answer within {total:.3g} s"),
        )
        return httpx2.Client(
            transport=_PoliteTransport(inner, self.config, self.traffic, self.sleep),
            event_hooks={"request": [hf_http.hf_request_event_hook]},
            follow_redirects=True,
            max_redirects=10,
            timeout=timeout,
            trust_env=False,
        )

    @contextlib.contextmanager
    def _session(self) -> Iterator[None]:
        """Install our client factory for the library's shared session (and quiet its telemetry) for the run;
        restore what was there after."""
        previous = library_client_factory()
        set_client_factory(self._client)
        try:
            with quiet_library():
                yield
        finally:
            set_client_factory(previous)  # also closes our client

    def _call(self, run: _Run, what: str, fn: Callable[[], T]) -> T | HubGaveUp:
        """Run one library call; an exhausted retry comes back as a value. After BREAKER_FAILURES such calls in a
        row the Hub is treated as unavailable for the rest of the run (no more requests)."""
        if run.broken is not None:
            return HubGaveUp(f"not asked: {run.broken}")
        try:
            result = fn()
        except HfHubHTTPError:  # the Hub answered (not found, disabled, ...): it is up
            run.consecutive_gave_up = 0
            raise
        except OfflineModeIsEnabled as exc:  # HF_HUB_OFFLINE=1: nothing can be asked this run
            run.failures.append(f"{what}: {exc}")
            run.broken = f"huggingface_hub is in offline mode ({exc})"
            return HubGaveUp(run.broken)
        except HubGaveUp as exc:
            run.failures.append(f"{what}: {exc.reason}")
            run.consecutive_gave_up += 1
            if run.consecutive_gave_up >= BREAKER_FAILURES:
                run.broken = f"the Hub at {self.endpoint} did not answer ({exc.reason})"
            return exc
        run.consecutive_gave_up = 0
        return result

    # -- run ----------------------------------------------------------------------------------------------------

    def run(self, loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime) -> SourceResult:
        start_requests = self.traffic.requests
        self.traffic.hops.clear()
        run = _Run(now=now)
        locations: dict[Subject, list[Location]] = defaultdict(list)
        for ref in refs:
            if self.wants(ref.subject):
                locations[ref.subject].append(ref.location)
        rules = _tracking_rules(loaded)
        cached = self._cached_facts(state, now)
        run.facts.update({s: f for s, f in cached.items() if s in locations})
        backoffs = backoff.pending(state, NAME)
        replay = {
            s: b
            for s in locations
            if s not in run.facts
            and (b := backoffs.get(s)) is not None
            and not b.due(now)
            and self.config.ttl_hours > 0
        }
        needed = [s for s in locations if s not in run.facts and s not in replay]
        self._load_cached_listings(state, run)
        run.renamed_owners.update({k: v for k, v in state.items(NS_RENAMED).items() if isinstance(v, str)})

        with self._session():
            self._collections(state, run, [s for s in needed if s.kind == "hf-collection"])
            for kind in ("model", "dataset", "space"):
                subjects = [s for s in needed if s.kind == _SUBJECT_KIND[kind] and s not in run.facts]
                self._repos(run, kind, subjects, rules)
            self._follow_renamed_authors(run, rules)

        findings: list[Finding] = []
        for s in locations:
            if (stored := replay.get(s)) is not None:
                exists = False if stored.outcome == "dead" else None
                stamp = datetime.fromtimestamp(stored.asked_at, UTC).isoformat()
                run.facts[s] = Fact(s, exists, data={"cached": True, "checked_at": stamp})
                findings += stored.replay(tuple(sorted(set(locations[s]))))
            else:
                findings += fact_findings(run.facts[s], locations[s], self.endpoints)
        findings += _license_findings(loaded, run.facts, locations, self.endpoints)
        findings += self._new_releases(loaded, state, run, rules, locations)
        self._store(state, run, cached, rules)
        # Unknown subjects back off only when the Hub answered at all: a run that reached nobody writes no state.
        answered = bool(self.traffic.hops)
        with state.transaction():
            for s in needed:
                fact = run.facts.get(s)
                if fact is None or (fact.exists is None and not answered):
                    continue
                outcome: backoff.Outcome | None = (
                    "dead" if fact.exists is False else "unknown" if fact.exists is None else None
                )
                if outcome is not None:
                    stored_findings = [f for f in findings if f.subject == s and str(f.kind) == outcome]
                    ttl = self.config.ttl_hours
                    backoff.remember(
                        state, NAME, s, outcome, stored_findings, now=now, ttl_hours=ttl, previous=backoffs.get(s)
                    )
                elif s in backoffs:
                    backoff.forget(state, NAME, s)
        result = SourceResult(NAME, facts=dict(run.facts), findings=findings)
        result.requests = self.traffic.requests - start_requests
        if run.broken or run.failures:
            result.unavailable = run.broken or "; ".join(run.failures[:3])
        return result

    def _follow_renamed_authors(self, run: _Run, rules: list[_Rule]) -> None:
        """A tracking rule on a renamed org reads the new org's listing in this very run (the old one is empty)."""
        for rule in rules:
            new = run.renamed_owners.get(rule.rule.author.lower())
            if new is None:
                continue
            for kind in rule.rule.kinds:
                if (kind, new.lower()) not in run.listings:
                    self._list(run, kind, new)

    # -- cache --------------------------------------------------------------------------------------------------

    def _fresh(self, fetched_at: float, now: datetime) -> bool:
        return 0 <= now.timestamp() - fetched_at < self.config.ttl_hours * 3600

    def _cached_facts(self, state: State, now: datetime) -> dict[Subject, Fact]:
        out = {}
        for key, value in state.items(NS_FACTS).items():
            if not isinstance(value, dict) or not self._fresh(value.get("fetched_at", 0), now):
                continue
            subject = Subject.parse(key)
            moved = Subject.parse(value["moved_to"]) if value.get("moved_to") else None
            out[subject] = Fact(subject, value["exists"], moved, {**value.get("data", {}), "cached": True})
        return out

    def _load_cached_listings(self, state: State, run: _Run) -> None:
        """Tracked authors' listings younger than the TTL answer for facts and new releases without a request."""
        for key, value in state.items(NS_LISTINGS).items():
            kind, _, owner = key.partition(":")
            if isinstance(value, dict) and self._fresh(value.get("fetched_at", 0), run.now):
                run.listings[(kind, owner)] = value["repos"]

    def _store(self, state: State, run: _Run, cached: dict[Subject, Fact], rules: list[_Rule]) -> None:
        """Write what this run learned in one transaction: alive facts (dead/unknown ones are asked again next
        run, so the memory rule sees independent evidence), tracked listings and collection snapshots."""
        stamp = run.now.timestamp()
        tracked = {(k, _author(run, r)) for r in rules for k in r.rule.kinds}
        with state.transaction():
            for subject, fact in run.facts.items():
                if fact.exists and subject not in cached:
                    value = {"fetched_at": stamp, "exists": True, "data": fact.data}
                    value["moved_to"] = str(fact.moved_to) if fact.moved_to else None
                    state.put(NS_FACTS, str(subject), value)
            for key in run.fresh_listings & tracked:
                if (repos := run.listings.get(key)) is not None:
                    state.put(NS_LISTINGS, f"{key[0]}:{key[1]}", {"fetched_at": stamp, "repos": repos})
            for slug in run.fresh_collections:
                previous = state.get(NS_COLLECTION, slug.lower()) or {}
                items = run.collection_items[slug]
                first_seen = dict(previous.get("first_seen", {}))
                for item in items:
                    first_seen.setdefault(item["subject"], run.now.isoformat())
                baseline = previous.get("baseline", [i["subject"] for i in items])
                state.put(
                    NS_COLLECTION,
                    slug.lower(),
                    {"fetched_at": stamp, "items": items, "baseline": baseline, "first_seen": first_seen},
                )
            for key, value in self._baselines(state, run, rules).items():
                state.put(NS_BASELINE, key, value)
            for old, new in run.renamed_owners.items():
                if state.get(NS_RENAMED, old) != new:
                    state.put(NS_RENAMED, old, new)

    # -- collections --------------------------------------------------------------------------------------------

    def _collections(self, state: State, run: _Run, subjects: list[Subject]) -> None:
        for subject in subjects:
            first_hop = len(self.traffic.hops)
            url = f"{self.endpoint}/api/collections/{subject.id}"
            headers = build_hf_headers(
                token=self.token or False, library_name="listkeeper", library_version=__version__
            )
            response = self._call(run, str(subject), lambda u=url, h=headers: self._get(u, h))
            run.facts[subject] = self._collection_fact(run, subject, response, first_hop)
        # Items of fresh collections, and of collections answered from the cache, both feed new-item detection.
        for subject in [s for s in run.facts if s.kind == "hf-collection" and s.id not in run.collection_items]:
            stored = state.get(NS_COLLECTION, subject.id.lower())
            if stored and run.facts[subject].exists:
                run.collection_items[subject.id] = stored["items"]

    def _get(self, url: str, headers: dict[str, str]) -> httpx2.Response:
        """A raw GET on the library's shared session (our transport): used where the library drops fields."""
        return hf_http.get_session().get(url, headers=headers, timeout=self.config.timeout)

    def _collection_fact(self, run: _Run, subject: Subject, response: Any, first_hop: int) -> Fact:
        checked = run.now.isoformat()
        if isinstance(response, HubGaveUp):
            return Fact(subject, None, data={"reason": response.reason, "checked_at": checked})
        url = f"{self.endpoint}/api/collections/{subject.id}"
        if response.status_code == 404 and _is_hub_error(response):  # not a proxy's or a mirror's 404 page
            evidence = {"status": 404, "api_url": url, "error": _error_text(response), "checked_at": checked}
            return Fact(subject, False, data={"evidence": evidence})
        try:
            response.raise_for_status()
            body = response.json()
            items = [i for i in body["items"] if i.get("type") in _SUBJECT_KIND]
        except (httpx2.HTTPStatusError, ValueError, KeyError, TypeError) as exc:
            return Fact(subject, None, data={"reason": f"HTTP {response.status_code}: {exc}", "checked_at": checked})
        slim = [
            {"subject": str(Subject(_SUBJECT_KIND[i["type"]], i["id"])), "note": (i.get("note") or {}).get("text")}
            | summarise_item(i)
            for i in items
        ]
        run.collection_items[subject.id] = slim
        run.fresh_collections.add(subject.id)
        slug = body.get("slug") or subject.id
        moved = Subject("hf-collection", slug) if slug.lower() != subject.id.lower() else None
        data = {"title": body.get("title"), "last_updated": body.get("lastUpdated"), "items": len(slim)}
        data |= {"checked_at": checked, "via": "collection"}
        if moved:
            data["redirects"] = self._redirects_since(first_hop)
        return Fact(subject, True, moved, data)

    # -- repos --------------------------------------------------------------------------------------------------

    def _repos(self, run: _Run, kind: RepoKind, subjects: list[Subject], rules: list[_Rule]) -> None:
        by_owner: dict[str, list[Subject]] = defaultdict(list)
        spelled: dict[str, str] = {}  # the owner as the catalog writes it, for the request
        for subject in subjects:
            owner = subject.id.split("/", 1)[0]
            by_owner[owner.lower()].append(subject)
            spelled.setdefault(owner.lower(), owner)
        tracked = {r.rule.author.lower() for r in rules if kind in r.rule.kinds}
        spelled |= {r.rule.author.lower(): r.rule.author for r in rules if kind in r.rule.kinds}
        for owner in sorted(set(by_owner) | tracked):
            wanted = len(by_owner.get(owner, ())) >= 2 or owner in tracked
            if (new := run.renamed_owners.get(owner)) is not None:
                # The org was renamed (learned from another kind this run): its old listing is empty, so ask for
                # the new owner's listing at once instead of rediscovering the rename through per-id redirects.
                if wanted and (kind, new.lower()) not in run.listings:
                    self._list(run, kind, new)
            elif (kind, owner) not in run.listings and wanted:
                self._list(run, kind, spelled[owner])
        from_items = self._collection_index(run, kind)
        for owner, owned in sorted(by_owner.items()):
            listing = run.listings.get((kind, owner))
            rest = []
            for subject in owned:
                if listing is not None and (hit := listing.get(subject.id.lower())) is not None:
                    run.facts[subject] = self._alive(run, subject, hit, "listing")
                elif (hit := from_items.get(subject.id.lower())) is not None:
                    run.facts[subject] = self._alive(run, subject, hit, "collection")
                else:
                    rest.append(subject)
            self._lookup_each(
                run, kind, owner, rest, listing_empty=listing == {}, renamed_to=run.renamed_owners.get(owner)
            )

    def _list(self, run: _Run, kind: RepoKind, owner: str) -> None:
        """One listing of every ``kind`` repo by ``owner`` (all pages), kept under the lower-cased owner."""
        info_type = {"model": ModelInfo, "dataset": DatasetInfo, "space": SpaceInfo}[kind]
        params: dict[str, Any] = {"author": owner, "expand": EXPAND[kind], "limit": PAGE_SIZE}

        def fetch() -> list[Any]:
            # The library's list_* sends ``limit`` but also stops after that many entries; paginate directly so
            # the largest page the Hub accepts is asked for and every page is still followed.
            headers = self.api._build_hf_headers()
            pages = paginate(f"{self.endpoint}/api/{kind}s", params=params, headers=headers)
            return [info_type(**({"siblings": None} | item)) for item in pages]

        try:
            result = self._call(run, f"list {kind}s of {owner}", fetch)
        except (HfHubHTTPError, httpx2.HTTPError, ValueError) as exc:
            run.failures.append(f"list {kind}s of {owner}: {exc}")
            return
        if isinstance(result, HubGaveUp):
            return
        run.listings[(kind, owner.lower())] = {info.id.lower(): summarise_info(info) for info in result}
        run.fresh_listings.add((kind, owner.lower()))

    def _collection_index(self, run: _Run, kind: RepoKind) -> dict[str, dict[str, Any]]:
        prefix = f"{Subject(_SUBJECT_KIND[kind], 'x/x')}"[:-3]
        return {
            item["subject"][len(prefix) :].lower(): item
            for items in run.collection_items.values()
            for item in items
            if item["subject"].startswith(prefix)
        }

    def _alive(self, run: _Run, subject: Subject, summary: dict[str, Any], via: str, **extra: Any) -> Fact:
        data = {k: v for k, v in summary.items() if k != "subject"} | {"via": via, "checked_at": run.now.isoformat()}
        data |= extra
        hub_id = summary.get("hub_id") or subject.id
        moved = Subject(subject.kind, hub_id) if hub_id.lower() != subject.id.lower() else None
        return Fact(subject, True, moved, data)

    def _lookup_each(
        self,
        run: _Run,
        kind: RepoKind,
        owner: str,
        subjects: list[Subject],
        listing_empty: bool,
        renamed_to: str | None = None,
    ) -> None:
        """Per-id lookups. When the owner's listing was empty and a lookup redirects to another owner, the org was
        renamed: the new owner's listing (one request) answers for the remaining repos. ``renamed_to`` is the new
        name when another kind already revealed the rename in this run (its listing was then asked directly)."""
        pending = list(subjects)
        while pending:
            subject = pending.pop(0)
            if renamed_to is not None:
                listing = run.listings.get((kind, renamed_to.lower()))
                name = subject.id.split("/", 1)[1]
                hit = (listing or {}).get(f"{renamed_to}/{name}".lower())
                if hit is not None:
                    org = {"org_renamed": {"from": subject.id.split("/", 1)[0], "to": renamed_to}}
                    run.facts[subject] = self._alive(run, subject, hit, "listing", **org)
                    continue
            fact = self._lookup(run, kind, subject)
            run.facts[subject] = fact
            if listing_empty and renamed_to is None and fact.moved_to is not None:
                new_owner = fact.moved_to.id.split("/", 1)[0]
                if new_owner.lower() != owner:
                    renamed_to = new_owner
                    run.renamed_owners[owner] = new_owner
                    run.facts[subject] = Fact(
                        subject,
                        True,
                        fact.moved_to,
                        fact.data | {"org_renamed": {"from": subject.id.split("/", 1)[0], "to": new_owner}},
                    )
                    if (kind, new_owner.lower()) not in run.listings and pending:  # 1 listing < 307 + 200
                        self._list(run, kind, new_owner)

    def _lookup(self, run: _Run, kind: RepoKind, subject: Subject) -> Fact:
        getter = {"model": self.api.model_info, "dataset": self.api.dataset_info, "space": self.api.space_info}[kind]
        checked = run.now.isoformat()
        url = f"{self.endpoint}/api/{kind}s/{subject.id}"
        first_hop = len(self.traffic.hops)

        def fetch() -> Any:
            return getter(subject.id, expand=EXPAND[kind], timeout=self.config.timeout)  # type: ignore[operator]

        try:
            result = self._call(run, str(subject), fetch)
        except GatedRepoError as exc:  # before RepositoryNotFoundError: it is a subclass
            data = {"gated": "yes", "checked_at": checked, "via": "info", "status": _status(exc)}
            return Fact(subject, True, data=data)
        except RepositoryNotFoundError as exc:
            if _header(exc, "x-error-code") != "RepoNotFound":
                # The library also maps a bare 401 on an https endpoint to "not found"; without the Hub's own
                # error code it may be a proxy, a mirror or refused credentials answering: no evidence either way.
                reason = f"HTTP {_status(exc)} without the Hub's RepoNotFound error code"
                run.failures.append(f"{subject}: {reason}")
                return Fact(subject, None, data={"reason": reason, "status": _status(exc), "checked_at": checked})
            evidence = {
                "status": _status(exc),
                "error_code": _header(exc, "x-error-code"),
                "error": _header(exc, "x-error-message") or "Repository not found",
                "api_url": url,
                "checked_at": checked,
            }
            return Fact(subject, False, data={"evidence": evidence})
        except DisabledRepoError as exc:
            data = {"disabled": True, "status": _status(exc), "checked_at": checked, "via": "info"}
            return Fact(subject, True, data=data)
        except (HfHubHTTPError, httpx2.HTTPError, ValueError) as exc:
            run.failures.append(f"{subject}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
            return Fact(subject, None, data={"reason": reason, "status": _status(exc), "checked_at": checked})
        if isinstance(result, HubGaveUp):
            return Fact(subject, None, data={"reason": result.reason, "status": result.status, "checked_at": checked})
        fact = self._alive(run, subject, summarise_info(result), "info")
        if fact.moved_to is not None:
            fact = Fact(subject, True, fact.moved_to, fact.data | {"redirects": self._redirects_since(first_hop)})
        return fact

    def _redirects_since(self, first_hop: int) -> list[dict[str, Any]]:
        return [
            {"url": u, "status": status, "location": location}
            for _, u, status, location in self.traffic.hops[first_hop:]
            if 300 <= status < 400
        ]

    # -- new releases -------------------------------------------------------------------------------------------

    def _baselines(self, state: State, run: _Run, rules: list[_Rule]) -> dict[str, dict[str, list[str]]]:
        """Baselines to create: the first listing of a tracked author (per kind) is remembered, not proposed."""
        out: dict[str, dict[str, list[str]]] = {}
        for kind, owner in sorted(run.fresh_listings):
            if not any(_author(run, r) == owner and kind in r.rule.kinds for r in rules):
                continue
            current = out.get(owner) or dict(state.get(NS_BASELINE, owner) or {})
            if kind not in current and (listing := run.listings.get((kind, owner))) is not None:
                current[kind] = sorted(listing)
                out[owner] = current
        return out

    def _new_releases(
        self,
        loaded: LoadedCatalog,
        state: State,
        run: _Run,
        rules: list[_Rule],
        locations: Mapping[Subject, list[Location]],
    ) -> list[Finding]:
        # Known: every catalog subject, and where the Hub says they live now (a renamed repo is not new).
        known = {str(s).lower() for s in locations}
        known |= {str(f.moved_to).lower() for f in run.facts.values() if f.moved_to is not None}
        dismissed = {d.lower() for d in state.dismissed()}
        dismissed |= {d.lower() for _, _, entry in loaded.catalog.entries() for d in entry.dismissed}
        skip = known | dismissed
        found: dict[Subject, Finding] = {}
        for rule in rules:
            author = _author(run, rule)
            baseline = dict(state.get(NS_BASELINE, rule.rule.author.lower()) or {})
            for kind, ids in (state.get(NS_BASELINE, author) or {}).items():  # the renamed org's own baseline
                baseline[kind] = [*baseline.get(kind, []), *ids]
            for kind in rule.rule.kinds:
                listing = run.listings.get((kind, author))
                if listing is None or (rule.rule.since is None and kind not in baseline):
                    continue  # not listed (failed) or first listing: it becomes the baseline
                known_names = {i.split("/", 1)[-1] for i in baseline.get(kind, ())}
                ordered = sorted(listing.values(), key=lambda s: s.get("created_at") or "", reverse=True)
                for summary in ordered:
                    subject = Subject(_SUBJECT_KIND[kind], summary["hub_id"])
                    if str(subject).lower() in skip or not _matches(rule.rule, summary["hub_id"]):
                        continue
                    if rule.rule.since is not None:
                        if _created(summary) is None or _created(summary) < rule.rule.since:  # type: ignore[operator]
                            continue
                    elif summary["hub_id"].split("/", 1)[-1].lower() in known_names:
                        continue
                    found[subject] = self._release(subject, summary, rule, found.get(subject))
        for slug, items in run.collection_items.items():
            stored = state.get(NS_COLLECTION, slug.lower())
            if not stored or Subject("hf-collection", slug) not in locations:
                continue  # first fetch: the items become the baseline
            for item in items:
                subject = Subject.parse(item["subject"])
                if item["subject"] in stored["baseline"] or item["subject"].lower() in skip:
                    continue
                evidence = {
                    "id": subject.id,
                    "kind": subject.kind,
                    "collection": slug,
                    "url": subject.url(self.endpoints),
                    "first_seen": stored.get("first_seen", {}).get(item["subject"], run.now.isoformat()),
                    "note": item.get("note"),
                    "likes": item.get("likes"),
                    "downloads": item.get("downloads"),
                }
                locs = tuple(sorted(locations[Subject("hf-collection", slug)]))
                message = f"{subject.id} was added to the collection {slug}"
                found.setdefault(subject, Finding(Kind.NEW_RELEASE, subject, message, evidence, locs, source=NAME))
        return list(found.values())

    def _release(self, subject: Subject, summary: dict[str, Any], rule: _Rule, earlier: Finding | None) -> Finding:
        if earlier is not None:  # matched by several entries' rules: one finding, every location
            locs = tuple(sorted({*earlier.locations, rule.location}))
            return Finding(earlier.kind, subject, earlier.message, earlier.evidence, locs, source=NAME)
        evidence = {
            "id": subject.id,
            "kind": subject.kind,
            "created_at": summary.get("created_at"),
            "url": subject.url(self.endpoints),
            "downloads": summary.get("downloads"),
            "likes": summary.get("likes"),
            "license": summary.get("license"),
            "entry": rule.entry_id,
            "author_now": subject.id.split("/", 1)[0],
            "rule": {
                "author": rule.rule.author,
                "include": rule.rule.include,
                "exclude": rule.rule.exclude,
                "kinds": rule.rule.kinds,
                "since": rule.rule.since.isoformat() if rule.rule.since else None,
            },
        }
        message = f"new {subject.kind.removeprefix('hf-')} by {rule.rule.author}: {subject.id}"
        return Finding(Kind.NEW_RELEASE, subject, message, evidence, (rule.location,), source=NAME)


# --- pure helpers ------------------------------------------------------------------------------------------------


def _tracking_rules(loaded: LoadedCatalog) -> list[_Rule]:
    out = []
    for file, family in loaded.catalog.ordered():
        for e_index, entry in enumerate(family.entries):
            for r_index, rule in enumerate(entry.track.hf_authors):
                path = ("entries", e_index, "track", "hf_authors", r_index)
                out.append(_Rule(rule, entry.id, Location(file, loaded.line(file, path), format_path(path))))
    return out


def _author(run: _Run, rule: _Rule) -> str:
    """The rule's author as the Hub knows it now (lower case): the new name of a renamed org."""
    author = rule.rule.author.lower()
    return run.renamed_owners.get(author, author).lower()


def _license_findings(
    loaded: LoadedCatalog,
    facts: Mapping[Subject, Fact],
    locations: Mapping[Subject, list[Location]],
    endpoints: Endpoints,
) -> list[Finding]:
    """A checkpoint whose catalog license differs from the Hub's (only where the catalog states one)."""
    out: dict[Subject, Finding] = {}
    for _, _, entry in loaded.catalog.entries():
        for ckpt in entry.checkpoints:
            subject = Subject("hf-model", ckpt.hf)
            fact = facts.get(subject)
            if not ckpt.license or fact is None or not fact.exists or subject in out:
                continue
            now = fact.data.get("license")
            if not now or now.lower() == ckpt.license.lower():
                continue
            about, evidence = subject, {"field": "license", "old": ckpt.license, "new": now}
            if fact.moved_to is not None:
                about, evidence = fact.moved_to, evidence | {"alias": subject.id}
            evidence["url"] = about.url(endpoints)
            message = f"{about.id}: the license is {now} on the Hub, the list says {ckpt.license}"
            out[subject] = Finding(
                Kind.CHANGED, about, message, evidence, tuple(sorted(set(locations.get(subject, [])))), source=NAME
            )
    return list(out.values())


def _matches(rule: HfAuthorRule, repo_id: str) -> bool:
    """Globs match the repo name (or the whole id when they contain '/'), case-insensitively."""
    name = repo_id.split("/", 1)[1].lower()

    def hit(pattern: str) -> bool:
        return fnmatch.fnmatchcase(repo_id.lower() if "/" in pattern else name, pattern.lower())

    return any(hit(p) for p in rule.include) and not any(hit(p) for p in rule.exclude)


def _created(summary: Mapping[str, Any]) -> date | None:
    value = summary.get("created_at")
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _header(exc: BaseException, name: str) -> str | None:
    response = getattr(exc, "response", None)
    return response.headers.get(name) if response is not None else None


def _is_hub_error(response: httpx2.Response) -> bool:
    """True for the Hub API's own error shape, a JSON object with an ``error`` message."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error"), str)


def _error_text(response: httpx2.Response) -> str:
    try:
        return str(response.json().get("error", ""))[:200]
    except (ValueError, AttributeError):
        return response.text[:200]


_PUBLIC = Endpoints()


def fact_findings(fact: Fact, locations: Sequence[Location], endpoints: Endpoints = _PUBLIC) -> list[Finding]:
    """The findings one fact implies (pure: cached facts yield the same findings as fresh ones)."""
    subject, data = fact.subject, fact.data
    locs = tuple(sorted(set(locations)))
    url = subject.url(endpoints)

    def finding(kind: Kind, message: str, evidence: dict[str, Any], new: Subject | None = None) -> Finding:
        if fact.moved_to is not None and kind is not Kind.MOVED:  # about the repo under its new name
            about = fact.moved_to
            evidence = {"url": about.url(endpoints), **evidence, "alias": subject.id}
            return Finding(kind, about, message.replace(subject.id, about.id), evidence, locs, None, NAME)
        return Finding(kind, subject, message, {"url": url, **evidence}, locs, new, NAME)

    if fact.exists is None:
        reason = data.get("reason", "the Hub did not answer")
        return [
            finding(Kind.UNKNOWN, f"{subject.id}: unknown ({reason})", {"reason": reason, "status": data.get("status")})
        ]
    if fact.exists is False:
        evidence = dict(data.get("evidence", {}))
        return [finding(Kind.DEAD, f"{subject.id} was not found on the Hub", evidence)]
    out = []
    if fact.moved_to is not None:
        evidence = {
            "asked": subject.id,
            "hub_id": fact.moved_to.id,
            "new_url": fact.moved_to.url(endpoints),
            "redirects": data.get("redirects", []),
            "via": data.get("via"),
            "checked_at": data.get("checked_at"),
        }
        if org := data.get("org_renamed"):
            evidence["org_renamed"] = org
        out.append(finding(Kind.MOVED, f"{subject.id} is now {fact.moved_to.id}", evidence, fact.moved_to))
    if data.get("disabled"):
        out.append(finding(Kind.DISABLED, f"{subject.id} is disabled on the Hub", {"status": data.get("status")}))
    if data.get("gated"):
        out.append(finding(Kind.GATED, f"{subject.id} is gated ({data['gated']})", {"gated": data["gated"]}))
    stage = data.get("stage")
    if stage in ASLEEP_STAGES:
        out.append(finding(Kind.ASLEEP, f"Space {subject.id} is {stage.lower()}", {"stage": stage}))
    elif stage in BROKEN_STAGES:
        out.append(finding(Kind.BROKEN, f"Space {subject.id} fails: {stage}", {"stage": stage}))
    return out


def build(config: SourcesConfig, env: Mapping[str, str]) -> HuggingFaceSource:
    """The adapter as the source registry builds it: the token comes from ``HF_TOKEN``."""
    return HuggingFaceSource(config, token=env.get("HF_TOKEN") or None)
