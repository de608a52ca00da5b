"""``listkeeper schedule``: run the configured jobs on their cron expressions, unattended.

* APScheduler 3.11 with a persistent SQLite job store, so a run missed during downtime runs once at start
  (``coalesce=True``) as long as it is less than ``misfire_grace_hours`` late (APScheduler's default grace of 1 s
  would silently skip it).
* Jobs are stored with ``replace_existing=True``, so changing the configuration and restarting updates them.
* Never two runs at once: ``max_instances=1`` inside the daemon, and every job runs ``listkeeper`` in a child
  process that takes the state store's run lock, the same lock a maintainer's manual run takes.
* A job is a child process: a crash or a SIGKILL of one run cannot take the daemon down, and the next run starts
  from whatever the last committed state was.
* SIGTERM and SIGINT stop the scheduler cleanly: no new runs start, a running child gets SIGTERM and is waited for.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from listkeeper.config import Config, JobConfig
from listkeeper.errors import ExitCode, UsageError

log = logging.getLogger("listkeeper.schedule")

#: Exit code of a child that found the run lock taken (errors.StateLocked).
LOCKED_EXIT = 2


@dataclass(frozen=True)
class RunSummary:
    job: str
    args: tuple[str, ...]
    exit_code: int
    seconds: float
    tail: str  # the last lines of the child's output

    def line(self) -> str:
        return f"job {self.job!r} ({' '.join(self.args)}) exited {self.exit_code} after {self.seconds:.1f}s"


_current: subprocess.Popen[str] | None = None


def run_job(job: str, args: list[str], root: str) -> int:
    """Run one job as ``python -m listkeeper ARGS`` in ``root`` and log its summary.

    Module-level and picklable by reference, as APScheduler's persistent job store requires.
    """
    global _current
    started = time.monotonic()
    log.info("job %r starting: listkeeper %s", job, " ".join(args))
    with subprocess.Popen(
        [sys.executable, "-m", "listkeeper", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as child:
        _current = child
        try:
            output, _ = child.communicate()
        finally:
            _current = None
    summary = RunSummary(job, tuple(args), child.returncode, time.monotonic() - started, _tail(output))
    log.log(_level(summary.exit_code), "%s\n%s", summary.line(), summary.tail)
    return summary.exit_code


def _level(code: int) -> int:
    """OK and findings are a normal night (INFO); usage errors and "nothing checked" need a look (WARNING); a crash
    (exit 4), a child killed by a signal or any other code is an ERROR."""
    if code in (ExitCode.OK, ExitCode.FINDINGS):
        return logging.INFO
    if code in (ExitCode.USAGE, ExitCode.NOTHING_CHECKED):
        return logging.WARNING
    return logging.ERROR


def as_exit_code(code: int) -> ExitCode:
    """A child's exit status as an ExitCode; one outside the table (a signal, a crash of Python itself) is
    INTERNAL."""
    try:
        return ExitCode(code)
    except ValueError:
        return ExitCode.INTERNAL


def _tail(output: str, lines: int = 15) -> str:
    return "\n".join("    " + line for line in output.rstrip().splitlines()[-lines:])


def require_scheduler() -> None:
    """The daemon and ``--list`` need APScheduler, an optional extra: say how to get it instead of a traceback."""
    try:
        import apscheduler  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            f"listkeeper schedule needs the optional scheduler packages ({exc.name} is missing): "
            "pip install 'listkeeper[schedule]' (schedule --once works without them)"
        ) from None


def _trigger(job: JobConfig, timezone: str) -> Any:
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if job.cron is not None:
        return CronTrigger.from_crontab(job.cron, timezone=timezone)
    assert job.interval is not None
    return IntervalTrigger(seconds=job.interval, timezone=timezone)


def next_run(job: JobConfig, timezone: str, now: datetime) -> datetime | None:
    """When the configured trigger fires next after ``now`` (what ``schedule --list`` shows)."""
    return _trigger(job, timezone).get_next_fire_time(None, now)  # type: ignore[no-any-return]


def build_scheduler(config: Config) -> Any:
    """A (not yet started) scheduler with the persistent job store.

    A BackgroundScheduler, so the main thread stays free to wait for signals. Jobs are synchronised after start
    (:func:`sync_jobs`): jobs added before start would replace the stored ones and lose their missed run times.
    """
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    jobstore = config.path(config.schedule.jobstore)
    jobstore.parent.mkdir(parents=True, exist_ok=True)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobstore}")},
        job_defaults=_job_options(config),
        timezone=config.schedule.timezone,
    )
    scheduler.add_listener(_log_event, _events())
    return scheduler


def _job_options(config: Config) -> dict[str, Any]:
    return {"coalesce": True, "max_instances": 1, "misfire_grace_time": int(config.schedule.misfire_grace_hours * 3600)}


def _same_trigger(a: Any, b: Any) -> bool:
    """Same schedule: the text of a trigger leaves out its timezone, so compare that too."""
    return (
        type(a) is type(b) and str(a) == str(b) and str(getattr(a, "timezone", "")) == str(getattr(b, "timezone", ""))
    )


def sync_jobs(scheduler: Any, config: Config) -> None:
    """Make the stored jobs match the configuration (call on a started, paused scheduler).

    A stored job whose command and trigger are unchanged keeps its next run time, so a run missed while the daemon
    was down still runs once at start; its options (grace, coalesce) are refreshed in place. Changed jobs are
    replaced, and jobs no longer configured are removed.
    """
    root = str(config.root.resolve())
    options = _job_options(config)
    for stored in scheduler.get_jobs():
        if stored.id not in config.schedule.jobs:
            log.info("removing job %r: no longer configured", stored.id)
            scheduler.remove_job(stored.id)
    for name, job in config.schedule.jobs.items():
        trigger = _trigger(job, config.schedule.timezone)
        args = [name, list(job.args), root]
        stored = scheduler.get_job(name)
        if stored is not None and _same_trigger(stored.trigger, trigger) and list(stored.args) == args:
            scheduler.modify_job(name, **options)
            continue
        scheduler.add_job(
            "listkeeper.schedule:run_job", trigger, args=args, id=name, name=name, replace_existing=True, **options
        )


def _events() -> int:
    from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED

    return int(EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)


def _log_event(event: Any) -> None:
    from apscheduler.events import EVENT_JOB_MISSED

    if event.code == EVENT_JOB_MISSED:
        log.warning(
            "job %r missed its run at %s (later than the misfire grace)", event.job_id, event.scheduled_run_time
        )
    else:
        log.warning("job %r skipped: the previous run is still going", event.job_id)


def run_once(config: Config, runner: Callable[[str, list[str], str], int] = run_job) -> ExitCode:
    """Run every configured job now, in configuration order; the worst exit code wins."""
    root = str(config.root.resolve())
    codes = [as_exit_code(runner(name, list(job.args), root)) for name, job in config.schedule.jobs.items()]
    return max(codes, default=ExitCode.OK)


def serve(config: Config) -> int:
    """Run the scheduler until SIGTERM or SIGINT."""
    scheduler = build_scheduler(config)
    scheduler.start(paused=True)
    sync_jobs(scheduler, config)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        log.info("received %s: stopping", signal.Signals(signum).name)
        if _current is not None and _current.poll() is None:
            _current.terminate()
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for job in scheduler.get_jobs():
        log.info("job %r next run at %s", job.id, job.next_run_time)
    scheduler.resume()
    while scheduler.running:
        time.sleep(0.2)
    log.info("scheduler stopped")
    return 0


def setup_logging(path: Path | None) -> None:
    """Log to stderr and ``path``, unless logging is configured already (then basicConfig would drop our handlers,
    leaving the log file open)."""
    if logging.getLogger().handlers:
        return
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(path, encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", handlers=handlers)
