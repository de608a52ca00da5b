"""Findings: what is dead, moved, new or changed, with the evidence for it.

Findings are the only thing that flows from checking (links, sources) to changing (``changes``, ``publish``).
They are plain frozen data, serialisable to JSON (schema version :data:`SCHEMA_VERSION`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from listkeeper import evidence as evidence_module
from listkeeper.errors import UsageError
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


class Origin(StrEnum):
    """Who found it: the link checker, the badge check, or a source adapter (``""``: not said, e.g. hand-written)."""

    LINKS = "links"
    BADGES = "badges"
    HF = "hf"
    ARXIV = "arxiv"
    GITHUB = "github"
    NONE = ""


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
    source: Origin = Origin.NONE

    def __post_init__(self) -> None:
        if not isinstance(self.source, Origin):  # a plain string names a member, or is refused
            object.__setattr__(self, "source", Origin(self.source))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": str(self.kind),
            "subject": str(self.subject),
            "message": self.message,
            "evidence": evidence_module.to_json(self.evidence),
            "locations": [
                {"file": loc.file, "line": loc.line, **({"path": loc.path} if loc.path else {})}
                for loc in self.locations
            ],
            "source": str(self.source),
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
            evidence=evidence_module.from_json(data.get("evidence") or {}, data["kind"], data.get("source", "")),
            locations=tuple(
                Location(loc["file"], loc.get("line"), loc.get("path", "")) for loc in data.get("locations", [])
            ),
            new_subject=Subject.parse(data["new_subject"]) if data.get("new_subject") else None,
            source=Origin(data.get("source", "")),
        )


# -- JSON in and out: the one place findings are written and read -------------------------------------------------


def findings_to_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Findings as a JSON-ready list (the check report's ``findings``, the state store's last findings)."""
    return [finding.to_json() for finding in findings]


def findings_from_json(data: Any, origin: str) -> list[Finding]:
    """Findings from a check report (``{"findings": [...]}``) or a bare list of :meth:`Finding.to_json` dicts.

    ``origin`` names where the data came from in the :class:`UsageError` raised for anything else."""
    items = data.get("findings") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise UsageError(f"{origin}: expected a check report with a 'findings' list, or a list of findings")
    findings = []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise TypeError("not an object")
            findings.append(Finding.from_json(item))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            raise UsageError(f"{origin}: findings[{index}]: not a valid finding ({detail})") from None
    return findings


def read_findings(path: Path) -> list[Finding]:
    """Findings from a JSON file (a check report or a list of findings); a :class:`UsageError` names what is wrong."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    return findings_from_json(data, str(path))
