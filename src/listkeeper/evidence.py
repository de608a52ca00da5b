"""Typed evidence: the parts of a finding's ``evidence`` that listkeeper itself writes and later reads back.

A finding's evidence is open-ended (each source adds what its service said, and nobody reads those keys back),
but what listkeeper reads back is typed, built by the writers and read by the readers through the types:

* each kind's *shape*, whose keys sit at the top level of the evidence's JSON: :class:`FieldChange` (``changed``),
  :class:`VersionChange` (``new-version``), :class:`Release` and :class:`NewItem` (``new-release``),
  :class:`LinkEvidence` (every finding of the link checker). A writer places it among its other keys with
  :func:`typed`; a reader gets it with :func:`shape`;
* objects under their own key: what the memory rule found (``evidence["memory"]``: :class:`DeadMemory`), the note
  that a source repeated a stored answer instead of asking (``evidence["reused"]``: :class:`Reuse`), an org rename
  (``evidence["org_renamed"]``: :class:`OrgRename`);
* single keys any kind may carry, read by :func:`alias`, :func:`entry`, :func:`reason`, :func:`http_status`,
  :func:`url`.

They become JSON only at the edge (:func:`to_json` for reports, findings files and the state store, each shape's
keys in its place and in the order they were written; :func:`from_json` reading them back, by the finding's kind
and source). The JSON is the one documented in docs/check-report.md. :func:`dead_since` is the one rule for
"dead since when".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Literal, TypeVar

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


@dataclass(frozen=True)
class OrgRename:
    """The Hub said the whole owner was renamed (``evidence["org_renamed"]`` of a ``moved`` finding)."""

    old: str
    new: str

    def to_json(self) -> dict[str, Any]:
        return {"from": self.old, "to": self.new}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OrgRename:
        return cls(str(data.get("from") or ""), str(data.get("to") or ""))


# --- the typed shape of each kind's evidence, spliced into the evidence's top level at the edge -------------------


@dataclass(frozen=True)
class FieldChange:
    """A fact of an item differs from what the catalog states (``changed``; ``new-version`` of a title):
    ``{"field": "title" | "license", "old", "new"}``."""

    field: str
    old: Any
    new: Any
    keys: tuple[str, ...] = ("field", "old", "new")

    FIELDS: ClassVar[tuple[str, ...]] = ("title", "license")

    def value(self, key: str) -> Any:
        return {"field": self.field, "old": self.old, "new": self.new}[key]

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> FieldChange:
        return cls(data["field"], data.get("old"), data.get("new"), _present(data, ("field", "old", "new")))


@dataclass(frozen=True)
class VersionChange:
    """A newer arXiv version (``new-version``): ``{"field": "version" (when ``previous`` is the version the
    catalog states), "from", "to"}``."""

    previous: str | None
    to: str
    stated: bool = False
    keys: tuple[str, ...] = ("from", "to")

    def value(self, key: str) -> Any:
        return {"field": "version", "from": self.previous, "to": self.to}[key]

    @classmethod
    def listed(cls, previous: str, to: str) -> VersionChange:
        """Newer than the version the catalog states."""
        return cls(previous, to, True, ("field", "from", "to"))

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> VersionChange:
        previous, to = data.get("from"), data.get("to")
        keys = _present(data, ("field", "from", "to"))
        return cls(previous if isinstance(previous, str) else None, str(to or ""), "field" in keys, keys)


@dataclass(frozen=True)
class Release:
    """A newer release or tag of a GitHub repository (``new-release``): ``{"field": "release" (when it is newer
    than the release the catalog states), "tag", "published_at"}``."""

    tag: str | None
    published_at: str | None
    stated: bool = False
    keys: tuple[str, ...] = ("tag", "published_at")

    def value(self, key: str) -> Any:
        return {"field": "release", "tag": self.tag, "published_at": self.published_at}[key]

    @classmethod
    def listed(cls, tag: str | None, published_at: str | None) -> Release:
        """Newer than the release the catalog states."""
        return cls(tag, published_at, True, ("field", "tag", "published_at"))

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> Release:
        tag, published = data.get("tag"), data.get("published_at")
        keys = _present(data, ("field", "tag", "published_at"))
        return cls(tag, published if isinstance(published, str) else None, "field" in keys, keys)


@dataclass(frozen=True)
class NewItem:
    """Something new by a tracked author, org or collection (``new-release``): ``{"id", "kind", "created_at"}``, or
    for an item added to a tracked collection ``{"id", "kind", "collection"}``."""

    id: str | None
    kind: str | None  # "repository" for a new repository of a tracked GitHub org; a subject kind for the Hub
    created_at: str | None = None
    collection: str | None = None
    keys: tuple[str, ...] = ("id", "kind", "created_at")

    def value(self, key: str) -> Any:
        return {"id": self.id, "kind": self.kind, "created_at": self.created_at, "collection": self.collection}[key]

    @classmethod
    def in_collection(cls, id: str, kind: str, collection: str) -> NewItem:
        return cls(id, kind, None, collection, ("id", "kind", "collection"))

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> NewItem:
        values = [data.get(key) for key in ("id", "kind", "created_at", "collection")]
        id, kind, created, collection = (v if isinstance(v, str) else None for v in values)
        return cls(id, kind, created, collection, _present(data, ("id", "kind", "created_at", "collection")))


@dataclass(frozen=True)
class LinkEvidence:
    """What the link checker saw (every finding of the ``links`` source): ``{"verdict", "detail", "status",
    "chain", "cached", "final_url"}``, the last four only when there is something to say."""

    verdict: str
    detail: str
    status: int | None = None
    chain: tuple[tuple[int, str], ...] = ()  # (status, url) of every redirect hop
    cached: bool = False  # the verdict came from the state store, not a request
    final_url: str | None = None  # where a permanent redirect ends (``moved``)
    keys: tuple[str, ...] = ("verdict", "detail")

    def value(self, key: str) -> Any:
        if key == "chain":
            return [[status, url] for status, url in self.chain]
        return {
            "verdict": self.verdict,
            "detail": self.detail,
            "status": self.status,
            "cached": self.cached,
            "final_url": self.final_url,
        }[key]

    @classmethod
    def of(
        cls,
        verdict: str,
        detail: str,
        status: int | None = None,
        chain: tuple[tuple[int, str], ...] = (),
        cached: bool = False,
        final_url: str | None = None,
    ) -> LinkEvidence:
        said = {"status": status is not None, "chain": bool(chain), "cached": cached}
        said["final_url"] = final_url is not None
        keys = ("verdict", "detail", *(key for key, present in said.items() if present))
        return cls(verdict, detail, status, chain, cached, final_url, keys)

    @classmethod
    def read(cls, data: Mapping[str, Any]) -> LinkEvidence:
        status, chain, final_url = data.get("status"), data.get("chain"), data.get("final_url")
        hops = tuple((hop[0], hop[1]) for hop in chain or () if isinstance(hop, list | tuple) and len(hop) == 2)
        return cls(
            str(data.get("verdict") or ""),
            str(data.get("detail") or ""),
            status if isinstance(status, int) and not isinstance(status, bool) else None,
            hops,
            bool(data.get("cached")),
            final_url if isinstance(final_url, str) else None,
            _present(data, ("verdict", "detail", "status", "chain", "cached", "final_url")),
        )


Shape = FieldChange | VersionChange | Release | NewItem | LinkEvidence
_SHAPES: tuple[type[Shape], ...] = (FieldChange, VersionChange, Release, NewItem, LinkEvidence)
_SLOT = {shape: f"<{shape.__name__}>" for shape in _SHAPES}  # where a shape sits in the evidence until the edge
_S = TypeVar("_S", FieldChange, VersionChange, Release, NewItem, LinkEvidence)


def _present(data: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, ...]:
    """The ``keys`` that ``data`` has, in ``data``'s order (the order they are written back in)."""
    return tuple(key for key in data if key in keys)


