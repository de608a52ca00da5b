"""The check report on a terminal: summary tables (verdicts, findings per kind, slowest hosts) and the problems
with file:line, as rich ``Text`` objects (third-party text is never parsed as console markup)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from listkeeper.findings import Kind
from listkeeper.links.status import CheckStats
from listkeeper.report.model import CheckReport
from listkeeper.report.summary import (
    LEVEL_RANK,
    MAX_LOCATIONS,
    NOTHING_CHECKED,
    duration,
    finding_key,
    kind_counts,
    level,
    requests_sent,
    shown_subject,
    unanswered_line,
    verdict_counts,
)


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
    ordered = sorted(report.findings, key=lambda f: (LEVEL_RANK[level(f.kind)], *finding_key(f)))
    if ordered:
        console.print(Text("Problems", style="bold"))
    for finding in ordered:
        where = ", ".join(str(loc) for loc in sorted(finding.locations)[:MAX_LOCATIONS]) or "-"
        line = Text()
        line.append(where, style="bold")
        line.append("  ")
        line.append(str(finding.kind), style=styles[level(finding.kind)])
        subject = shown_subject(finding)
        line.append(f"  {subject}  {finding.message}" if subject else f"  {finding.message}")
        if finding.new_subject is not None:
            line.append(f" → {finding.new_subject}", style="green")
        console.print(line)

    cached = sum(1 for result in report.results if result.cached)
    console.print(
        Text(
            f"{len(report.results)} links ({cached} cached), {len(report.findings)} findings, "
            f"{requests_sent(report)} requests, {duration(report):g} s"
        )
    )
    if left := unanswered_line(report):
        console.print(Text(left, style="yellow"))
    if report.nothing_checked:
        console.print(Text(f"Nothing was checked: {NOTHING_CHECKED}", style="bold red"))
