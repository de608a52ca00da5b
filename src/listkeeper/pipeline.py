"""``listkeeper check`` as a pipeline: catalog → sources and links → findings (with memory) → report.

Sources answer for the typed subjects they know (Hub repos, arXiv papers, GitHub repos) in batches; the link
checker requests only what no source covers (plain URLs, Markdown files given on the command line, and, with
``--only links``, every canonical URL). Every verdict is recorded in the state store, then the memory rule turns
dead evidence into DEAD findings only when confirmed over time.

When nothing could be checked (no network: every request failed to connect and every source was unavailable) the
run says so, marks nothing dead and writes no state.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from listkeeper import memory, subjects
from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.catalog.refs import Ref, catalog_refs
from listkeeper.config import Config
from listkeeper.errors import UsageError
from listkeeper.findings import Finding, Kind, Location
from listkeeper.links.extract import ExtractedLink, extract_markdown
from listkeeper.links.status import CheckStats, LinkResult, Verdict
from listkeeper.report import CheckReport
from listkeeper.sources.base import Source, SourceResult
from listkeeper.state import State, open_state
from listkeeper.subjects import Subject

Only = Literal["all", "links", "sources"]

#: Link verdicts → the finding kind that reports them (OK and EXCLUDED report nothing).
_VERDICT_KIND: dict[Verdict, Kind] = {
    Verdict.DEAD: Kind.DEAD,
    Verdict.REDIRECTED: Kind.MOVED,
    Verdict.BLOCKED: Kind.BLOCKED,
    Verdict.RATE_LIMITED: Kind.RATE_LIMITED,
    Verdict.TIMEOUT: Kind.TIMEOUT,
    Verdict.ERROR: Kind.ERROR,
    Verdict.INVALID: Kind.INVALID,
}


@dataclass
class CheckOptions:
    files: Sequence[Path] = ()
    only: Only = "all"
    strict: bool = False
    use_cache: bool = True
    on_result: Callable[[LinkResult], None] | None = None
    on_links: Callable[[int], None] | None = None  # called once with the number of URLs to request


@dataclass
class _Targets:
    """What the link checker requests: URL → the subject it stands for and where it is used."""

    subject: dict[str, Subject] = field(default_factory=dict)
    locations: dict[str, list[Location]] = field(default_factory=lambda: defaultdict(list))

    def add(self, url: str, subject: Subject, location: Location) -> None:
        self.subject.setdefault(url, subject)
        self.locations[url].append(location)


def read_markdown(files: Sequence[Path]) -> list[ExtractedLink]:
    links: list[ExtractedLink] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"{path}: no such file") from None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        links += extract_markdown(text, path.as_posix())
    return links


def _link_targets(
    refs: Sequence[Ref], covered: Callable[[Subject], bool], md_links: Sequence[ExtractedLink], endpoints: Any
) -> tuple[_Targets, list[Finding]]:
    targets = _Targets()
    findings: list[Finding] = []
    for ref in refs:
        if not covered(ref.subject):
            targets.add(ref.subject.url(endpoints), ref.subject, ref.location)
    for link in md_links:
        if link.url == "":
            findings.append(
                Finding(Kind.EMPTY_LINK, subjects.url(""), "empty link target", {}, (link.location,), source="links")
            )
            continue
        targets.add(link.url, subjects.url(link.url), link.location)
    return targets, findings


def _same_kind_subject(subject: Subject, final_url: str) -> Subject:
    """The subject a redirect target stands for: a typed subject stays typed when the target is of its kind."""
    from listkeeper.importer.classify import classify, is_http

    if subject.kind != "url" and is_http(final_url):
        moved = classify(final_url).subject
        if moved.kind == subject.kind:
            return moved
    return subjects.url(final_url)


def link_findings(results: Mapping[str, LinkResult], targets: _Targets) -> list[Finding]:
    findings = []
    for url, result in results.items():
        kind = _VERDICT_KIND.get(result.verdict)
        if kind is None:
            continue
        subject = targets.subject[url]
        evidence: dict[str, Any] = {"url": url, "verdict": result.verdict.value, "detail": result.detail}
        if result.status is not None:
            evidence["status"] = result.status
        if result.chain:
            evidence["chain"] = [[hop.status, hop.url] for hop in result.chain]
        if result.cached:
            evidence["cached"] = True
        new_subject = None
        message = result.detail or result.verdict.value
        if kind is Kind.MOVED:
            if not result.final_url:
                continue
            new_subject = _same_kind_subject(subject, result.final_url)
            evidence["final_url"] = result.final_url
            message = f"permanently redirected to {result.final_url}"
        locations = tuple(sorted(set(targets.locations[url])))
        findings.append(Finding(kind, subject, message, evidence, locations, new_subject, source="links"))
    return findings


def _run_sources(
    sources: Sequence[Source], loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime
) -> list[SourceResult]:
    return [source.run(loaded, refs, state, now) for source in sources]


def _nothing_checked(results: Mapping[str, LinkResult], source_results: Sequence[SourceResult]) -> bool:
    """True when there was something to check and no answer at all came back."""
    requested = [r for r in results.values() if not r.cached and r.verdict is not Verdict.EXCLUDED]
    facts = [f for s in source_results for f in s.facts.values()]
    if not requested and not facts:
        return False
    links_silent = all(r.verdict in (Verdict.ERROR, Verdict.TIMEOUT) and r.status is None for r in requested)
    sources_silent = all(f.exists is None for f in facts) and all(
        s.unavailable for s in source_results if s.facts or s.requests
    )
    return links_silent and sources_silent


def _record(
    state: State, results: Mapping[str, LinkResult], targets: _Targets, sources: Sequence[SourceResult], at: float
) -> None:
    with state.transaction():
        for url, result in results.items():
            if result.cached or result.verdict in (Verdict.EXCLUDED, Verdict.INVALID):
                continue
            memory.record(
                state,
                memory.evidence_key(targets.subject[url]),
                result.verdict.value,
                status=result.status,
                final_url=result.final_url,
                detail=result.detail,
                at=at,
            )
        for source in sources:
            for fact in source.facts.values():
                memory.record_fact(state, fact, at=at)


def _cached(state: State, targets: _Targets, ttl_hours: float, now: float) -> dict[str, LinkResult]:
    cached = {}
    for url, subject in targets.subject.items():
        hit = memory.fresh_ok(state, memory.evidence_key(subject), ttl_hours=ttl_hours, now=now)
        if hit is not None:
            cached[url] = LinkResult(url, hit.verdict, hit.status, hit.final_url, detail=hit.detail, cached=True)
    return cached


def run_check(
    cfg: Config,
    options: CheckOptions,
    *,
    env: Mapping[str, str] | None = None,
    sources: Sequence[Source] | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Run one check and return its report. Raises CatalogError/UsageError/StateLocked before any request."""
    from listkeeper.links.check import run_check as check_links
    from listkeeper.sources import build_all

    env = os.environ if env is None else env
    started = now or datetime.now(UTC)
    loaded = load_catalog(cfg.path(cfg.catalog_dir))
    refs = catalog_refs(loaded)
    md_links = read_markdown(options.files) if options.only != "sources" else []
    endpoints = subjects.Endpoints()
    with open_state(cfg.path(cfg.state_path)) as state:
        if options.only != "links":
            active = list(sources) if sources is not None else build_all(cfg.sources, env)
        else:
            active = []
        source_results = _run_sources(active, loaded, refs, state, started)

        def covered(subject: Subject) -> bool:
            return any(source.wants(subject) for source in active)

        targets, findings = _link_targets(refs, covered, md_links, endpoints)
        if options.only == "sources":
            targets = _Targets()
        ts = started.timestamp()
        cached = _cached(state, targets, cfg.check.ok_ttl_hours, ts) if options.use_cache else {}
        to_check = [url for url in targets.subject if url not in cached]
        if options.on_links is not None:
            options.on_links(len(to_check))
        results, stats = (
            check_links(to_check, cfg.check, on_result=options.on_result) if to_check else ({}, CheckStats())
        )
        all_results = {**cached, **results}
        nothing = _nothing_checked(all_results, source_results)
        findings += link_findings(all_results, targets)
        for result in source_results:
            findings += result.findings
        if not nothing:
            _record(state, all_results, targets, source_results, ts)
            findings = memory.apply_dead_rule(
                findings,
                state,
                checks=cfg.check.confirm_checks,
                hours=cfg.check.confirm_hours,
                strict=options.strict,
                now=ts,
            )
            with state.transaction():
                state.put("runs", "last-findings", [f.to_json() for f in findings])
        else:
            findings = [
                Finding(Kind.UNKNOWN, f.subject, f.message, f.evidence, f.locations, source=f.source)
                if f.kind is Kind.DEAD
                else f
                for f in findings
            ]
    locations = {url: sorted(set(locs)) for url, locs in targets.locations.items()}
    return CheckReport(
        results=[all_results[url] for url in sorted(all_results)],
        locations=locations,
        findings=findings,
        stats=stats,
        sources={
            r.source: {"requests": r.requests, "unavailable": r.unavailable, "subjects": len(r.facts)}
            for r in source_results
        },
        started=started,
        finished=datetime.now(UTC),
        nothing_checked=nothing,
    )
