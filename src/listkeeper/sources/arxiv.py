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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import arxiv  # no py.typed, no stubs
import requests
import requests.adapters

from listkeeper import deadline
from listkeeper.catalog.load import LoadedCatalog, format_path
from listkeeper.catalog.model import is_arxiv_id
from listkeeper.catalog.refs import Ref
from listkeeper.config import USER_AGENT_URL, Config, SourcesConfig
from listkeeper.findings import Finding, Kind, Location, Origin
from listkeeper.http import retry
from listkeeper.sources import backoff
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.state import State
from listkeeper.subjects import ARXIV_VERSION, Subject

NAME = Origin.ARXIV
SEEN_NS = "arxiv"  # kv: base id -> {"version": "v3", "updated": iso}; the last version a run has seen
FACTS_NS = "arxiv.facts"  # kv: base id -> fact data with "fetched_at"; reused within ttl_hours
SEARCH_NS = "arxiv.search"  # kv: search term -> {"fetched_at", "results": [...]}
SEARCH_RESULTS = 10  # newest papers per search term: enough to notice a new one daily, cheap for arXiv
SEARCH_TERMS_PER_QUERY = 20  # terms OR-ed into one search request (keeps the URL and the result page small)
ABS_URL = "https://arxiv.org/abs/"

_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)
_ATOM_NS = b"http://www.w3.org/2005/Atom"
_TOTAL = re.compile(rb"<opensearch:totalResults[^>]*>\s*(\d+)\s*</opensearch:totalResults>")


def valid_id(paper_id: str) -> bool:
    """True for new-style (``2311.03079``, ``2311.03079v2``) and old-style (``cs/0701001``) arXiv ids.

    The catalog schema's rule (:func:`listkeeper.catalog.model.is_arxiv_id`): the month must exist and the number
    has four digits up to 1412 and five from 1501 on. Checked again here because one id arXiv rejects fails the
    whole batch with HTTP 400, and findings files or Markdown links can bring ids the schema never saw.
    """
    return is_arxiv_id(paper_id)


def split_version(paper_id: str) -> tuple[str, int | None]:
    """``"2311.03079v2"`` → ``("2311.03079", 2)``; ``"2311.03079"`` → ``("2311.03079", None)``."""
    match = ARXIV_VERSION.search(paper_id)
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
            if wait > 0 and not deadline.fits(wait):
                raise _Unavailable(f"the next request ({wait:.3g} s away) would start past the run deadline")
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
    """arXiv did not answer usefully (not Atom, a Retry-After longer than we may wait, the run deadline). Not a
    ``requests`` error, so the library never retries it."""


