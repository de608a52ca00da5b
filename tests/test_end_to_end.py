"""End to end: a catalog in a real git repository, every service faked on 127.0.0.1, ``listkeeper sync --pr``.

The fakes: FakeWeb (plain links, through ``check.remap``), FakeHub (HF_ENDPOINT), FakeArxiv
(LISTKEEPER_ARXIV_API_URL) and FakeGitHub with its Git Data + pulls extension (GITHUB_API_URL) holding the same
base commit as the local repository. ``--strict`` makes a 404 dead at once.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from listkeeper.cli import run
from listkeeper.publish.marker import parse_marker
from tests.fakes.world import REPO, World, sh
from tests.samples import BUNNY


def yaml_diff(world: World, path: str) -> list[str]:
    base = world.git.files(REPO, "main")[path].splitlines()
    head = world.git.files(REPO, "listkeeper/update")[path].splitlines()
    return [
        line
        for line in difflib.unified_diff(base, head, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_sync_pr_creates_one_pr_then_idles_then_updates(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = world.sync(capsys)

    assert code == 0, out
    assert "opened #1" in out
    diff = yaml_diff(world, "catalog/cogvlm.yaml")
    assert diff[:3] == [
        "-    code: [THUDM/CogVLM]",
        "+    code: [zai-org/CogVLM]",
        '-      - {title: Old blog, url: "https://docs.example/gone"}',
    ]
    assert len(diff) == 4 and re.fullmatch(
        r'\+      - \{title: Old blog, url: "https://docs\.example/gone", '
        r"mark: \{state: dead, since: \d{4}-\d\d-\d\d, evidence: .*404.*\}\}",
        diff[3],
    ), diff
    head = world.git.branch(REPO, "listkeeper/update")
    assert world.git.commit(REPO, head).parents == [world.git.branch(REPO, "main")]  # type: ignore[arg-type]
    changed = {
        p for p, t in world.git.files(REPO, "listkeeper/update").items() if world.git.files(REPO, "main")[p] != t
    }
    assert changed == {"catalog/cogvlm.yaml", "catalog/README.md"}
    assert world.git.files(REPO, "listkeeper/update")["catalog/bunny.yaml"] == BUNNY
    (pull,) = world.git.pulls(REPO)
    assert pull.labels == ["listkeeper"] and pull.state == "open"
    assert "### Moved" in pull.body and "### Dead" in pull.body
    marker = parse_marker(pull.body)
    assert marker is not None and set(marker.subjects) == {"gh:THUDM/CogVLM", "url:https://docs.example/gone"}
    assert sh(world.root, "status", "--porcelain") == ""  # the working tree is untouched in PR mode

    # Run again: same findings → no new PR, not a single write.
    writes = len(world.git.writes())
    code, out = world.sync(capsys)
    assert code == 0, out
    assert "is up to date" in out and "0 writes" in out
    assert len(world.git.writes()) == writes
    assert len(world.git.pulls(REPO)) == 1

    # A new finding (another repo moved) → the same PR is updated.
    world.gh.transfer("BAAI-DCAI/Bunny", "BAAI")
    code, out = world.sync(capsys)
    assert code == 0, out
    assert "updated #1" in out
    assert len(world.git.pulls(REPO)) == 1
    assert yaml_diff(world, "catalog/bunny.yaml") == ["-      - BAAI-DCAI/Bunny", "+      - BAAI/Bunny"]
    assert [(r.method, r.path.rsplit("/", 2)[-2:]) for r in world.git.writes()[writes:]] == [
        ("POST", ["git", "trees"]),
        ("POST", ["git", "commits"]),
        ("PATCH", ["listkeeper", "update"]),
        ("PATCH", ["pulls", "1"]),
    ]


def test_sync_pr_local_makes_the_branch_without_touching_the_user(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (sh(world.root, "rev-parse", "HEAD"), sh(world.root, "status", "--porcelain"))
    code, out = world.sync(capsys, "--local")
    assert code == 0, out
    assert "created listkeeper/update" in out
    assert (sh(world.root, "rev-parse", "HEAD"), sh(world.root, "status", "--porcelain")) == before
    assert sh(world.root, "rev-list", "--count", "main..listkeeper/update") == "1"
    assert world.git.writes() == []  # local mode never writes to GitHub


def test_pr_needs_a_repository(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    (world.root / "listkeeper.toml").write_text(
        (world.root / "listkeeper.toml").read_text().replace(f'repo = "{REPO}"\n', "")
    )
    code = run(["pr", "--findings", str(write_findings(world.root))])
    _, err = capsys.readouterr()
    assert code == 2 and "--repo OWNER/NAME" in err


def test_pr_from_a_findings_file_dry_run_writes_nothing(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["pr", "--dry-run", "--findings", str(write_findings(world.root))])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "+    code: [zai-org/CogVLM]" in out and "dry run: nothing written" in out
    assert world.git.writes() == []


def test_sync_without_pr_writes_the_working_tree(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["sync", "--strict", "--format", "none"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "code: [zai-org/CogVLM]" in (world.root / "catalog" / "cogvlm.yaml").read_text()
    assert sh(world.root, "diff", "--name-only").splitlines() == ["catalog/README.md", "catalog/cogvlm.yaml"]
    assert world.git.writes() == []


def write_findings(root: Path) -> Path:
    path = root / "findings.json"
    path.write_text(
        json.dumps(
            [
                {
                    "kind": "moved",
                    "subject": "gh:THUDM/CogVLM",
                    "new_subject": "gh:zai-org/CogVLM",
                    "message": "moved",
                    "evidence": {},
                    "locations": [],
                    "source": "github",
                }
            ]
        )
    )
    return path


def test_nightly_sync_writes_annotations_and_the_job_summary(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What the nightly workflow runs: `listkeeper sync --pr --format github`."""
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code = run(["sync", "--pr", "--strict", "--format", "github"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "::error file=catalog/cogvlm.yaml,line=" in err  # the dead link, annotated at its catalog line
    text = summary.read_text()
    assert text.startswith("earlier step\n")  # appended, never overwritten
    assert "### Pull request" in text and "opened #1" in text
