"""``listkeeper check`` as a pipeline: catalog → sources and links → findings (with memory) → report.

Sources answer for the typed subjects they know (Hub repos, arXiv papers, GitHub repos) in batches; the link
checker requests only what no source covers (plain URLs, Markdown files given on the command line, and, with
``--only links``, every canonical URL). Every verdict is recorded in the state store, then the memory rule turns
dead evidence into DEAD findings only when confirmed over time.

Markdown files given on the command line are read once and used three ways: a link whose URL is the canonical URL
of a subject a source answers (``https://huggingface.co/O/N``, ``https://github.com/O/R``, ``https://arxiv.org/abs/ID``)
is handed to that source as one more reference (so the batch answers it, with the Markdown line among the finding's
locations) instead of being requested; every other http(s) link is requested once however often it is used; an
empty link ``[x]()`` is an ``empty-link`` finding, never a request.

Badges (:mod:`listkeeper.links.badges`, pure, no request) are checked in the Markdown files given *and* in the
rendered list (``config.output``, e.g. ``catalog/README.md``) when it exists, since that file's badges are the ones
the renderer promises to keep right. A badge whose target subject has a ``dead`` finding (confirmed, or ``--strict``)
is a ``badge-mismatch`` at the badge's line too. The rendered list's *links* are requested only when the file is
given on the command line (its typed links are the catalog's own subjects; its badge images are plain links then).

``--no-cache`` re-asks everything: links found ok within ``check.ok_ttl_hours`` and the sources' facts within
``sources.ttl_hours``.

"Nothing checked" means something was asked and nothing answered: no link request got an HTTP response (refused,
reset, timed out, or DNS failed, NXDOMAIN included, since a resolver that knows no host at all is no evidence about
any one link) and no source got a fresh answer (facts reused from the state store are not answers). Then the run
says so (exit 3), marks nothing dead (dead evidence becomes ``unknown``), and records nothing in the state store.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from listkeeper import carryover, deadline, memory, subjects
from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.catalog.model import Catalog
from listkeeper.catalog.refs import Ref, Role, catalog_refs
from listkeeper.config import CheckConfig, Config, LimitsConfig
from listkeeper.errors import UsageError
from listkeeper.findings import Finding, Kind, Location, Origin
from listkeeper.links import badges as badge_check
from listkeeper.links.extract import ExtractedLink, extract_markdown
from listkeeper.links.status import CheckStats, LinkResult, Verdict
from listkeeper.report.model import CheckReport
from listkeeper.sources.base import Fact, Source, SourceResult
from listkeeper.state import State, open_state
from listkeeper.subjects import Subject
from listkeeper.urls import classify, is_http

Only = Literal["all", "links", "sources"]

#: Link verdicts → the finding kind that reports them (OK and EXCLUDED report nothing). A link refused for its
#: address (private, loopback, or a redirect there) is reported as ``blocked``: a list link that leads into a
#: private network is something a reviewer should see.
_VERDICT_KIND: dict[Verdict, Kind] = {
    Verdict.DEAD: Kind.DEAD,
    Verdict.REDIRECTED: Kind.MOVED,
    Verdict.BLOCKED: Kind.BLOCKED,
    Verdict.RATE_LIMITED: Kind.RATE_LIMITED,
    Verdict.TIMEOUT: Kind.TIMEOUT,
    Verdict.ERROR: Kind.ERROR,
    Verdict.INVALID: Kind.INVALID,
    Verdict.FORBIDDEN: Kind.BLOCKED,
}
#: Link verdicts that are not requests (nothing was sent).
_NOT_SENT = frozenset({Verdict.EXCLUDED, Verdict.FORBIDDEN, Verdict.INVALID})


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


@dataclass
class _Targets:
    """What the link checker requests: URL → the subject it stands for and where it is used."""

    subject: dict[str, Subject] = field(default_factory=dict)
    locations: dict[str, list[Location]] = field(default_factory=lambda: defaultdict(list))

    def add(self, url: str, subject: Subject, location: Location) -> None:
        self.subject.setdefault(url, subject)
        self.locations[url].append(location)


@dataclass(frozen=True)
class MarkdownDoc:
    """One Markdown file as read for a run: its name in findings, its text, and whether its links are checked."""

    file: str
    text: str
    check_links: bool = True


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a Markdown file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def read_documents(files: Sequence[Path], rendered: Path | None = None) -> list[MarkdownDoc]:
    """The Markdown files given (links and badges checked), plus the rendered list when it exists and is not among
    them (badges only). Bad input is a :class:`UsageError` naming the file, raised before any request."""
    docs = [MarkdownDoc(path.as_posix(), _read(path)) for path in files]
    given = {path.resolve() for path in files}
    if rendered is not None and rendered.is_file() and rendered.resolve() not in given:
        docs.append(MarkdownDoc(rendered.as_posix(), _read(rendered), check_links=False))
    return docs


def _typed(url: str) -> Subject | None:
    """The typed subject a Markdown URL names when it is exactly that subject's canonical URL, else None: a deeper
    URL (``/tree/main/x``, ``/pdf/ID``) is a page of its own and is requested like any other link."""
    if not is_http(url):
        return None
    subject = classify(url).subject
    if subject.kind == "url" or subject.url() not in (url, url.rstrip("/")):
        return None
    return subject


@dataclass
class _MarkdownSplit:
    refs: list[Ref] = field(default_factory=list)  # answered by a source
    links: list[tuple[str, Subject, Location]] = field(default_factory=list)  # requested
    findings: list[Finding] = field(default_factory=list)  # empty links, links nested too deep


def _split_markdown(links: Sequence[ExtractedLink], covered: Callable[[Subject], bool]) -> _MarkdownSplit:
    split = _MarkdownSplit()
    for link in links:
        if link.url == "":
            split.findings.append(
                Finding(
                    Kind.EMPTY_LINK, subjects.url(""), "empty link target", {}, (link.location,), source=Origin.LINKS
                )
            )
            continue
        if link.kind == "deep":
            message = (
                "nested deeper than the Markdown parser follows: found by a raw scan of the text, checked as a URL"
            )
            split.findings.append(
                Finding(Kind.TOO_DEEP, subjects.url(link.url), message, {}, (link.location,), source=Origin.LINKS)
            )
        typed = _typed(link.url)
        if typed is not None and covered(typed):
            split.refs.append(Ref(typed, link.location, "", Role.MARKDOWN))
        else:
            split.links.append((link.url, typed or subjects.url(link.url), link.location))
    return split


def _same_kind_subject(subject: Subject, final_url: str) -> Subject:
    """The subject a redirect target stands for: a typed subject stays typed when the target is of its kind."""
    if subject.kind != "url" and is_http(final_url):
        moved = classify(final_url).subject
        if moved.kind == subject.kind:
            return moved
    return subjects.url(final_url)


def link_findings(results: Mapping[str, LinkResult], targets: _Targets) -> list[Finding]:
    """One finding per link result worth reporting (:data:`_VERDICT_KIND`). A link excluded by an ``exclude``
    rule is silent (the maintainer asked for that)."""
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
        findings.append(Finding(kind, subject, message, evidence, locations, new_subject, source=Origin.LINKS))
    return findings


# -- "nothing checked" ------------------------------------------------------------------------------------------


def _fresh_answer(fact: Fact) -> bool:
    """True when a fact is this run's answer from the service: it says yes or no, and was not reused."""
    return fact.exists is not None and not fact.reused


