"""Typed evidence: what listkeeper writes and reads back is typed inside a run (each kind's shape, the dead
rule's and the backoff's parts), JSON only at the edge, the same JSON as before, old JSON still read."""

from __future__ import annotations

import json
from datetime import date

import pytest

from listkeeper.errors import UsageError
from listkeeper.evidence import (
    DeadMemory,
    FieldChange,
    LinkEvidence,
    NewItem,
    OrgRename,
    Release,
    Reuse,
    Shape,
    VersionChange,
    alias,
    dead_since,
    from_json,
    http_status,
    org_renamed,
    reason,
    shape,
    to_json,
    typed,
)
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


# --- each kind's shape: written by the sources, spliced into the JSON in its place, read back by kind ------------

WRITTEN = [  # (kind, source, evidence JSON exactly as the writers lay it out, the shape it holds)
    (
        "changed",
        "github",
        {"field": "license", "old": "Apache-2.0", "new": "MIT", "url": "https://github.com/o/n", "alias": "o/old"},
        FieldChange("license", "Apache-2.0", "MIT"),
    ),
    (
        "changed",
        "hf",
        {"field": "license", "old": "apache-2.0", "new": "mit", "alias": "old/c", "url": "https://hf.co/new/c"},
        FieldChange("license", "apache-2.0", "mit"),
    ),
    (
        "changed",
        "arxiv",
        {"field": "title", "old": "Old", "new": "New", "url": "https://arxiv.org/abs/2401.00002v1"},
        FieldChange("title", "Old", "New"),
    ),
    (
        "new-version",
        "arxiv",
        {"field": "version", "from": "v1", "to": "v2", "updated": "2024-05-02T00:00:00+00:00", "url": "u"},
        VersionChange.listed("v1", "v2"),
    ),
    (
        "new-version",
        "arxiv",
        {"from": "v2", "to": "v3", "updated": "2024-05-02T00:00:00+00:00", "url": "u"},
        VersionChange("v2", "v3"),
    ),
    (
        "new-release",
        "github",
        {"field": "release", "tag": "v1.2", "published_at": "2024-06-02T00:00:00Z", "url": "u", "previous": "v1.1"},
        Release.listed("v1.2", "2024-06-02T00:00:00Z"),
    ),
    (
        "new-release",
        "github",
        {"tag": "0.2", "published_at": None, "url": "u", "previous": None, "alias": "o/old"},
        Release("0.2", None),
    ),
    (
        "new-release",
        "github",
        {
            "id": "o/new",
            "kind": "repository",
            "created_at": "2025-12-08T00:00:00Z",
            "url": "u",
            "entry": "e",
            "rule": {},
        },
        NewItem("o/new", "repository", "2025-12-08T00:00:00Z"),
    ),
    (
        "new-release",
        "hf",
        {"id": "o/m", "kind": "hf-model", "created_at": None, "url": "u", "downloads": None, "entry": "e"},
        NewItem("o/m", "hf-model", None),
    ),
    (
        "new-release",
        "hf",
        {"id": "o/m", "kind": "hf-model", "collection": "o/c-1", "url": "u", "first_seen": "2026-11-26", "note": None},
        NewItem.in_collection("o/m", "hf-model", "o/c-1"),
    ),
    (
        "dead",
        "links",
        {
            "url": "https://a.example/",
            "verdict": "dead",
            "detail": "HTTP 404",
            "status": 404,
            "memory": MEMORY.to_json(),
        },
        LinkEvidence.of("dead", "HTTP 404", 404),
    ),
    (
        "moved",
        "links",
        {
            "url": "http://a.example/",
            "verdict": "moved",
            "detail": "HTTP 301",
            "status": 200,
            "chain": [[301, "http://a.example/"], [200, "https://b.example/"]],
            "cached": True,
            "final_url": "https://b.example/",
        },
        LinkEvidence.of(
            "moved",
            "HTTP 301",
            200,
            ((301, "http://a.example/"), (200, "https://b.example/")),
            True,
            "https://b.example/",
        ),
    ),
    (
        "timeout",
        "links",
        {"url": "https://slow.example/", "verdict": "timeout", "detail": "read timeout"},
        LinkEvidence.of("timeout", "read timeout"),
    ),
]


