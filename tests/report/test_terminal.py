"""The terminal report: summary tables, slowest hosts, problems with file:line, never console markup."""

from __future__ import annotations

from rich.console import Console

from listkeeper.findings import Finding, Kind, Location
from listkeeper.report.summary import NOTHING_CHECKED
from listkeeper.report.terminal import print_terminal, slowest_hosts
from listkeeper.subjects import url
from tests.report.samples import sample_report, sample_stats


def test_terminal_summary_hosts_and_problems() -> None:
    console = Console(record=True, width=140, color_system=None)
    markup = Finding(
        Kind.DEAD, url("https://m.example/"), "[bold red]not markup[/bold red]", (), (Location("R.md", 5),)
    )
    print_terminal(sample_report(findings=[*sample_report().findings, markup]), console)
    text = console.export_text()
    assert "Slowest hosts" in text
    hosts = [host for host in ("slow.example", "b ", "old.example", "gone.example", "ok.example") if host in text]
    assert len(hosts) == 5
    assert text.index("slow.example") < text.index("old.example") < text.index("gone.example")
    assert "a.example" not in text  # sixth slowest
    assert "README.md:7, README.md:9  dead  url:https://gone.example/x  HTTP 404" in text
    assert "[bold red]not markup[/bold red]" in text
    assert "catalog/a.yaml:12  moved" in text
    assert text.index("dead  url:https://gone.example/x") < text.index("catalog/a.yaml:12  moved")  # errors first
    assert "source arxiv unavailable: HTTP 503" in text
    # Link requests plus source requests, as in the Markdown summary.
    assert text.rstrip().endswith("5 links (1 cached), 5 findings, 8 requests, 42.5 s")
    assert "Nothing was checked" not in text


def test_terminal_says_plainly_when_nothing_was_checked() -> None:
    console = Console(record=True, width=200, color_system=None)
    print_terminal(sample_report(findings=[], nothing_checked=True), console)
    assert f"Nothing was checked: {NOTHING_CHECKED}" in console.export_text()


def test_slowest_hosts() -> None:
    assert slowest_hosts(sample_stats(), 2) == [("slow.example", 9.87654, 1), ("b", 3, 0)]
