"""The scheduler daemon, run as a real process with a real SQLite job store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from listkeeper import config as config_module
from listkeeper import schedule

FAMILY = """\
id: demo
name: Demo
entries:
  - id: demo
    name: Demo
    code: [acme/demo]
"""


def _project(tmp_path: Path, jobs: str, grace_hours: float = 6.0) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "demo.yaml").write_text(FAMILY)
    (tmp_path / "listkeeper.toml").write_text(f"[schedule]\nmisfire_grace_hours = {grace_hours}\n{jobs}")
    return tmp_path


def _start(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "listkeeper", "schedule"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _wait_for(path: Path, text: str, count: int, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = path.read_text() if path.exists() else ""
        if log.count(text) >= count:
            return log
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not seen {count} times in:\n{log}")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=15)
    return out


def test_jobs_fire_and_sigterm_stops_cleanly(tmp_path: Path) -> None:
    root = _project(tmp_path, '[schedule.jobs.validate]\nargs = ["validate"]\ninterval = 0.5\n')
    proc = _start(root)
    try:
        log = _wait_for(root / ".listkeeper" / "schedule.log", "(validate) exited 0", 2)
    finally:
        out = _stop(proc)
    assert proc.returncode == 0, out
    assert "received SIGTERM: stopping" in out and "scheduler stopped" in out
    assert "catalog OK" in log  # each run's summary is logged


def test_sigint_also_stops(tmp_path: Path) -> None:
    root = _project(tmp_path, '[schedule.jobs.validate]\nargs = ["validate"]\ncron = "0 0 1 1 *"\n')
    proc = _start(root)
    _wait_for(root / ".listkeeper" / "schedule.log", "next run at", 1)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0 and "received SIGINT" in out


def _store_jobs(root: Path) -> None:
    cfg = config_module.load(root)
    scheduler = schedule.build_scheduler(cfg)
    scheduler.start(paused=True)
    schedule.sync_jobs(scheduler, cfg)
    scheduler.shutdown(wait=False)


def _set_next_run(root: Path, job_id: str, when: datetime) -> None:
    """Edit the stored job while no scheduler runs, as if the daemon had been down since ``when``."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    cfg = config_module.load(root)
    store = SQLAlchemyJobStore(url=f"sqlite:///{cfg.path(cfg.schedule.jobstore)}")
    store.start(schedule.build_scheduler(cfg), "default")
    job = store.lookup_job(job_id)
    job._modify(next_run_time=when)
    store.update_job(job)
    store.shutdown()


def _miss_one_run(root: Path, late: timedelta) -> None:
    _store_jobs(root)
    _set_next_run(root, "yearly", datetime.now(UTC) - late)


@pytest.mark.parametrize(("grace_hours", "runs"), [(6.0, 1), (0.0003, 0)])
def test_a_run_missed_during_downtime_runs_once_at_start(tmp_path: Path, grace_hours: float, runs: int) -> None:
    root = _project(tmp_path, '[schedule.jobs.yearly]\nargs = ["validate"]\ncron = "0 0 1 1 *"\n', grace_hours)
    _miss_one_run(root, late=timedelta(minutes=10))
    proc = _start(root)
    log_path = root / ".listkeeper" / "schedule.log"
    try:
        if runs:
            _wait_for(log_path, "(validate) exited 0", 1)
            time.sleep(1.0)  # coalesced: no second run follows
        else:
            _wait_for(log_path, "missed its run", 1)
    finally:
        _stop(proc)
    assert log_path.read_text().count("job 'yearly' starting") == runs


def test_misfire_grace_and_coalesce_are_stored_with_the_job(tmp_path: Path) -> None:
    root = _project(tmp_path, '[schedule.jobs.nightly]\nargs = ["validate"]\ncron = "0 2 * * *"\n', 4.0)
    cfg = config_module.load(root)
    scheduler = schedule.build_scheduler(cfg)
    scheduler.start(paused=True)
    schedule.sync_jobs(scheduler, cfg)
    job = scheduler.get_job("nightly")
    assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (4 * 3600, True, 1)
    scheduler.shutdown(wait=False)


def test_restart_keeps_unchanged_jobs_and_drops_removed_ones(tmp_path: Path) -> None:
    root = _project(tmp_path, '[schedule.jobs.a]\nargs = ["validate"]\ncron = "0 2 * * *"\n')
    cfg = config_module.load(root)
    first = schedule.build_scheduler(cfg)
    first.start(paused=True)
    schedule.sync_jobs(first, cfg)
    first.add_job("listkeeper.schedule:run_job", "interval", seconds=60, id="stale", args=["stale", ["validate"], "."])
    first.shutdown(wait=False)
    kept_time = datetime.now(UTC) - timedelta(minutes=5)
    _set_next_run(root, "a", kept_time)

    second = schedule.build_scheduler(cfg)
    second.start(paused=True)
    schedule.sync_jobs(second, cfg)
    assert [j.id for j in second.get_jobs()] == ["a"]
    assert abs((second.get_job("a").next_run_time - kept_time).total_seconds()) < 1
    second.shutdown(wait=False)


