"""What every format shares: levels and titles, the order of findings, the counts, the run's figures, and the
subject shown for a finding."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from rich.console import Console

from listkeeper.findings import Finding, Kind, Location
from listkeeper.report.summary import (
    duration,
    iso,
    level,
    requests_sent,
    sorted_findings,
    title,
    unanswered_line,
    verdict_counts,
)
from listkeeper.report.terminal import print_terminal
from listkeeper.report.workflow import to_github
from listkeeper.subjects import url
from tests.report.samples import sample_report


def test_an_empty_link_has_no_subject_to_show() -> None:
    empty = Finding(Kind.EMPTY_LINK, url(""), "empty link target", locations=(Location("R.md", 5),), source="links")
    assert (
        to_github(sample_report(findings=[empty])) == "::warning file=R.md,line=5,title=Empty link::empty link target\n"
    )
    console = Console(record=True, width=140, color_system=None)
    print_terminal(sample_report(findings=[empty]), console)
    assert "R.md:5  empty-link  empty link target" in console.export_text()


def test_counts_match_inputs() -> None:
    report = sample_report()
    assert Counter({k: v for k, v in verdict_counts(report).items() if v}) == Counter(
        r.verdict.value for r in report.results
    )


def test_levels_and_titles() -> None:
    assert [level(k) for k in (Kind.DEAD, Kind.MOVED, Kind.SUSPECT, Kind.GATED, Kind.RATE_LIMITED)] == [
        "error",
        "warning",
        "warning",
        "notice",
        "notice",
    ]
    assert title(Kind.DEAD) == "Dead link" and title(Kind.RATE_LIMITED) == "Rate limited"


def test_findings_sort_by_kind_subject_then_first_location() -> None:
    b9 = Finding(Kind.DEAD, url("https://b.example/"), "x", locations=(Location("R.md", 9),))
    b2 = Finding(Kind.DEAD, url("https://b.example/"), "x", locations=(Location("R.md", 2),))
    a = Finding(Kind.DEAD, url("https://a.example/"), "x", locations=(Location("Z.md", 1),))
    moved = Finding(Kind.MOVED, url("https://z.example/"), "x")
    assert sorted_findings([b9, a, moved, b2]) == [moved, a, b2, b9]  # MOVED is declared before DEAD


def test_the_runs_figures() -> None:
    report = sample_report(started=datetime(2025, 1, 1, 3, 0, 0), finished=datetime(2025, 1, 1, 3, 0, 1, 234567))
    assert iso(report.started) == "2025-01-01T03:00:00Z"  # naive times are UTC
    assert duration(report) == 1.235
    assert requests_sent(report) == 6 + 2 + 0  # the link checker's and each source's
    assert unanswered_line(report) == ""
    report.stats.unanswered, report.stats.deadline = ["https://a.example/"], 90.0
    assert unanswered_line(report) == (
        "1 link left unanswered by the run deadline (90 s): reported as timeout, asked first next run."
    )
