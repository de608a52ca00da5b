"""Golden tests for minimal-diff catalog edits: only the intended lines change, byte for byte."""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest

from listkeeper import fsutil
from listkeeper.catalog import edit
from listkeeper.catalog.yamlparse import parse_yaml
from listkeeper.errors import EditError

FAMILY = """\
# CogVLM family — maintained by hand; listkeeper edits only what it must.
id: cogvlm   # family id
name: 'CogVLM'
series: "Cog series"
order: 40
summary: >
  Visual expert models from Zhipu AI — «unicode» ok.
  Second line of the folded summary.

entries:
  # The first entry.
  - id: cogvlm
    name: CogVLM
    params: [17B]
    papers:
      - {arxiv: "2311.03079", title: 'CogVLM: Visual Expert for Pretrained Language Models'}
      - arxiv: '2312.08914'   # CogAgent
        title: "CogAgent: A Visual Language Model for GUI Agents"
    code: [zai-org/CogVLM, THUDM/CogVLM-old]   # flow list
    demos:
      - {space: THUDM/CogVLM-CogAgent}
    checkpoints:
      - hf: zai-org/cogvlm-chat-hf    # the chat model
        size: 17B
        base_llm: Vicuna-7B-v1.5

      - hf: "zai-org/cogvlm-base-490-hf"
        resolution: "490"
    datasets:
      - THUDM/CogVLM-SFT-311K
      - THUDM/CogVLM-old-set   # gone?
    links:
      - {title: SAT weights, url: "https://huggingface.co/zai-org/CogVLM/tree/main"}

  # Second entry, unicode name.
  - id: cogvlm2
    name: "CogVLM2 — 中文"
    code:
      - zai-org/CogVLM2
    checkpoints:
      - {hf: zai-org/cogvlm2-llama3-chat-19B, size: 19B}
    summary: |
      Literal block
      kept as is.
"""

DEAD = {"state": "dead", "since": date(2026, 11, 27), "evidence": "HTTP 404 on 3 checks: gone"}
NEW = {
    "hf": "zai-org/new-model",
    "mark": {"state": "new", "since": date(2026, 11, 27), "evidence": "created 2026-11-20"},
}


@pytest.fixture(params=["\n", "\r\n"], ids=["lf", "crlf"])
def eol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def crlf(text: str, eol: str) -> str:
    return text.replace("\n", eol)


def diff(old: str, new: str) -> tuple[list[bytes], list[bytes]]:
    """(removed lines, added lines) between two texts, compared as bytes with their line endings."""
    a, b = old.encode().splitlines(keepends=True), new.encode().splitlines(keepends=True)
    removed: list[bytes] = []
    added: list[bytes] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += a[i1:i2]
            added += b[j1:j2]
    return removed, added


def lines(*texts: str, eol: str) -> list[bytes]:
    return [(t + eol).encode() for t in texts]


def data(text: str) -> dict:
    parsed, _, problems = parse_yaml(text, "t.yaml")
    assert not problems
    return parsed


# --- replace_scalar ---------------------------------------------------------------------------------------------


