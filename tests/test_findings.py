"""Findings in and out of JSON: the one reader and writer, shared by the check report, the state store,
``update --findings`` and ``pr --findings``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listkeeper.errors import UsageError
from listkeeper.findings import Finding, Kind, Location, Origin, findings_from_json, findings_to_json, read_findings
from listkeeper.state import open_state
from listkeeper.subjects import Subject

FINDINGS = [
    Finding(
        Kind.MOVED,
        Subject("github", "THUDM/CogVLM"),
        "renamed on GitHub",
        {"status": 301},
        (Location("catalog/cogvlm.yaml", 9, "entries[0].code[0]"),),
        Subject("github", "zai-org/CogVLM"),
        source="github",
    ),
    Finding(Kind.DEAD, Subject("url", "https://docs.example/gone"), "HTTP 404", {}, (Location("README.md", 3),)),
]


def test_findings_survive_the_round_trip_through_json_text() -> None:
    text = json.dumps(findings_to_json(FINDINGS))
    assert findings_from_json(json.loads(text), "x") == FINDINGS
    assert findings_from_json({"findings": json.loads(text), "stats": {}}, "x") == FINDINGS  # a check report


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stats": {}}, "report.json: expected a check report with a 'findings' list, or a list of findings"),
        ([{"kind": "moved"}], "report.json: findings[0]: not a valid finding (missing key 'subject')"),
        ([{"kind": "sleepy", "subject": "gh:a/b"}], "report.json: findings[0]: not a valid finding ("),
        (["gh:a/b"], "report.json: findings[0]: not a valid finding (not an object)"),
    ],
)
def test_what_is_not_findings_is_a_usage_error_naming_the_place(data: object, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        findings_from_json(data, "report.json")
    assert str(caught.value).startswith(message)


def test_read_findings_names_the_file_and_line_of_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text('[\n{"kind": }\n]\n')
    with pytest.raises(UsageError, match=r"report.json:2: not valid JSON"):
        read_findings(path)
    path.write_text(json.dumps(findings_to_json(FINDINGS)))
    assert read_findings(path) == FINDINGS


def test_the_state_store_keeps_the_last_findings_only(tmp_path: Path) -> None:
    with open_state(tmp_path / "state.sqlite") as state:
        assert state.load_last_findings() is None
        with state.transaction():
            state.save_last_findings(FINDINGS)
        with state.transaction():
            state.save_last_findings(FINDINGS[1:])
    with open_state(tmp_path / "state.sqlite") as state:
        assert state.load_last_findings() == FINDINGS[1:]


def test_who_found_it_is_one_of_a_closed_set() -> None:
    assert Finding(Kind.DEAD, Subject("url", "https://a.example"), "", source="links").source is Origin.LINKS  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"findings\[0\]: not a valid finding \('crawler' is not a valid Origin\)"):
        findings_from_json([{"kind": "dead", "subject": "url:https://a.example", "source": "crawler"}], "f.json")
    assert findings_to_json([FINDINGS[1]])[0]["source"] == ""
