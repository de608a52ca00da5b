"""The arXiv adapter's questions: catalog papers in ``id_list`` chunks (with a canary against empty feeds), and
the newest papers matching the search terms, each answer reduced to plain fact data.

Library traps handled here (see the API notes, section B): ``Search.max_results`` defaults to 100, and a
``Client`` pages by ``page_size`` (default 100), re-sending the whole id list each time: each chunk gets
``max_results=len(chunk)`` and ``page_size=len(chunk)`` → one request. An outage must never look like "absent
from the feed": any failure makes the affected papers *unknown*.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import arxiv  # no py.typed, no stubs

from listkeeper.sources.arxiv.common import FACTS_NS, SEARCH_NS, Run, fresh, iso, split_version
from listkeeper.sources.arxiv.gate import Unavailable
from listkeeper.sources.arxiv.transport import ArxivApi
from listkeeper.state import State

SEARCH_RESULTS = 10  # newest papers per search term: enough to notice a new one daily, cheap for arXiv

_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)


class ArxivQueries(ArxivApi):
    """The questions, on top of :class:`~.transport.ArxivApi`."""

    def _fetch(
        self, wanted: list[str], known: list[str], facts: dict[str, dict[str, Any] | None], state: State, run: Run
    ) -> dict[str, str]:
        """Fetch the ``wanted`` base ids in chunks into ``facts`` (None: absent from the feed); returns the ids
        arXiv could not answer for, with the reason. ``known`` are ids with stored facts (canary candidates)."""
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
            except Unavailable as exc:
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
                facts[base] = None if found is None else fact_data(found, run.now)
                if found is not None:
                    run.writes.append((FACTS_NS, base, facts[base]))
            if canary is not None and canary not in facts:
                run.writes.append((FACTS_NS, canary, fact_data(by_id[canary], run.now)))
        return unknown

    def _search(self, terms: list[str], state: State, run: Run) -> list[dict[str, Any]] | None:
        """The newest papers matching any of ``terms``, in one request (cached within the TTL); each hit lists the
        terms it mentions (all of them when arXiv matched a field we cannot see). None when arXiv could not answer.
        """
        key = "\n".join(terms)
        cached = state.get(SEARCH_NS, key)
        if cached is not None and fresh(cached.get("fetched_at"), run.now, self.config.ttl_hours):
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
        except Unavailable as exc:
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
                    "published": iso(r.published),
                    "terms": mentioned or list(terms),
                }
            )
        run.writes.append((SEARCH_NS, key, {"fetched_at": iso(run.now), "results": hits}))
        return hits


def fact_data(result: arxiv.Result, now: datetime) -> dict[str, Any]:
    _, version = split_version(result.get_short_id())
    comment = result.comment or ""
    return {
        "title": result.title,
        "authors": [a.name for a in result.authors],
        "version": f"v{version or 1}",
        "updated": iso(result.updated),  # date of the latest version
        "published": iso(result.published),  # date of v1
        "withdrawn": bool(_WITHDRAWN.search(comment) or _WITHDRAWN.search(result.summary or "")),
        "comment": comment,
        "journal_ref": result.journal_ref or None,
        "doi": result.doi or None,
        "fetched_at": iso(now),
    }