def test_replace_plain_scalar_keeps_comment_and_line_ending(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.replace_scalar(old, ("entries", 0, "checkpoints", 0, "hf"), "zai-org/cogvlm-chat")
    assert diff(old, new) == (
        lines("      - hf: zai-org/cogvlm-chat-hf    # the chat model", eol=eol),
        lines("      - hf: zai-org/cogvlm-chat    # the chat model", eol=eol),
    )


def test_replace_keeps_double_quotes(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.replace_scalar(old, ("entries", 0, "checkpoints", 1, "hf"), "zai-org/cogvlm-base")
    assert diff(old, new) == (
        lines('      - hf: "zai-org/cogvlm-base-490-hf"', eol=eol),
        lines('      - hf: "zai-org/cogvlm-base"', eol=eol),
    )


def test_replace_keeps_single_quotes_and_escapes_them(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.replace_scalar(old, ("entries", 0, "papers", 0, "title"), "CogVLM: it's a visual expert")
    removed, added = diff(old, new)
    assert added == lines(
        """      - {arxiv: "2311.03079", title: 'CogVLM: it''s a visual expert'}""",
        eol=eol,
    )
    assert len(removed) == 1
    assert data(new)["entries"][0]["papers"][0]["title"] == "CogVLM: it's a visual expert"


def test_replace_requotes_plain_only_when_needed(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.replace_scalar(old, ("entries", 0, "name"), "yes")  # plain `yes` would read as a boolean
    assert diff(old, new)[1] == lines("    name: 'yes'", eol=eol)
    new = edit.replace_scalar(old, ("entries", 0, "name"), "CogVLM 1")
    assert diff(old, new)[1] == lines("    name: CogVLM 1", eol=eol)


def test_replace_in_flow_list_and_unicode(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.replace_scalar(old, ("entries", 0, "code", 1), "zai-org/CogVLM-new")
    assert diff(old, new) == (
        lines("    code: [zai-org/CogVLM, THUDM/CogVLM-old]   # flow list", eol=eol),
        lines("    code: [zai-org/CogVLM, zai-org/CogVLM-new]   # flow list", eol=eol),
    )
    new = edit.replace_scalar(old, ("entries", 1, "name"), "CogVLM2 — 日本語")
    assert diff(old, new)[1] == lines('    name: "CogVLM2 — 日本語"', eol=eol)


def test_mixed_line_endings_survive() -> None:
    old = FAMILY.replace("size: 17B\n", "size: 17B\r\n")
    new = edit.replace_scalar(old, ("entries", 0, "checkpoints", 0, "size"), "18B")
    assert diff(old, new) == ([b"        size: 17B\r\n"], [b"        size: 18B\r\n"])
    assert new.count("\r\n") == 1


# --- set_mark ---------------------------------------------------------------------------------------------------


def test_mark_block_mapping_item_adds_one_line(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.set_mark(old, ("entries", 0, "checkpoints", 0), DEAD)
    assert diff(old, new) == (
        [],
        lines('        mark: {state: dead, since: 2026-11-27, evidence: "HTTP 404 on 3 checks: gone"}', eol=eol),
    )
    assert data(new)["entries"][0]["checkpoints"][0]["mark"] == DEAD


def test_mark_flow_mapping_item_changes_one_line(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.set_mark(old, ("entries", 0, "demos", 0), DEAD)
    assert diff(old, new) == (
        lines("      - {space: THUDM/CogVLM-CogAgent}", eol=eol),
        lines(
            '      - {space: THUDM/CogVLM-CogAgent, mark: {state: dead, since: 2026-11-27, evidence: "HTTP 404 on 3 '
            'checks: gone"}}',
            eol=eol,
        ),
    )


def test_mark_entry_after_literal_block(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.set_mark(old, ("entries", 1), DEAD)
    removed, added = diff(old, new)
    assert removed == []
    assert added == lines('    mark: {state: dead, since: 2026-11-27, evidence: "HTTP 404 on 3 checks: gone"}', eol=eol)
    assert data(new)["entries"][1]["summary"] == "Literal block\nkept as is.\n"
    assert new.endswith("    kept as is." + eol + added[0].decode())


def test_mark_update_rewrites_only_changed_fields(eol: str) -> None:
    old = edit.set_mark(crlf(FAMILY, eol), ("entries", 0, "checkpoints", 0), DEAD)
    new = edit.set_mark(old, ("entries", 0, "checkpoints", 0), {**DEAD, "since": date(2026, 12, 1)})
    removed, added = diff(old, new)
    assert [line.replace(b"2026-11-27", b"2026-12-01") for line in removed] == added
    assert len(added) == 1
    assert edit.set_mark(new, ("entries", 0, "checkpoints", 0), {**DEAD, "since": date(2026, 12, 1)}) == new


def test_mark_file_without_trailing_newline() -> None:
    old = FAMILY[: FAMILY.index("    summary: |")].rstrip("\n")
    new = edit.set_mark(old, ("entries", 1), DEAD)
    assert new.startswith(old + "\n    mark: {state: dead")
    assert not new.endswith("\n")


def test_mark_that_would_change_a_literal_block_is_refused() -> None:
    # Without a final newline the literal summary has none; a line added after it would give it one.
    old = FAMILY.rstrip("\n")
    with pytest.raises(EditError, match=r"entries\[1\]\.mark: refusing .* more than the intended value"):
        edit.set_mark(old, ("entries", 1), DEAD)


def test_mark_scalar_item_is_refused() -> None:
    with pytest.raises(EditError, match=r"entries\[0\]\.code\[0\]: only mapping items can carry a mark"):
        edit.set_mark(FAMILY, ("entries", 0, "code", 0), DEAD, file="cogvlm.yaml")


# --- remove_item ------------------------------------------------------------------------------------------------


def test_remove_block_scalar_item_with_its_comment(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.remove_item(old, ("entries", 0, "datasets", 1))
    assert diff(old, new) == (lines("      - THUDM/CogVLM-old-set   # gone?", eol=eol), [])


def test_remove_block_mapping_item_keeps_neighbours(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.remove_item(old, ("entries", 0, "checkpoints", 0))
    assert diff(old, new) == (
        lines(
            "      - hf: zai-org/cogvlm-chat-hf    # the chat model",
            "        size: 17B",
            "        base_llm: Vicuna-7B-v1.5",
            eol=eol,
        ),
        [],
    )
    new = edit.remove_item(old, ("entries", 0, "papers", 1))
    assert diff(old, new)[0] == lines(
        "      - arxiv: '2312.08914'   # CogAgent",
        '        title: "CogAgent: A Visual Language Model for GUI Agents"',
        eol=eol,
    )


@pytest.mark.parametrize(
    ("index", "after"),
    [(1, "    code: [zai-org/CogVLM]   # flow list"), (0, "    code: [THUDM/CogVLM-old]   # flow list")],
)
def test_remove_flow_item(eol: str, index: int, after: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.remove_item(old, ("entries", 0, "code", index))
    before = lines("    code: [zai-org/CogVLM, THUDM/CogVLM-old]   # flow list", eol=eol)
    assert diff(old, new) == (before, lines(after, eol=eol))


def test_remove_only_block_item_leaves_empty_list(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.remove_item(old, ("entries", 1, "code", 0))
    assert diff(old, new) == (lines("    code:", "      - zai-org/CogVLM2", eol=eol), lines("    code: []", eol=eol))
    assert data(new)["entries"][1]["code"] == []


# --- append_item ------------------------------------------------------------------------------------------------


def test_append_block_mapping_checkpoint(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.append_item(old, ("entries", 0, "checkpoints"), NEW)
    assert diff(old, new) == (
        [],
        lines(
            "      - hf: zai-org/new-model",
            "        mark: {state: new, since: 2026-11-27, evidence: created 2026-11-20}",
            eol=eol,
        ),
    )
    assert new.index("zai-org/new-model") < new.index("    datasets:")


def test_append_flow_mapping_checkpoint(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.append_item(old, ("entries", 1, "checkpoints"), NEW)
    assert diff(old, new) == (
        [],
        lines(
            "      - {hf: zai-org/new-model, mark: {state: new, since: 2026-11-27, evidence: created 2026-11-20}}",
            eol=eol,
        ),
    )


def test_append_to_flow_list_and_block_scalar_list(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.append_item(old, ("entries", 0, "code"), "zai-org/CogAgent")
    after = "    code: [zai-org/CogVLM, THUDM/CogVLM-old, zai-org/CogAgent]   # flow list"
    assert diff(old, new)[1] == lines(after, eol=eol)
    new = edit.append_item(old, ("entries", 1, "code"), "zai-org/CogAgent")
    assert diff(old, new) == ([], lines("      - zai-org/CogAgent", eol=eol))


def test_append_creates_missing_key(eol: str) -> None:
    old = crlf(FAMILY, eol)
    new = edit.append_item(old, ("entries", 1, "datasets"), "zai-org/CogVLM2-SFT")
    assert diff(old, new) == ([], lines("    datasets:", "      - zai-org/CogVLM2-SFT", eol=eol))
    assert data(new)["entries"][1]["datasets"] == ["zai-org/CogVLM2-SFT"]


def test_append_to_empty_flow_list() -> None:
    old = FAMILY.replace("    code: [zai-org/CogVLM, THUDM/CogVLM-old]", "    code: []")
    new = edit.append_item(old, ("entries", 0, "code"), "zai-org/CogVLM")
    assert diff(old, new)[1] == [b"    code: [zai-org/CogVLM]   # flow list\n"]


# --- refusals ---------------------------------------------------------------------------------------------------


def test_missing_path_is_refused() -> None:
    with pytest.raises(EditError, match=r"cogvlm\.yaml: entries\[0\]\.checkpoints\[7\]\.hf: no such key path"):
        edit.replace_scalar(FAMILY, ("entries", 0, "checkpoints", 7, "hf"), "a/b", file="cogvlm.yaml")
    with pytest.raises(EditError, match="no such key path"):
        edit.remove_item(FAMILY, ("entries", 0, "collections", 0))


def test_invalid_result_is_refused() -> None:
    with pytest.raises(EditError, match=r"entries\[0\]\.checkpoints\[0\]\.hf: refusing .*not a valid catalog file"):
        edit.replace_scalar(FAMILY, ("entries", 0, "checkpoints", 0, "hf"), "not a repo id")


def test_edit_that_changes_something_else_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # A token that splices an extra list item: the re-parse sees two changes, so the edit is refused.
    monkeypatch.setattr(edit, "scalar_tokens", lambda value, style: [f"{value}, zai-org/extra"])
    with pytest.raises(EditError, match="would change more than the intended value"):
        edit.replace_scalar(FAMILY, ("entries", 0, "code", 0), "zai-org/CogVLM2")


def test_anchored_and_block_scalars_are_refused() -> None:
    anchored = FAMILY.replace("name: 'CogVLM'", "name: &n CogVLM")
    assert data(anchored)["name"] == "CogVLM"
    with pytest.raises(EditError, match="anchored"):
        edit.replace_scalar(anchored, ("name",), "Other")
    with pytest.raises(EditError, match="block scalars"):
        edit.replace_scalar(FAMILY, ("summary",), "short")


def test_remove_that_empties_required_list_is_refused() -> None:
    single = FAMILY[: FAMILY.index("\n  # Second entry")] + "\n"
    with pytest.raises(EditError, match="not a valid catalog file"):
        edit.remove_item(single, ("entries", 0))


def test_write_atomic_keeps_bytes(tmp_path: Path) -> None:
    target = tmp_path / "cogvlm.yaml"
    target.write_bytes(b"old\r\n")
    fsutil.write_atomic(target, crlf(FAMILY, "\r\n"))
    assert target.read_bytes() == crlf(FAMILY, "\r\n").encode()
    assert edit.read_text(target) == crlf(FAMILY, "\r\n")
    assert [p.name for p in tmp_path.iterdir()] == ["cogvlm.yaml"]
