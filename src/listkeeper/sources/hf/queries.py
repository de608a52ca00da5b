"""The Hub adapter's questions: listings, collections and ``*_info`` lookups, each reduced to a :class:`Fact`."""

from __future__ import annotations

import contextlib
import functools
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
from huggingface_hub import HfApi, set_client_factory
from huggingface_hub.errors import (
    DisabledRepoError,
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
)
from huggingface_hub.hf_api import DatasetInfo, ModelInfo, SpaceInfo
from huggingface_hub.utils import _http as hf_http
from huggingface_hub.utils import build_hf_headers  # type: ignore[attr-defined]  # lazily exported
from huggingface_hub.utils._pagination import paginate

from listkeeper import __version__, deadline
from listkeeper.config import SourcesConfig
from listkeeper.sources.base import Fact
from listkeeper.sources.hf.common import (
    BREAKER_FAILURES,
    NS_COLLECTION,
    PAGE_SIZE,
    SUBJECT_KIND,
    RepoKind,
    Rule,
    Run,
    T,
)
from listkeeper.sources.hf.summary import EXPAND, summarise_info, summarise_item
from listkeeper.sources.hf.transport import (
    HubGaveUp,
    PoliteTransport,
    Traffic,
    error_header,
    error_status,
    error_text,
    is_hub_error,
    library_client_factory,
    proxy_for,
    quiet_library,
)
from listkeeper.state import State
from listkeeper.subjects import Endpoints, Subject


