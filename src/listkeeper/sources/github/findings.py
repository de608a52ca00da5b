"""Findings from what a repository turned out to be: unknown, dead, moved, archived, disabled, a new release or
tag of a tracked repository, a license that differs from the list's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.catalog.model import CodeRepo
from listkeeper.evidence import FieldChange, Release, reason, typed
from listkeeper.findings import Finding, Kind
from listkeeper.sources.base import Fact, SourceResult
from listkeeper.sources.github.common import NAME, SEEN_NS, Outcome, Repo, Writes
from listkeeper.state import State
from listkeeper.subjects import Subject

_Add = Callable[..., None]  # finding(kind, message, evidence, new=None)


def judge(
    repo: Repo,
    outcome: Outcome,
    result: SourceResult,
    state: State,
    writes: Writes,
    now: datetime,
    licenses: Mapping[str, str] | None = None,
) -> None:
    """The repository's fact and findings, added to ``result``."""
    subject = repo.subject
    licenses = licenses or {}
    locations = tuple(sorted(set(repo.locations)))

    def finding(kind: Kind, message: str, evidence: dict[str, Any], new: Subject | None = None) -> None:
        about = subject
        if moved is not None and kind is not Kind.MOVED:  # about the repo under its new name; old as alias
            about, evidence = moved, {**evidence, "alias": repo.name}
        result.findings.append(Finding(kind, about, message, evidence, locations, new, source=NAME))

    moved: Subject | None = None

    if outcome.exists is None:
        result.facts[subject] = Fact(subject, None, data={"error": reason(outcome.evidence) or ""})
        finding(Kind.UNKNOWN, f"GitHub could not answer for {repo.name}", outcome.evidence)
        return
    if not outcome.exists:
        result.facts[subject] = Fact(subject, False)
        evidence = {**outcome.evidence, "observed": now.isoformat()}
        finding(Kind.DEAD, f"GitHub repository {repo.name} was not found", evidence)
        return
    data = outcome.data
    full_name = data.get("full_name") or repo.name
    moved = Subject("github", full_name) if full_name.lower() != repo.name.lower() else None
    result.facts[subject] = Fact(subject, True, moved_to=moved, data=dict(data), reused=outcome.cached)
    if moved is not None:
        finding(
            Kind.MOVED,
            f"GitHub repository {repo.name} is now {full_name}",
            {"from": repo.name, "to": full_name, "via": data.get("via", ""), "url": data.get("url")},
            moved,
        )
    if data.get("archived"):
        finding(Kind.ARCHIVED, f"GitHub repository {full_name} is archived", {"url": data.get("url")})
    if data.get("disabled"):
        finding(Kind.DISABLED, f"GitHub repository {full_name} is disabled", {"url": data.get("url")})
    if repo.tracked and "latest" in data:
        _new_release(repo, data["latest"], state, writes, finding)
    listed_license = licenses.get(repo.name.lower())
    if listed_license and data.get("license") and data["license"] != listed_license:
        finding(
            Kind.CHANGED,
            f"GitHub repository {full_name}: the license is {data['license']}, the list says {listed_license}",
            {**typed(FieldChange("license", listed_license, data["license"])), "url": data.get("url")},
        )


def _new_release(repo: Repo, latest: dict[str, Any] | None, state: State, writes: Writes, finding: _Add) -> None:
    tag = latest["tag"] if latest else None
    seen = state.get(SEEN_NS, repo.name)
    if seen is None or seen.get("tag") != tag:
        writes.append((SEEN_NS, repo.name, {"tag": tag}))
    if repo.listed_release is not None:  # the list states what it knows: compare with that, from the first run
        if latest is not None and latest.get("kind") == "release" and tag != repo.listed_release:
            finding(
                Kind.NEW_RELEASE,
                f"GitHub repository {repo.name} has a new release {tag} (the list has {repo.listed_release})",
                {
                    **typed(Release.listed(tag, latest.get("published_at"))),
                    "url": latest.get("url"),
                    "previous": repo.listed_release,
                },
            )
        return
    if seen is not None and latest is not None and seen.get("tag") != tag:
        finding(
            Kind.NEW_RELEASE,
            f"GitHub repository {repo.name} has a new {latest.get('kind', 'release')} {tag}",
            {**typed(Release(tag, latest.get("published_at"))), "url": latest.get("url"), "previous": seen.get("tag")},
        )


def listed_licenses(loaded: LoadedCatalog) -> dict[str, str]:
    """lower-cased owner/name -> the license the list states for that code repo."""
    return {
        item.repo.lower(): item.license
        for _, _, entry in loaded.catalog.entries()
        for item in entry.code
        if isinstance(item, CodeRepo) and item.license
    }