def _source_answered(result: SourceResult) -> bool:
    """True when the service answered at least one question in this run."""
    if result.requests == 0:
        return False
    if result.unavailable is None:
        return True
    return any(_fresh_answer(fact) for fact in result.facts.values())


def _named_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return bool(host)
    return False


def distrust_lone_nxdomain(
    results: Mapping[str, LinkResult], source_results: Sequence[SourceResult]
) -> dict[str, LinkResult]:
    """NXDOMAIN is dead evidence only when name resolution demonstrably worked in the same run.

    A resolver that answers "no such host" for every name (no network, a sandbox, a broken resolv.conf) would
    otherwise make every link dead, and an intercepting proxy that answers for IP addresses would hide that from
    :func:`nothing_checked`. So unless some link on a *named* host got an HTTP answer, or a source answered, a
    DNS-dead result (DEAD without an HTTP status) becomes ERROR.
    """
    resolved = any(r.status is not None and _named_host(r.url) for r in results.values()) or any(
        _source_answered(s) for s in source_results
    )
    if resolved:
        return dict(results)
    return {
        url: replace(r, verdict=Verdict.ERROR, detail=f"{r.detail}; not evidence: no host name resolved in this run")
        if r.verdict is Verdict.DEAD and r.status is None
        else r
        for url, r in results.items()
    }


