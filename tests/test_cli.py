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


# -- exit codes (issue 10 §4, issue 12 §4) ----------------------------------------------------------------------------


def test_exit_codes_are_the_readme_table() -> None:
    """One enum, and the README's table lists exactly its codes and meanings' first words."""
    import re

    from listkeeper.errors import ExitCode

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", readme, re.M))
    assert {int(code) for code in table} == {int(code) for code in ExitCode}
    assert [ExitCode.OK, ExitCode.FINDINGS, ExitCode.USAGE, ExitCode.NOTHING_CHECKED, ExitCode.INTERNAL] == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert "internal error" in table["4"] and "crash log" in table["4"]


def _crash(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "listkeeper", *args], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )


def test_an_unexpected_exception_exits_4_with_one_line_and_a_crash_log(tmp_path: Path) -> None:
    """A bug used to leave a traceback and exit 1, which CI reads as "dead links found"."""
    from tests.faults import MESSAGE, inject_crash

    (tmp_path / "listkeeper.toml").write_text("")
    (tmp_path / ".listkeeper").mkdir()
    proc = _crash(tmp_path, inject_crash(tmp_path, "listkeeper.catalog.validate", "scan_catalog"), "validate")
    assert proc.returncode == 4, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"internal error: RuntimeError: {MESSAGE} (traceback in ")
    log = Path(line.rsplit("traceback in ", 1)[1].rstrip(")"))
    assert log.parent == (tmp_path / ".listkeeper").resolve()
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and f"RuntimeError: {MESSAGE}" in text
    assert "command: " in text and "validate" in text


def test_a_crash_without_a_state_directory_logs_to_the_temporary_directory(tmp_path: Path) -> None:
    from tests.faults import inject_crash

    (tmp_path / "listkeeper.toml").write_text("")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**inject_crash(tmp_path, "listkeeper.catalog.validate", "scan_catalog"), "TMPDIR": str(temp)}
    proc = _crash(tmp_path, env, "validate")
    assert proc.returncode == 4
    assert not (tmp_path / ".listkeeper").exists()  # a crash creates no state directory
    (log,) = temp.glob("listkeeper-crash-*.log")
    assert str(log.resolve()) in proc.stderr and "RuntimeError" in log.read_text(encoding="utf-8")


def test_run_returns_the_code_and_main_exits_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from listkeeper.cli import main
    from listkeeper.errors import ExitCode

    monkeypatch.chdir(tmp_path)
    (tmp_path / "listkeeper.toml").write_text("")
    assert run(["validate"]) is ExitCode.USAGE  # no catalog directory
    with pytest.raises(SystemExit) as exited:
        main(["validate"])
    assert exited.value.code == 2
