"""Typed evidence: what the dead rule and the backoff write is typed inside a run, JSON only at the edge."""

from __future__ import annotations

import json
from datetime import date

import pytest

from listkeeper.errors import UsageError
from listkeeper.evidence import DeadMemory, Reuse, dead_since, from_json, to_json
from listkeeper.findings import Finding, Kind, findings_from_json, findings_to_json
from listkeeper.subjects import Subject

MEMORY = DeadMemory(2, 2, 20.0, "2026-11-26T02:00Z", "dead 2 checks, first seen 2026-11-26T02:00Z", "over time")
REUSE = Reuse("2026-11-26T02:00:00+00:00", "2026-11-27T02:00:00+00:00", 1)


def test_typed_parts_survive_json_text_and_keep_their_shape() -> None:
    finding = Finding(
        Kind.DEAD,
        Subject("hf-model", "o/gone"),
        "404",
        {"status": 404, "memory": MEMORY, "reused": REUSE, "dead": {"memory": MEMORY}},
    )
    text = json.dumps(findings_to_json([finding]))  # would raise if a typed part reached the edge untranslated
    assert json.loads(text)[0]["evidence"]["memory"] == {
        "dead_checks": 2,
        "checks_needed": 2,
        "hours_needed": 20.0,
        "first_seen": "2026-11-26T02:00Z",
        "note": "dead 2 checks, first seen 2026-11-26T02:00Z",
        "confirmed": "over time",
    }
    (back,) = findings_from_json(json.loads(text), "x")
    assert back.evidence["memory"] == MEMORY and back.evidence["reused"] == REUSE
    assert to_json(back.evidence) == to_json(finding.evidence)


def test_a_typed_part_that_is_not_an_object_is_not_a_finding() -> None:
    with pytest.raises(TypeError, match=r"evidence\.memory is not an object"):
        from_json({"memory": "dead"})
    with pytest.raises(UsageError, match=r"findings\[0\]: not a valid finding \(evidence\.reused is not an object\)"):
        findings_from_json([{"kind": "dead", "subject": "gh:a/b", "evidence": {"reused": 3}}], "f.json")


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ({"since": "2026-11-20"}, date(2026, 11, 20)),  # the finding's own date first
        ({"first_dead": "2026-11-21T05:00:00Z", "memory": MEMORY}, date(2026, 11, 21)),
        ({"memory": MEMORY}, date(2026, 11, 26)),  # else the dead rule's first sighting
        ({"first_seen": "2027-01-01"}, date(2026, 12, 1)),  # never after today
        ({"first_seen": "2026-13-45"}, date(2026, 12, 1)),  # not a date: today
        ({}, date(2026, 12, 1)),
    ],
)
def test_dead_since_is_one_rule(evidence: dict[str, object], expected: date) -> None:
    assert dead_since(evidence, date(2026, 12, 1)) == expected
