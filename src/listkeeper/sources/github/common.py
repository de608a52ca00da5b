"""What the GitHub adapter's parts share: names, state-store namespaces, a repository and what it turned out to be."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from githubkit.exception import RequestFailed

from listkeeper.errors import SourceUnavailable
from listkeeper.findings import Location, Origin
from listkeeper.subjects import Subject

NAME = Origin.GITHUB
SEEN_NS = "github"  # kv: owner/name (as in the catalog) -> {"tag": last seen latest release/tag or None}
FACTS_NS = "github.facts"  # kv: owner/name -> fact data with "fetched_at"; reused within ttl_hours
ETAG_NS = "github.etag"  # kv: API path -> {"etag", "status", "body"} for conditional REST requests
ORGS_NS = "github.orgs"  # kv: lower org -> {"fetched_at", "found", "repos": [{name, created_at, fork}]}
ORG_BASELINE_NS = "github.org-baseline"  # kv: lower org -> {"newest": created_at of its newest repo at first sight}
ORG_PAGE = 100  # GitHub's largest connection page
WEB = "https://github.com"

Writes = list[tuple[str, str, Any]]  # (namespace, key, value) for the state store, written in one transaction


class Stop(SourceUnavailable):
    """The REST sweep must stop (rate limit spent, outage, credentials refused); the rest is unknown."""

    service = "GitHub"


@dataclass
class Repo:
    name: str  # owner/name as written in the catalog
    locations: list[Location] = field(default_factory=list)
    tracked: bool = False  # in some entry's track.github, or the list states a release: the latest one matters
    listed_release: str | None = None  # the release the list knows (``code: [{repo, release}]``)

    @property
    def subject(self) -> Subject:
        return Subject("github", self.name)


@dataclass
class Outcome:
    """What one repository turned out to be (before it becomes a Fact and findings)."""

    exists: bool | None
    data: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)  # for DEAD / UNKNOWN
    cached: bool = False


def describe(exc: BaseException) -> str:
    if isinstance(exc, RequestFailed):
        return f"HTTP {exc.response.status_code}"
    inner = getattr(exc, "exc", None)
    return f"{type(inner or exc).__name__}: {inner or exc}"


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def fresh(cached: dict[str, Any], now: datetime, ttl_hours: float) -> bool:
    try:
        fetched = utc(datetime.fromisoformat(cached["fetched_at"]))
    except (KeyError, TypeError, ValueError):
        return False
    return 0 <= (now - fetched).total_seconds() < ttl_hours * 3600
