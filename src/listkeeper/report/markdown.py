"""The check report as Markdown for humans, and for ``$GITHUB_STEP_SUMMARY``: a summary, then one table per finding
kind (most severe first). Third-party text is escaped with :mod:`listkeeper.render.escape`."""

from __future__ import annotations

from listkeeper.findings import Finding, Kind, Location
from listkeeper.render.escape import escape_inline, link
from listkeeper.report.model import CheckReport
from listkeeper.report.summary import (
    KIND_ORDER,
    LEVEL_RANK,
    MAX_LOCATIONS,
    NOTHING_CHECKED,
    duration,
    iso,
    kind_counts,
    level,
    requests_sent,
    sorted_findings,
    title,
    unanswered_line,
    verdict_counts,
)


def _md_url(url: str) -> str:
    try:
        return link(url, url)
    except ValueError:  # not http(s): show it as text
        return escape_inline(url)


def _md_subject(finding: Finding) -> str:
    subject = finding.subject
    return _md_url(subject.id) if subject.kind == "url" else escape_inline(str(subject))


def _md_where(locations: tuple[Location, ...] | list[Location]) -> str:
    shown = [escape_inline(str(loc)) for loc in sorted(locations)[:MAX_LOCATIONS]]
    more = len(locations) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "") if shown else "—"


def _md_proposal(finding: Finding) -> str:
    if finding.new_subject is None:
        return ""
    new = finding.new_subject
    return _md_url(new.id) if new.kind == "url" else escape_inline(str(new))


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def to_markdown(report: CheckReport, *, heading: str = "listkeeper check", max_rows: int | None = None) -> str:
    """A summary table, then one table per finding kind (most severe first). ``max_rows`` caps each table."""
    out = [f"## {escape_inline(heading)}", ""]
    if report.nothing_checked:
        out += [f"**Nothing was checked**: {NOTHING_CHECKED}", ""]
    out += [
        f"{len(report.results)} links, {len(report.findings)} findings, {requests_sent(report)} requests, "
        f"{duration(report):g} s ({iso(report.started)} to {iso(report.finished)}).",
        "",
    ]
    if left := unanswered_line(report):
        out += [left, ""]
    verdicts = [[escape_inline(v), str(n)] for v, n in verdict_counts(report).items() if n]
    kinds = [[escape_inline(k), level(Kind(k)), str(n)] for k, n in kind_counts(report).items() if n]
    if verdicts:
        out += [*_md_table(["Verdict", "Links"], verdicts), ""]
    if kinds:
        out += [*_md_table(["Finding", "Level", "Count"], kinds), ""]
    unavailable = {
        name: info["unavailable"] for name, info in sorted(report.sources.items()) if info.get("unavailable")
    }
    for name, why in unavailable.items():
        out += [f"- Source **{escape_inline(name)}** unavailable: {escape_inline(str(why))}"]
    if unavailable:
        out += [""]
    by_kind: dict[Kind, list[Finding]] = {}
    for finding in sorted_findings(report.findings):
        by_kind.setdefault(finding.kind, []).append(finding)
    for kind in sorted(by_kind, key=lambda k: (LEVEL_RANK[level(k)], KIND_ORDER[k])):
        findings = by_kind[kind]
        moved = any(f.new_subject is not None for f in findings)
        header = ["Subject", *(["Proposed"] if moved else []), "Where", "Details"]
        rows = [
            [_md_subject(f), *([_md_proposal(f)] if moved else []), _md_where(f.locations), escape_inline(f.message)]
            for f in findings[:max_rows]
        ]
        out += [f"### {escape_inline(title(kind))} ({len(findings)})", "", *_md_table(header, rows)]
        if max_rows is not None and len(findings) > max_rows:
            out += ["", f"… and {len(findings) - max_rows} more (see the JSON report)."]
        out += [""]
    return "\n".join(out).rstrip("\n") + "\n"


def github_step_summary(report: CheckReport) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: the Markdown report with each table capped (summaries are limited
    to 1 MiB per step)."""
    return to_markdown(report, max_rows=100)