def typed(found: Shape) -> dict[str, Any]:
    """A typed shape as the part of a finding's evidence it is until the edge: writers place it among the
    service-specific keys nobody reads back, ``{**typed(FieldChange("license", old, new)), "url": url}``, and its
    keys stand in that place in the JSON."""
    return {_SLOT[type(found)]: found}


def shape(evidence: Mapping[str, Any], kind: type[_S]) -> _S | None:
    """The evidence's typed shape of that class, if it has one."""
    found = evidence.get(_SLOT[kind])
    return found if isinstance(found, kind) else None


_TYPED: dict[str, type[DeadMemory] | type[Reuse] | type[OrgRename]] = {
    "memory": DeadMemory,
    "reused": Reuse,
    "org_renamed": OrgRename,
}


def to_json(evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Evidence as JSON-ready data: a typed shape's keys take its place, typed parts become objects wherever they
    are (a badge finding carries its target's evidence), everything else is already plain."""
    out: dict[str, Any] = {}
    for key, value in evidence.items():
        if isinstance(value, _SHAPES):
            out.update({name: value.value(name) for name in value.keys})
        else:
            out[key] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, DeadMemory | Reuse | OrgRename):
        return value.to_json()
    if isinstance(value, Mapping):
        return to_json(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def from_json(evidence: Mapping[str, Any], kind: str = "", source: str = "") -> dict[str, Any]:
    """Evidence read from JSON: the typed parts become typed again, and the keys of the finding kind's shape become
    that shape, in the place of its first key. Raises TypeError for a typed part that is not an object."""
    out = dict(evidence)
    for key, part in _TYPED.items():
        value = out.get(key)
        if value is None or isinstance(value, part):  # absent, or typed already
            continue
        if not isinstance(value, Mapping):
            raise TypeError(f"evidence.{key} is not an object")
        out[key] = part.from_json(value)
    found = _read_shape(out, kind, source)
    if found is None:
        return out
    shaped: dict[str, Any] = {}
    for key, value in out.items():
        if key not in found.keys:
            shaped[key] = value
        elif _SLOT[type(found)] not in shaped:  # the shape stands where its first key stood
            shaped[_SLOT[type(found)]] = found
    return shaped


def _read_shape(data: Mapping[str, Any], kind: str, source: str) -> Shape | None:
    """The typed shape these keys make for a finding of ``kind`` from ``source`` (the kinds' names as in
    :class:`listkeeper.findings.Kind`), or None."""
    field = data.get("field")
    if source == "links":
        return LinkEvidence.read(data) if "verdict" in data else None
    if kind in ("changed", "new-version") and field in FieldChange.FIELDS and isinstance(field, str):
        return FieldChange.read(data)
    if kind == "new-version" and "to" in data and field in (None, "version"):
        return VersionChange.read(data)
    if kind == "new-release" and "tag" in data and field in (None, "release"):
        return Release.read(data)
    if kind == "new-release" and any(key in data for key in ("id", "kind", "created_at", "collection")):
        return NewItem.read(data)
    return None


# --- reading the keys every kind may carry -------------------------------------------------------------------------


def alias(evidence: Mapping[str, Any]) -> str | None:
    """The id the catalog still uses when a finding names a moved subject's new id (``evidence["alias"]``)."""
    found = evidence.get("alias")
    return found if isinstance(found, str) and found else None


def entry(evidence: Mapping[str, Any]) -> str | None:
    """The catalog entry a new item belongs to, as the tracking rule that found it says (``evidence["entry"]``)."""
    found = evidence.get("entry")
    return found if isinstance(found, str) and found else None


def reason(evidence: Mapping[str, Any]) -> str | None:
    """Why: arXiv's reason for a withdrawal, why a service could not answer (``evidence["reason"]``)."""
    found = evidence.get("reason")
    return found if isinstance(found, str) else None


def http_status(evidence: Mapping[str, Any]) -> int | None:
    """The HTTP status the evidence rests on: the link checker's, else the one a service answered with."""
    link = shape(evidence, LinkEvidence)
    found = link.status if link is not None else evidence.get("status")
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def org_renamed(evidence: Mapping[str, Any]) -> OrgRename | None:
    """The Hub's word that the whole owner was renamed, on a ``moved`` finding."""
    found = evidence.get("org_renamed")
    return found if isinstance(found, OrgRename) else None


def url(evidence: Mapping[str, Any]) -> str | None:
    """The URL the finding is about (the checked link, the service's page)."""
    found = evidence.get("url")
    return found if isinstance(found, str) else None


def json_value(evidence: Mapping[str, Any], key: str) -> Any:
    """The value ``key`` has in the evidence's JSON (None when absent), for readers that look for any of several
    keys whichever kind wrote them (dates)."""
    return to_json(evidence).get(key)


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
