"""The command line as a whole: version, help on every command, documentation that does not drift."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from listkeeper import __version__
from listkeeper.cli import _COMMANDS, _SHORT_HELP, cli, run

ROOT = Path(__file__).resolve().parents[1]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(_COMMANDS))
def test_every_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: listkeeper {name}")
    assert len(out.splitlines()) > 3


@pytest.mark.parametrize("name", sorted(_COMMANDS))
def test_the_listing_says_what_each_command_says_of_itself(name: str) -> None:
    """`listkeeper --help` lists commands from a static table: it must not drift from the commands' own help."""
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    assert _SHORT_HELP.get(name) == command.get_short_help_str(limit=1000)


def test_top_level_help_imports_no_command_module() -> None:
    """Start-up stays fast: `--help` lists every command without importing the heavy libraries they use."""
    code = (
        "import sys; from listkeeper.cli import run; run(['--help']); "
        "print(sorted(m for m in sys.modules if m.startswith('listkeeper.commands') or m.split('.')[0] in "
        "('huggingface_hub', 'githubkit', 'apscheduler', 'sqlalchemy', 'arxiv', 'pydantic', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "Commands:" in out
    assert out.splitlines()[-1] == "[]"


@pytest.mark.parametrize("name", sorted(_COMMANDS))
def test_every_command_is_documented_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"### `listkeeper {name}" in readme, f"README.md has no section for `listkeeper {name}`"


def test_readme_shows_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . && listkeeper check" in readme
    assert "pip install -e '.[test]' && pytest" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # CI runs the same command in a fresh clone, pytest inside a loopback-only network namespace.
    assert re.search(r"^git clone .*\"\$repo\"", ci, re.MULTILINE)
    assert "pip install -e '.[test]' && loopback_only pytest" in ci


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["frobnicate"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "listkeeper", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_validate_does_not_import_the_service_clients() -> None:
    """Commands are loaded lazily: validating never pays for huggingface_hub, arxiv or githubkit."""
    code = (
        "import sys; from listkeeper.cli import run; run(['validate', '--catalog', sys.argv[1]]); "
        "print(sorted(m for m in ('huggingface_hub', 'arxiv', 'githubkit') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "catalog")], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.stdout.strip().endswith("[]"), proc.stdout + proc.stderr


def test_the_readme_configuration_example_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from listkeeper import config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    markdown, example = re.findall(r"```toml\n(.*?)```", readme, re.S)  # Markdown mode's, then the full one
    (tmp_path / "listkeeper.toml").write_text(markdown, encoding="utf-8")
    assert config.load(tmp_path, env={}).markdown.files == ["README.md", "paper_list/*.md"]
    (tmp_path / "listkeeper.toml").write_text(example, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cfg = config.load(".", env={})
    assert cfg.check.hosts["github.com"].min_interval == 0.5
    assert set(cfg.schedule.jobs) == {"links", "pr"}