class _BudgetAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with a total time budget per request (:mod:`listkeeper.deadline`): the body is read here,
    chunk by chunk, and abandoned once ``sources.timeout`` (or what is left of the run) is spent. requests' own
    timeout is per socket read, which a server sending one byte at a time restarts forever."""

    def __init__(self, per_request: float) -> None:
        super().__init__()
        self.per_request = per_request

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        total = deadline.budget(self.per_request)
        if total <= 0:
            raise _Unavailable("the run deadline has passed: request not sent")
        end = time.monotonic() + total
        response = super().send(request, stream=True, timeout=total, verify=verify, cert=cert, proxies=proxies)
        if stream:
            return response
        body = bytearray()
        try:
            while chunk := response.raw.read1(65536, decode_content=True):
                if time.monotonic() > end:
                    raise _Unavailable(f"no complete answer within {total:.3g} s")
                body += chunk
        finally:
            response.close()
        response._content = bytes(body)  # what requests itself stores once it has read a body
        response._content_consumed = True
        return response


def library_session(client: arxiv.Client) -> requests.Session:
    """The ``requests.Session`` an ``arxiv.Client`` sends through. The library offers no public hook for it (no
    session argument, no adapter setting): this reads its private attribute, here only
    (tests/sources/test_arxiv.py fails when it moves)."""
    session: requests.Session = client._session
    return session


# --- the adapter -----------------------------------------------------------------------------------------------


@dataclass
class _Run:
    """Mutable bookkeeping of one run."""

    now: datetime
    result: SourceResult
    writes: list[tuple[str, str, Any]] = field(default_factory=list)
    backoffs: dict[Subject, backoff.Backoff] = field(default_factory=dict)  # stored negative answers
    asked: set[Subject] = field(default_factory=set)  # subjects asked (not replayed) in this run
    reused: set[str] = field(default_factory=set)  # base ids whose facts came from the state store, within the TTL


class ArxivSource:
    """Facts and findings for ``arxiv:`` subjects, and candidate papers for ``track.arxiv_terms``."""

    name = NAME

    def __init__(self, config: SourcesConfig) -> None:
        self.config = config
        self.requests = 0  # HTTP requests sent by this adapter instance (all runs)
        self._state: State | None = None  # the run's state store (cross-process pacing)
        self._total: int | None = None  # opensearch:totalResults of the last feed
        self._responses = 0  # HTTP answers received (any status)

    def wants(self, subject: Subject) -> bool:
        return subject.kind == "arxiv"

    # -- HTTP -------------------------------------------------------------------------------------------------

    def _client(self, page_size: int) -> arxiv.Client:
        """An ``arxiv.Client`` aimed at the configured URL, with a timeout, the gate and request counting."""
        client = arxiv.Client(
            page_size=max(1, page_size), delay_seconds=self.config.arxiv_delay, num_retries=self.config.max_retries
        )
        client.query_url_format = f"{self.config.arxiv_api_url}?{{}}"
        adapter = _BudgetAdapter(self.config.timeout)
        session = library_session(client)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.request = self._wrap(session.request)  # type: ignore[method-assign]
        return client

    def _wrap(self, send: Callable[..., requests.Response]) -> Callable[..., requests.Response]:
        def request(method: str, url: str, **kwargs: Any) -> requests.Response:
            headers = dict(kwargs.pop("headers", None) or {})
            library = headers.get("user-agent", "")
            headers["user-agent"] = f"listkeeper (+{USER_AGENT_URL}) {library}".strip()
            kwargs["timeout"] = self.config.timeout  # per socket wait; _BudgetAdapter bounds the whole request
            state = self._state
            with _GATE.slot(self.config.arxiv_delay):
                if state is not None:  # the spacing holds across processes sharing the state store
                    most = max(self.config.arxiv_delay, self.config.max_retry_wait)
                    backoff.wait_turn(state, NAME, most=deadline.budget(most))  # never past the run deadline
                self.requests += 1
                try:
                    response = send(method, url, headers=headers, **kwargs)
                except requests.ConnectionError:
                    raise  # nothing reached arXiv (and a run that checked nothing writes no state)
                except requests.RequestException:
                    if state is not None:
                        backoff.hold_off(state, NAME, self.config.arxiv_delay)
                    raise
                self._responses += 1
                if state is not None:
                    backoff.hold_off(state, NAME, self.config.arxiv_delay)
            if response.status_code in (429, 503):
                wait = retry.retry_after(response.headers, time.time())
                if wait is not None:
                    if wait > self.config.max_retry_wait:
                        raise _Unavailable(f"HTTP {response.status_code}, Retry-After {wait:g} s")
                    _GATE.defer(wait)
                    if state is not None:
                        backoff.hold_off(state, NAME, wait)
            elif response.status_code == 200 and (_ATOM_NS not in response.content[:2048]):
                raise _Unavailable("HTTP 200 but the body is not an Atom feed")
            elif response.status_code == 200:
                found = _TOTAL.search(response.content[:4096])
                self._total = int(found.group(1)) if found else None
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
            library_session(client).close()

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self, loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime) -> SourceResult:
        before = self.requests
        run = _Run(now=_utc(now), result=SourceResult(self.name))
        papers: dict[Subject, list[Location]] = {}
        for ref in refs:
            if self.wants(ref.subject):
                papers.setdefault(ref.subject, []).append(ref.location)
        titles = _catalog_titles(loaded)
        responses_before = self._responses
        self._state = state
        try:
            self._papers(papers, _catalog_versions(loaded), titles, state, run)
            if run.result.unavailable is None:
                self._search_terms(loaded, state, run)
        finally:
            self._state = None
        with state.transaction():
            for namespace, key, value in run.writes:
                state.put(namespace, key, value)
            self._remember(state, run, responses_before)
        run.result.requests = self.requests - before
        return run.result

    def _remember(self, state: State, run: _Run, responses_before: int) -> None:
        """Back off from papers found missing or unknowable in this run; forget the backoff of those found."""
        by_subject: dict[Subject, list[Finding]] = {}
        for finding in run.result.findings:
            if finding.subject.kind == "arxiv" and finding.kind is not Kind.CANDIDATE_PAPER:
                base = Subject("arxiv", split_version(finding.subject.id)[0])
                by_subject.setdefault(base, []).append(finding)
        outcomes = {subject: backoff.outcome_of(by_subject.get(subject, [])) for subject in run.asked}
        # Unknown subjects back off only when arXiv answered at all: a run that reached nobody writes no state.
        answered = self._responses > responses_before
        for subject in run.asked:
            findings = by_subject.get(subject, [])
            outcome = outcomes[subject]
            if outcome == "unknown" and not answered:
                continue
            if outcome is None:
                if subject in run.backoffs:
                    backoff.forget(state, NAME, subject)
                continue
            stored = [f for f in findings if str(f.kind) in ("dead", "unknown")]
            backoff.remember(
                state,
                NAME,
                subject,
                outcome,
                stored,
                now=run.now,
                ttl_hours=self.config.ttl_hours,
                previous=run.backoffs.get(subject),
            )

    def _papers(
        self,
        papers: Mapping[Subject, list[Location]],
        versions: Mapping[str, int],
        titles: Mapping[str, str],
        state: State,
        run: _Run,
    ) -> None:
        """Facts (cached or fetched in chunks) and findings for every catalog paper.

        A paper found missing or unknowable is asked again on a backoff schedule (:mod:`.backoff`); until then its
        last findings are repeated. A chunk whose papers all lack a known answer carries one known paper as a
        canary: arXiv sometimes serves a valid but empty feed, and only a canary present in the same feed shows
        that "none of these exist" is an answer and not an outage.
        """
        facts: dict[str, dict[str, Any] | None] = {}  # base id -> data (None: absent from the feed)
        wanted: list[str] = []
        replay: set[str] = set()
        run.backoffs = backoff.pending(state, NAME)
        for subject in papers:
            if not valid_id(subject.id):
                continue
            base, _ = split_version(subject.id)
            if base in facts or base in wanted or base in replay:
                continue
            cached = state.get(FACTS_NS, base)
            stored = run.backoffs.get(Subject("arxiv", base))
            if cached is not None and _fresh(cached.get("fetched_at"), run.now, self.config.ttl_hours):
                facts[base] = cached
                run.reused.add(base)
            elif stored is not None and not stored.due(run.now) and self.config.ttl_hours > 0:
                replay.add(base)
            else:
                wanted.append(base)
        known = [key for key in state.items(FACTS_NS) if key not in wanted]

        unknown: dict[str, str] = {}
        size = self.config.arxiv_batch
        for start in range(0, len(wanted), size):
            chunk = wanted[start : start + size]
            if run.result.unavailable is not None:
                unknown.update(dict.fromkeys(chunk, run.result.unavailable))
                continue
            asked = list(chunk)
            canary = None
            if known and not any(state.get(FACTS_NS, base) for base in chunk) and len(chunk) < size:
                canary = next((k for k in known if k in facts), known[0])
                asked.append(canary)
            try:
                results = self._ask(arxiv.Search(id_list=asked, max_results=len(asked)), page_size=len(asked))
            except _Unavailable as exc:
                run.result.unavailable = f"arXiv API: {exc}"
                unknown.update(dict.fromkeys(chunk, run.result.unavailable))
                continue
            by_id = {split_version(r.get_short_id())[0]: r for r in results}
            outage = None
            if canary is not None and canary not in by_id:
                outage = f"arXiv API: the known paper {canary} (sent as a canary) is missing from the feed"
            elif canary is None and not results and len(chunk) > 1:
                # Without a canary "none of them exists" cannot be told from arXiv's valid but empty feeds
                # (lukasschwab/arxiv.py#43, #129): unknown, whatever opensearch:totalResults says.
                outage = f"arXiv API: an empty feed for {len(chunk)} ids (totalResults {self._total})"
            elif self._total is not None and self._total > len(results):
                outage = f"arXiv API: {len(results)} entries but totalResults {self._total}"
            if outage is not None:
                run.result.unavailable = outage
                unknown.update(dict.fromkeys(chunk, outage))
                continue
            for base in chunk:
                found = by_id.get(base)
                facts[base] = None if found is None else _fact_data(found, run.now)
                if found is not None:
                    run.writes.append((FACTS_NS, base, facts[base]))
            if canary is not None and canary not in facts:
                run.writes.append((FACTS_NS, canary, _fact_data(by_id[canary], run.now)))

        for subject, locations in papers.items():
            base, _ = split_version(subject.id)
            locs = tuple(sorted(set(locations)))
            stored = run.backoffs.get(Subject("arxiv", base))
            if base in replay and stored is not None:
                exists = False if stored.outcome == "dead" else None
                note = {"fetched_at": datetime.fromtimestamp(stored.asked_at, UTC).isoformat()}
                run.result.facts[subject] = Fact(subject, exists, data=note, reused=True)
                run.result.findings += [replace(f, subject=subject) for f in stored.replay(locs)]
                continue
            if valid_id(subject.id):
                run.asked.add(Subject("arxiv", base))
            self._judge(subject, locs, facts, unknown, versions, titles, state, run)

    def _judge(
        self,
        subject: Subject,
        locations: tuple[Location, ...],
        facts: Mapping[str, dict[str, Any] | None],
        unknown: Mapping[str, str],
        versions: Mapping[str, int],
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
        result.facts[subject] = Fact(subject, True, data=dict(data), reused=base in run.reused)
        url = f"{ABS_URL}{base}{data['version']}"
        seen = state.get(SEEN_NS, base)
        if seen is None or seen.get("version") != data["version"]:
            run.writes.append((SEEN_NS, base, {"version": data["version"], "updated": data["updated"]}))
        listed = versions.get(base)
        if listed is not None:  # the list states what it knows: compare with that, from the first run on
            if _vnum(data["version"]) > listed:
                finding(
                    Kind.NEW_VERSION,
                    f"arXiv {base} has a new version {data['version']} (the list has v{listed})",
                    {
                        "field": "version",
                        "from": f"v{listed}",
                        "to": data["version"],
                        "updated": data["updated"],
                        "url": url,
                    },
                )
        elif seen is not None and _vnum(data["version"]) > _vnum(seen.get("version")):
            finding(
                Kind.NEW_VERSION,
                f"arXiv {base} has a new version {data['version']} (last seen {seen.get('version')})",
                {"from": seen.get("version"), "to": data["version"], "updated": data["updated"], "url": url},
            )
        if data["withdrawn"]:
            reason = " ".join((data.get("comment") or "").split()) or "withdrawn (no reason given)"
            finding(
                Kind.WITHDRAWN,
                f"arXiv {base} ({data['version']}) is withdrawn: {reason}",
                {
                    "version": data["version"],
                    "comment": data.get("comment") or "",
                    "reason": reason,
                    "updated": data["updated"],
                    "url": url,
                },
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


def _catalog_versions(loaded: LoadedCatalog) -> dict[str, int]:
    """base id -> the highest version the catalog states for it (suffix or ``version``)."""
    versions: dict[str, int] = {}
    for _, _, entry in loaded.catalog.entries():
        for paper in entry.papers:
            if paper.arxiv and (listed := paper.listed_version) is not None:
                base = split_version(paper.arxiv)[0]
                versions[base] = max(versions.get(base, 0), listed)
    return versions


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
