"""Markdown mode edits: golden diffs on large generated lists, idempotence, and the exactness rules."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from listkeeper.findings import Finding, Kind
from listkeeper.findings import findings_from_json as parse_findings
from listkeeper.links.extract import extract_markdown
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.mdlist.policy import Policy
from listkeeper.subjects import Subject
from tests.mdlist import make_fixtures
from tests.mdlist.conftest import GH_NEW, GH_OLD, TODAY, dead, moved

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mdlist"
NAMES = ("papers-crlf.md", "awesome.md")


def _texts() -> dict[str, str]:
    return {name: (FIXTURES / name).read_bytes().decode("utf-8") for name in NAMES}


def _findings() -> list[Finding]:
    return parse_findings(json.loads((FIXTURES / "findings.json").read_text(encoding="utf-8")), "findings.json")


def _diff(name: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(old.split("\n"), new.split("\n"), f"a/{name}", f"b/{name}", lineterm="", n=0)
    return "\n".join(lines) + "\n"


def test_the_committed_fixtures_are_what_the_generator_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(make_fixtures, "OUT", tmp_path)
    make_fixtures.main()
    for name in (*NAMES, "findings.json"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def test_the_fixtures_are_large_real_shapes() -> None:
    texts = _texts()
    for name, text in texts.items():
        links = extract_markdown(text, name)
        assert len(links) >= 1000, (name, len(links))
    assert texts["papers-crlf.md"].count("\r\n") == texts["papers-crlf.md"].count("\n")
    assert "\r" not in texts["awesome.md"]
    kinds = {link.kind for link in extract_markdown(texts["awesome.md"], "awesome.md")}
    assert {"inline", "reference", "autolink", "bare", "html-a", "html-img", "image", "empty"} <= kinds


@pytest.mark.parametrize("policy", ["mark", "comment", "remove"])
def test_golden_edits_and_applying_twice_changes_nothing(policy: str) -> None:
    texts, findings = _texts(), _findings()
    out, changes = edit_markdown(texts, findings, policy=Policy(dead=policy), today=TODAY)  # type: ignore[arg-type]
    assert set(out) == set(NAMES)
    for name in NAMES:
        golden = FIXTURES / f"{name}.{policy}.diff"
        got = _diff(name, texts[name], out[name])
        if os.environ.get("LISTKEEPER_UPDATE_GOLDEN"):
            golden.write_bytes(got.encode("utf-8"))
        assert got == golden.read_bytes().decode("utf-8"), f"{golden.name} differs"
    assert out["papers-crlf.md"].count("\r\n") == out["papers-crlf.md"].count("\n")  # CRLF stays CRLF
    again, more = edit_markdown(out, findings, policy=Policy(dead=policy), today=TODAY)  # type: ignore[arg-type]
    assert again == {} and more == []
    assert all(c.finding.kind in (Kind.MOVED, Kind.DEAD) for c in changes)  # the suspect finding changes nothing


def test_every_kind_of_occurrence_moves_and_nothing_else_changes() -> None:
    text = (
        "Intro https://github.com/THUDM/CogVLM, and <https://github.com/THUDM/CogVLM/issues?q=1#top>.  \r\n"
        "| a | b |\r\n|:-:|--:|\r\n"
        "| [x](https://github.com/thudm/cogvlm/blob/main/README.md#L10) | "
        "[![THUDM/CogVLM](https://img.shields.io/github/stars/THUDM/CogVLM?style=social)]"
        "(https://github.com/THUDM/CogVLM) |\r\n"
        "\r\n"
        "`https://github.com/THUDM/CogVLM` and https://github.com/THUDM/CogVLM-2 and https://github.com/THUDM/CogVLMx\r\n"
        "<div><a href='https://github.com/THUDM/CogVLM'>x</a></div>\r\n"
        "\r\n"
        "[r]: https://github.com/THUDM/CogVLM.git\r\n"
        "[use][r]\r\n"
    )
    out, changes = edit_markdown({"R.md": text}, [moved(GH_OLD, GH_NEW)], today=TODAY)
    expected = (
        text.replace("https://github.com/THUDM/CogVLM,", "https://github.com/zai-org/CogVLM,")
        .replace("THUDM/CogVLM/issues?q=1#top", "zai-org/CogVLM/issues?q=1#top")
        .replace("thudm/cogvlm/blob/main/README.md#L10", "zai-org/CogVLM/blob/main/README.md#L10")
        .replace("[![THUDM/CogVLM](https://img.shields.io/github/stars/THUDM/", "[![zai-org/CogVLM](STARS/zai-org/")
        .replace("STARS", "https://img.shields.io/github/stars")
        .replace("style=social)](https://github.com/THUDM/CogVLM)", "style=social)](https://github.com/zai-org/CogVLM)")
        .replace("href='https://github.com/THUDM/CogVLM'", "href='https://github.com/zai-org/CogVLM'")
        .replace("[r]: https://github.com/THUDM/CogVLM.git", "[r]: https://github.com/zai-org/CogVLM.git")
    )
    assert out["R.md"] == expected
    assert "`https://github.com/THUDM/CogVLM`" in out["R.md"]  # code spans are never touched
    assert "THUDM/CogVLM-2" in out["R.md"] and "THUDM/CogVLMx" in out["R.md"]  # other repos are other repos
    assert {c.line for c in changes} == {1, 4, 7, 9}


def test_redirects_keep_the_fragment_and_escaped_html_keeps_its_entities() -> None:
    old, new = Subject("url", "https://old.example/a?x=1&y=2"), Subject("url", "https://new.example/a?x=1&y=2")
    text = '[a](https://old.example/a?x=1&y=2#part)\n\n<a href="https://old.example/a?x=1&amp;y=2">b</a>\n'
    out, _ = edit_markdown({"R.md": text}, [moved(old, new)], today=TODAY)
    assert out["R.md"] == (
        '[a](https://new.example/a?x=1&y=2#part)\n\n<a href="https://new.example/a?x=1&amp;y=2">b</a>\n'
    )


def test_dead_policies_and_their_configurable_text() -> None:
    gone = Subject("url", "https://gone.example/x")
    text = (
        "- [Gone](https://gone.example/x) — a tool\n  - child [ok](https://ok.example)\n"
        "- [Kept](https://ok.example/k)\n\nSee [Gone](https://gone.example/x).\n"
    )
    mark = Policy(dead="mark", mark="{link} ⚠️ dead since {date}")
    out, _ = edit_markdown({"R.md": text}, [dead(gone)], policy=mark, today=TODAY)
    assert out["R.md"].splitlines()[0] == "- [Gone](https://gone.example/x) ⚠️ dead since 2026-11-28 — a tool"
    out, changes = edit_markdown({"R.md": text}, [dead(gone)], policy=Policy(dead="remove"), today=TODAY)
    # The whole item with its nested child goes; a link in a paragraph is marked instead (never half a line).
    assert (
        out["R.md"]
        == "- [Kept](https://ok.example/k)\n\nSee ~~[Gone](https://gone.example/x)~~ (dead since 2026-11-28).\n"
    )
    assert [(c.line, c.op) for c in changes] == [(1, "remove"), (5, "mark")]
    out, _ = edit_markdown({"R.md": text}, [dead(gone)], policy=Policy(dead="comment"), today=TODAY)
    assert (
        out["R.md"].splitlines()[0]
        == "- [Gone](https://gone.example/x) <!-- listkeeper: dead since 2026-11-28 --> — a tool"
    )


def test_a_table_row_goes_whole() -> None:
    text = (
        "| a | b |\n|---|---|\n| [x](https://gone.example/x) | [y](https://ok.example/y) |\n"
        "| [z](https://ok.example/z) | - |\n"
    )
    out, _ = edit_markdown(
        {"T.md": text}, [dead(Subject("url", "https://gone.example/x"))], policy=Policy(dead="remove"), today=TODAY
    )
    assert out["T.md"] == "| a | b |\n|---|---|\n| [z](https://ok.example/z) | - |\n"


def test_reference_style_badges_move_at_their_definitions() -> None:
    text = "- [![stars][s1]][r1] text\n" + "\n" * 8 + "[s1]: https://img.shields.io/github/stars/THUDM/CogVLM\n"
    text += "[r1]: https://github.com/THUDM/CogVLM\n"
    out, changes = edit_markdown({"R.md": text}, [moved(GH_OLD, GH_NEW)], today=TODAY)
    assert out["R.md"] == text.replace("THUDM/CogVLM", "zai-org/CogVLM")
    assert [c.line for c in changes] == [10, 11]
    gone = dead(Subject("url", "https://example.com/fig.png"))
    text = "- ![fig][f] x\n" + "\n" * 8 + "[f]: https://example.com/fig.png\n"
    out, _ = edit_markdown({"R.md": text}, [gone], today=TODAY)
    assert out["R.md"].startswith("- ~~![fig][f]~~ (dead since 2026-11-28) x\n")


def test_moves_change_nothing_but_the_ids_and_urls_on_every_line() -> None:
    """Undo every rewrite textually (new id → old id, new URL → old URL): each line is byte-identical again."""
    findings = [f for f in _findings() if f.kind is Kind.MOVED]
    texts = _texts()
    out, changes = edit_markdown(texts, findings, today=TODAY)
    assert len(changes) > 10
    for name, text in texts.items():
        before, after = text.split("\n"), out[name].split("\n")
        assert len(before) == len(after)
        undone = []
        for line in after:
            for finding in findings:
                assert finding.new_subject is not None
                old, new = finding.subject, finding.new_subject
                if old.kind == "url":
                    line = line.replace(new.url(), old.id.partition("#")[0])
                    line = line.replace(new.url().replace("&", "&amp;"), old.id.replace("&", "&amp;"))
                else:
                    line = line.replace(new.id, old.id)
                    line = line.replace(
                        new.id.replace("-", "--").replace("/", "%2F"), old.id.replace("-", "--").replace("/", "%2F")
                    )
            undone.append(line)
        assert undone == before, name


def test_a_wrapped_link_and_a_link_after_it_on_the_same_line() -> None:
    text = "- [a long\n  title](https://github.com/THUDM/CogVLM) and [b](https://github.com/THUDM/CogVLM)\n"
    text += "  then https://github.com/THUDM/CogVLM/issues\n"
    out, changes = edit_markdown({"R.md": text}, [moved(GH_OLD, GH_NEW)], today=TODAY)
    assert out["R.md"] == text.replace("THUDM/CogVLM", "zai-org/CogVLM")
    assert [c.line for c in changes] == [1, 3]


def test_raw_files_of_a_renamed_repository_move_too() -> None:
    text = '<img src="https://raw.githubusercontent.com/THUDM/CogVLM/main/assets/fig.png" width="60%">\n'
    out, _ = edit_markdown({"R.md": text}, [moved(GH_OLD, GH_NEW)], today=TODAY)
    assert out["R.md"] == text.replace("THUDM/CogVLM", "zai-org/CogVLM")


def test_unquoted_attributes_move_and_archived_copies_stay() -> None:
    text = "<a href=https://github.com/THUDM/CogVLM>x</a> and "
    text += "[y](https://web.archive.org/web/2020/https://github.com/THUDM/CogVLM)\n"
    out, _ = edit_markdown({"R.md": text}, [moved(GH_OLD, GH_NEW)], today=TODAY)
    assert out["R.md"] == text.replace("href=https://github.com/THUDM/", "href=https://github.com/zai-org/")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- [a](https://a.example/)\r\n- [gone](https://gone.example/)", "- [a](https://a.example/)"),
        ("- [a](https://a.example/)\n\r\n- [gone](https://gone.example/)", "- [a](https://a.example/)\n"),
        ("- [a](https://a.example/)\r\n- [gone](https://gone.example/)\r\n", "- [a](https://a.example/)\r\n"),
    ],
)
def test_removing_the_last_line_of_a_crlf_file_leaves_no_bare_cr(text: str, expected: str) -> None:
    """The kept line before a removed last line (one without a line ending) lost its LF but kept its CR: the
    result had a bare CR, which the next run refuses. Found by the robustness test."""
    files, _ = edit_markdown(
        {"l.md": text}, [dead(Subject.parse("url:https://gone.example/"))], today=TODAY, policy=Policy(dead="remove")
    )
    assert files["l.md"] == expected
