"""The identity of a proposal: the fingerprint (what is proposed, not on which day) and the subjects it acts on."""

from __future__ import annotations

import re

from listkeeper.publish.fingerprint import change_subjects, fingerprint
from listkeeper.publish.marker import parse_marker
from tests.publish.conftest import BASE_FILES, DEAD, FINDINGS, MOVED, NEW, build


def test_marker_holds_fingerprint_and_subjects() -> None:
    proposal = build(FINDINGS)
    marker = parse_marker(proposal.body_for(head="c" * 40, base="d" * 40))
    assert marker is not None
    assert marker.fingerprint == proposal.fingerprint == fingerprint(proposal.changes)
    assert re.fullmatch(r"[0-9a-f]{64}", marker.fingerprint)
    assert marker.subjects == (
        "gh:THUDM/CogVLM",
        "hf:model/zai-org/cogvlm-grounding-hf",
        "hf:model/zai-org/cogvlm2-llama3-chat-19B",
    )
    assert (marker.head, marker.base) == ("c" * 40, "d" * 40)


def test_fingerprint_ignores_dates_but_not_content() -> None:
    from datetime import date

    from listkeeper.publish import proposal as proposal_module

    a = build([MOVED, NEW])
    later = proposal_module.build_catalog(
        BASE_FILES, [MOVED, NEW], catalog_dir="catalog", output="catalog/README.md", today=date(2027, 1, 1)
    )
    assert later.fingerprint == a.fingerprint and later.files != a.files
    assert build([MOVED]).fingerprint != a.fingerprint


def test_fingerprint_does_not_depend_on_the_order_of_changes() -> None:
    changes = build([MOVED, DEAD, NEW]).changes
    assert fingerprint(list(reversed(changes))) == fingerprint(changes)
    assert fingerprint(changes[:1]) != fingerprint(changes[1:])


def test_change_subjects_are_sorted_and_unique() -> None:
    changes = build([NEW, MOVED]).changes
    twice = [*changes, *changes]
    assert change_subjects(twice) == ["gh:THUDM/CogVLM", "hf:model/zai-org/cogvlm2-llama3-chat-19B"]
    assert change_subjects([]) == []
