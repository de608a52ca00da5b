"""``listkeeper render`` end to end through the CLI, on real files in tmp_path."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.cli import run
from listkeeper.render.markdown import render_catalog
from tests.render.conftest import FIXTURE_CATALOG

OLD = 1_000_000_000  # an mtime far in the past, so any write is visible


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory with the fixture catalog in ./catalog, as the working directory."""
    shutil.copytree(FIXTURE_CATALOG, tmp_path / "catalog")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _expected() -> bytes:
    return render_catalog(load_catalog(FIXTURE_CATALOG).catalog).encode()


def _age(path: Path) -> None:
    os.utime(path, ns=(OLD * 10**9, OLD * 10**9))


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_render_writes_the_configured_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["render"]) == 0
    output = project / "catalog" / "README.md"
    assert output.read_bytes() == _expected()
    assert "created catalog/README.md (4 families, 5 entries)" in capsys.readouterr().out
    assert _leftovers(project / "catalog") == []


def test_render_is_idempotent(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = project / "catalog" / "README.md"
    assert run(["render"]) == 0
    _age(output)
    before = output.stat()
    capsys.readouterr()
    assert run(["render"]) == 0
    after = output.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert output.read_bytes() == _expected()
    assert "up to date" in capsys.readouterr().out


def test_render_replaces_a_stale_file_atomically_keeping_its_mode(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = project / "catalog" / "README.md"
    output.write_text("old hand-edited list\n")
    output.chmod(0o640)
    assert run(["render"]) == 0
    assert output.read_bytes() == _expected()
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert "updated catalog/README.md" in capsys.readouterr().out
    assert _leftovers(project / "catalog") == []


def test_explicit_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out" / "LIST.md"
    output.parent.mkdir()
    assert run(["render", "--catalog", str(FIXTURE_CATALOG), "--output", str(output)]) == 0
    assert output.read_bytes() == _expected()


def test_missing_output_directory_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["render", "--output", "nowhere/README.md"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (project / "nowhere").exists()


def test_check_fresh(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = project / "catalog" / "README.md"
    output.write_bytes(_expected())
    _age(output)
    assert run(["render", "--check"]) == 0
    assert output.stat().st_mtime_ns == OLD * 10**9
    assert "up to date" in capsys.readouterr().out


def test_check_stale_prints_a_diff_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = project / "catalog" / "README.md"
    stale = _expected().replace(b"| CogVLM | 17B |", b"| CogVLM | 7B |")
    assert stale != _expected()
    output.write_bytes(stale)
    _age(output)
    assert run(["render", "--check"]) == 1
    captured = capsys.readouterr()
    assert "--- catalog/README.md (committed)" in captured.out
    assert "+++ catalog/README.md (rendered from catalog)" in captured.out
    assert "\n-| CogVLM | 7B |" in captured.out
    assert "\n+| CogVLM | 17B |" in captured.out
    assert "is stale" in captured.err
    assert output.read_bytes() == stale
    assert output.stat().st_mtime_ns == OLD * 10**9


def test_check_crlf_is_stale(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = project / "catalog" / "README.md"
    output.write_bytes(_expected().replace(b"\n", b"\r\n"))
    assert run(["render", "--check"]) == 1


def test_check_missing_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["render", "--check"]) == 1
    captured = capsys.readouterr()
    assert "does not exist" in captured.err
    assert "+# Awesome Vision-Language Models" in captured.out
    assert not (project / "catalog" / "README.md").exists()


def test_invalid_catalog_exits_2_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = project / "catalog" / "README.md"
    output.write_text("previous list\n")
    bad = project / "catalog" / "hpt.yaml"
    bad.write_text(bad.read_text().replace("code: [HyperGAI/HPT]", "code: [not a repo]"))
    assert run(["render"]) == 2
    err = capsys.readouterr().err
    assert "catalog/hpt.yaml:" in err and "code[0]" in err
    assert output.read_text() == "previous list\n"
    assert run(["render", "--check"]) == 2
    assert _leftovers(project / "catalog") == []


def test_missing_catalog_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["render", "--catalog", str(tmp_path / "none"), "--output", str(tmp_path / "README.md")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "README.md").exists()


def test_failed_replace_leaves_old_file_and_no_temp(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    output = project / "catalog" / "README.md"
    output.write_text("previous list\n")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    assert run(["render"]) == 2
    assert "cannot write: No space left on device" in capsys.readouterr().err
    assert output.read_text() == "previous list\n"
    assert _leftovers(project / "catalog") == []


def test_output_that_is_a_directory_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "catalog" / "README.md").mkdir()
    assert run(["render"]) == 2
    assert "is a directory" in capsys.readouterr().err
