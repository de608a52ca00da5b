"""propose(): findings applied to real catalog texts (or a Markdown list) in memory, and the Proposal it returns:
the edited texts and nothing else, the re-rendered list, what was seen but not changed, the dead rule, dismissals."""

from __future__ import annotations

import difflib

import pytest

from listkeeper import config as config_module
from listkeeper.errors import UsageError
from listkeeper.evidence import DeadMemory
from listkeeper.findings import Finding, Kind, Location
from listkeeper.mdlist.policy import Policy
from listkeeper.publish.fingerprint import fingerprint
from listkeeper.publish.marker import parse_marker, parse_trailer
from listkeeper.publish.proposal import (
    CATALOG_TITLE,
    MARKDOWN_TITLE,
    DeadRule,
    Layout,
    catalog_texts,
    dead_rule,
    propose,
    render_texts,
)
from listkeeper.subjects import Subject
from tests.publish.conftest import BASE_FILES, DEAD, MOVED, NEW, SUSPECT, TODAY, finding

CATALOG = Layout("catalog", "catalog/README.md")
COG = "catalog/cogvlm.yaml"


def changed_lines(old: str, new: str) -> list[str]:
    """The -/+ lines of a unified diff, without the headers."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "-+" and line[:3] not in ("---", "+++")]


# -- catalog mode --------------------------------------------------------------------------------------------------


def test_a_move_edits_one_token_and_re_renders_the_list() -> None:
    proposal = propose(BASE_FILES, [MOVED], layout=CATALOG, today=TODAY)
    assert sorted(proposal.files) == ["catalog/README.md", COG]  # bunny.yaml is untouched: not proposed
    assert changed_lines(BASE_FILES[COG], proposal.files[COG]) == [
        "-    code: [THUDM/CogVLM]",
        "+    code: [zai-org/CogVLM]",
    ]
    assert proposal.files["catalog/README.md"] == render_texts({**BASE_FILES, COG: proposal.files[COG]}, "catalog")
    assert "https://github.com/zai-org/CogVLM" in proposal.files["catalog/README.md"]
    assert proposal.rendered == "catalog/README.md" and proposal.mode == "catalog"
    assert proposal.lines == [9]  # the line of the edited value, before the edit
    assert proposal.subjects == ["gh:THUDM/CogVLM"]
    assert proposal.title == f"{CATALOG_TITLE} (1 moved)"
    assert proposal.fingerprint == fingerprint(proposal.changes) and not proposal.empty


def test_dead_items_are_marked_by_default_and_removed_when_asked() -> None:
    marked = propose(BASE_FILES, [DEAD], layout=CATALOG, today=TODAY)
    assert changed_lines(BASE_FILES[COG], marked.files[COG]) == [
        "-      - {hf: zai-org/cogvlm-grounding-hf}",
        "+      - {hf: zai-org/cogvlm-grounding-hf, mark: {state: dead, since: 2026-11-20, evidence: 404 on the Hub}}",
    ]
    removed = propose(BASE_FILES, [DEAD], layout=CATALOG, today=TODAY, dead=DeadRule("remove"))
    assert changed_lines(BASE_FILES[COG], removed.files[COG]) == ["-      - {hf: zai-org/cogvlm-grounding-hf}"]
    assert removed.fingerprint != marked.fingerprint  # a different proposal for the same finding
    assert [c.op for c in marked.changes] == ["mark"] and [c.op for c in removed.changes] == ["remove"]


def test_seen_holds_only_what_was_not_acted_on_and_is_worth_a_look() -> None:
    empty_link = Finding(Kind.EMPTY_LINK, Subject.parse("url:"), "empty link target", {}, (Location("README.md", 3),))
    too_deep = finding(Kind.TOO_DEEP, "url:https://deep.example/")
    proposal = propose(BASE_FILES, [MOVED, NEW, SUSPECT, empty_link, too_deep], layout=CATALOG, today=TODAY)
    assert proposal.seen_not_changed == [SUSPECT]  # acted-on findings and the quiet kinds are left out
    assert {c.finding.kind for c in proposal.changes} == {Kind.MOVED, Kind.NEW_RELEASE}


def test_a_dismissed_subject_is_neither_changed_nor_listed() -> None:
    proposal = propose(BASE_FILES, [MOVED, SUSPECT], layout=CATALOG, today=TODAY, dismissed={"gh:THUDM/CogVLM"})
    assert proposal.empty and proposal.changes == [] and proposal.fingerprint == ""
    assert proposal.seen_not_changed == [SUSPECT]
    assert proposal.title == CATALOG_TITLE and "nothing to change" in proposal.body


def test_a_stale_rendered_list_is_proposed_only_for_the_working_tree() -> None:
    stale = {**BASE_FILES, "catalog/README.md": "an old rendering\n"}
    assert propose(stale, [], layout=CATALOG, today=TODAY).files == {}
    fresh = propose(stale, [], layout=CATALOG, today=TODAY, rerender_stale=True)
    assert fresh.files == {"catalog/README.md": render_texts(BASE_FILES, "catalog")}
    assert fresh.rendered == "catalog/README.md" and fresh.changes == []
    current = {**BASE_FILES, "catalog/README.md": render_texts(BASE_FILES, "catalog")}
    assert propose(current, [], layout=CATALOG, today=TODAY, rerender_stale=True).files == {}


def test_catalog_texts_are_the_family_files_directly_in_the_folder() -> None:
    files = {
        COG: "a",
        "catalog/b.yml": "b",
        "catalog/README.md": "c",
        "catalog/sub/d.yaml": "d",
        "other/e.yaml": "e",
        "catalog.yaml": "f",
    }
    assert catalog_texts(files, "catalog") == {COG: "a", "catalog/b.yml": "b"}


def test_the_body_and_commit_carry_the_proposals_identity() -> None:
    proposal = propose(BASE_FILES, [MOVED, DEAD], layout=CATALOG, today=TODAY)
    marker = parse_marker(proposal.body_for(head="a" * 40, base="b" * 40))
    assert marker == proposal.marker(head="a" * 40, base="b" * 40)
    assert marker is not None and marker.subjects == tuple(proposal.subjects)
    assert parse_marker(proposal.body) == proposal.marker()  # the dry run's body names no commit
    assert parse_trailer(proposal.commit_message()) == proposal.fingerprint
    assert proposal.commit_message().startswith(f"{proposal.title}\n\n- {COG}: ")


# -- Markdown mode -------------------------------------------------------------------------------------------------

LIST = (
    "# Awesome VLMs\r\n\r\n"
    "- [CogVLM](https://github.com/THUDM/CogVLM) - a model.\r\n"
    "- [Gone](https://gone.example/x) - dead.\r\n"
    "- [Stays](https://ok.example/) - fine.\r\n"
)
MORE = "- [Gone again](https://gone.example/x)\n"
MD_FILES = {"README.md": LIST, "docs/more.md": MORE}
MD_MOVED = Finding(
    Kind.MOVED,
    Subject("github", "THUDM/CogVLM"),
    "renamed on GitHub",
    {},
    (Location("README.md", 3),),
    Subject("github", "zai-org/CogVLM"),
    source="github",
)
MD_DEAD = Finding(
    Kind.DEAD,
    Subject.parse("url:https://gone.example/x"),
    "HTTP 404",
    {"status": 404, "memory": DeadMemory.from_json({"first_seen": "2026-11-20T02:00:00+00:00"})},
    (Location("README.md", 4), Location("docs/more.md", 1)),
    source="links",
)


def test_markdown_mode_edits_the_lists_own_files_byte_for_byte() -> None:
    proposal = propose(MD_FILES, [MD_MOVED, MD_DEAD], layout=Layout(), today=TODAY)
    assert proposal.mode == "markdown" and proposal.rendered is None
    assert proposal.files == {
        "README.md": LIST.replace("THUDM/CogVLM", "zai-org/CogVLM").replace(
            "[Gone](https://gone.example/x)", "~~[Gone](https://gone.example/x)~~ (dead since 2026-11-20)"
        ),
        "docs/more.md": "- ~~[Gone again](https://gone.example/x)~~ (dead since 2026-11-20)\n",
    }
    assert [(c.file, c.line) for c in proposal.changes] == [("README.md", 3), ("README.md", 4), ("docs/more.md", 1)]
    assert proposal.title == f"{MARKDOWN_TITLE} (1 moved, 2 dead)"
    assert "Markdown file" in proposal.body and "catalog file" not in proposal.body


def test_markdown_mode_follows_the_dead_policy() -> None:
    policy = Policy(dead="comment")
    proposal = propose(MD_FILES, [MD_DEAD], layout=Layout(), today=TODAY, dead=DeadRule(policy=policy))
    assert proposal.files["docs/more.md"] == (
        "- [Gone again](https://gone.example/x) <!-- listkeeper: dead since 2026-11-20 -->\n"
    )
    assert "README.md" in proposal.files and proposal.files["README.md"].count("\r\n") == LIST.count("\r\n")


# -- the dead rule from the configuration --------------------------------------------------------------------------


def test_dead_rule_flag_over_configuration() -> None:
    cfg = config_module.Config()
    assert dead_rule(cfg, None, markdown=False) == DeadRule("mark")
    assert dead_rule(cfg, "remove", markdown=False) == DeadRule("remove")
    configured = cfg.with_overrides(**{"update.dead": "remove", "markdown.dead": "comment"})
    assert dead_rule(configured, None, markdown=False).action == "remove"
    assert dead_rule(configured, None, markdown=True).policy.dead == "comment"
    assert dead_rule(configured, "mark", markdown=True).policy.dead == "mark"
    with pytest.raises(UsageError, match="--dead comment is for Markdown mode"):
        dead_rule(cfg, "comment", markdown=False)
