"""What the arXiv adapter's parts share: names, state-store namespaces, arXiv ids and the per-run working data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from listkeeper.catalog.model import is_arxiv_id
from listkeeper.findings import Origin
from listkeeper.sources import backoff
from listkeeper.sources.base import SourceResult
from listkeeper.subjects import ARXIV_VERSION, Subject

NAME = Origin.ARXIV
SEEN_NS = "arxiv"  # kv: base id -> {"version": "v3", "updated": iso}; the last version a run has seen
FACTS_NS = "arxiv.facts"  # kv: base id -> fact data with "fetched_at"; reused within ttl_hours
SEARCH_NS = "arxiv.search"  # kv: search term -> {"fetched_at", "results": [...]}
ABS_URL = "https://arxiv.org/abs/"


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


@dataclass
class Run:
    """Mutable bookkeeping of one run."""

    now: datetime
    result: SourceResult
    writes: list[tuple[str, str, Any]] = field(default_factory=list)
    backoffs: dict[Subject, backoff.Backoff] = field(default_factory=dict)  # stored negative answers
    asked: set[Subject] = field(default_factory=set)  # subjects asked (not replayed) in this run
    reused: set[str] = field(default_factory=set)  # base ids whose facts came from the state store, within the TTL


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    return utc(moment).isoformat()


def fresh(fetched_at: str | None, now: datetime, ttl_hours: float) -> bool:
    """True when a fact fetched at ``fetched_at`` may be reused at ``now``."""
    if not fetched_at:
        return False
    try:
        age = (now - utc(datetime.fromisoformat(fetched_at))).total_seconds()
    except ValueError:
        return False
    return 0 <= age < ttl_hours * 3600
