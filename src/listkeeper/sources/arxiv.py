"""The arXiv adapter: every catalog paper in a few batched ``id_list`` requests, plus optional search terms.

arXiv asks for at most one request every three seconds and a single connection at a time. The ``arxiv`` library
only spaces the pages and retries of one ``Client``; this module also holds a process-wide gate (:data:`_GATE`)
that every request passes, so several clients, batches and search terms together still keep the pace.

Library traps handled here (see the API notes, section B):

* ``Search.max_results`` defaults to 100, and a ``Client`` pages by ``page_size`` (default 100), re-sending the
  whole id list each time: each chunk gets ``max_results=len(chunk)`` and ``page_size=len(chunk)`` → one request.
* One malformed id makes arXiv answer 400 for the whole batch: ids are validated locally and never sent.
* No HTTP timeout is set by the library: the session's ``request`` is wrapped to add one (and to count requests,
  pass the gate, honour ``Retry-After`` and reject non-Atom bodies).
* An outage must never look like "absent from the feed": any failure makes the affected papers *unknown*.

Only this module imports :mod:`arxiv`.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import arxiv
import requests

from listkeeper.catalog.load import LoadedCatalog, format_path
from listkeeper.catalog.model import is_arxiv_id
from listkeeper.catalog.refs import Ref
from listkeeper.config import USER_AGENT_URL, Config, SourcesConfig
from listkeeper.findings import Finding, Kind, Location
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.state import State
from listkeeper.subjects import Subject

NAME = "arxiv"
SEEN_NS = "arxiv"  # kv: base id -> {"version": "v3", "updated": iso}; the last version a run has seen
FACTS_NS = "arxiv.facts"  # kv: base id -> fact data with "fetched_at"; reused within ttl_hours
SEARCH_NS = "arxiv.search"  # kv: search term -> {"fetched_at", "results": [...]}
SEARCH_RESULTS = 10  # newest papers per search term: enough to notice a new one daily, cheap for arXiv
SEARCH_TERMS_PER_QUERY = 20  # terms OR-ed into one search request (keeps the URL and the result page small)
ABS_URL = "https://arxiv.org/abs/"

_VERSION = re.compile(r"v(\d+)$")
_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)
_ATOM_NS = b"http://www.w3.org/2005/Atom"


def valid_id(paper_id: str) -> bool:
    """True for new-style (``2311.03079``, ``2311.03079v2``) and old-style (``cs/0701001``) arXiv ids.

    The catalog schema's rule (:func:`listkeeper.catalog.model.is_arxiv_id`): the month must exist and the number
    has four digits up to 1412 and five from 1501 on. Checked again here because one id arXiv rejects fails the
    whole batch with HTTP 400, and findings files or Markdown links can bring ids the schema never saw.
    """
    return is_arxiv_id(paper_id)


def split_version(paper_id: str) -> tuple[str, int | None]:
    """``"2311.03079v2"`` → ``("2311.03079", 2)``; ``"2311.03079"`` → ``("2311.03079", None)``."""
    match = _VERSION.search(paper_id)
    if match is None:
        return paper_id, None
    return paper_id[: match.start()], int(match.group(1))


# --- politeness ------------------------------------------------------------------------------------------------


class _Gate:
    """At most one arXiv request in flight, and ``delay`` seconds between the end of one and the start of the next.

    Process-wide on purpose: arXiv's limit is per client machine, not per ``arxiv.Client``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0  # time.monotonic() before which no request may start

    @contextlib.contextmanager
    def slot(self, delay: float) -> Iterator[None]:
        with self._lock:
            wait = self._next - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._next = max(self._next, time.monotonic() + delay)

    def defer(self, seconds: float) -> None:
        """Push the next request back (a ``Retry-After`` from arXiv)."""
        self._next = max(self._next, time.monotonic() + seconds)


_GATE = _Gate()


class _Unavailable(Exception):
    """arXiv did not answer usefully (not Atom, or a Retry-After longer than we may wait)."""


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: treat as absent, the library's own delay still applies


# --- the adapter -----------------------------------------------------------------------------------------------


@dataclass
class _Run:
    """Mutable bookkeeping of one run."""

    now: datetime
    result: SourceResult
    writes: list[tuple[str, str, Any]] = field(default_factory=list)


