"""``update`` is all or nothing across files: kill -9 at each replacement, then the next run ends consistent.

The kill is real: the update runs in a subprocess that SIGKILLs itself after N replacements (the
``LISTKEEPER_TEST_KILL_AFTER_REPLACE`` hook in :mod:`listkeeper.fsutil`; 0 = after the journal is written, before
the first replacement). The next ``update`` finishes the interrupted set from the journal in the state directory.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from listkeeper import cli
from listkeeper.findings import Kind
from listkeeper.fsutil import JOURNAL_NAME, KILL_AFTER_ENV, recover, replace_all
from tests.commands.test_update import BUNNY, COG, finding

FINDINGS = [
    finding(Kind.MOVED, "hf:model/THUDM/cogvlm-chat-hf", "hf:model/zai-org/cogvlm-chat-hf"),
    finding(Kind.MOVED, "gh:BAAI-DCAI/Bunny", "gh:BAAI/Bunny"),
]


def _run(root: Path, *args: str, kill_after: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LISTKEEPER_STATE"}
    if kill_after is not None:
        env[KILL_AFTER_ENV] = str(kill_after)
    return subprocess.run(
        [sys.executable, "-m", "listkeeper", *args], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".listkeeper" not in p.parts and p.name != "report.json"
    }


@pytest.fixture
def catalog_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "catalog").mkdir(parents=True)
    (root / "catalog" / "cogvlm.yaml").write_bytes(COG.encode())
    (root / "catalog" / "bunny.yaml").write_bytes(BUNNY.encode())
    (root / "listkeeper.toml").write_text("")
    (root / "report.json").write_text(json.dumps({"findings": FINDINGS}))
    assert _run(root, "render").returncode == 0
    return root


def test_kill_at_each_replacement_then_the_next_update_ends_consistent(catalog_project: Path) -> None:
    reference = catalog_project.parent / "reference"
    shutil.copytree(catalog_project, reference)
    done = _run(reference, "update", "--findings", "report.json")
    assert done.returncode == 0, done.stderr
    expected = _files(reference)
    assert expected != _files(catalog_project)  # three files change: two family files and the rendered list
    for kill_after in range(4):
        root = catalog_project.parent / f"killed-{kill_after}"
        shutil.copytree(catalog_project, root)
        killed = _run(root, "update", "--findings", "report.json", kill_after=kill_after)
        assert killed.returncode == -9, (kill_after, killed.stdout, killed.stderr)
        assert (root / ".listkeeper" / JOURNAL_NAME).exists()
        again = _run(root, "update", "--findings", "report.json")
        assert again.returncode == 0, again.stderr
        assert "finished an interrupted update of 3 files" in again.stdout
        assert _files(root) == expected, kill_after
        assert not (root / ".listkeeper" / JOURNAL_NAME).exists()
        assert not list(root.rglob("*.listkeeper-staged"))
        assert _run(root, "render", "--check").returncode == 0


def test_markdown_mode_kill_between_files(tmp_path: Path) -> None:
    root = tmp_path / "list"
    root.mkdir()
    (root / "listkeeper.toml").write_text('[markdown]\nfiles = ["README.md", "more.md"]\n')
    (root / "README.md").write_text("- [a](https://github.com/BAAI-DCAI/Bunny)\n")
    (root / "more.md").write_text("- [b](https://github.com/BAAI-DCAI/Bunny/tree/main)\n")
    (root / "report.json").write_text(json.dumps({"findings": FINDINGS}))
    killed = _run(root, "update", "--findings", "report.json", kill_after=1)
    assert killed.returncode == -9
    assert (root / "README.md").read_text() == "- [a](https://github.com/BAAI/Bunny)\n"
    assert "BAAI-DCAI" in (root / "more.md").read_text()  # half done: the journal knows
    again = _run(root, "update", "--findings", "report.json")
    assert again.returncode == 0 and "finished an interrupted update of 2 files" in again.stdout
    assert (root / "more.md").read_text() == "- [b](https://github.com/BAAI/Bunny/tree/main)\n"


def test_update_re_renders_a_stale_list_even_with_nothing_to_change(
    catalog_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What an old run killed between the catalog and the list left: new catalog, stale list."""
    monkeypatch.chdir(catalog_project)
    family = catalog_project / "catalog" / "bunny.yaml"
    family.write_text(family.read_text().replace("BAAI-DCAI/Bunny", "BAAI/Bunny"))
    assert cli.run(["render", "--check"]) == 1
    (catalog_project / "empty.json").write_text("[]")
    assert cli.run(["update", "--findings", "empty.json"]) == 0
    assert "re-rendered" in capsys.readouterr().out
    assert cli.run(["render", "--check"]) == 0


def test_a_journal_whose_staged_files_are_gone_before_any_replacement_rolls_back(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("old\n")
    journal = tmp_path / "state"
    journal.mkdir()
    entries = [{"target": str(target), "staged": str(tmp_path / ".a.md.x.listkeeper-staged"), "sha256": "0" * 64}]
    (journal / JOURNAL_NAME).write_text(json.dumps({"v": 1, "files": entries}))
    assert recover(journal) == "rolled back an interrupted update of 1 files"
    assert target.read_text() == "old\n" and not (journal / JOURNAL_NAME).exists()
    replace_all({target: "new\n"}, journal)
    assert target.read_text() == "new\n" and recover(journal) is None


def test_sync_re_renders_a_stale_list_with_nothing_to_change(
    catalog_project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from listkeeper import config, sync

    monkeypatch.chdir(catalog_project)
    family = catalog_project / "catalog" / "bunny.yaml"
    family.write_text(family.read_text().replace("BAAI-DCAI/Bunny", "BAAI/Bunny"))
    sync._write_working_tree(config.load("."), [], None, None)
    assert "re-rendered the stale" in capsys.readouterr().out
    assert cli.run(["render", "--check"]) == 0


def test_a_replacement_that_fails_is_a_clear_error_and_stays_in_the_journal(tmp_path: Path) -> None:
    from listkeeper.errors import UsageError

    (tmp_path / "a.md").write_text("old\n")
    (tmp_path / "b.md").mkdir()  # a directory where a file should be replaced
    journal = tmp_path / "state"
    with pytest.raises(UsageError, match=r"b\.md: cannot replace it .* the next run finishes the update"):
        replace_all({tmp_path / "a.md": "new\n", tmp_path / "b.md": "new\n"}, journal)
    assert (tmp_path / "a.md").read_text() == "new\n" and (journal / JOURNAL_NAME).exists()
    (tmp_path / "b.md").rmdir()
    assert recover(journal) == "finished an interrupted update of 2 files"
    assert (tmp_path / "b.md").read_text() == "new\n"
