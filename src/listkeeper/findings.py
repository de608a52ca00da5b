"""Findings: what is dead, moved, new or changed, with the evidence for it.

Findings are the only thing that flows from checking (links, sources) to changing (``changes``, ``publish``).
They are plain frozen data, serialisable to JSON (schema version :data:`SCHEMA_VERSION`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from listkeeper.subjects import Subject

SCHEMA_VERSION = 1


class Kind(StrEnum):
    # Outcomes that may change the catalog.
    MOVED = "moved"  # renamed/transferred repo, org rename, permanent redirect: new_subject is the proposal
    DEAD = "dead"  # confirmed by the memory rule (or --strict)
    NEW_RELEASE = "new-release"  # a tracked author/repo published something not in the catalog
    NEW_VERSION = "new-version"  # a paper has a newer arXiv version
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"
    CHANGED = "changed"  # a fact (title, license, latest release) differs from what the catalog says
    # Informational: alive, but worth knowing.
    GATED = "gated"
    ASLEEP = "asleep"
    BROKEN = "broken"  # Space runtime error / build error: alive repo, failing app
    DISABLED = "disabled"
    CANDIDATE_PAPER = "candidate-paper"  # search-term hit, for a human to judge
    BADGE_MISMATCH = "badge-mismatch"
    EMPTY_LINK = "empty-link"
    TOO_DEEP = "too-deep"  # a Markdown link nested deeper than the parser follows: found by a raw scan, checked
    INVALID = "invalid"
    # Not conclusive: never changes the catalog.
    SUSPECT = "suspect"  # dead evidence seen, not yet confirmed over time
    BLOCKED = "blocked"
    RATE_LIMITED = "rate-limited"
    TIMEOUT = "timeout"
    ERROR = "error"
    UNKNOWN = "unknown"  # a source was unavailable


#: Kinds that ``listkeeper update`` acts on.
ACTIONABLE = frozenset(
    {Kind.MOVED, Kind.DEAD, Kind.NEW_RELEASE, Kind.NEW_VERSION, Kind.WITHDRAWN, Kind.ARCHIVED, Kind.CHANGED}
)


@dataclass(frozen=True, order=True)
class Location:
    """Where a subject is used: a file, a 1-based line, and for catalog files the key path."""

    file: str
    line: int | None = None
    path: str = ""

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Finding:
    kind: Kind
    subject: Subject
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    locations: tuple[Location, ...] = ()
    new_subject: Subject | None = None
    source: str = ""  # "links", "hf", "arxiv", "github"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": str(self.kind),
            "subject": str(self.subject),
            "message": self.message,
            "evidence": self.evidence,
            "locations": [
                {"file": loc.file, "line": loc.line, **({"path": loc.path} if loc.path else {})}
                for loc in self.locations
            ],
            "source": self.source,
        }
        if self.new_subject is not None:
            out["new_subject"] = str(self.new_subject)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            kind=Kind(data["kind"]),
            subject=Subject.parse(data["subject"]),
            message=data.get("message", ""),
            evidence=dict(data.get("evidence") or {}),
            locations=tuple(
                Location(loc["file"], loc.get("line"), loc.get("path", "")) for loc in data.get("locations", [])
            ),
            new_subject=Subject.parse(data["new_subject"]) if data.get("new_subject") else None,
            source=data.get("source", ""),
        )
