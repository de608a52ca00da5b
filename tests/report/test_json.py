"""The JSON report: its schema, stable order and UTC times."""

from __future__ import annotations

import json
import random
from datetime import datetime

from listkeeper.findings import Finding, Kind
from listkeeper.links.status import CheckStats, Verdict
from listkeeper.report.json import to_json
from listkeeper.report.summary import sorted_findings
from tests.report.samples import sample_report


def test_json_top_level_and_summary() -> None:
    data = json.loads(to_json(sample_report()))
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
    data = json.loads(to_json(sample_report()))
    assert [link["url"] for link in data["links"]] == sorted(r.url for r in sample_report().results)
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
    assert [Finding.from_json(f) for f in data["findings"]] == sorted_findings(sample_report().findings)

    assert data["stats"]["requests"] == 6
    assert list(data["stats"]["by_host"]) == sorted(data["stats"]["by_host"])
    assert data["stats"]["host_time"]["slow.example"] == 9.877
    assert data["stats"]["wall"] == 3.212


def test_json_is_stable_under_input_order() -> None:
    shuffled = sample_report()
    rng = random.Random(7)
    rng.shuffle(shuffled.results)
    rng.shuffle(shuffled.findings)
    shuffled.locations = dict(reversed(list(shuffled.locations.items())))
    assert to_json(shuffled) == to_json(sample_report())


def test_json_naive_datetimes_are_utc_and_nothing_checked() -> None:
    empty = sample_report(
        results=[], findings=[], locations={}, stats=CheckStats(), nothing_checked=True, sources={},
        started=datetime(2025, 1, 1), finished=datetime(2025, 1, 1, 0, 0, 1),
    )  # fmt: skip
    data = json.loads(to_json(empty))
    assert data["started"] == "2025-01-01T00:00:00Z"
    assert data["nothing_checked"] is True
    assert data["links"] == [] and data["findings"] == []
    assert set(data["summary"]["verdicts"].values()) == {0}