class HubQueries:
    """What the adapter asks the Hub, through huggingface_hub with our client installed (:mod:`.transport`): one
    listing per owner with several repos, one raw GET per collection, ``*_info`` for the rest."""

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
        self.traffic = Traffic()

    def _client(self) -> httpx2.Client:
        timeout = httpx2.Timeout(self.config.timeout, connect=min(5.0, self.config.timeout))
        inner = deadline.BudgetTransport(
            httpx2.HTTPTransport(proxy=proxy_for(self.endpoint)),
            self.config.timeout,
            stream_base=httpx2.SyncByteStream,
            not_sent=HubGaveUp,
            expired=lambda total: HubGaveUp(f"no complete answer within {total:.3g} s"),
        )
        return httpx2.Client(
            transport=PoliteTransport(inner, self.config, self.traffic, self.sleep),
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

    def _call(self, run: Run, what: str, fn: Callable[[], T]) -> T | HubGaveUp:
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

    def _follow_renamed_authors(self, run: Run, rules: list[Rule]) -> None:
        """A tracking rule on a renamed org reads the new org's listing in this very run (the old one is empty)."""
        for rule in rules:
            new = run.renamed_owners.get(rule.rule.author.lower())
            if new is None:
                continue
            for kind in rule.rule.kinds:
                if (kind, new.lower()) not in run.listings:
                    self._list(run, kind, new)

    def _collections(self, state: State, run: Run, subjects: list[Subject]) -> None:
        for subject in subjects:
            first_hop = len(self.traffic.hops)
            url = f"{self.endpoint}/api/collections/{subject.id}"
            headers = build_hf_headers(
                token=self.token or False, library_name="listkeeper", library_version=__version__
            )
            response = self._call(run, str(subject), functools.partial(self._get, url, headers))
            run.facts[subject] = self._collection_fact(run, subject, response, first_hop)
        # Items of fresh collections, and of collections answered from the cache, both feed new-item detection.
        for subject in [s for s in run.facts if s.kind == "hf-collection" and s.id not in run.collection_items]:
            stored = state.get(NS_COLLECTION, subject.id.lower())
            if stored and run.facts[subject].exists:
                run.collection_items[subject.id] = stored["items"]

    def _get(self, url: str, headers: dict[str, str]) -> httpx2.Response:
        """A raw GET on the library's shared session (our transport): used where the library drops fields."""
        return hf_http.get_session().get(url, headers=headers, timeout=self.config.timeout)

    def _collection_fact(self, run: Run, subject: Subject, response: Any, first_hop: int) -> Fact:
        checked = run.now.isoformat()
        if isinstance(response, HubGaveUp):
            return Fact(subject, None, data={"reason": response.reason, "checked_at": checked})
        url = f"{self.endpoint}/api/collections/{subject.id}"
        if response.status_code == 404 and is_hub_error(response):  # not a proxy's or a mirror's 404 page
            evidence = {"status": 404, "api_url": url, "error": error_text(response), "checked_at": checked}
            return Fact(subject, False, data={"evidence": evidence})
        try:
            response.raise_for_status()
            body = response.json()
            items = [i for i in body["items"] if i.get("type") in SUBJECT_KIND]
        except (httpx2.HTTPStatusError, ValueError, KeyError, TypeError) as exc:
            return Fact(subject, None, data={"reason": f"HTTP {response.status_code}: {exc}", "checked_at": checked})
        slim = [
            {"subject": str(Subject(SUBJECT_KIND[i["type"]], i["id"])), "note": (i.get("note") or {}).get("text")}
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

    def _repos(self, run: Run, kind: RepoKind, subjects: list[Subject], rules: list[Rule]) -> None:
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

    def _list(self, run: Run, kind: RepoKind, owner: str) -> None:
        """One listing of every ``kind`` repo by ``owner`` (all pages), kept under the lower-cased owner."""
        info_type = {"model": ModelInfo, "dataset": DatasetInfo, "space": SpaceInfo}[kind]
        params: dict[str, Any] = {"author": owner, "expand": EXPAND[kind], "limit": PAGE_SIZE}

        def fetch() -> list[Any]:
            # The library's list_* sends ``limit`` but also stops after that many entries; paginate directly so
            # the largest page the Hub accepts is asked for and every page is still followed.
            headers = self.api._build_hf_headers()
            pages = paginate(f"{self.endpoint}/api/{kind}s", params=params, headers=headers)
            return [info_type(**({"siblings": None} | item)) for item in pages]  # type: ignore[no-untyped-call]

        try:
            result = self._call(run, f"list {kind}s of {owner}", fetch)
        except (HfHubHTTPError, httpx2.HTTPError, ValueError) as exc:
            run.failures.append(f"list {kind}s of {owner}: {exc}")
            return
        if isinstance(result, HubGaveUp):
            return
        run.listings[(kind, owner.lower())] = {info.id.lower(): summarise_info(info) for info in result}
        run.fresh_listings.add((kind, owner.lower()))

    def _collection_index(self, run: Run, kind: RepoKind) -> dict[str, dict[str, Any]]:
        prefix = f"{Subject(SUBJECT_KIND[kind], 'x/x')}"[:-3]
        return {
            item["subject"][len(prefix) :].lower(): item
            for items in run.collection_items.values()
            for item in items
            if item["subject"].startswith(prefix)
        }

    def _alive(self, run: Run, subject: Subject, summary: dict[str, Any], via: str, **extra: Any) -> Fact:
        data = {k: v for k, v in summary.items() if k != "subject"} | {"via": via, "checked_at": run.now.isoformat()}
        data |= extra
        hub_id = summary.get("hub_id") or subject.id
        moved = Subject(subject.kind, hub_id) if hub_id.lower() != subject.id.lower() else None
        return Fact(subject, True, moved, data)

    def _lookup_each(
        self,
        run: Run,
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

    def _lookup(self, run: Run, kind: RepoKind, subject: Subject) -> Fact:
        getter = {"model": self.api.model_info, "dataset": self.api.dataset_info, "space": self.api.space_info}[kind]
        checked = run.now.isoformat()
        url = f"{self.endpoint}/api/{kind}s/{subject.id}"
        first_hop = len(self.traffic.hops)

        def fetch() -> Any:
            return getter(subject.id, expand=EXPAND[kind], timeout=self.config.timeout)  # type: ignore[operator]

        try:
            result = self._call(run, str(subject), fetch)
        except GatedRepoError as exc:  # before RepositoryNotFoundError: it is a subclass
            data = {"gated": "yes", "checked_at": checked, "via": "info", "status": error_status(exc)}
            return Fact(subject, True, data=data)
        except RepositoryNotFoundError as exc:
            if error_header(exc, "x-error-code") != "RepoNotFound":
                # The library also maps a bare 401 on an https endpoint to "not found"; without the Hub's own
                # error code it may be a proxy, a mirror or refused credentials answering: no evidence either way.
                reason = f"HTTP {error_status(exc)} without the Hub's RepoNotFound error code"
                run.failures.append(f"{subject}: {reason}")
                return Fact(subject, None, data={"reason": reason, "status": error_status(exc), "checked_at": checked})
            evidence = {
                "status": error_status(exc),
                "error_code": error_header(exc, "x-error-code"),
                "error": error_header(exc, "x-error-message") or "Repository not found",
                "api_url": url,
                "checked_at": checked,
            }
            return Fact(subject, False, data={"evidence": evidence})
        except DisabledRepoError as exc:
            data = {"disabled": True, "status": error_status(exc), "checked_at": checked, "via": "info"}
            return Fact(subject, True, data=data)
        except (HfHubHTTPError, httpx2.HTTPError, ValueError) as exc:
            run.failures.append(f"{subject}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
            return Fact(subject, None, data={"reason": reason, "status": error_status(exc), "checked_at": checked})
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
