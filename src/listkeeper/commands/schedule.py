"""``listkeeper schedule``: the scheduler daemon for people who run listkeeper on a server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from listkeeper import config as config_module
from listkeeper import schedule
from listkeeper.commands.options import config_option
from listkeeper.errors import ExitCode


@click.command("schedule")
@click.option("--once", is_flag=True, help="Run every configured job now, in order, and exit with the worst exit code.")
@click.option("--list", "list_jobs", is_flag=True, help="Print the configured jobs and their next run times, and exit.")
@config_option
def command(once: bool, list_jobs: bool, config_file: Path | None) -> ExitCode:
    """Run the configured jobs on their cron schedule until SIGTERM/SIGINT.

    Jobs come from [schedule.jobs] in the configuration (default: links nightly at 02:00 UTC, sources at 02:30,
    the pull request at 04:00). Runs missed while the daemon was down run once at start if they are less than
    misfire_grace_hours late. A job never overlaps another run: each takes the state store's lock.
    """
    if not once:
        schedule.require_scheduler()
    cfg = config_module.load(".", config_file)
    if list_jobs:
        now = datetime.now(UTC)
        for name, job in cfg.schedule.jobs.items():
            when = job.cron if job.cron is not None else f"every {job.interval:g}s"
            upcoming = schedule.next_run(job, cfg.schedule.timezone, now)
            after = f", next {upcoming.isoformat(timespec='minutes')}" if upcoming is not None else ""
            click.echo(f"{name}: listkeeper {' '.join(job.args)}  [{when}{after}]")
        return ExitCode.OK
    schedule.setup_logging(cfg.path(cfg.schedule.log))
    code = schedule.run_once(cfg) if once else schedule.serve(cfg)
    return schedule.as_exit_code(code)