def nothing_checked(results: Mapping[str, LinkResult], source_results: Sequence[SourceResult]) -> bool:
    """True when something was asked and nothing answered (see the module docstring)."""
    requested = [r for r in results.values() if not r.cached and r.verdict not in _NOT_SENT]
    asked = bool(requested) or any(s.requests or s.unavailable for s in source_results)
    if not asked:
        return False
    links_answered = any(r.status is not None for r in requested)
    return not links_answered and not any(_source_answered(s) for s in source_results)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# -- state --------------------------------------------------------------------------------------------------------


def _record(
    state: State,
    results: Mapping[str, LinkResult],
    targets: _Targets,
    sources: Sequence[SourceResult],
    now: datetime,
) -> None:
    """Record this run's observations: link results that were requested, and facts the sources asked for now.

    Reused results are not observations: a link found ok within the TTL or a fact from a source's cache says
    nothing new, and recording it again would, for instance, end a dead streak of the same subject without
    evidence (link checks and source facts share the subject's key).
    """
    at = now.timestamp()
    with state.transaction():
        for url, result in results.items():
            if result.cached or result.verdict in _NOT_SENT:
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
                if not fact.reused:
                    memory.record_fact(state, fact, at=at)


def _cached(
    state: State, targets: _Targets, ttl_hours: float, now: float, recheck: frozenset[str] = frozenset()
) -> dict[str, LinkResult]:
    cached = {}
    for url, subject in targets.subject.items():
        if str(subject) in recheck:
            continue
        hit = memory.fresh_ok(state, memory.evidence_key(subject), ttl_hours=ttl_hours, now=now)
        if hit is not None:
            cached[url] = LinkResult(url, hit.verdict, hit.status, hit.final_url, detail=hit.detail, cached=True)
    return cached


def _carried_first(to_check: list[str], left: list[str]) -> tuple[list[str], int]:
    """``to_check`` with the URLs a previous run left unanswered first (in their order), and how many those are."""
    wanted = set(to_check)
    first = [url for url in left if url in wanted]
    firsts = set(first)
    return first + [url for url in to_check if url not in firsts], len(first)


# -- badges -------------------------------------------------------------------------------------------------------


def _badge_findings(docs: Sequence[MarkdownDoc], findings: Sequence[Finding]) -> list[Finding]:
    found = [badge for doc in docs for badge in badge_check.find_badges(doc.text, doc.file)]
    dead = {badge_check.subject_key(f.subject): f for f in findings if f.kind is Kind.DEAD and f.subject.kind != "url"}
    return badge_check.mismatches(found) + badge_check.missing_targets(found, dead)


# -- the run ------------------------------------------------------------------------------------------------------


def _within(check: CheckConfig, seconds: float) -> CheckConfig:
    """The link checker's settings with its deadline cut to what is left of the run (all of it may be spent: then
    no link is requested and each says so)."""
    return check.model_copy(update={"deadline": max(seconds, 1e-3)})


def load_catalog_or_empty(
    catalog_dir: Path, files: Sequence[Path], limits: LimitsConfig | None = None
) -> LoadedCatalog:
    """The catalog; or, when there is no catalog directory at all but Markdown files were given, an empty one, so
    ``listkeeper check README.md`` works on any list. A catalog that exists but is invalid is always an error."""
    if not catalog_dir.exists() and files:
        return LoadedCatalog(catalog_dir, Catalog(families={}), {})
    return load_catalog(catalog_dir, limits=limits or LimitsConfig())


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

        split = _split_markdown(md_links, covered)
        targets = _Targets()
        if options.only != "sources":
            for ref in refs:
                if not covered(ref.subject):
                    targets.add(ref.subject.url(endpoints), ref.subject, ref.location)
            for url, subject, location in split.links:
                targets.add(url, subject, location)
        ts = started.timestamp()
        cached = _cached(state, targets, cfg.check.ok_ttl_hours, ts, options.recheck) if options.use_cache else {}
        to_check = [url for url in targets.subject if url not in cached]
        to_check, carried = _carried_first(to_check, carryover.pending(state))
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
            _record(state, all_results, targets, source_results, started)
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
