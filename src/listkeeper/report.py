"""The output of a check run, in the four shapes people read it: JSON for tools, Markdown for humans (and the
GitHub step summary), GitHub workflow commands for annotations on the diff, and a terminal summary.

Every formatter is pure (report in, text out) except :func:`print_terminal`, which writes to the console it is
given. Text that comes from the catalog or a third party (URLs, messages, HTTP details) is escaped for the target
format: Markdown with :mod:`listkeeper.render.escape`, workflow commands with GitHub's percent-encoding, the
terminal with rich ``Text`` objects (never parsed as console markup).

What fails a run is decided by *findings*, never by raw link results: a single 404 is a ``dead`` result but only a
``suspect`` finding until the memory rule (:mod:`listkeeper.memory`) confirms it, and only confirmed ``dead``
findings (plus the kinds named in ``--fail-on``) make :func:`exit_code` return 1.

The JSON schema is documented in ``docs/check-report.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from listkeeper.errors import ExitCode, UsageError
from listkeeper.findings import Finding, Kind, Location
from listkeeper.links.status import CheckStats, LinkResult, Verdict
from listkeeper.render.escape import escape_inline, link

SCHEMA = "listkeeper/check-report"
VERSION = 1

#: Exit codes (see also ``errors.py``): 0 nothing failing, 1 failing findings, 3 nothing was checked.

#: Annotation level per finding kind. Inconclusive outcomes are notices: they recur every night behind bot walls
#: and must not drown the real warnings.
_ERROR = frozenset({Kind.DEAD})
_WARNING = frozenset(
    {
        Kind.MOVED,
        Kind.SUSPECT,
        Kind.WITHDRAWN,
        Kind.ARCHIVED,
        Kind.CHANGED,
        Kind.BROKEN,
        Kind.DISABLED,
        Kind.BADGE_MISMATCH,
        Kind.EMPTY_LINK,
        Kind.TOO_DEEP,
        Kind.INVALID,
    }
)

_KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}
_LEVEL_RANK = {"error": 0, "warning": 1, "notice": 2}
_TITLES = {
    Kind.DEAD: "Dead link",
    Kind.MOVED: "Moved",
    Kind.SUSPECT: "Possibly dead (not confirmed yet)",
    Kind.EMPTY_LINK: "Empty link",
    Kind.TOO_DEEP: "Link nested too deep",
    Kind.INVALID: "Invalid link",
}
_MAX_LOCATIONS = 3  # shown per finding in Markdown and annotations; the JSON has them all
#: What a run that proved nothing says, in every format (after "Nothing was checked").
NOTHING_CHECKED = (
    "no link got an HTTP answer and no source answered (is there a network?). "
    "Nothing was marked dead and the state store was not changed."
)


@dataclass
class CheckReport:
    results: list[LinkResult]
    locations: dict[str, list[Location]]  # URL → where it is used
    findings: list[Finding]
    stats: CheckStats
    sources: dict[str, dict[str, Any]]  # source name → {"requests": int, "unavailable": str | None}
    started: datetime
    finished: datetime
    nothing_checked: bool = False


def level(kind: Kind) -> str:
    """GitHub annotation level of a finding kind: ``error``, ``warning`` or ``notice``."""
    return "error" if kind in _ERROR else "warning" if kind in _WARNING else "notice"


def title(kind: Kind) -> str:
    return _TITLES.get(kind, str(kind).replace("-", " ").capitalize())


# -- ordering and counting -------------------------------------------------------------------------------------------


def _finding_key(finding: Finding) -> tuple[Any, ...]:
    first = finding.locations[0] if finding.locations else Location("")
    return (_KIND_ORDER[finding.kind], str(finding.subject), first.file, first.line or 0, finding.message)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in a stable order: by kind (as declared in :class:`Kind`), subject, first location, message."""
    return sorted(findings, key=_finding_key)


def verdict_counts(report: CheckReport) -> dict[str, int]:
    counts = Counter(result.verdict.value for result in report.results)
    return {verdict.value: counts.get(verdict.value, 0) for verdict in Verdict}


