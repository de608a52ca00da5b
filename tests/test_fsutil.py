from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from listkeeper.errors import UsageError
from listkeeper.fsutil import remove_stale_temps, write_atomic


def test_write_keeps_bytes_and_permissions(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("old\n")
    target.chmod(0o640)
    write_atomic(target, "new\r\nline\n")
    assert target.read_bytes() == b"new\r\nline\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_a_killed_write_leaves_the_old_file_and_the_next_write_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("old\n")
    # A child process that dies (SIGKILL) after writing its temporary file but before the rename.
    code = (
        "import os, signal, sys; from pathlib import Path; import listkeeper.fsutil as f\n"
        "real = os.replace\n"
        "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        "f.write_atomic(Path(sys.argv[1]), 'half-new\\n')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(target)], check=False)
    assert proc.returncode == -9
    assert target.read_text() == "old\n"
    leftovers = [p for p in tmp_path.iterdir() if p.name != "a.yaml"]
    assert len(leftovers) == 1 and leftovers[0].read_text() == "half-new\n"
    write_atomic(target, "new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]
    assert target.read_text() == "new\n"


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "a.yaml", "x")


def test_remove_stale_temps_only_removes_ours(tmp_path: Path) -> None:
    (tmp_path / ".a.yaml.0123.listkeeper-tmp").write_text("x")
    (tmp_path / ".hidden").write_text("keep")
    assert [p.name for p in remove_stale_temps(tmp_path)] == [".a.yaml.0123.listkeeper-tmp"]
    assert os.listdir(tmp_path) == [".hidden"]
