"""Findings from a paper's facts: invalid, unknown, dead, a new version, withdrawn, a title that differs from the
catalog's; and what the catalog states (titles, versions) to compare with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.evidence import FieldChange, VersionChange, typed
from listkeeper.findings import Finding, Kind, Location
from listkeeper.sources.arxiv.common import ABS_URL, NAME, SEEN_NS, Run, iso, split_version, valid_id
from listkeeper.sources.base import Fact
from listkeeper.state import State
from listkeeper.subjects import Subject


def judge(
    subject: Subject,
    locations: tuple[Location, ...],
    facts: Mapping[str, dict[str, Any] | None],
    unknown: Mapping[str, str],
    versions: Mapping[str, int],
    titles: Mapping[str, str],
    state: State,
    run: Run,
    api_url: str,
) -> None:
    """The paper's fact and findings, added to ``run.result``."""
    result = run.result
    base, _ = split_version(subject.id)

    def finding(kind: Kind, message: str, evidence: dict[str, Any]) -> None:
        result.findings.append(Finding(kind, subject, message, evidence, locations, source=NAME))

    if not valid_id(subject.id):
        result.facts[subject] = Fact(subject, None, data={"error": "malformed arXiv id"})
        finding(Kind.INVALID, f"{subject.id!r} is not a valid arXiv id; not sent to arXiv", {"id": subject.id})
        return
    if base in unknown:
        result.facts[subject] = Fact(subject, None, data={"error": unknown[base]})
        finding(Kind.UNKNOWN, f"arXiv could not answer for {base}", {"reason": unknown[base]})
        return
    data = facts[base]
    if data is None:
        result.facts[subject] = Fact(subject, False)
        finding(
            Kind.DEAD,
            f"arXiv {base} is absent from the arXiv API's answer to an id_list query",
            {"reason": "absent from id_list feed", "api": api_url, "observed": iso(run.now)},
        )
        return
    result.facts[subject] = Fact(subject, True, data=dict(data), reused=base in run.reused)
    url = f"{ABS_URL}{base}{data['version']}"
    seen = state.get(SEEN_NS, base)
    if seen is None or seen.get("version") != data["version"]:
        run.writes.append((SEEN_NS, base, {"version": data["version"], "updated": data["updated"]}))
    listed = versions.get(base)
    if listed is not None:  # the list states what it knows: compare with that, from the first run on
        if _vnum(data["version"]) > listed:
            finding(
                Kind.NEW_VERSION,
                f"arXiv {base} has a new version {data['version']} (the list has v{listed})",
                {
                    **typed(VersionChange.listed(f"v{listed}", data["version"])),
                    "updated": data["updated"],
                    "url": url,
                },
            )
    elif seen is not None and _vnum(data["version"]) > _vnum(seen.get("version")):
        finding(
            Kind.NEW_VERSION,
            f"arXiv {base} has a new version {data['version']} (last seen {seen.get('version')})",
            {**typed(VersionChange(seen.get("version"), data["version"])), "updated": data["updated"], "url": url},
        )
    if data["withdrawn"]:
        reason = " ".join((data.get("comment") or "").split()) or "withdrawn (no reason given)"
        finding(
            Kind.WITHDRAWN,
            f"arXiv {base} ({data['version']}) is withdrawn: {reason}",
            {
                "version": data["version"],
                "comment": data.get("comment") or "",
                "reason": reason,
                "updated": data["updated"],
                "url": url,
            },
        )
    old = titles.get(base)
    if old is not None and _norm_title(old) != _norm_title(data["title"]):
        finding(
            Kind.CHANGED,
            f"arXiv {base}: the title differs from the catalog",
            {**typed(FieldChange("title", old, data["title"])), "url": url},
        )


def catalog_titles(loaded: LoadedCatalog) -> dict[str, str]:
    titles: dict[str, str] = {}
    for _, _, entry in loaded.catalog.entries():
        for paper in entry.papers:
            if paper.arxiv and paper.title:
                titles.setdefault(split_version(paper.arxiv)[0], paper.title)
    return titles


def catalog_versions(loaded: LoadedCatalog) -> dict[str, int]:
    """base id -> the highest version the catalog states for it (suffix or ``version``)."""
    versions: dict[str, int] = {}
    for _, _, entry in loaded.catalog.entries():
        for paper in entry.papers:
            if paper.arxiv and (listed := paper.listed_version) is not None:
                base = split_version(paper.arxiv)[0]
                versions[base] = max(versions.get(base, 0), listed)
    return versions


def _norm_title(title: str) -> str:
    return " ".join(title.split()).casefold().rstrip(".")


def _vnum(version: str | None) -> int:
    return int(version[1:]) if version and version[1:].isdigit() else 0
