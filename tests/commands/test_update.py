"""``listkeeper update`` end to end: a real catalog directory, a findings file or the state store, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listkeeper import cli
from listkeeper.findings import Finding, Kind
from listkeeper.state import open_state
from listkeeper.subjects import Subject

COG = """\
# Cog series — hand-written, with comments that must survive.
id: cogvlm
name: CogVLM
entries:
  - id: cogvlm
    name: CogVLM   # the first one
    code: [THUDM/CogVLM]
    checkpoints:
      - hf: THUDM/cogvlm-chat-hf    # renamed org
        size: 17B
      - {hf: zai-org/cogvlm-grounding-hf}
    track:
      hf_authors: [{author: zai-org, include: ["cogvlm*"]}]
"""

BUNNY = """\
id: bunny
name: Bunny
entries:
  - id: bunny
    name: Bunny
    code:
      - BAAI-DCAI/Bunny
"""


def finding(kind: Kind, subject: str, new: str | None = None, **evidence: str) -> dict:
    found = Finding(kind, Subject.parse(subject), f"{kind} {subject}", dict(evidence), (), None)
    data = found.to_json()
    if new is not None:
        data["new_subject"] = new
    return data


FINDINGS = [
    finding(Kind.MOVED, "hf:model/THUDM/cogvlm-chat-hf", "hf:model/zai-org/cogvlm-chat-hf"),
    finding(Kind.DEAD, "hf:model/zai-org/cogvlm-grounding-hf"),
    finding(Kind.NEW_RELEASE, "hf:model/zai-org/cogvlm2-llama3-chat-19B", created_at="2024-05-20T00:00:00Z"),
    finding(Kind.SUSPECT, "gh:BAAI-DCAI/Bunny"),
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "cogvlm.yaml").write_bytes(COG.replace("\n", "\r\n").encode())
    (tmp_path / "catalog" / "bunny.yaml").write_bytes(BUNNY.encode())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LISTKEEPER_STATE", raising=False)
    return tmp_path


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_report(root: Path, findings: object, name: str = "report.json") -> Path:
    path = root / name
    path.write_text(json.dumps({"schema": "listkeeper/check-report", "findings": findings}))
    return path


def test_dry_run_prints_the_diff_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = write_report(project, FINDINGS)
    before = snapshot(project)
    assert cli.run(["update", "--findings", str(report), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "-      - hf: THUDM/cogvlm-chat-hf    # renamed org\r\n" in out
    assert "+      - hf: zai-org/cogvlm-chat-hf    # renamed org\r\n" in out
    assert "+      - {hf: zai-org/cogvlm-grounding-hf, mark: {state: dead, since: " in out
    assert "catalog/cogvlm.yaml:9: entries[0].checkpoints[0].hf: THUDM/cogvlm-chat-hf → zai-org/cogvlm-chat-hf" in out
    assert "3 changes in 1 file from 4 findings" in out
    assert "dry run: nothing written" in out
    assert snapshot(project) == before


def test_update_edits_only_the_expected_lines(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = write_report(project, FINDINGS)
    assert cli.run(["update", "--findings", str(report)]) == 0
    out = capsys.readouterr().out
    cog = (project / "catalog" / "cogvlm.yaml").read_bytes().decode()
    old = COG.replace("\n", "\r\n").splitlines(keepends=True)
    new = cog.splitlines(keepends=True)
    assert [line for line in new if line not in old] == [
        "      - hf: zai-org/cogvlm-chat-hf    # renamed org\r\n",
        new[10],
        new[11],
    ]
    assert new[10].startswith("      - {hf: zai-org/cogvlm-grounding-hf, mark: {state: dead, since: 20")
    assert new[11].startswith("      - {hf: zai-org/cogvlm2-llama3-chat-19B, mark: {state: new, since: 20")
    assert new[11].endswith('created 2024-05-20: https://huggingface.co/zai-org/cogvlm2-llama3-chat-19B"}}\r\n')
    assert [line for line in old if line not in new] == [
        "      - hf: THUDM/cogvlm-chat-hf    # renamed org\r\n",
        "      - {hf: zai-org/cogvlm-grounding-hf}\r\n",
    ]
    assert (project / "catalog" / "bunny.yaml").read_bytes() == BUNNY.encode()
    rendered = project / "catalog" / "README.md"
    assert rendered.is_file() and "re-rendered" in out
    assert "zai-org/cogvlm-chat-hf" in rendered.read_text()

    after = snapshot(project)
    assert cli.run(["update", "--findings", str(report)]) == 0
    assert "nothing to change (4 findings)" in capsys.readouterr().out
    assert snapshot(project) == after


def test_remove_mode(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = write_report(project, [finding(Kind.DEAD, "hf:model/zai-org/cogvlm-grounding-hf")])
    assert cli.run(["update", "--findings", str(report), "--dead", "remove"]) == 0
    assert "zai-org/cogvlm-grounding-hf" not in (project / "catalog" / "cogvlm.yaml").read_text()
    assert "entries[0].checkpoints[1]: remove (dead)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "report.json:1: not valid JSON"),
        ('{"findings": {"kind": "dead"}}', "expected a check report with a 'findings' list"),
        ('[{"kind": "exploded", "subject": "gh:a/b"}]', "findings[0]: not a valid finding"),
        ('{"findings": [{"kind": "dead"}]}', "findings[0]: not a valid finding (missing key 'subject')"),
        ('[{"kind": "dead", "subject": "nope"}]', "findings[0]: not a valid finding (not a subject id"),
    ],
)
def test_bad_findings_file_exits_2_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (project / "report.json").write_text(content)
    before = snapshot(project)
    assert cli.run(["update", "--findings", "report.json"]) == 2
    assert message in capsys.readouterr().err
    assert snapshot(project) == before


def test_an_edit_error_writes_no_file_at_all(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = write_report(
        project,
        [
            finding(Kind.MOVED, "gh:BAAI-DCAI/Bunny", "gh:BAAI-DCAI/Bunny-v2"),  # fine on its own
            finding(Kind.MOVED, "gh:THUDM/CogVLM", "gh:not a repo"),  # the schema rejects the new value
        ],
    )
    before = snapshot(project)
    assert cli.run(["update", "--findings", str(report)]) == 2
    err = capsys.readouterr().err
    assert "catalog/cogvlm.yaml: entries[0].code[0]: refusing to set it to 'not a repo'" in err
    assert snapshot(project) == before


def test_findings_from_the_state_store_honour_dismissals(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_state(project / ".listkeeper" / "state.sqlite") as state, state.transaction():
        state.put("runs", "last-findings", FINDINGS)
        state.dismiss("hf:model/zai-org/cogvlm2-llama3-chat-19B", "closed unmerged")
    assert cli.run(["update", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2 changes in 1 file from 4 findings" in out
    assert "cogvlm2-llama3" not in out


def test_no_recorded_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project)
    assert cli.run(["update"]) == 0
    assert "no findings recorded" in capsys.readouterr().out
    assert snapshot(project) == before  # no state store is created just to find it empty


def test_bare_list_and_catalog_option(tmp_path: Path, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    moved = tmp_path / "catalog-copy"
    (project / "catalog").rename(moved)
    (tmp_path / "findings.json").write_text(json.dumps(FINDINGS[:1]))
    args = ["update", "--findings", "findings.json", "--catalog", str(moved), "--output", str(moved / "LIST.md")]
    assert cli.run(args) == 0
    assert "zai-org/cogvlm-chat-hf" in (moved / "cogvlm.yaml").read_text()
    assert (moved / "LIST.md").is_file()


def test_update_reads_the_catalog_with_the_configured_limits(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``update`` used to load the catalog with the default ``[limits]``: a family file that ``validate`` refuses
    under the configured limit was edited anyway."""
    padding = "# " + "x" * 1500 + "\n"  # the file is now over the configured 1,024 bytes, far under the default
    (project / "catalog" / "bunny.yaml").write_bytes((padding + BUNNY).encode())
    (project / "listkeeper.toml").write_text("[limits]\ncatalog_file_bytes = 1024\n")
    report = write_report(project, [*FINDINGS, finding(Kind.MOVED, "gh:BAAI-DCAI/Bunny", "gh:BAAI-DCAI/Bunny-v2")])
    assert cli.run(["validate"]) == 2
    assert "[limits] catalog_file_bytes" in capsys.readouterr().err
    before = snapshot(project)
    assert cli.run(["update", "--findings", str(report)]) == 2
    err = capsys.readouterr().err
    assert "bunny.yaml" in err and "[limits] catalog_file_bytes" in err
    assert snapshot(project) == before
