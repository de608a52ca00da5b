"""The command line: a thin layer that parses options and calls one function per verb.

Commands are imported lazily (``_COMMANDS``), so ``listkeeper validate`` never imports the GitHub or Hub clients.
Every expected failure is a :class:`~listkeeper.errors.ListkeeperError`; :func:`main` maps it to an exit code.

Exit codes: 0 ok; 1 findings that fail the run (dead links, stale render); 2 usage, configuration or catalog
error; 3 nothing could be checked (no network, every service unavailable).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from listkeeper import __version__
from listkeeper.errors import ListkeeperError

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


def main(argv: list[str] | None = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="listkeeper", standalone_mode=False)
    except ListkeeperError as exc:
        click.echo(f"error: {exc}", err=True)
        if exc.tip:
            click.echo(f"Tip: {exc.tip}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if isinstance(exc, click.UsageError) else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting (for tests and the scheduler)."""
    try:
        result = main(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return result if isinstance(result, int) else 0
