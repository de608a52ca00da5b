"""New releases by tracked authors: the tracking rules, baselines and the ``new-release`` findings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.evidence import NewItem, typed
from listkeeper.findings import Finding, Kind, Location
from listkeeper.sources import tracking
from listkeeper.sources.hf.common import (
    NAME,
    NS_BASELINE,
    NS_COLLECTION,
    SUBJECT_KIND,
    Rule,
    Run,
)
from listkeeper.sources.hf.summary import created
from listkeeper.state import State
from listkeeper.subjects import Endpoints, Subject


def author_now(run: Run, rule: Rule) -> str:
    """The rule's author as the Hub knows it now (lower case): the new name of a renamed org."""
    author = rule.rule.author.lower()
    return run.renamed_owners.get(author, author).lower()


def baselines(state: State, run: Run, rules: list[Rule]) -> dict[str, dict[str, list[str]]]:
    """Baselines to create: the first listing of a tracked author (per kind) is remembered, not proposed."""
    out: dict[str, dict[str, list[str]]] = {}
    for kind, owner in sorted(run.fresh_listings):
        if not any(author_now(run, r) == owner and kind in r.rule.kinds for r in rules):
            continue
        current = out.get(owner) or dict(state.get(NS_BASELINE, owner) or {})
        if kind not in current and (listing := run.listings.get((kind, owner))) is not None:
            current[kind] = sorted(listing)
            out[owner] = current
    return out


def new_releases(
    loaded: LoadedCatalog,
    state: State,
    run: Run,
    rules: list[Rule],
    locations: Mapping[Subject, list[Location]],
    endpoints: Endpoints,
) -> list[Finding]:
    """``new-release`` findings: repos of tracked authors (and items of tracked collections) that are neither in
    the catalog nor dismissed nor in the author's baseline."""
    # Known: every catalog subject, and where the Hub says they live now (a renamed repo is not new).
    known = {str(s).lower() for s in locations}
    known |= {str(f.moved_to).lower() for f in run.facts.values() if f.moved_to is not None}
    dismissed = {d.lower() for d in state.dismissed()}
    dismissed |= {d.lower() for _, _, entry in loaded.catalog.entries() for d in entry.dismissed}
    skip = known | dismissed
    found: dict[Subject, Finding] = {}
    for rule in rules:
        author = author_now(run, rule)
        baseline = dict(state.get(NS_BASELINE, rule.rule.author.lower()) or {})
        for kind, ids in (state.get(NS_BASELINE, author) or {}).items():  # the renamed org's own baseline
            baseline[kind] = [*baseline.get(kind, []), *ids]
        for kind in rule.rule.kinds:
            listing = run.listings.get((kind, author))
            if listing is None or (rule.rule.since is None and kind not in baseline):
                continue  # not listed (failed) or first listing: it becomes the baseline
            known_names = {i.split("/", 1)[-1] for i in baseline.get(kind, ())}
            ordered = sorted(listing.values(), key=lambda s: s.get("created_at") or "", reverse=True)
            for summary in ordered:
                subject = Subject(SUBJECT_KIND[kind], summary["hub_id"])
                if str(subject).lower() in skip or not tracking.admits(rule.rule, summary["hub_id"]):
                    continue
                if rule.rule.since is not None:
                    if created(summary) is None or created(summary) < rule.rule.since:  # type: ignore[operator]
                        continue
                elif summary["hub_id"].split("/", 1)[-1].lower() in known_names:
                    continue
                found[subject] = release(subject, summary, rule, found.get(subject), endpoints)
    for slug, items in run.collection_items.items():
        stored = state.get(NS_COLLECTION, slug.lower())
        if not stored or Subject("hf-collection", slug) not in locations:
            continue  # first fetch: the items become the baseline
        for item in items:
            subject = Subject.parse(item["subject"])
            if item["subject"] in stored["baseline"] or item["subject"].lower() in skip:
                continue
            evidence = {
                **typed(NewItem.in_collection(subject.id, subject.kind, slug)),
                "url": subject.url(endpoints),
                "first_seen": stored.get("first_seen", {}).get(item["subject"], run.now.isoformat()),
                "note": item.get("note"),
                "likes": item.get("likes"),
                "downloads": item.get("downloads"),
            }
            locs = tuple(sorted(locations[Subject("hf-collection", slug)]))
            message = f"{subject.id} was added to the collection {slug}"
            found.setdefault(subject, Finding(Kind.NEW_RELEASE, subject, message, evidence, locs, source=NAME))
    return list(found.values())


def release(
    subject: Subject, summary: dict[str, Any], rule: Rule, earlier: Finding | None, endpoints: Endpoints
) -> Finding:
    if earlier is not None:  # matched by several entries' rules: one finding, every location
        locs = tuple(sorted({*earlier.locations, rule.location}))
        return Finding(earlier.kind, subject, earlier.message, earlier.evidence, locs, source=NAME)
    evidence = {
        **typed(NewItem(subject.id, subject.kind, summary.get("created_at"))),
        "url": subject.url(endpoints),
        "downloads": summary.get("downloads"),
        "likes": summary.get("likes"),
        "license": summary.get("license"),
        "entry": rule.entry_id,
        "author_now": subject.id.split("/", 1)[0],
        "rule": {
            "author": rule.rule.author,
            "include": rule.rule.include,
            "exclude": rule.rule.exclude,
            "kinds": rule.rule.kinds,
            "since": rule.rule.since.isoformat() if rule.rule.since else None,
        },
    }
    message = f"new {subject.kind.removeprefix('hf-')} by {rule.rule.author}: {subject.id}"
    return Finding(Kind.NEW_RELEASE, subject, message, evidence, (rule.location,), source=NAME)
