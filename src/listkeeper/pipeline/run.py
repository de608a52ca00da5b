"""One check run (:func:`check_list`): read the inputs, let the sources and the link checker answer within one
deadline, turn the answers into findings, apply the dead rule and record the run (unless nothing was checked), and
return the :class:`~listkeeper.report.model.CheckReport`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from listkeeper import carryover, deadline, memory, subjects
from listkeeper.catalog.refs import catalog_refs
from listkeeper.config import CheckConfig, Config
from listkeeper.findings import Finding, Kind
from listkeeper.links import badges as badge_check
from listkeeper.links.extract import extract_markdown
from listkeeper.links.status import CheckStats, LinkResult
from listkeeper.pipeline.answered import distrust_lone_nxdomain, nothing_checked
from listkeeper.pipeline.documents import MarkdownDoc, load_catalog_or_empty, read_documents
from listkeeper.pipeline.link_findings import link_findings
from listkeeper.pipeline.record import cached_ok, carried_first, record
from listkeeper.pipeline.targets import Targets, split_markdown
from listkeeper.report.model import CheckReport
from listkeeper.sources.base import Source
from listkeeper.state import open_state
from listkeeper.subjects import Subject

Only = Literal["all", "links", "sources"]


@dataclass
class CheckOptions:
    files: Sequence[Path] = ()
    only: Only = "all"
    strict: bool = False
    use_cache: bool = True
    on_result: Callable[[LinkResult], None] | None = None
    on_links: Callable[[int], None] | None = None  # called once with the number of URLs to request
    #: Subjects (``str(subject)``) to check again now: their cached ok result is not used, and when one is a
    #: source's subject the sources' fact cache is bypassed for this run (the dashboard's "re-check now").
    recheck: frozenset[str] = frozenset()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _badge_findings(docs: Sequence[MarkdownDoc], findings: Sequence[Finding]) -> list[Finding]:
    found = [badge for doc in docs for badge in badge_check.find_badges(doc.text, doc.file)]
    dead = {badge_check.subject_key(f.subject): f for f in findings if f.kind is Kind.DEAD and f.subject.kind != "url"}
    return badge_check.mismatches(found) + badge_check.missing_targets(found, dead)


def _within(check: CheckConfig, seconds: float) -> CheckConfig:
    """The link checker's settings with its deadline cut to what is left of the run (all of it may be spent: then
    no link is requested and each says so)."""
    return check.model_copy(update={"deadline": max(seconds, 1e-3)})


def check_list(
    cfg: Config,
    options: CheckOptions,
    *,
    env: Mapping[str, str] | None = None,
    sources: Sequence[Source] | None = None,
    now: datetime | None = None,
) -> CheckReport:
    """Run one check and return its report. Raises CatalogError/UsageError/StateLocked before any request.

    ``now`` stands for the current time in every decision (TTLs, the dead rule, recorded observations): tests
    and tools simulate the passing of hours with it.
    """
    from listkeeper.links.check import run_check as check_links
    from listkeeper.links.check import work_deadline
    from listkeeper.sources import adapters

    env = os.environ if env is None else env
    clock = time.monotonic()
    started = _utc(now) if now is not None else datetime.now(UTC)
    if not options.use_cache or any(not subject.startswith("url:") for subject in options.recheck):
        cfg = cfg.with_overrides(**{"sources.ttl_hours": 0.0})
    loaded = load_catalog_or_empty(cfg.path(cfg.catalog_dir), options.files, cfg.limits)
    refs = catalog_refs(loaded)
    docs = read_documents(options.files, cfg.path(cfg.output))
    md_links = [link for doc in docs if doc.check_links for link in extract_markdown(doc.text, doc.file, cfg.limits)]
    endpoints = subjects.Endpoints()
    with open_state(cfg.path(cfg.state_path)) as state:
        if options.only == "links":
            active: list[Source] = []
        else:
            active = list(sources) if sources is not None else adapters(cfg.sources, env)

        def covered(subject: Subject) -> bool:
            return any(source.wants(subject) for source in active)

        split = split_markdown(md_links, covered)
        targets = Targets()
        if options.only != "sources":
            for ref in refs:
                if not covered(ref.subject):
                    targets.add(ref.subject.url(endpoints), ref.subject, ref.location)
            for url, subject, location in split.links:
                targets.add(url, subject, location)
        ts = started.timestamp()
        cached = cached_ok(state, targets, cfg.check.ok_ttl_hours, ts, options.recheck) if options.use_cache else {}
        to_check = [url for url in targets.subject if url not in cached]
        to_check, carried = carried_first(to_check, carryover.pending(state))
        # One deadline for the whole run, sources included (check.deadline, or one that follows the work: see
        # links.check.work_deadline), counted from the start of check_list: every source request has a total budget
        # within it, and the link checker gets what is left.
        total = work_deadline(cfg.check, len(to_check))
        with deadline.run_deadline(total - (time.monotonic() - clock)):
            source_results = [source.run(loaded, [*refs, *split.refs], state, started) for source in active]
            links_left = deadline.budget(total)

        if options.on_links is not None:
            options.on_links(len(to_check))
        results, stats = (
            check_links(to_check, _within(cfg.check, links_left), on_result=options.on_result)
            if to_check
            else ({}, CheckStats())
        )
        stats.carried_over = carried
        stats.deadline = total  # the run's deadline (the link checker had what the sources left of it)
        results = distrust_lone_nxdomain(results, source_results)
        all_results = {**cached, **results}
        nothing = nothing_checked(all_results, source_results)
        findings = list(split.findings)
        findings += link_findings(all_results, targets)
        for result in source_results:
            findings += result.findings
        if not nothing:
            record(state, all_results, targets, source_results, started)
            carryover.replace(state, stats.unanswered, at=ts)
            findings = memory.apply_dead_rule(
                findings,
                state,
                checks=cfg.check.confirm_checks,
                hours=cfg.check.confirm_hours,
                strict=options.strict,
                now=ts,
            )
            findings += _badge_findings(docs, findings)
            with state.transaction():
                state.save_last_findings(findings)
        else:
            findings = [
                Finding(Kind.UNKNOWN, f.subject, f.message, f.evidence, f.locations, source=f.source)
                if f.kind is Kind.DEAD
                else f
                for f in findings
            ]
            findings += _badge_findings(docs, findings)
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
        finished=started + timedelta(seconds=time.monotonic() - clock),
        nothing_checked=nothing,
    )
