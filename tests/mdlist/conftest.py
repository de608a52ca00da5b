"""Findings the Markdown-mode tests apply, and the day they are applied on."""

from __future__ import annotations

from datetime import date

from listkeeper.evidence import DeadMemory
from listkeeper.findings import Finding, Kind
from listkeeper.subjects import Subject

TODAY = date(2026, 12, 5)
GH_OLD, GH_NEW = Subject("github", "THUDM/CogVLM"), Subject("github", "zai-org/CogVLM")


def moved(old: Subject, new: Subject) -> Finding:
    return Finding(Kind.MOVED, old, "moved", {}, (), new, source="github")


def dead(subject: Subject, first_seen: str = "2026-11-28T02:00:00+00:00") -> Finding:
    return Finding(
        Kind.DEAD, subject, "HTTP 404", {"status": 404, "memory": DeadMemory.from_json({"first_seen": first_seen})}, ()
    )
