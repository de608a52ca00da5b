"""The repository stands alone: nothing it runs refers to a path outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("src", "tests", "benchmarks", ".ci", ".github")

# Built from parts so that this file does not match itself.
_NAME = "shared"
_OUTSIDE = re.compile("|".join([r"\.\./" + _NAME, r"[\"']" + _NAME + r"[\"']\s*/", r"/\s*[\"']" + _NAME + r"[\"']"]))
_PARENTS = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\](\.parent)?")


def _tracked_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", *FOLDERS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ROOT / line for line in out.splitlines() if (ROOT / line).is_file()]


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def test_no_file_refers_to_the_shared_folder() -> None:
    hits = []
    for path in _tracked_files():
        if "fixtures" in path.relative_to(ROOT).parts:
            continue  # received material, quoted as is
        text = _text(path)
        if text is None:
            continue
        lines = enumerate(text.splitlines(), 1)
        hits += [f"{path.relative_to(ROOT)}:{n}" for n, line in lines if _OUTSIDE.search(line)]
    assert hits == []


def test_no_module_climbs_out_of_the_repository() -> None:
    """`Path(__file__).parents[N]` may reach the repository root, never above it."""
    climbing = []
    for path in _tracked_files():
        if path.suffix != ".py":
            continue
        text = _text(path) or ""
        depth_to_root = len(path.relative_to(ROOT).parts)  # parents[depth_to_root - 1] is the root
        for n, line in enumerate(text.splitlines(), 1):
            for match in _PARENTS.finditer(line):
                up = int(match.group(1)) + 1 + (1 if match.group(2) else 0)
                if up > depth_to_root:
                    climbing.append(f"{path.relative_to(ROOT)}:{n}")
    assert climbing == []


def test_the_checks_catch_a_reference(tmp_path: Path) -> None:
    """Negative control: the patterns above do match the forms they are for."""
    assert _OUTSIDE.search("x = ROOT / " + "'shared'" + " / 'seed'")
    assert _OUTSIDE.search("open('../" + "shared/fixtures/cases.json')")
    match = _PARENTS.search("Path(__file__).parents" + "[2].parent")
    assert match is not None and int(match.group(1)) + 2 == 4
