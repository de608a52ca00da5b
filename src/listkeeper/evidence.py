"""Typed evidence: the parts of a finding's ``evidence`` that listkeeper itself writes and later reads back.

A finding's evidence is open-ended (each source adds what its service said), but two parts have one writer and
several readers: what the memory rule found (``evidence["memory"]``: :class:`DeadMemory`) and the note that a
source repeated a stored answer instead of asking (``evidence["reused"]``: :class:`Reuse`). They are typed values
inside the findings and become JSON only at the edge (:func:`to_json` for reports, findings files and the state
store; :func:`from_json` reading them back). :func:`dead_since` is the one rule for "dead since when".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DeadMemory:
    """What the dead rule (:mod:`listkeeper.memory`) found for a dead or suspect finding."""

    dead_checks: int  # dead results in the current streak
    checks_needed: int
    hours_needed: float
    first_seen: str | None  # ISO time of the streak's first dead result
    note: str  # "dead 1 of 2 checks, first seen ... (3.0 h ago; confirmation needs 20 h)"
    confirmed: Literal["over time", "strict"] | None = None  # None: not confirmed yet (a suspect)

    def to_json(self) -> dict[str, Any]:
        return {
            "dead_checks": self.dead_checks,
            "checks_needed": self.checks_needed,
            "hours_needed": self.hours_needed,
            "first_seen": self.first_seen,
            "note": self.note,
            "confirmed": self.confirmed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DeadMemory:
        confirmed = data.get("confirmed")
        first_seen = data.get("first_seen")
        return cls(
            dead_checks=int(data.get("dead_checks") or 0),
            checks_needed=int(data.get("checks_needed") or 0),
            hours_needed=data.get("hours_needed") or 0,
            first_seen=first_seen if isinstance(first_seen, str) else None,
            note=str(data.get("note") or ""),
            confirmed=confirmed if confirmed in ("over time", "strict") else None,
        )


@dataclass(frozen=True)
class Reuse:
    """A source repeated its stored answer (backoff) instead of asking: not a new observation."""

    asked_at: str  # ISO time the service last answered
    next_ask: str  # ISO time it will be asked again
    failures: int

    def to_json(self) -> dict[str, Any]:
        return {"asked_at": self.asked_at, "next_ask": self.next_ask, "failures": self.failures}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reuse:
        return cls(str(data.get("asked_at") or ""), str(data.get("next_ask") or ""), int(data.get("failures") or 0))


_TYPED: dict[str, type[DeadMemory] | type[Reuse]] = {"memory": DeadMemory, "reused": Reuse}


def to_json(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Evidence as JSON-ready data: typed parts become objects wherever they are (a badge finding carries its
    target's evidence), everything else is already plain."""
    return {key: _plain(value) for key, value in evidence.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, DeadMemory | Reuse):
        return value.to_json()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def from_json(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Evidence read from JSON: the typed parts become typed again. Raises TypeError for a typed part that is not
    an object."""
    out = dict(evidence)
    for key, kind in _TYPED.items():
        value = out.get(key)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            raise TypeError(f"evidence.{key} is not an object")
        out[key] = kind.from_json(value)
    return out


def dead_memory(evidence: Mapping[str, Any]) -> DeadMemory | None:
    """What the dead rule found, if it judged this finding."""
    found = evidence.get("memory")
    return found if isinstance(found, DeadMemory) else None


def dead_since(evidence: Mapping[str, Any], today: date) -> date:
    """When the item was first seen dead: the evidence's own ``since``/``first_dead``/``first_seen``, else the dead
    rule's ``first_seen``; never after ``today``, and ``today`` when nothing says."""
    judged = dead_memory(evidence)
    candidates = [evidence.get(key) for key in ("since", "first_dead", "first_seen")]
    candidates.append(judged.first_seen if judged is not None else None)
    for value in candidates:
        if isinstance(value, str) and _DATE.match(value):
            try:
                return min(date.fromisoformat(value[:10]), today)
            except ValueError:
                continue
    return today
