"""The command line: a thin layer that parses options and calls one function per verb.

Commands are imported lazily (``_COMMANDS``), so ``listkeeper validate`` never imports the GitHub or Hub clients.
Every command returns an :class:`~listkeeper.errors.ExitCode` (or nothing, for OK); every expected failure is a
:class:`~listkeeper.errors.ListkeeperError`, mapped to its code here. Only :func:`main` exits the process.

An unexpected exception (a bug) is never taken for "findings": the full traceback goes to a crash log (in the state
store's directory, else the temporary directory), one line naming it goes to stderr, and the exit code is 4.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from listkeeper import __version__
from listkeeper.errors import ExitCode, ListkeeperError

#: command name -> "module:attribute" of a click.Command
_COMMANDS: dict[str, str] = {
    "validate": "listkeeper.commands.validate:command",
    "import": "listkeeper.commands.import_:command",
    "check": "listkeeper.commands.check:command",
    "render": "listkeeper.commands.render:command",
    "schedule": "listkeeper.commands.schedule:command",
    "update": "listkeeper.commands.update:command",
    "pr": "listkeeper.commands.pr:command",
    "report": "listkeeper.commands.report:command",
    "sync": "listkeeper.commands.sync:command",
    "init": "listkeeper.commands.init:command",
}

#: command name -> its one-line help, so that ``listkeeper --help`` imports no command module (a test keeps these
#: equal to each command's own short help)
_SHORT_HELP: dict[str, str] = {
    "validate": "Check the catalog: schema, ids, duplicates.",
    "import": "Import a Markdown awesome list SOURCE into catalog files in --out (one YAML file per model family).",
    "check": "Check links and facts; report dead, moved, new and changed things with evidence.",
    "render": "Render the catalog into the Markdown list.",
    "schedule": "Run the configured jobs on their cron schedule until SIGTERM/SIGINT.",
    "update": "Apply the findings (moved, dead, new releases, changed titles) to the catalog as minimal edits.",
    "pr": "Open or update ONE pull request with the catalog edits the findings call for.",
    "sync": "Check, then apply the findings: to the working tree, or (--pr) as one pull request.",
    "report": "Write the list's health as an HTML report and/or a status badge.",
    "init": "Set up listkeeper in this list repository: configuration, nightly workflow, pre-commit hooks, .gitignore.",
}
#: Crash logs kept per directory (the oldest are removed).
CRASH_LOGS_KEPT = 10


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = _COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Click's command listing, with each line from :data:`_SHORT_HELP` so that no command module is imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            help_text = _SHORT_HELP.get(name)
            if help_text is not None:
                rows.append((name, click.Command(name, help=help_text).get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="listkeeper")
def cli() -> None:
    """Keep an awesome list current: a YAML catalog, checked links, facts from the Hugging Face Hub, arXiv and
    GitHub, and one reviewable pull request."""


def run(argv: list[str] | None = None) -> ExitCode:
    """Run the CLI and return its exit code without exiting (for :func:`main`, tests and the scheduler)."""
    try:
        result = cli.main(args=argv, prog_name="listkeeper", standalone_mode=False)
    except ListkeeperError as exc:
        click.echo(f"error: {exc}", err=True)
        if exc.tip:
            click.echo(f"Tip: {exc.tip}", err=True)
        return _code(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return ExitCode.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return ExitCode.USAGE if isinstance(exc, click.UsageError) else _code(exc.exit_code)
    except click.exceptions.Exit as exc:
        return _code(exc.exit_code)
    except Exception as exc:  # a bug: never reported as findings (1), always as an internal error (4)
        log = write_crash_log(exc, argv)
        where = f"traceback in {log}" if log is not None else "traceback above"
        click.echo(f"internal error: {type(exc).__name__}: {_one_line(exc)} ({where})", err=True)
        return ExitCode.INTERNAL
    return ExitCode.OK if result is None else _code(result)


def _code(value: int) -> ExitCode:
    """``value`` as an ExitCode; a code outside the table is a bug, reported as such (never as findings)."""
    try:
        return ExitCode(value)
    except ValueError:
        click.echo(f"internal error: exit code {value!r} is not one of listkeeper's exit codes", err=True)
        return ExitCode.INTERNAL


def main(argv: list[str] | None = None) -> NoReturn:
    """The ``listkeeper`` console script: run the command and exit with its code (the only place that exits)."""
    sys.exit(int(run(argv)))


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + "…" if len(text) > 300 else text


def _crash_dirs() -> list[Path]:
    """Where a crash log may go: the state store's directory when the project's configuration loads and that
    directory exists (a crash never creates one), then the temporary directory."""
    dirs: list[Path] = []
    try:
        from listkeeper import config

        cfg = config.load(".")
        state_dir = cfg.path(cfg.state_path).parent
        if state_dir.is_dir():
            dirs.append(state_dir)
    except Exception:  # the configuration may be what is broken: the temporary directory still works
        pass
    dirs.append(Path(tempfile.gettempdir()))
    return dirs


def write_crash_log(exc: BaseException, argv: list[str] | None) -> Path | None:
    """Write the traceback of ``exc`` to a new crash log and return its path; print it to stderr when no directory
    can be written (then None)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    command = " ".join(sys.argv[:1] + (list(argv) if argv is not None else sys.argv[1:]))
    text = (
        f"listkeeper {__version__} crashed at {stamp}\ncommand: {command}\ncwd: {os.getcwd()}\n"
        f"python: {sys.version.split()[0]} on {sys.platform}\n\n" + "".join(traceback.format_exception(exc))
    )
    for directory in _crash_dirs():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"listkeeper-crash-{stamp}-{os.getpid()}.log"
            with path.open("x", encoding="utf-8") as fh:
                fh.write(text)
        except OSError:
            continue
        _prune(directory)
        return path.resolve()
    click.echo(text, err=True)
    return None


def _prune(directory: Path) -> None:
    logs = sorted(directory.glob("listkeeper-crash-*.log"))
    for old in logs[:-CRASH_LOGS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()
