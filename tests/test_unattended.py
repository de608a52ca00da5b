"""Unattended runs: two runs never overlap, and a run killed with SIGKILL at any moment leaves the catalog, the
state store and git consistent, after which the next run completes the work.

Runs are real ``listkeeper`` processes against the end-to-end world of tests/test_end_to_end.py (every service
faked on 127.0.0.1, the catalog in a real git repository).
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from tests.fakes.world import COG, World, sh
from tests.samples import BUNNY

SLOW = 0.6  # seconds per request on the docs host: a run lasts long enough to be interrupted


def _start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "listkeeper", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _state_is_intact(root: Path) -> None:
    state = root / ".listkeeper" / "state.sqlite"
    if state.exists():
        with sqlite3.connect(state) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _git_is_consistent(root: Path) -> None:
    assert not (root / ".git" / "index.lock").exists()
    subprocess.run(["git", "-C", str(root), "fsck", "--no-progress"], check=True, capture_output=True)


def test_two_scheduled_runs_never_overlap(world: World) -> None:
    world.web.hosts["docs.example"].latency = SLOW
    with open(world.root / "listkeeper.toml", "a") as fh:
        fh.write('[schedule.jobs.check]\nargs = ["check", "--strict"]\ninterval = 3600\n')
    first = _start(world.root, "schedule", "--once")
    second = _start(world.root, "schedule", "--once")
    outs = [p.communicate(timeout=120)[0] for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    locked = [out for out in outs if "held by another listkeeper run" in out]
    assert len(locked) == 1, outs
    assert codes[1] == 2 and codes[0] in (0, 1), (codes, outs)
    # Only one run reached the web: each link was requested once.
    assert (
        world.web.hosts["docs.example"].server.count("/ok", "HEAD")
        + world.web.hosts["docs.example"].server.count("/ok", "GET")
        == 1
    )


def _reset(world: World) -> None:
    sh(world.root, "checkout", "--quiet", "--", "catalog")
    sh(world.root, "clean", "--quiet", "-fd", "--", "catalog")
    if sh(world.root, "branch", "--list", "listkeeper/update"):
        sh(world.root, "branch", "--quiet", "-D", "listkeeper/update")


def _files(root: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((root / "catalog").glob("*.yaml"))}


@pytest.mark.parametrize("args", [["sync"], ["sync", "--pr", "--local"]], ids=["working-tree", "local-pr"])
def test_sigkill_at_any_moment_leaves_everything_consistent(world: World, args: list[str]) -> None:
    world.web.hosts["docs.example"].latency = SLOW
    run_args = [*args, "--strict", "--format", "none"]
    base = _files(world.root)
    assert base == {"bunny.yaml": BUNNY, "cogvlm.yaml": COG}

    # The outcome of an uninterrupted run, for comparison.
    done = _start(world.root, *run_args)
    out = done.communicate(timeout=120)[0]
    assert done.returncode == 0, out
    final_files = _files(world.root)
    final_branch = (
        sh(world.root, "rev-parse", "--verify", "--quiet", "listkeeper/update^{tree}") if "--pr" in args else ""
    )
    _reset(world)

    for delay in (0.3, 0.7, 1.1, 1.5, 1.9):
        proc = _start(world.root, *run_args)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        # Each catalog file is the old or the new version, never a mixture, and the catalog loads.
        for name, text in _files(world.root).items():
            assert text in (base[name], final_files[name]), (delay, name)
        load_catalog(world.root / "catalog")
        _state_is_intact(world.root)
        _git_is_consistent(world.root)
        if "--pr" in args:
            assert sh(world.root, "status", "--porcelain") == ""  # PR mode never touches the working tree
            branch = sh(world.root, "branch", "--list", "listkeeper/update")
            if branch:  # a branch that exists is complete: one commit on main
                assert sh(world.root, "rev-parse", "listkeeper/update^") == sh(world.root, "rev-parse", "main")
        _reset(world)

    # The next run completes and produces exactly what an uninterrupted run does.
    proc = _start(world.root, *run_args)
    out = proc.communicate(timeout=120)[0]
    assert proc.returncode == 0, out
    assert _files(world.root) == final_files
    if "--pr" in args:
        assert sh(world.root, "rev-parse", "listkeeper/update^{tree}") == final_branch
    assert not list((world.root / "catalog").glob(".*listkeeper-tmp"))
