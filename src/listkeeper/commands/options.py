"""Options that several commands share, defined once so their names, types and help stay the same everywhere."""

from __future__ import annotations

from pathlib import Path

import click

catalog_option = click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Catalog directory (default: catalog_dir from the configuration, 'catalog').",
)
state_option = click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="State store file (default: state_path from the configuration, '.listkeeper/state.sqlite').",
)
config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Configuration file (default: listkeeper.toml, or [tool.listkeeper] in pyproject.toml).",
)
dead_option = click.option(
    "--dead",
    type=click.Choice(["mark", "remove"]),
    default=None,
    help="Mark confirmed-dead items (default, from [update] dead) or remove them.",
)
