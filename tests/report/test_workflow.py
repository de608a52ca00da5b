"""GitHub workflow commands: one annotation per finding, errors first, GitHub's escaping."""

from __future__ import annotations

from listkeeper.findings import Finding, Kind, Location
from listkeeper.report.summary import NOTHING_CHECKED
from listkeeper.report.workflow import escape_data, escape_property, to_github
from listkeeper.subjects import github
from tests.report.samples import sample_report


def test_github_annotations() -> None:
    lines = to_github(sample_report()).splitlines()
    assert lines == [
        "::error file=README.md,line=7,title=Dead link%3A url%3Ahttps%3A//gone.example/x::"
        "HTTP 404 (also at README.md:9)",
        "::warning file=catalog/a.yaml,line=12,title=Moved%3A url%3Ahttps%3A//old.example/a::"
        "permanent redirect → url:https://new.example/a",
        "::warning title=Possibly dead (not confirmed yet)%3A hf%3Amodel/o/n::"
        "repository not found (dead 1 of 2 checks)",
        "::notice title=Gated%3A hf%3Amodel/o/gated::gated repository",
    ]


def test_github_escaping() -> None:
    finding = Finding(
        Kind.DEAD,
        github("o/n"),
        "100% gone\r\nline two, still: message",
        locations=(Location("dir,x/a:b%.md", 3),),
    )
    (line,) = to_github(sample_report(findings=[finding])).splitlines()
    assert line == (
        "::error file=dir%2Cx/a%3Ab%25.md,line=3,title=Dead link%3A gh%3Ao/n::100%25 gone%0D%0Aline two, still: message"
    )
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert escape_data("a,b:c%\r") == "a,b:c%25%0D"


def test_github_nothing_checked() -> None:
    out = to_github(sample_report(results=[], findings=[], nothing_checked=True))
    assert out == f"::error title=listkeeper check::Nothing was checked: {NOTHING_CHECKED}\n"
