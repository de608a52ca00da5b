"""The PR body: sections, escaping of hostile text, the length cut, determinism, the commit message."""

from __future__ import annotations

import re

from listkeeper.findings import Kind
from listkeeper.publish import body as body_module
from listkeeper.publish.body import render_body
from listkeeper.publish.marker import Marker, parse_marker, parse_trailer
from tests.publish.conftest import BASE_FILES, FINDINGS, MOVED, NEW, SUSPECT, build, finding


def test_sections_and_seen_list() -> None:
    proposal = build(FINDINGS)
    text = proposal.body
    assert text.startswith("listkeeper proposes 3 changes to 1 catalog file (1 moved, 1 dead, 1 new)")
    assert text.index("### Moved") < text.index("### Dead") < text.index("### New releases")
    assert "### Changed" not in text
    moved_row = next(line for line in text.splitlines() if "THUDM/CogVLM →" in line)
    assert moved_row.startswith("| CogVLM (cogvlm.yaml: code\\[0\\]) | THUDM/CogVLM → zai-org/CogVLM | HTTP 301 · ")
    assert "[old](https://github.com/THUDM/CogVLM)" in moved_row
    assert "[new](https://github.com/zai-org/CogVLM)" in moved_row
    dead_row = next(line for line in text.splitlines() if "marked dead" in line)
    assert "HTTP 404 · 2026-11-20 · hf: 404 on the Hub" in dead_row
    assert "— → zai-org/cogvlm2-llama3-chat-19B 🆕" in text
    new_row = next(line for line in text.splitlines() if "🆕" in line)
    assert "[on the Hub](https://huggingface.co/zai-org/cogvlm2-llama3-chat-19B)" in new_row and "[old]" not in new_row
    assert "[link](" in dead_row and "[old]" not in dead_row
    assert "### Seen, not changed" in text and "- **suspect**: gh:BAAI-DCAI/Bunny — 404 once, not yet confirmed" in text
    assert proposal.title == "listkeeper: update the catalog (1 moved, 1 dead, 1 new)"


def test_hostile_catalog_and_service_text_is_escaped_and_defanged() -> None:
    hostile_name = "Evil | <script>alert(1)</script> @someone #12"
    files = dict(BASE_FILES)
    cog = files["catalog/cogvlm.yaml"]
    files["catalog/cogvlm.yaml"] = cog.replace("    name: CogVLM\n", f"    name: '{hostile_name}'\n")
    hostile = finding(
        Kind.MOVED, "gh:THUDM/CogVLM", "gh:zai-org/CogVLM", "see @octocat | <img src=x onerror=alert(1)> fixes #99"
    )
    seen = finding(Kind.BLOCKED, "url:https://example.org/x", message="bot wall by @cloudflare <b>|</b>")
    text = build([hostile, seen], files).body
    row = next(line for line in text.splitlines() if "THUDM/CogVLM →" in line)
    assert row.count(" | ") == 2 and row.startswith("| ") and row.endswith(" |")  # exactly three cells
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text
    assert "@someone" not in text and "@\u200bsomeone" in text
    assert "@octocat" not in text and "@cloudflare" not in text
    assert "#99" not in text and "#12" not in text
    assert "\\|" in row


def test_javascript_urls_are_not_linked() -> None:
    bad = finding(Kind.MOVED, "url:javascript:alert(1)", "url:https://example.org/")
    text = render_body([], [bad], Marker("f" * 64))
    assert "](javascript" not in text


def test_cut_below_the_limit_keeps_rows_whole_and_the_marker() -> None:
    proposal = build(FINDINGS)
    many = [finding(Kind.SUSPECT, f"gh:org{i}/repo{i}", message="x" * 150) for i in range(3000)]
    text = render_body(proposal.changes, many, proposal.marker(head="a" * 40), entries=proposal.entries)
    assert len(text) <= body_module.MAX_BODY < body_module.GITHUB_BODY_LIMIT
    assert parse_marker(text) == proposal.marker(head="a" * 40)
    assert re.search(r"… and \d+ more", text)
    hidden = int(re.search(r"… and (\d+) more", text).group(1))  # type: ignore[union-attr]
    shown = [line for line in text.splitlines() if line.startswith("- **suspect**")]
    assert len(shown) + hidden == 3000
    assert all(line.endswith("(catalog/cogvlm.yaml:10)") for line in shown)  # whole rows only
    assert "### Moved" in text and "THUDM/CogVLM → zai-org/CogVLM" in text  # short sections keep their rows


def test_cut_tables_drop_rows_from_the_longest_section_first() -> None:
    proposal = build([MOVED, NEW])
    changes = proposal.changes
    text = render_body(changes * 400, [], Marker("f" * 64), entries=proposal.entries, max_chars=20_000)
    assert len(text) <= 20_000
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| Entry"):
            assert line.endswith(" |") and line.count(" | ") >= 2


def test_deterministic() -> None:
    first, second = build(FINDINGS), build(list(reversed(FINDINGS)))
    assert first.body == second.body and first.fingerprint == second.fingerprint and first.files == second.files


def test_nothing_to_change() -> None:
    proposal = build([SUSPECT])
    assert proposal.empty and proposal.changes == [] and proposal.fingerprint == ""
    assert "nothing to change" in proposal.body and "gh:BAAI-DCAI/Bunny" in proposal.body


def test_commit_message_has_subject_changes_and_trailer() -> None:
    proposal = build([MOVED])
    message = proposal.commit_message()
    lines = message.splitlines()
    assert lines[0] == "listkeeper: update the catalog (1 moved)" and lines[1] == ""
    assert lines[2].startswith("- catalog/cogvlm.yaml: entries[0].code[0]: THUDM/CogVLM → zai-org/CogVLM")
    assert lines[-1] == f"Listkeeper-Fingerprint: {proposal.fingerprint}"
    assert parse_trailer(message) == proposal.fingerprint


def test_a_dead_row_names_the_item_and_how_its_death_was_confirmed() -> None:
    from tests.publish.conftest import finding as make

    note = "dead 2 checks, first seen 2026-11-26T02:00Z (26.0 h ago; confirmation needs 20 h)"
    dead = make(
        Kind.DEAD,
        "hf:model/zai-org/cogvlm-grounding-hf",
        message="404 on the Hub",
        status=404,
        memory={"note": note, "confirmed": "over time"},
    )
    row = next(line for line in build([dead]).body.splitlines() if "marked dead" in line)
    assert "| zai-org/cogvlm-grounding-hf → marked dead since " in row
    assert note in row
    strict = make(
        Kind.DEAD, "hf:model/zai-org/cogvlm-grounding-hf", status=404, memory={"note": note, "confirmed": "strict"}
    )
    row = next(line for line in build([strict]).body.splitlines() if "marked dead" in line)
    assert "confirmed with --strict" in row and note not in row


def test_changed_section_shows_the_listed_version_old_to_new_with_the_date() -> None:
    files = dict(BASE_FILES)
    files["catalog/cogvlm.yaml"] = BASE_FILES["catalog/cogvlm.yaml"].replace(
        '{arxiv: "2311.03079", title:', '{arxiv: "2311.03079v1", title:'
    )
    version = finding(
        Kind.NEW_VERSION, "arxiv:2311.03079v1", field="version", to="v2", updated="2026-11-02T10:00:00+00:00"
    )
    text = build([version], files).body
    row = next(line for line in text.splitlines() if "2311.03079v1 →" in line)
    assert "### Changed" in text and "| 2311.03079v1 → 2311.03079v2 | 2026-11-02 · " in row
