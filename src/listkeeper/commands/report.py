"""``listkeeper report``: the list's health from the state store, as a self-contained HTML page and/or a shields.io
endpoint badge (:mod:`listkeeper.health`). Sends no request; each file is written atomically."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from listkeeper import config as config_module
from listkeeper import health as health_module
from listkeeper.commands.options import config_option, state_option
from listkeeper.errors import UsageError
from listkeeper.fsutil import write_atomic
from listkeeper.state import open_state


@click.command("report")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML report.")
@click.option(
    "--badge", "badge_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the shields.io badge JSON."
)
@click.option("--title", default="Link health", show_default=True, help="Title of the HTML report.")
@click.option("--label", default="links", show_default=True, help="Left-hand text of the badge.")
@state_option
@config_option
def command(
    html_file: Path | None,
    badge_file: Path | None,
    title: str,
    label: str,
    state_path: Path | None,
    config_file: Path | None,
) -> None:
    """Write the list's health as an HTML report and/or a status badge.

    Both come from the runs recorded in the state store; no request is sent. The HTML page (self-contained) has
    the summary, link verdicts over time, hosts, suspect and dead links with evidence, and the sources' facts.
    """
    if html_file is None and badge_file is None:
        raise UsageError("nothing to write: pass --html FILE and/or --badge FILE")
    cfg = config_module.load(".", config_file).with_overrides(state_path=state_path)
    with open_state(cfg.path(cfg.state_path)) as state:
        health = health_module.gather(state, now=datetime.now(UTC).timestamp())
    if html_file is not None:
        html_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(html_file, health_module.render_html(health, title=title))
        click.echo(f"{html_file}: HTML report of {len(health.runs)} runs and {len(health.links)} links")
    if badge_file is not None:
        data = health_module.badge(health, label=label)
        badge_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(badge_file, json.dumps(data, ensure_ascii=False) + "\n")
        click.echo(f"{badge_file}: {data['message']}")