class ArxivSource:
    """Facts and findings for ``arxiv:`` subjects, and candidate papers for ``track.arxiv_terms``."""

    name = NAME

    def __init__(self, config: SourcesConfig) -> None:
        self.config = config
        self.requests = 0  # HTTP requests sent by this adapter instance (all runs)

    def wants(self, subject: Subject) -> bool:
        return subject.kind == "arxiv"

    # -- HTTP -------------------------------------------------------------------------------------------------

    def _client(self, page_size: int) -> arxiv.Client:
        """An ``arxiv.Client`` aimed at the configured URL, with a timeout, the gate and request counting."""
        client = arxiv.Client(
            page_size=max(1, page_size), delay_seconds=self.config.arxiv_delay, num_retries=self.config.max_retries
        )
        client.query_url_format = f"{self.config.arxiv_api_url}?{{}}"
        client._session.request = self._wrap(client._session.request)  # type: ignore[method-assign]
        return client

    def _wrap(self, send: Callable[..., requests.Response]) -> Callable[..., requests.Response]:
        def request(method: str, url: str, **kwargs: Any) -> requests.Response:
            headers = dict(kwargs.pop("headers", None) or {})
            library = headers.get("user-agent", "")
            headers["user-agent"] = f"listkeeper (+{USER_AGENT_URL}) {library}".strip()
            kwargs["timeout"] = self.config.timeout
            with _GATE.slot(self.config.arxiv_delay):
                self.requests += 1
                response = send(method, url, headers=headers, **kwargs)
            if response.status_code in (429, 503):
                wait = _retry_after(response.headers.get("Retry-After"))
                if wait is not None:
                    if wait > self.config.max_retry_wait:
                        raise _Unavailable(f"HTTP {response.status_code}, Retry-After {wait:g} s")
                    _GATE.defer(wait)
            elif response.status_code == 200 and (_ATOM_NS not in response.content[:2048]):
                raise _Unavailable("HTTP 200 but the body is not an Atom feed")
            return response

        return request

    def _ask(self, search: arxiv.Search, page_size: int) -> list[arxiv.Result]:
        """All results of one search, or :class:`_Unavailable` for any failure."""
        client = self._client(page_size)
        try:
            return list(client.results(search))
        except _Unavailable:
            raise
        except arxiv.HTTPError as exc:
            raise _Unavailable(f"HTTP {exc.status} after {exc.retry + 1} attempt(s)") from exc
        except (arxiv.ArxivError, requests.RequestException, OSError) as exc:
            raise _Unavailable(f"{type(exc).__name__}: {exc}") from exc
        finally:
            client._session.close()

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self, loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime) -> SourceResult:
        before = self.requests
        run = _Run(now=_utc(now), result=SourceResult(self.name))
        papers: dict[Subject, list[Location]] = {}
        for ref in refs:
            if self.wants(ref.subject):
                papers.setdefault(ref.subject, []).append(ref.location)
        titles = _catalog_titles(loaded)
        self._papers(papers, titles, state, run)
        if run.result.unavailable is None:
            self._search_terms(loaded, state, run)
        with state.transaction():
            for namespace, key, value in run.writes:
                state.put(namespace, key, value)
        run.result.requests = self.requests - before
        return run.result

    def _papers(
        self, papers: Mapping[Subject, list[Location]], titles: Mapping[str, str], state: State, run: _Run
    ) -> None:
        """Facts (cached or fetched in chunks) and findings for every catalog paper."""
        facts: dict[str, dict[str, Any] | None] = {}  # base id -> data (None: absent from the feed)
        wanted: list[str] = []
        for subject in papers:
            if not valid_id(subject.id):
                continue
            base, _ = split_version(subject.id)
            if base in facts or base in wanted:
                continue
            cached = state.get(FACTS_NS, base)
            if cached is not None and _fresh(cached.get("fetched_at"), run.now, self.config.ttl_hours):
                facts[base] = cached
            else:
                wanted.append(base)

        unknown: dict[str, str] = {}
        size = self.config.arxiv_batch
        for start in range(0, len(wanted), size):
            chunk = wanted[start : start + size]
            if run.result.unavailable is not None:
                unknown.update(dict.fromkeys(chunk, run.result.unavailable))
                continue
            try:
                results = self._ask(arxiv.Search(id_list=chunk, max_results=len(chunk)), page_size=len(chunk))
            except _Unavailable as exc:
                run.result.unavailable = f"arXiv API: {exc}"
                unknown.update(dict.fromkeys(chunk, run.result.unavailable))
                continue
            if not results and len(chunk) > 1:
                # arXiv papers are never deleted, so "none of them exists" is not an answer: the API is known to
                # serve a valid but empty feed now and then (lukasschwab/arxiv.py#43, #129).
                run.result.unavailable = f"arXiv API: an empty feed for {len(chunk)} ids"
                unknown.update(dict.fromkeys(chunk, run.result.unavailable))
                continue
            by_id = {split_version(r.get_short_id())[0]: r for r in results}
            for base in chunk:
                found = by_id.get(base)
                facts[base] = None if found is None else _fact_data(found, run.now)
                if found is not None:
                    run.writes.append((FACTS_NS, base, facts[base]))

        for subject, locations in papers.items():
            self._judge(subject, tuple(sorted(set(locations))), facts, unknown, titles, state, run)

    def _judge(
        self,
        subject: Subject,
        locations: tuple[Location, ...],
        facts: Mapping[str, dict[str, Any] | None],
        unknown: Mapping[str, str],
        titles: Mapping[str, str],
        state: State,
        run: _Run,
    ) -> None:
        result = run.result
        base, _ = split_version(subject.id)

        def finding(kind: Kind, message: str, evidence: dict[str, Any]) -> None:
            result.findings.append(Finding(kind, subject, message, evidence, locations, source=self.name))

        if not valid_id(subject.id):
            result.facts[subject] = Fact(subject, None, data={"error": "malformed arXiv id"})
            finding(Kind.INVALID, f"{subject.id!r} is not a valid arXiv id; not sent to arXiv", {"id": subject.id})
            return
        if base in unknown:
            result.facts[subject] = Fact(subject, None, data={"error": unknown[base]})
            finding(Kind.UNKNOWN, f"arXiv could not answer for {base}", {"reason": unknown[base]})
            return
        data = facts[base]
        if data is None:
            result.facts[subject] = Fact(subject, False)
            finding(
                Kind.DEAD,
                f"arXiv {base} is absent from the arXiv API's answer to an id_list query",
                {"reason": "absent from id_list feed", "api": self.config.arxiv_api_url, "observed": _iso(run.now)},
            )
            return
        result.facts[subject] = Fact(subject, True, data=dict(data))
        url = f"{ABS_URL}{base}{data['version']}"
        seen = state.get(SEEN_NS, base)
        if seen is None or seen.get("version") != data["version"]:
            run.writes.append((SEEN_NS, base, {"version": data["version"], "updated": data["updated"]}))
        if seen is not None and _vnum(data["version"]) > _vnum(seen.get("version")):
            finding(
                Kind.NEW_VERSION,
                f"arXiv {base} has a new version {data['version']} (last seen {seen.get('version')})",
                {"from": seen.get("version"), "to": data["version"], "updated": data["updated"], "url": url},
            )
        if data["withdrawn"]:
            finding(
                Kind.WITHDRAWN,
                f"arXiv {base} ({data['version']}) is withdrawn",
                {"version": data["version"], "comment": data.get("comment") or "", "url": url},
            )
        old = titles.get(base)
        if old is not None and _norm_title(old) != _norm_title(data["title"]):
            finding(
                Kind.CHANGED,
                f"arXiv {base}: the title differs from the catalog",
                {"field": "title", "old": old, "new": data["title"], "url": url},
            )

    # -- search terms -----------------------------------------------------------------------------------------

    def _search_terms(self, loaded: LoadedCatalog, state: State, run: _Run) -> None:
        """All terms in one newest-first OR query (a few, for very many terms); hits not in the catalog and not
        dismissed are candidates, attributed to the terms they mention."""
        terms: dict[str, list[tuple[str, Location]]] = {}  # term -> (entry id, location of the term)
        known: set[str] = set()
        dismissed = set(state.dismissed())
        for file, family in loaded.catalog.ordered():
            for e_index, entry in enumerate(family.entries):
                known.update(split_version(p.arxiv)[0] for p in entry.papers if p.arxiv)
                dismissed.update(entry.dismissed)
                for t_index, term in enumerate(entry.track.arxiv_terms):
                    path = ("entries", e_index, "track", "arxiv_terms", t_index)
                    where = Location(file, loaded.line(file, path), format_path(path))
                    terms.setdefault(term, []).append((entry.id, where))
        candidates: dict[str, dict[str, Any]] = {}
        ordered = sorted(terms)
        for chunk in (ordered[i : i + SEARCH_TERMS_PER_QUERY] for i in range(0, len(ordered), SEARCH_TERMS_PER_QUERY)):
            hits = self._search(chunk, state, run)
            if hits is None:
                return
            for hit in hits:
                base = hit["id"]
                if (
                    base in known
                    or f"arxiv:{base}" in dismissed
                    or any(d.startswith(f"arxiv:{base}v") for d in dismissed)
                ):
                    continue
                slot = candidates.setdefault(base, {"hit": hit, "terms": [], "uses": []})
                for term in hit["terms"]:
                    if term not in slot["terms"]:
                        slot["terms"].append(term)
                        slot["uses"].extend(terms[term])
        for base, slot in candidates.items():
            hit = slot["hit"]
            locations = tuple(sorted({loc for _, loc in slot["uses"]}))
            entries = sorted({entry_id for entry_id, _ in slot["uses"]})
            run.result.findings.append(
                Finding(
                    Kind.CANDIDATE_PAPER,
                    Subject("arxiv", base),
                    f"candidate paper {base} {hit['title']!r} matches search term(s) {', '.join(slot['terms'])}",
                    {
                        "title": hit["title"],
                        "authors": hit["authors"],
                        "published": hit["published"],
                        "terms": slot["terms"],
                        "entries": entries,
                        "url": f"{ABS_URL}{base}",
                    },
                    locations,
                    source=self.name,
                )
            )

    def _search(self, terms: list[str], state: State, run: _Run) -> list[dict[str, Any]] | None:
        """The newest papers matching any of ``terms``, in one request (cached within the TTL); each hit lists the
        terms it mentions (all of them when arXiv matched a field we cannot see). None when arXiv could not answer.
        """
        key = "\n".join(terms)
        cached = state.get(SEARCH_NS, key)
        if cached is not None and _fresh(cached.get("fetched_at"), run.now, self.config.ttl_hours):
            return list(cached["results"])
        phrases = {term: " ".join(term.replace('"', " ").split()) for term in terms}
        search = arxiv.Search(
            query=" OR ".join(f'all:"{phrase}"' for phrase in phrases.values()),
            max_results=SEARCH_RESULTS * len(terms),
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Descending,
        )
        try:
            results = self._ask(search, page_size=SEARCH_RESULTS * len(terms))
        except _Unavailable as exc:
            run.result.unavailable = f"arXiv API (search {', '.join(map(repr, terms))}): {exc}"
            return None
        hits = []
        for r in results:
            text = " ".join([r.title, r.summary or "", r.comment or "", *(a.name for a in r.authors)]).lower()
            mentioned = [term for term, phrase in phrases.items() if phrase.lower() in text]
            hits.append(
                {
                    "id": split_version(r.get_short_id())[0],
                    "title": r.title,
                    "authors": [a.name for a in r.authors],
                    "published": _iso(r.published),
                    "terms": mentioned or list(terms),
                }
            )
        run.writes.append((SEARCH_NS, key, {"fetched_at": _iso(run.now), "results": hits}))
        return hits