def kind_counts(report: CheckReport) -> dict[str, int]:
    counts = Counter(finding.kind.value for finding in report.findings)
    return {kind.value: counts.get(kind.value, 0) for kind in Kind}


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _duration(report: CheckReport) -> float:
    return round((report.finished - report.started).total_seconds(), 3)


def _requests(report: CheckReport) -> int:
    """Requests sent in the run: the link checker's and the sources'."""
    return report.stats.requests + sum(int(s.get("requests", 0)) for s in report.sources.values())


def _left(report: CheckReport) -> str:
    """The line about links the deadline left unanswered (asked first next run), or "" when there are none."""
    n = len(report.stats.unanswered)
    if not n:
        return ""
    links = "link" if n == 1 else "links"
    return (
        f"{n} {links} left unanswered by the run deadline ({report.stats.deadline:g} s): "
        "reported as timeout, asked first next run."
    )


def _subject(finding: Finding) -> str:
    """The subject as shown to people; an empty link has none worth showing (``url:``)."""
    return "" if finding.subject.kind == "url" and not finding.subject.id else str(finding.subject)


# -- JSON ----------------------------------------------------------------------------------------------------------


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
        "started": _iso(report.started),
        "finished": _iso(report.finished),
        "duration": _duration(report),
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


# -- Markdown ------------------------------------------------------------------------------------------------------


def _md_url(url: str) -> str:
    try:
        return link(url, url)
    except ValueError:  # not http(s): show it as text
        return escape_inline(url)


def _md_subject(finding: Finding) -> str:
    subject = finding.subject
    return _md_url(subject.id) if subject.kind == "url" else escape_inline(str(subject))


def _md_where(locations: tuple[Location, ...] | list[Location]) -> str:
    shown = [escape_inline(str(loc)) for loc in sorted(locations)[:_MAX_LOCATIONS]]
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
        f"{len(report.results)} links, {len(report.findings)} findings, {_requests(report)} requests, "
        f"{_duration(report):g} s ({_iso(report.started)} to {_iso(report.finished)}).",
        "",
    ]
    if left := _left(report):
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
    for kind in sorted(by_kind, key=lambda k: (_LEVEL_RANK[level(k)], _KIND_ORDER[k])):
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


# -- GitHub workflow commands ----------------------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command property value (GitHub's ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(finding: Finding) -> str:
    props: list[tuple[str, str]] = []
    where = sorted(finding.locations)
    if where:
        props.append(("file", where[0].file))
        if where[0].line is not None:
            props.append(("line", str(where[0].line)))
    subject = _subject(finding)
    props.append(("title", f"{title(finding.kind)}: {subject}" if subject else title(finding.kind)))
    message = finding.message
    if finding.new_subject is not None:
        message += f" → {finding.new_subject}"
    if len(where) > 1:
        others = ", ".join(str(loc) for loc in where[1 : 1 + _MAX_LOCATIONS])
        more = len(where) - 1 - _MAX_LOCATIONS
        message += f" (also at {others}{f' and {more} more' if more > 0 else ''})"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{level(finding.kind)} {rendered}::{escape_data(message)}"


def to_github(report: CheckReport) -> str:
    """One workflow command per finding (at its first location): ``::error`` for dead, ``::warning`` for moved,
    suspect and other actionable problems, ``::notice`` for the rest. Errors come first: GitHub shows only the
    first few annotations of each level per step."""
    ordered = sorted(report.findings, key=lambda f: (_LEVEL_RANK[level(f.kind)], *_finding_key(f)))
    lines = [_annotation(finding) for finding in ordered]
    if report.nothing_checked:
        lines.append(f"::error title=listkeeper check::{escape_data('Nothing was checked: ' + NOTHING_CHECKED)}")
    return "".join(line + "\n" for line in lines)


# -- terminal ------------------------------------------------------------------------------------------------------


