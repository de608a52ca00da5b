"""What every format shares: the counts, and the subject shown for a finding."""

from __future__ import annotations

from collections import Counter

from rich.console import Console

from listkeeper.findings import Finding, Kind, Location
from listkeeper.report.summary import verdict_counts
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
