"""Link results → findings: which verdict is reported as which kind, and what a redirect proposes instead."""

from __future__ import annotations

from collections.abc import Mapping

from listkeeper import subjects
from listkeeper.evidence import LinkEvidence, typed
from listkeeper.findings import Finding, Kind, Origin
from listkeeper.links.status import LinkResult, Verdict
from listkeeper.pipeline.targets import Targets
from listkeeper.subjects import Subject
from listkeeper.urls import classify, is_http

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


def _same_kind_subject(subject: Subject, final_url: str) -> Subject:
    """The subject a redirect target stands for: a typed subject stays typed when the target is of its kind."""
    if subject.kind != "url" and is_http(final_url):
        moved = classify(final_url).subject
        if moved.kind == subject.kind:
            return moved
    return subjects.url(final_url)


def link_findings(results: Mapping[str, LinkResult], targets: Targets) -> list[Finding]:
    """One finding per link result worth reporting (:data:`_VERDICT_KIND`). A link excluded by an ``exclude``
    rule is silent (the maintainer asked for that)."""
    findings = []
    for url, result in results.items():
        kind = _VERDICT_KIND.get(result.verdict)
        if kind is None:
            continue
        subject = targets.subject[url]
        new_subject: Subject | None = None
        final_url: str | None = None
        message = result.detail or result.verdict.value
        if kind is Kind.MOVED:
            if not result.final_url:
                continue
            new_subject = _same_kind_subject(subject, result.final_url)
            final_url = result.final_url
            message = f"permanently redirected to {result.final_url}"
        chain = tuple((hop.status, hop.url) for hop in result.chain)
        seen = LinkEvidence.of(result.verdict.value, result.detail, result.status, chain, result.cached, final_url)
        evidence = {"url": url, **typed(seen)}
        locations = tuple(sorted(set(targets.locations[url])))
        findings.append(Finding(kind, subject, message, evidence, locations, new_subject, source=Origin.LINKS))
    return findings
