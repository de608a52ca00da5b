"""A check report with one of everything (results, locations, findings, stats, sources), for the format tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from listkeeper.findings import Finding, Kind, Location
from listkeeper.links.status import CheckStats, Hop, LinkResult, Verdict
from listkeeper.report.model import CheckReport
from listkeeper.subjects import hf_model, url

HOSTILE = "pipe | here\nnew line <script>alert(1)</script> [click](javascript:alert(1)) *bold* `code`"


def sample_stats() -> CheckStats:
    stats = CheckStats(requests=6, rate_limited=1, retries=2, wall=3.21234)
    stats.by_host.update({"gone.example": 1, "ok.example": 1, "old.example": 2, "slow.example": 1, "wall.example": 1})
    stats.max_in_flight.update({"ok.example": 1, "old.example": 1})
    stats.host_time.update(
        {"a.example": 0.1, "gone.example": 0.5, "ok.example": 0.2, "old.example": 1.0, "slow.example": 9.87654, "b": 3}
    )
    return stats


def sample_report(**changes: object) -> CheckReport:
    results = [
        LinkResult("https://ok.example/", Verdict.OK, status=200, detail="HTTP 200", elapsed=0.2),
        LinkResult("https://gone.example/x", Verdict.DEAD, status=404, detail="HTTP 404", attempts=1, elapsed=0.5),
        LinkResult(
            "https://old.example/a",
            Verdict.REDIRECTED,
            status=200,
            final_url="https://new.example/a",
            chain=(Hop(301, "https://new.example/a"),),
            detail="301 → https://new.example/a",
            elapsed=1.0,
        ),
        LinkResult("https://wall.example/", Verdict.BLOCKED, status=403, detail="Cloudflare challenge"),
        LinkResult("https://fresh.example/", Verdict.OK, status=200, cached=True),
    ]
    locations = {
        "https://ok.example/": [Location("README.md", 3)],
        "https://gone.example/x": [Location("README.md", 9), Location("README.md", 7), Location("catalog/a.yaml", 4)],
        "https://old.example/a": [Location("catalog/a.yaml", 12, "entries[0].links[0].url")],
        "https://wall.example/": [Location("README.md", 20)],
    }
    findings = [
        Finding(Kind.SUSPECT, hf_model("o/n"), "repository not found (dead 1 of 2 checks)", source="hf"),
        Finding(
            Kind.MOVED,
            url("https://old.example/a"),
            "permanent redirect",
            locations=(Location("catalog/a.yaml", 12, "entries[0].links[0].url"),),
            new_subject=url("https://new.example/a"),
            source="links",
        ),
        Finding(
            Kind.DEAD,
            url("https://gone.example/x"),
            "HTTP 404",
            evidence={"status": 404},
            locations=(Location("README.md", 9), Location("README.md", 7)),
            source="links",
        ),
        Finding(Kind.GATED, hf_model("o/gated"), "gated repository", source="hf"),
    ]
    base = CheckReport(
        results=results,
        locations=locations,
        findings=findings,
        stats=sample_stats(),
        sources={"hf": {"requests": 2, "unavailable": None}, "arxiv": {"requests": 0, "unavailable": "HTTP 503"}},
        started=datetime(2025, 6, 1, 2, 0, 0, tzinfo=UTC),
        finished=datetime(2025, 6, 1, 2, 0, 42, 500000, tzinfo=UTC),
    )
    return replace(base, **changes)