def slowest_hosts(stats: CheckStats, n: int = 5) -> list[tuple[str, float, int]]:
    """(host, seconds, requests) for the ``n`` hosts that took the longest, slowest first (ties by name)."""
    ranked = sorted(stats.host_time.items(), key=lambda item: (-item[1], item[0]))[:n]
    return [(host, seconds, stats.by_host.get(host, 0)) for host, seconds in ranked]


def print_terminal(report: CheckReport, console: Console) -> None:
    """A summary (verdicts, findings per kind, slowest hosts) and the problems with file:line."""
    summary = Table(title="listkeeper check", show_header=True)
    summary.add_column("Links")
    summary.add_column("Count", justify="right")
    for verdict, n in verdict_counts(report).items():
        if n:
            summary.add_row(verdict, str(n))
    summary.add_row("total", str(len(report.results)), end_section=True)
    console.print(summary)

    kinds = [(kind, n) for kind, n in kind_counts(report).items() if n]
    if kinds:
        table = Table(show_header=True)
        table.add_column("Findings")
        table.add_column("Level")
        table.add_column("Count", justify="right")
        for kind, n in kinds:
            table.add_row(kind, level(Kind(kind)), str(n))
        console.print(table)

    hosts = slowest_hosts(report.stats)
    if hosts:
        table = Table(title="Slowest hosts", show_header=True)
        table.add_column("Host")
        table.add_column("Seconds", justify="right")
        table.add_column("Requests", justify="right")
        for host, seconds, requests in hosts:
            table.add_row(Text(host), f"{seconds:.2f}", str(requests))
        console.print(table)

    for name, info in sorted(report.sources.items()):
        if info.get("unavailable"):
            console.print(Text(f"source {name} unavailable: {info['unavailable']}", style="yellow"))

    styles = {"error": "bold red", "warning": "yellow", "notice": "cyan"}
    ordered = sorted(report.findings, key=lambda f: (_LEVEL_RANK[level(f.kind)], *_finding_key(f)))
    if ordered:
        console.print(Text("Problems", style="bold"))
    for finding in ordered:
        where = ", ".join(str(loc) for loc in sorted(finding.locations)[:_MAX_LOCATIONS]) or "-"
        line = Text()
        line.append(where, style="bold")
        line.append("  ")
        line.append(str(finding.kind), style=styles[level(finding.kind)])
        line.append(f"  {_subject(finding)}  {finding.message}" if _subject(finding) else f"  {finding.message}")
        if finding.new_subject is not None:
            line.append(f" → {finding.new_subject}", style="green")
        console.print(line)

    cached = sum(1 for result in report.results if result.cached)
    console.print(
        Text(
            f"{len(report.results)} links ({cached} cached), {len(report.findings)} findings, "
            f"{_requests(report)} requests, {_duration(report):g} s"
        )
    )
    if left := _left(report):
        console.print(Text(left, style="yellow"))
    if report.nothing_checked:
        console.print(Text(f"Nothing was checked: {NOTHING_CHECKED}", style="bold red"))


# -- exit code -----------------------------------------------------------------------------------------------------


def parse_fail_on(values: Iterable[str]) -> set[Kind]:
    """``--fail-on`` values as kinds; a name that is not a finding kind is a usage error."""
    kinds = set()
    for value in values:
        try:
            kinds.add(Kind(value))
        except ValueError:
            names = ", ".join(kind.value for kind in Kind)
            raise UsageError(f"--fail-on: unknown finding kind {value!r} (one of: {names})") from None
    return kinds


def exit_code(report: CheckReport, fail_on: set[str] | frozenset[str] = frozenset()) -> ExitCode:
    """3 when nothing was checked; 1 when there is a dead finding or one of the ``fail_on`` kinds; else 0."""
    if report.nothing_checked:
        return ExitCode.NOTHING_CHECKED
    failing = {Kind.DEAD} | parse_fail_on(fail_on)
    return ExitCode.FINDINGS if any(finding.kind in failing for finding in report.findings) else ExitCode.OK
