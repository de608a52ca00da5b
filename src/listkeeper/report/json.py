"""The check report as JSON for tools: schema ``listkeeper/check-report`` version 1 (``docs/check-report.md``),
stable across runs with the same content."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from listkeeper.findings import Location
from listkeeper.links.status import CheckStats, LinkResult
from listkeeper.report.model import CheckReport
from listkeeper.report.summary import duration, iso, kind_counts, sorted_findings, verdict_counts

SCHEMA = "listkeeper/check-report"
VERSION = 1


def _location_json(loc: Location) -> dict[str, Any]:
    return {"file": loc.file, "line": loc.line, **({"path": loc.path} if loc.path else {})}


def _link_json(result: LinkResult, locations: list[Location]) -> dict[str, Any]:
    return {
        "url": result.url,
        "verdict": result.verdict.value,
        "status": result.status,
        "final_url": result.final_url,
        "chain": [{"status": hop.status, "url": hop.url} for hop in result.chain],
        "detail": result.detail,
        "attempts": result.attempts,
        "elapsed": round(result.elapsed, 3),
        "cached": result.cached,
        "locations": [_location_json(loc) for loc in sorted(locations)],
    }


def _counter_json(counter: Mapping[str, float], digits: int | None = None) -> dict[str, float]:
    return {key: (round(value, digits) if digits is not None else value) for key, value in sorted(counter.items())}


def _stats_json(stats: CheckStats) -> dict[str, Any]:
    return {
        "requests": stats.requests,
        "by_host": _counter_json(stats.by_host),
        "max_in_flight": _counter_json(stats.max_in_flight),
        "rate_limited": stats.rate_limited,
        "retries": stats.retries,
        "host_time": _counter_json(stats.host_time, 3),
        "wall": round(stats.wall, 3),
        "deadline": round(stats.deadline, 3),
        "unanswered": len(stats.unanswered),
        "carried_over": stats.carried_over,
    }


def to_dict(report: CheckReport) -> dict[str, Any]:
    """The report as JSON-ready data (schema ``listkeeper/check-report`` version 1, see docs/check-report.md)."""
    results = sorted(report.results, key=lambda r: r.url)
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "started": iso(report.started),
        "finished": iso(report.finished),
        "duration": duration(report),
        "nothing_checked": report.nothing_checked,
        "summary": {
            "links": len(results),
            "cached": sum(1 for r in results if r.cached),
            "verdicts": verdict_counts(report),
            "findings": len(report.findings),
            "kinds": kind_counts(report),
        },
        "links": [_link_json(r, report.locations.get(r.url, [])) for r in results],
        "findings": [finding.to_json() for finding in sorted_findings(report.findings)],
        "stats": _stats_json(report.stats),
        "sources": {
            name: {"requests": int(info.get("requests", 0)), "unavailable": info.get("unavailable")}
            for name, info in sorted(report.sources.items())
        },
    }


def to_json(report: CheckReport) -> str:
    """The report as indented JSON, stable across runs with the same content (sorted links and findings)."""
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False, default=str) + "\n"
