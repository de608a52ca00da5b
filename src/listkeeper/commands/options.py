"""Options that several commands share, defined once so their names, types and help stay the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

catalog_option = click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Catalog directory (default: catalog_dir from the configuration, 'catalog').",
)
_state_path_option = click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="State store file (default: state_path from the configuration, '.listkeeper/state.sqlite').",
)


def _reset_state(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Set :data:`listkeeper.state.RESET_ON_CORRUPT` for this command's run only."""
    from listkeeper.state import RESET_ON_CORRUPT

    token = RESET_ON_CORRUPT.set(bool(value))
    ctx.call_on_close(lambda: RESET_ON_CORRUPT.reset(token))


_reset_state_option = click.option(
    "--reset-state",
    is_flag=True,
    expose_value=False,
    callback=_reset_state,
    help="If the state store is corrupt, move it aside (<file>.corrupt-<time>) and start a new one.",
)


def state_option(f: F) -> F:
    """``--state FILE`` and ``--reset-state`` (handled here, not passed to the command)."""
    return _state_path_option(_reset_state_option(f))


config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: listkeeper.toml, or [tool.listkeeper] in pyproject.toml).",
)
dead_option = click.option(
    "--dead",
    type=click.Choice(["mark", "comment", "remove"]),
    default=None,
    help="Mark confirmed-dead items (default, from [update] dead or [markdown] dead) or remove them; 'comment' "
    "(Markdown mode) puts an HTML comment beside a dead link.",
)
