"""Check-report formatters: the JSON schema, Markdown and workflow-command escaping, terminal output, exit codes."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from listkeeper import report as rep
from listkeeper.errors import UsageError
from listkeeper.findings import Finding, Kind, Location
from listkeeper.links.status import CheckStats, Hop, LinkResult, Verdict
from listkeeper.report import CheckReport
from listkeeper.subjects import github, hf_model, url

HOSTILE = "pipe | here\nnew line <script>alert(1)</script> [click](javascript:alert(1)) *bold* `code`"


def _stats() -> CheckStats:
    stats = CheckStats(requests=6, rate_limited=1, retries=2, wall=3.21234)
    stats.by_host.update({"gone.example": 1, "ok.example": 1, "old.example": 2, "slow.example": 1, "wall.example": 1})
    stats.max_in_flight.update({"ok.example": 1, "old.example": 1})
    stats.host_time.update(
        {"a.example": 0.1, "gone.example": 0.5, "ok.example": 0.2, "old.example": 1.0, "slow.example": 9.87654, "b": 3}
    )
    return stats


def _report(**changes: object) -> CheckReport:
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
        stats=_stats(),
        sources={"hf": {"requests": 2, "unavailable": None}, "arxiv": {"requests": 0, "unavailable": "HTTP 503"}},
        started=datetime(2025, 6, 1, 2, 0, 0, tzinfo=UTC),
        finished=datetime(2025, 6, 1, 2, 0, 42, 500000, tzinfo=UTC),
    )
    return replace(base, **changes)


# -- JSON ----------------------------------------------------------------------------------------------------------


def test_json_top_level_and_summary() -> None:
    data = json.loads(rep.to_json(_report()))
    assert list(data) == [
        "schema",
        "version",
        "started",
        "finished",
        "duration",
        "nothing_checked",
        "summary",
        "links",
        "findings",
        "stats",
        "sources",
    ]
    assert (data["schema"], data["version"]) == ("listkeeper/check-report", 1)
    assert (data["started"], data["finished"], data["duration"]) == (
        "2025-06-01T02:00:00Z",
        "2025-06-01T02:00:42Z",
        42.5,
    )
    assert data["nothing_checked"] is False
    summary = data["summary"]
    assert list(summary["verdicts"]) == [v.value for v in Verdict]  # every verdict, zeros included
    assert list(summary["kinds"]) == [k.value for k in Kind]
    assert {k: v for k, v in summary["verdicts"].items() if v} == {"ok": 2, "redirected": 1, "dead": 1, "blocked": 1}
    assert {k: v for k, v in summary["kinds"].items() if v} == {"moved": 1, "dead": 1, "gated": 1, "suspect": 1}
    assert (summary["links"], summary["cached"], summary["findings"]) == (5, 1, 4)
    assert data["sources"] == {
        "arxiv": {"requests": 0, "unavailable": "HTTP 503"},
        "hf": {"requests": 2, "unavailable": None},
    }


def test_json_links_findings_and_stats() -> None:
    data = json.loads(rep.to_json(_report()))
    assert [link["url"] for link in data["links"]] == sorted(r.url for r in _report().results)
    gone = next(link for link in data["links"] if link["url"] == "https://gone.example/x")
    assert gone == {
        "url": "https://gone.example/x",
        "verdict": "dead",
        "status": 404,
        "final_url": None,
        "chain": [],
        "detail": "HTTP 404",
        "attempts": 1,
        "elapsed": 0.5,
        "cached": False,
        "locations": [
            {"file": "README.md", "line": 7},
            {"file": "README.md", "line": 9},
            {"file": "catalog/a.yaml", "line": 4},
        ],
    }
    old = next(link for link in data["links"] if link["url"] == "https://old.example/a")
    assert old["chain"] == [{"status": 301, "url": "https://new.example/a"}]
    assert old["locations"] == [{"file": "catalog/a.yaml", "line": 12, "path": "entries[0].links[0].url"}]
    fresh = next(link for link in data["links"] if link["url"] == "https://fresh.example/")
    assert fresh["cached"] is True and fresh["locations"] == []

    assert [f["kind"] for f in data["findings"]] == ["moved", "dead", "gated", "suspect"]  # Kind declaration order
    assert [Finding.from_json(f) for f in data["findings"]] == rep.sorted_findings(_report().findings)

    assert data["stats"]["requests"] == 6
    assert list(data["stats"]["by_host"]) == sorted(data["stats"]["by_host"])
    assert data["stats"]["host_time"]["slow.example"] == 9.877
    assert data["stats"]["wall"] == 3.212


def test_json_is_stable_under_input_order() -> None:
    shuffled = _report()
    rng = random.Random(7)
    rng.shuffle(shuffled.results)
    rng.shuffle(shuffled.findings)
    shuffled.locations = dict(reversed(list(shuffled.locations.items())))
    assert rep.to_json(shuffled) == rep.to_json(_report())


def test_json_naive_datetimes_are_utc_and_nothing_checked() -> None:
    empty = _report(
        results=[], findings=[], locations={}, stats=CheckStats(), nothing_checked=True, sources={},
        started=datetime(2025, 1, 1), finished=datetime(2025, 1, 1, 0, 0, 1),
    )  # fmt: skip
    data = json.loads(rep.to_json(empty))
    assert data["started"] == "2025-01-01T00:00:00Z"
    assert data["nothing_checked"] is True
    assert data["links"] == [] and data["findings"] == []
    assert set(data["summary"]["verdicts"].values()) == {0}


# -- Markdown ------------------------------------------------------------------------------------------------------


def _tables(markdown: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts, parsed with a real GFM table parser."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    tables: list[list[list[str]]] = []
    rows: list[list[str]] = []
    row: list[str] = []
    for token in tokens:
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline":
            row.append(token.content)
        elif token.type == "tr_close":
            rows.append(row)
        elif token.type == "table_close":
            tables.append(rows)
    return tables


def test_markdown_summary_and_tables() -> None:
    markdown = rep.to_markdown(_report())
    assert markdown.startswith("## listkeeper check\n")
    tables = _tables(markdown)
    verdicts = tables[0]
    assert verdicts[0] == ["Verdict", "Links"]
    assert dict(verdicts[1:]) == {"ok": "2", "redirected": "1", "dead": "1", "blocked": "1"}
    assert tables[1][0] == ["Finding", "Level", "Count"]
    # One table per finding kind, the dead ones first.
    headings = [line for line in markdown.splitlines() if line.startswith("### ")]
    assert headings == [
        "### Dead link (1)",
        "### Moved (1)",
        "### Possibly dead (not confirmed yet) (1)",
        "### Gated (1)",
    ]
    dead = tables[2]
    assert dead[0] == ["Subject", "Where", "Details"]
    assert dead[1][1] == "README.md:7, README.md:9"
    moved = tables[3]
    assert moved[0] == ["Subject", "Proposed", "Where", "Details"]
    assert "https://new.example/a" in moved[1][1]
    assert "Source **arxiv** unavailable: HTTP 503" in markdown


def test_markdown_escapes_third_party_text() -> None:
    hostile = Finding(
        Kind.DEAD,
        url("https://evil.example/a|b<img src=x>"),
        HOSTILE,
        locations=(Location("docs/[x](y).md", 2),),
        source="links",
    )
    markdown = rep.to_markdown(_report(findings=[hostile], sources={}))
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    flat = [child for token in tokens for child in ([token, *(token.children or [])])]
    assert not [t for t in flat if t.type in ("html_inline", "html_block")]
    assert not [t for t in flat if t.type in ("em_open", "strong_open", "code_inline")]
    hrefs = [t.attrs["href"] for t in flat if t.type == "link_open"]
    assert hrefs == ["https://evil.example/a%7Cb%3Cimg%20src=x%3E"]  # the subject's link; nothing from the message
    dead = _tables(markdown)[-1]
    assert len(dead) == 2 and all(len(row) == 3 for row in dead)  # the "|" and newline did not split the row
    assert dead[1][2].startswith("pipe | here new line &lt;script&gt;")  # one cell, one line
    assert "pipe \\| here new line" in markdown
    assert "docs/\\[x\\](y).md:2" in dead[1][1]


def test_step_summary_caps_rows() -> None:
    many = [Finding(Kind.DEAD, url(f"https://d{i:03}.example/"), "HTTP 404") for i in range(130)]
    summary = rep.github_step_summary(_report(findings=many))
    dead = _tables(summary)[-1]
    assert len(dead) == 1 + 100
    assert "… and 30 more (see the JSON report)." in summary
    assert len(_tables(rep.to_markdown(_report(findings=many)))[-1]) == 131


def test_markdown_nothing_checked() -> None:
    markdown = rep.to_markdown(_report(results=[], findings=[], nothing_checked=True))
    assert "**Nothing was checked**: no link got an HTTP answer and no source answered" in markdown
    assert "Nothing was marked dead and the state store was not changed." in markdown


# -- GitHub workflow commands --------------------------------------------------------------------------------------


def test_github_annotations() -> None:
    lines = rep.to_github(_report()).splitlines()
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
    (line,) = rep.to_github(_report(findings=[finding])).splitlines()
    assert line == (
        "::error file=dir%2Cx/a%3Ab%25.md,line=3,title=Dead link%3A gh%3Ao/n::100%25 gone%0D%0Aline two, still: message"
    )
    assert rep.escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    assert rep.escape_data("a,b:c%\r") == "a,b:c%25%0D"


def test_github_nothing_checked() -> None:
    out = rep.to_github(_report(results=[], findings=[], nothing_checked=True))
    assert out == f"::error title=listkeeper check::Nothing was checked: {rep.NOTHING_CHECKED}\n"


def test_an_empty_link_has_no_subject_to_show() -> None:
    empty = Finding(Kind.EMPTY_LINK, url(""), "empty link target", locations=(Location("R.md", 5),), source="links")
    assert (
        rep.to_github(_report(findings=[empty])) == "::warning file=R.md,line=5,title=Empty link::empty link target\n"
    )
    console = Console(record=True, width=140, color_system=None)
    rep.print_terminal(_report(findings=[empty]), console)
    assert "R.md:5  empty-link  empty link target" in console.export_text()


# -- terminal ------------------------------------------------------------------------------------------------------


def test_terminal_summary_hosts_and_problems() -> None:
    console = Console(record=True, width=140, color_system=None)
    markup = Finding(
        Kind.DEAD, url("https://m.example/"), "[bold red]not markup[/bold red]", (), (Location("R.md", 5),)
    )
    rep.print_terminal(_report(findings=[*_report().findings, markup]), console)
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
    rep.print_terminal(_report(findings=[], nothing_checked=True), console)
    assert f"Nothing was checked: {rep.NOTHING_CHECKED}" in console.export_text()


def test_slowest_hosts() -> None:
    assert rep.slowest_hosts(_stats(), 2) == [("slow.example", 9.87654, 1), ("b", 3, 0)]


# -- exit codes ----------------------------------------------------------------------------------------------------


def _only(*kinds: Kind) -> CheckReport:
    return _report(findings=[Finding(kind, url(f"https://{kind}.example/"), str(kind)) for kind in kinds])


@pytest.mark.parametrize(
    ("kinds", "fail_on", "expected"),
    [
        ((), set(), 0),
        ((Kind.SUSPECT, Kind.BLOCKED, Kind.GATED), set(), 0),
        ((Kind.DEAD,), set(), 1),
        ((Kind.MOVED,), set(), 0),
        ((Kind.MOVED,), {"moved"}, 1),
        ((Kind.SUSPECT,), {"moved", "suspect"}, 1),
    ],
)
def test_exit_code(kinds: tuple[Kind, ...], fail_on: set[str], expected: int) -> None:
    assert rep.exit_code(_only(*kinds), fail_on) == expected


def test_exit_code_nothing_checked_wins() -> None:
    assert rep.exit_code(replace(_only(Kind.DEAD), nothing_checked=True), set()) == 3


def test_exit_code_rejects_unknown_kinds() -> None:
    with pytest.raises(UsageError, match="unknown finding kind 'moevd'"):
        rep.exit_code(_only(), {"moevd"})


def test_counts_match_inputs() -> None:
    report = _report()
    assert Counter({k: v for k, v in rep.verdict_counts(report).items() if v}) == Counter(
        r.verdict.value for r in report.results
    )