@pytest.mark.parametrize(("kind", "source", "written", "expected"), WRITTEN)
def test_each_shape_reads_back_typed_and_writes_the_same_json(
    kind: str, source: str, written: dict[str, object], expected: Shape
) -> None:
    typed_back = from_json(written, kind, source)
    assert shape(typed_back, type(expected)) == expected
    assert json.dumps(to_json(typed_back)) == json.dumps(written)  # the same keys, values and order
    other = {key for key in written if key not in expected.keys}
    assert other <= set(typed_back)  # the service's own keys stay as they were


@pytest.mark.parametrize(("kind", "source", "written", "expected"), WRITTEN)
def test_a_writer_s_evidence_is_its_json(kind: str, source: str, written: dict[str, object], expected: Shape) -> None:
    """What a writer builds (its shape among its own keys) is the JSON above, without reading anything back."""
    keys = list(written)
    first = keys.index(expected.keys[0])
    before = {key: written[key] for key in keys[:first]}
    after = {key: written[key] for key in keys[first + len(expected.keys) :]}
    built = before | typed(expected) | from_json(after)
    assert json.dumps(to_json(built)) == json.dumps(written)


def test_old_and_hand_written_evidence_loads_with_only_the_keys_it_had() -> None:
    """Findings files written by hand (or by an older listkeeper) may lack keys: each reads back, and writes back
    the way it came."""
    cases = [
        ("changed", {"field": "license", "new": "MIT"}, FieldChange("license", None, "MIT", ("field", "new"))),
        ("new-release", {"created_at": "2024-12-20"}, NewItem(None, None, "2024-12-20", None, ("created_at",))),
        ("new-release", {"field": "release", "tag": "v2"}, Release("v2", None, True, ("field", "tag"))),
        ("new-version", {"to": "v3"}, VersionChange(None, "v3", False, ("to",))),
    ]
    for kind, written, expected in cases:
        back = from_json(written, kind)
        assert shape(back, type(expected)) == expected
        assert to_json(back) == written


def test_keys_of_another_kind_stay_plain() -> None:
    written = {"reason": "GitHub GraphQL: FORBIDDEN: no", "tag": "v1", "field": "title", "verdict": "dead"}
    back = from_json(written, "unknown", "github")
    assert back == written and to_json(back) == written
    assert reason(back) == "GitHub GraphQL: FORBIDDEN: no"


def test_a_badge_finding_carries_its_target_s_typed_evidence() -> None:
    dead = {"url": "https://a.example/", **typed(LinkEvidence.of("dead", "HTTP 404", 404)), "memory": MEMORY}
    badge = {"badge": "docs", "image": "https://img.example/b.svg", "target": "https://a.example/", "dead": dead}
    assert to_json(badge)["dead"] == {
        "url": "https://a.example/",
        "verdict": "dead",
        "detail": "HTTP 404",
        "status": 404,
        "memory": MEMORY.to_json(),
    }


def test_a_finding_round_trips_through_json_text_with_its_shape_and_org_rename() -> None:
    moved = Finding(
        Kind.MOVED,
        Subject("hf-model", "THUDM/cogvlm-chat-hf"),
        "THUDM/cogvlm-chat-hf is now zai-org/cogvlm-chat-hf",
        {
            "url": "https://hf.co/THUDM/cogvlm-chat-hf",
            "asked": "THUDM/cogvlm-chat-hf",
            "org_renamed": OrgRename("THUDM", "zai-org"),
        },
        new_subject=Subject("hf-model", "zai-org/cogvlm-chat-hf"),
        source="hf",
    )
    release = Finding(
        Kind.NEW_RELEASE,
        Subject("github", "o/n"),
        "new release",
        {**typed(Release.listed("v2", None)), "url": "u", "alias": "o/old"},
        source="github",
    )
    text = json.dumps(findings_to_json([moved, release]))
    assert json.loads(text)[0]["evidence"]["org_renamed"] == {"from": "THUDM", "to": "zai-org"}
    assert list(json.loads(text)[1]["evidence"]) == ["field", "tag", "published_at", "url", "alias"]
    back = findings_from_json(json.loads(text), "x")
    assert back == [moved, release]
    assert org_renamed(back[0].evidence) == OrgRename("THUDM", "zai-org")
    assert alias(back[1].evidence) == "o/old"


def test_the_http_status_is_the_link_checker_s_else_the_service_s() -> None:
    assert http_status(typed(LinkEvidence.of("dead", "HTTP 410", 410))) == 410
    assert http_status({"status": 404, "message": "Not Found"}) == 404  # a service's own answer
    assert http_status(typed(LinkEvidence.of("timeout", "read timeout"))) is None
    assert http_status({"status": True}) is None and http_status({"status": "404"}) is None
