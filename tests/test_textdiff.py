"""The one unified diff of texts (update --dry-run, pr --dry-run, render --check)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from listkeeper.textdiff import files_diff, unified


def test_a_last_line_without_newline_is_flagged_and_git_can_apply_the_diff(tmp_path: Path) -> None:
    old, new = "a\nb\n", "a\nc"
    diff = unified(old, new, "a/f.txt", "b/f.txt")
    assert diff.endswith("+c\n\\ No newline at end of file\n")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "f.txt").write_text(old)
    subprocess.run(["git", "apply", "-"], input=diff.encode(), cwd=tmp_path, check=True)
    assert (tmp_path / "f.txt").read_text() == new


def test_files_diff_in_path_order_with_missing_files_empty() -> None:
    diff = files_diff({"b.txt": "x\n"}, {"b.txt": "y\n", "a.txt": "new\n"}, a="a/", b="b/")
    assert diff.index("--- a/a.txt") < diff.index("--- a/b.txt")
    assert "+new\n" in diff and "-x\n+y\n" in diff
