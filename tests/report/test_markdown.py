"""The Markdown report and the step summary: tables parsed with a real GFM parser, third-party text escaped."""

from __future__ import annotations

from markdown_it import MarkdownIt

from listkeeper.findings import Finding, Kind, Location
from listkeeper.report.markdown import github_step_summary, to_markdown
from listkeeper.subjects import url
from tests.report.samples import HOSTILE, sample_report


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
    markdown = to_markdown(sample_report())
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
    markdown = to_markdown(sample_report(findings=[hostile], sources={}))
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
    summary = github_step_summary(sample_report(findings=many))
    dead = _tables(summary)[-1]
    assert len(dead) == 1 + 100
    assert "… and 30 more (see the JSON report)." in summary
    assert len(_tables(to_markdown(sample_report(findings=many)))[-1]) == 131


def test_markdown_nothing_checked() -> None:
    markdown = to_markdown(sample_report(results=[], findings=[], nothing_checked=True))
    assert "**Nothing was checked**: no link got an HTTP answer and no source answered" in markdown
    assert "Nothing was marked dead and the state store was not changed." in markdown
