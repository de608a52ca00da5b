"""Helpers for catalog tests: write a catalog into a temporary folder, find lines, prove nothing was written."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.cli import run
from listkeeper.errors import CatalogError, Problem

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "catalog"

#: A valid family; tests build broken variants from it.
GOOD = """\
id: fam
name: Family
entries:
  - id: one
    name: One
    papers:
      - {arxiv: "2311.03079", title: A paper}
    code: [owner/repo]
    checkpoints:
      - {hf: owner/model-a, size: 7B}
"""


def write_catalog(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (name → text, dedented, or raw bytes) into ``root / "catalog"`` and return that folder."""
    folder = root / "catalog"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the ``nth`` line of ``text`` that contains ``needle``."""
    hits = [i for i, line in enumerate(textwrap.dedent(text).splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} times"
    return hits[nth - 1]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` with its bytes and mtime: equal snapshots mean nothing was written."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()
    } | {p.relative_to(root).as_posix() + "/": (b"", 0) for p in root.rglob("*") if p.is_dir()}


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(CatalogError) as info:
        load_catalog(folder)
    return info.value.problems


def assert_rejected(
    folder: Path, capsys: pytest.CaptureFixture[str], file: str, line: int | None, path: str, message: str
) -> list[Problem]:
    """The loader reports exactly this problem (among others), and ``listkeeper validate`` prints it, exits 2
    and writes nothing anywhere under the temporary folder."""
    problems = problems_of(folder)
    wanted = [p for p in problems if p.file == file and p.line == line and p.path == path and message in p.message]
    assert wanted, f"no problem {file}:{line} {path} ~ {message!r} in:\n" + "\n".join(map(str, problems))

    root = folder.parent
    before = snapshot(root)
    capsys.readouterr()
    assert run(["validate", "--catalog", str(folder)]) == 2
    out, err = capsys.readouterr()
    assert "catalog OK" not in out
    assert str(wanted[0]) in err  # file:line: key.path: message
    where = file if line is None else f"{file}:{line}"
    assert where in err and path in err
    assert snapshot(root) == before
    return problems


#: Two families that share an entry id and (but for case) a checkpoint: cross-file rules have work to do.
A = """\
id: fam-a
name: A
entries:
  - id: alpha
    name: Alpha
    checkpoints:
      - {hf: Owner/Model-A}
  - id: shared
    name: Shared in A
"""

B = """\
id: fam-b
name: B
entries:
  - id: beta
    name: Beta
    checkpoints:
      - {hf: other/model-b}
      - {hf: owner/model-a}
  - id: shared
    name: Shared in B
"""
