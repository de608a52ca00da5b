"""What the Hub adapter's parts share: names, state-store namespaces and the per-run working data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

from listkeeper.catalog.model import HfAuthorRule
from listkeeper.findings import Origin
from listkeeper.sources import tracking
from listkeeper.sources.base import Fact
from listkeeper.subjects import Subject, SubjectKind

NAME = Origin.HF
RepoKind = Literal["model", "dataset", "space"]
SUBJECT_KIND: dict[RepoKind, SubjectKind] = {"model": "hf-model", "dataset": "hf-dataset", "space": "hf-space"}
REPO_KIND: dict[str, RepoKind] = {v: k for k, v in SUBJECT_KIND.items()}
PAGE_SIZE = 1000  # the largest listing page the Hub serves (api-notes A2); fewer pages, same answer
BREAKER_FAILURES = 2  # consecutive calls that exhausted their retries before we stop asking for this run
NS_FACTS = "hf-facts"
NS_LISTINGS = "hf-listings"
NS_BASELINE = "hf-author-baseline"
NS_COLLECTION = "hf-collection"
NS_RENAMED = "hf-renamed-owners"  # lower old owner -> new owner, as the Hub revealed it (org renames)
T = TypeVar("T")
Rule = tracking.Rule[HfAuthorRule]  # a track.hf_authors rule, its entry and where it is written


@dataclass
class Run:
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