def test_once_runs_every_job_and_returns_the_worst_exit_code(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[schedule.jobs.ok]\nargs = ["validate"]\ncron = "0 2 * * *"\n'
        '[schedule.jobs.bad]\nargs = ["validate", "--catalog", "missing"]\ncron = "0 3 * * *"\n',
    )
    proc = subprocess.run(
        [sys.executable, "-m", "listkeeper", "schedule", "--once"], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "job 'ok' (validate) exited 0" in proc.stderr and "job 'bad'" in proc.stderr


def test_bad_job_configuration_is_a_clear_error(tmp_path: Path) -> None:
    root = _project(tmp_path, '[schedule.jobs.x]\nargs = ["rm", "-rf"]\ncron = "0 2 * * *"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "listkeeper", "schedule", "--list"], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "'rm' cannot be scheduled" in proc.stderr


def test_list_shows_each_job_and_its_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from listkeeper.commands.schedule import command

    root = _project(tmp_path, '[schedule.jobs.links]\nargs = ["check", "--only", "links"]\ncron = "30 2 * * *"\n')
    monkeypatch.chdir(root)
    result = CliRunner().invoke(command, ["--list"])
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert line.startswith("links: listkeeper check --only links  [30 2 * * *, next ")
    upcoming = datetime.fromisoformat(line.rsplit("next ", 1)[1].rstrip("]"))
    assert (upcoming.hour, upcoming.minute) == (2, 30)
    assert timedelta(0) < upcoming - datetime.now(UTC) <= timedelta(days=1)


def test_changing_only_the_timezone_reschedules_stored_jobs(tmp_path: Path) -> None:
    root = _project(tmp_path, '[schedule.jobs.a]\nargs = ["validate"]\ncron = "0 2 * * *"\n')
    _store_jobs(root)
    toml = root / "listkeeper.toml"
    toml.write_text(toml.read_text().replace("[schedule]\n", '[schedule]\ntimezone = "Asia/Tokyo"\n'))
    cfg = config_module.load(root)
    scheduler = schedule.build_scheduler(cfg)
    scheduler.start(paused=True)
    schedule.sync_jobs(scheduler, cfg)
    job = scheduler.get_job("a")
    assert str(job.trigger.timezone) == "Asia/Tokyo"
    assert job.next_run_time.astimezone(job.trigger.timezone).hour == 2
    scheduler.shutdown(wait=False)


@pytest.mark.parametrize("args", [["schedule"], ["schedule", "--list"]])
def test_schedule_without_the_extra_says_how_to_install_it(args: list[str], tmp_path: Path) -> None:
    """APScheduler is an optional extra: without it the daemon exits 2 with the install command, no traceback."""
    code = "import sys; sys.modules['apscheduler'] = None; from listkeeper.cli import main; main(sys.argv[1:])"
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 2
    assert "pip install 'listkeeper[schedule]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_crashed_run_is_logged_at_error_a_normal_one_at_info(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A crash used to exit 1 ("findings") and be logged at INFO like any night with dead links."""
    import logging

    from tests.faults import inject_crash

    root = _project(tmp_path, "")
    caplog.set_level(logging.INFO, logger="listkeeper.schedule")
    assert schedule.run_job("ok", ["validate"], str(root)) == 0
    assert schedule.run_job("usage", ["validate", "--catalog", "missing"], str(root)) == 2
    monkeypatch.setenv(
        "PYTHONPATH", inject_crash(tmp_path, "listkeeper.catalog.validate", "scan_catalog")["PYTHONPATH"]
    )
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the crash log goes there (the project has no state directory)
    assert schedule.run_job("crash", ["validate"], str(root)) == 4
    levels = {r.getMessage().split(" (")[0]: r.levelname for r in caplog.records if "exited" in r.getMessage()}
    assert levels == {"job 'ok'": "INFO", "job 'usage'": "WARNING", "job 'crash'": "ERROR"}
    crash = next(
        r.getMessage() for r in caplog.records if "job 'crash'" in r.getMessage() and "exited" in r.getMessage()
    )
    assert "internal error: RuntimeError" in crash  # the one line naming the crash log is in the job's tail


def test_exit_statuses_outside_the_table_are_internal_errors() -> None:
    from listkeeper.errors import ExitCode

    assert schedule.as_exit_code(3) is ExitCode.NOTHING_CHECKED
    assert schedule.as_exit_code(-9) is ExitCode.INTERNAL  # killed by SIGKILL
    assert schedule.as_exit_code(120) is ExitCode.INTERNAL
