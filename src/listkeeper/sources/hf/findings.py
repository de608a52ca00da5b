"""Findings from the Hub's facts: missing, moved, gated, disabled, asleep or broken Spaces, licenses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.evidence import FieldChange, OrgRename, typed
from listkeeper.findings import Finding, Kind, Location
from listkeeper.sources.base import Fact
from listkeeper.sources.hf.common import (
    NAME,
)
from listkeeper.sources.hf.summary import ASLEEP_STAGES, BROKEN_STAGES
from listkeeper.subjects import Endpoints, Subject

PUBLIC = Endpoints()


def fact_findings(fact: Fact, locations: Sequence[Location], endpoints: Endpoints = PUBLIC) -> list[Finding]:
    """The findings one fact implies (pure: cached facts yield the same findings as fresh ones)."""
    subject, data = fact.subject, fact.data
    locs = tuple(sorted(set(locations)))
    url = subject.url(endpoints)

    def finding(kind: Kind, message: str, evidence: dict[str, Any], new: Subject | None = None) -> Finding:
        if fact.moved_to is not None and kind is not Kind.MOVED:  # about the repo under its new name
            about = fact.moved_to
            evidence = {"url": about.url(endpoints), **evidence, "alias": subject.id}
            return Finding(kind, about, message.replace(subject.id, about.id), evidence, locs, None, NAME)
        return Finding(kind, subject, message, {"url": url, **evidence}, locs, new, NAME)

    if fact.exists is None:
        reason = data.get("reason", "the Hub did not answer")
        return [
            finding(Kind.UNKNOWN, f"{subject.id}: unknown ({reason})", {"reason": reason, "status": data.get("status")})
        ]
    if fact.exists is False:
        evidence = dict(data.get("evidence", {}))
        return [finding(Kind.DEAD, f"{subject.id} was not found on the Hub", evidence)]
    out = []
    if fact.moved_to is not None:
        evidence = {
            "asked": subject.id,
            "hub_id": fact.moved_to.id,
            "new_url": fact.moved_to.url(endpoints),
            "redirects": data.get("redirects", []),
            "via": data.get("via"),
            "checked_at": data.get("checked_at"),
        }
        if org := data.get("org_renamed"):
            evidence["org_renamed"] = OrgRename.from_json(org)
        out.append(finding(Kind.MOVED, f"{subject.id} is now {fact.moved_to.id}", evidence, fact.moved_to))
    if data.get("disabled"):
        out.append(finding(Kind.DISABLED, f"{subject.id} is disabled on the Hub", {"status": data.get("status")}))
    if data.get("gated"):
        out.append(finding(Kind.GATED, f"{subject.id} is gated ({data['gated']})", {"gated": data["gated"]}))
    stage = data.get("stage")
    if stage in ASLEEP_STAGES:
        out.append(finding(Kind.ASLEEP, f"Space {subject.id} is {stage.lower()}", {"stage": stage}))
    elif stage in BROKEN_STAGES:
        out.append(finding(Kind.BROKEN, f"Space {subject.id} fails: {stage}", {"stage": stage}))
    return out


def license_findings(
    loaded: LoadedCatalog,
    facts: Mapping[Subject, Fact],
    locations: Mapping[Subject, list[Location]],
    endpoints: Endpoints,
) -> list[Finding]:
    """A checkpoint whose catalog license differs from the Hub's (only where the catalog states one)."""
    out: dict[Subject, Finding] = {}
    for _, _, entry in loaded.catalog.entries():
        for ckpt in entry.checkpoints:
            subject = Subject("hf-model", ckpt.hf)
            fact = facts.get(subject)
            if not ckpt.license or fact is None or not fact.exists or subject in out:
                continue
            now = fact.data.get("license")
            if not now or now.lower() == ckpt.license.lower():
                continue
            about, evidence = subject, typed(FieldChange("license", ckpt.license, now))
            if fact.moved_to is not None:
                about, evidence = fact.moved_to, evidence | {"alias": subject.id}
            evidence["url"] = about.url(endpoints)
            message = f"{about.id}: the license is {now} on the Hub, the list says {ckpt.license}"
            out[subject] = Finding(
                Kind.CHANGED, about, message, evidence, tuple(sorted(set(locations.get(subject, [])))), source=NAME
            )
    return list(out.values())