# --- helpers ---------------------------------------------------------------------------------------------------


def _fact_data(result: arxiv.Result, now: datetime) -> dict[str, Any]:
    _, version = split_version(result.get_short_id())
    comment = result.comment or ""
    return {
        "title": result.title,
        "authors": [a.name for a in result.authors],
        "version": f"v{version or 1}",
        "updated": _iso(result.updated),  # date of the latest version
        "published": _iso(result.published),  # date of v1
        "withdrawn": bool(_WITHDRAWN.search(comment) or _WITHDRAWN.search(result.summary or "")),
        "comment": comment,
        "journal_ref": result.journal_ref or None,
        "doi": result.doi or None,
        "fetched_at": _iso(now),
    }


def _catalog_titles(loaded: LoadedCatalog) -> dict[str, str]:
    titles: dict[str, str] = {}
    for _, _, entry in loaded.catalog.entries():
        for paper in entry.papers:
            if paper.arxiv and paper.title:
                titles.setdefault(split_version(paper.arxiv)[0], paper.title)
    return titles


def _norm_title(title: str) -> str:
    return " ".join(title.split()).casefold().rstrip(".")


def _vnum(version: str | None) -> int:
    return int(version[1:]) if version and version[1:].isdigit() else 0


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return _utc(moment).isoformat()


def _fresh(fetched_at: str | None, now: datetime, ttl_hours: float) -> bool:
    """True when a fact fetched at ``fetched_at`` may be reused at ``now``."""
    if not fetched_at:
        return False
    try:
        age = (now - _utc(datetime.fromisoformat(fetched_at))).total_seconds()
    except ValueError:
        return False
    return 0 <= age < ttl_hours * 3600


def build(config: Config | SourcesConfig, env: Mapping[str, str] | None = None) -> ArxivSource:
    """The adapter for a configuration (``env`` is accepted for symmetry: arXiv needs no credentials)."""
    return ArxivSource(config.sources if isinstance(config, Config) else config)
