"""``listkeeper init``: one non-interactive command sets a list repository up, and never overwrites without --force."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from listkeeper import cli, config
from listkeeper.commands import init
from tests.test_automation import ROOT, _actionlint, _load

LIST = "# Awesome\n\n" + "".join(f"- [tool {i}](https://tools{i}.example/)\n" for i in range(12))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text(LIST)
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "2024.md").write_text(LIST.replace("tools", "papers"))
    (tmp_path / "CONTRIBUTING.md").write_text(LIST)  # many links, but not a list
    (tmp_path / "notes.md").write_text("- [one](https://one.example)\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_detects_the_lists_and_writes_everything(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["init"]) == 0
    out = capsys.readouterr().out
    assert "Markdown mode: README.md, papers/2024.md" in out
    for written in ("listkeeper.toml", ".github/workflows/listkeeper.yml", ".pre-commit-config.yaml", ".gitignore"):
        assert f"wrote {written}" in out
    assert "Allow GitHub Actions to create and approve pull requests" in out
    cfg = config.load(repo)
    assert cfg.markdown.files == ["README.md", "papers/2024.md"] and cfg.markdown.dead == "mark"
    assert (repo / ".gitignore").read_text() == ".listkeeper/\n"
    assert "id: listkeeper-check-offline" in (repo / ".pre-commit-config.yaml").read_text()
    # The configuration works: the list files are what Markdown mode reads.
    from listkeeper.mdlist import files

    assert files.patterns(cfg) == ["README.md", "papers/2024.md"]


def test_init_never_overwrites_without_force(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "listkeeper.toml").write_text("# mine\n")
    (repo / ".gitignore").write_bytes(b"dist/\r\n")
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n")
    assert cli.run(["init", "--files", "README.md", "--dead", "remove"]) == 0
    out = capsys.readouterr().out
    assert (repo / "listkeeper.toml").read_text() == "# mine\n"
    assert "kept listkeeper.toml exists" in out
    assert (repo / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    assert "add this entry under repos:" in out and "listkeeper-check-offline" in out
    assert (repo / ".gitignore").read_bytes() == b"dist/\r\n.listkeeper/\r\n"  # in the file's line endings
    assert cli.run(["init", "--files", "README.md", "--dead", "remove"]) == 0  # a second run adds nothing
    assert (repo / ".gitignore").read_bytes() == b"dist/\r\n.listkeeper/\r\n"
    assert cli.run(["init", "--files", "README.md", "--dead", "remove", "--force"]) == 0
    assert config.load(repo).markdown.dead == "remove"


def test_init_in_pyproject(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert cli.run(["init", "--pyproject", "--no-workflow"]) == 0
    table = tomllib.loads((repo / "pyproject.toml").read_text())
    assert table["project"] == {"name": "x"}
    assert table["tool"]["listkeeper"]["markdown"]["files"] == ["README.md", "papers/2024.md"]
    assert not (repo / ".github").exists() and not (repo / "listkeeper.toml").exists()
    assert config.load(repo).markdown.files == ["README.md", "papers/2024.md"]


def test_init_without_a_list_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "README.md").write_text("# hi\n")
    monkeypatch.chdir(tmp_path)
    assert cli.run(["init"]) == 2
    assert not (tmp_path / "listkeeper.toml").exists()


def test_init_catalog_imports_the_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "import" / "table-heavy.md", tmp_path / "README.md")
    monkeypatch.chdir(tmp_path)
    assert cli.run(["init", "--catalog", "--min-links", "3"]) == 0
    assert list((tmp_path / "catalog").glob("*.yaml"))
    cfg = config.load(tmp_path)
    assert cfg.catalog_dir == Path("catalog") and cfg.markdown.files == []
    assert cli.run(["validate"]) == 0
    assert cli.run(["render", "--check"]) == 0  # the rendered list is there, so the pre-commit hook passes
    assert "listkeeper-render-check" in (tmp_path / ".pre-commit-config.yaml").read_text()


def test_the_workflow_passes_actionlint_and_pins_what_nightly_pins(tmp_path: Path) -> None:
    path = tmp_path / ".github" / "workflows" / "listkeeper.yml"
    path.parent.mkdir(parents=True)
    path.write_text(init.workflow("listkeeper==0.1.0"))
    result = _actionlint(tmp_path, path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = _load(path)
    assert data["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert data["concurrency"]["cancel-in-progress"] is False
    nightly = (ROOT / ".github" / "workflows" / "nightly.yml").read_text()
    ours = re.findall(r"uses: (\S+@\S+ # \S+)", path.read_text())
    assert ours and all(pin in nightly for pin in ours)
    assert set(ours) == set(init.PINS.values())


def test_check_offline_works_without_a_catalog(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "README.md").write_text(LIST + "- [empty]()\n")
    assert cli.run(["check", "--offline", "README.md"]) == 1  # the empty link, not "no catalog"
    assert "README.md:15: empty link target" in capsys.readouterr().err
