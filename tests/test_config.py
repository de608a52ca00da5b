"""Configuration layering and project-root discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper import config
from listkeeper.errors import ConfigError


def test_defaults_file_env_and_overrides_layer_in_that_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "listkeeper.toml").write_text('[check]\nper_host = 3\n[sources]\nhf_endpoint = "http://file"\n')
    monkeypatch.chdir(tmp_path)
    cfg = config.load(".", env={"GITHUB_API_URL": "http://env-gh", "HF_ENDPOINT": "http://env-hf"})
    assert cfg.check.per_host == 3  # file over default
    assert cfg.sources.hf_endpoint == "http://env-hf"  # env over file
    assert cfg.sources.github_api_url == "http://env-gh"
    assert cfg.with_overrides(**{"check.per_host": 1}).check.per_host == 1  # flags over everything


def test_tool_table_in_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.listkeeper]\ncatalog_dir = "data"\n')
    monkeypatch.chdir(tmp_path)
    assert config.load(".", env={}).catalog_dir == Path("data")


def test_commands_find_the_project_root_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "listkeeper.toml").write_text('output = "list/README.md"\n')
    (tmp_path / "catalog" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "catalog" / "deep")
    cfg = config.load(".", env={})
    assert cfg.root == Path("../..")  # relative to where the command runs: short paths in every message
    assert cfg.path(cfg.catalog_dir).resolve() == tmp_path.resolve() / "catalog"
    # A path typed on the command line stays relative to where it was typed.
    moved = cfg.with_overrides(state_path=Path("s.sqlite"))
    assert moved.path(moved.state_path).resolve() == tmp_path.resolve() / "catalog" / "deep" / "s.sqlite"


def test_git_repository_root_counts_as_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    assert config.load(".", env={}).root == Path("..")


def test_invalid_configuration_names_the_file_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "listkeeper.toml").write_text("[check]\nper_host = 0\nexclude = ['(']\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as err:
        config.load(".", env={})
    text = str(err.value)
    assert "listkeeper.toml" in text and "check.per_host" in text and "invalid regular expression" in text
