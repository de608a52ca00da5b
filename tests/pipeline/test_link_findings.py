"""Link results → findings: which verdicts are reported, and as what."""

from __future__ import annotations

from listkeeper.evidence import LinkEvidence, typed
from listkeeper.findings import Kind, Location
from listkeeper.links.status import LinkResult, Verdict
from listkeeper.pipeline.link_findings import link_findings
from listkeeper.pipeline.targets import Targets
from listkeeper.subjects import url


def test_excluded_links_are_silent_and_forbidden_ones_blocked() -> None:
    """The verdict alone tells a link excluded by a rule (silent) from one refused for its address (``blocked``):
    no exclude pattern is needed to tell them apart."""
    targets = Targets()
    where = Location("README.md", 3)
    excluded = LinkResult("https://skip.example/", Verdict.EXCLUDED, detail="matches exclude rule '/skip'")
    forbidden = LinkResult("http://10.0.0.1/admin", Verdict.FORBIDDEN, detail="private address: 10.0.0.1")
    for result in (excluded, forbidden):
        targets.add(result.url, url(result.url), where)
    findings = link_findings({r.url: r for r in (excluded, forbidden)}, targets)
    link = LinkEvidence.of("forbidden", "private address: 10.0.0.1")
    assert [(f.kind, f.subject, f.evidence) for f in findings] == [
        (Kind.BLOCKED, url("http://10.0.0.1/admin"), {"url": "http://10.0.0.1/admin", **typed(link)})
    ]
