"""The arXiv adapter: every catalog paper in a few batched ``id_list`` requests, plus optional search terms.

arXiv asks for at most one request every three seconds and a single connection at a time. The ``arxiv`` library
only spaces the pages and retries of one ``Client``; this module also holds a process-wide gate (:data:`.gate.GATE`)
that every request passes, so several clients, batches and search terms together still keep the pace.

Library traps handled here (see the API notes, section B):

* ``Search.max_results`` defaults to 100, and a ``Client`` pages by ``page_size`` (default 100), re-sending the
  whole id list each time: each chunk gets ``max_results=len(chunk)`` and ``page_size=len(chunk)`` → one request.
* One malformed id makes arXiv answer 400 for the whole batch: ids are validated locally and never sent.
* No HTTP timeout is set by the library: the session's ``request`` is wrapped to add one (and to count requests,
  pass the gate, honour ``Retry-After`` and reject non-Atom bodies).
* An outage must never look like "absent from the feed": any failure makes the affected papers *unknown*.

Only this package imports :mod:`arxiv`. The parts: ``gate`` (the pace), ``transport`` (the client and its
session), ``queries`` (id lists and searches), ``findings`` and ``common``; this module runs them in order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from listkeeper.catalog.load import LoadedCatalog, format_path
from listkeeper.catalog.refs import Ref
from listkeeper.config import Config, SourcesConfig
from listkeeper.findings import Finding, Kind, Location
from listkeeper.sources import backoff
from listkeeper.sources.arxiv import findings
from listkeeper.sources.arxiv.common import ABS_URL, FACTS_NS, NAME, Run, fresh, split_version, utc, valid_id
from listkeeper.sources.arxiv.queries import ArxivQueries
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.state import State
from listkeeper.subjects import Subject

SEARCH_TERMS_PER_QUERY = 20  # terms OR-ed into one search request (keeps the URL and the result page small)


class ArxivSource(ArxivQueries):
    """Facts and findings for ``arxiv:`` subjects, and candidate papers for ``track.arxiv_terms``."""

    name = NAME

    def wants(self, subject: Subject) -> bool:
        return subject.kind == "arxiv"

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self, loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime) -> SourceResult:
        before = self.requests
        run = Run(now=utc(now), result=SourceResult(self.name))
        papers: dict[Subject, list[Location]] = {}
        for ref in refs:
            if self.wants(ref.subject):
                papers.setdefault(ref.subject, []).append(ref.location)
        titles = findings.catalog_titles(loaded)
        responses_before = self._responses
        self._state = state
        try:
            self._papers(papers, findings.catalog_versions(loaded), titles, state, run)
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

    def _remember(self, state: State, run: Run, responses_before: int) -> None:
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
            found = by_subject.get(subject, [])
            outcome = outcomes[subject]
            if outcome == "unknown" and not answered:
                continue
            if outcome is None:
                if subject in run.backoffs:
                    backoff.forget(state, NAME, subject)
                continue
            stored = [f for f in found if str(f.kind) in ("dead", "unknown")]
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
        run: Run,
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
            if cached is not None and fresh(cached.get("fetched_at"), run.now, self.config.ttl_hours):
                facts[base] = cached
                run.reused.add(base)
            elif stored is not None and not stored.due(run.now) and self.config.ttl_hours > 0:
                replay.add(base)
            else:
                wanted.append(base)
        known = [key for key in state.items(FACTS_NS) if key not in wanted]

        unknown = self._fetch(wanted, known, facts, state, run)

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
            findings.judge(subject, locs, facts, unknown, versions, titles, state, run, self.config.arxiv_api_url)

    # -- search terms -----------------------------------------------------------------------------------------

    def _search_terms(self, loaded: LoadedCatalog, state: State, run: Run) -> None:
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


def build(config: Config | SourcesConfig, env: Mapping[str, str] | None = None) -> ArxivSource:
    """The adapter for a configuration (``env`` is accepted for symmetry: arXiv needs no credentials)."""
    return ArxivSource(config.sources if isinstance(config, Config) else config)
