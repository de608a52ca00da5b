from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from listkeeper.catalog.load import load_catalog
from listkeeper.cli import run
from listkeeper.errors import UsageError
from listkeeper.importer import LinksLost, import_bytes, run_import
from listkeeper.importer.write import STAGING_PREFIX, family_yaml
from tests.importer.conftest import FIXTURES, REPO, SEED
from tests.importer.lists import link_list


def test_yaml_is_readable_ordered_and_quoted(seed_bytes: bytes) -> None:
    family = next(f for f in import_bytes(seed_bytes, "seed").families if f.id == "cogvlm")
    text = family_yaml(family, "README.md")
    assert text.startswith("# Imported by `listkeeper import` from README.md")
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == ["id", "name", "series", "order", "entries"]  # schema order, defaults left out
    assert "arxiv: '2311.03079'" in text and "resolution: '490'" in text  # would be numbers unquoted
    assert "track" not in text and "dismissed" not in text
    assert yaml.safe_load(text)["entries"][0]["id"] == "cogvlm"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "catalog"
    run_import(SEED, out)
    (out / "cogvlm.yaml").write_text("# mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"would overwrite .*--force"):
        run_import(SEED, out)
    assert (out / "cogvlm.yaml").read_text(encoding="utf-8") == "# mine\n"
    run_import(SEED, out, force=True)
    assert (out / "cogvlm.yaml").read_text(encoding="utf-8").startswith("# Imported")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # staging directory removed
    load_catalog(out)


def test_a_lost_link_fails_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import listkeeper.importer as importer

    real = importer.build_families

    def losing(document):  # type: ignore[no-untyped-def]
        built = real(document)
        first = built.families[0]
        entry = first.entries[0].model_copy(update={"papers": []})
        built.families[0] = first.model_copy(update={"entries": [entry, *first.entries[1:]]})
        return built

    monkeypatch.setattr(importer, "build_families", losing)
    out = tmp_path / "catalog"
    with pytest.raises(LinksLost, match=r"arxiv.org/pdf/2403.18814.pdf"):
        run_import(SEED, out)
    assert list(out.iterdir()) == []


def test_cli_import_prints_counts_and_damage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", str(SEED), "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert "links: 30 links in input (24 unique), 24 URLs in catalog: 30 kept as written, 0 altered, 0 lost" in out
    assert "lines stay damaged: 1, 8, 50," in out
    assert "3 non-http references skipped (3 local images, 0 other)" in out
    assert run(["import", str(SEED), "--out", str(tmp_path / "c")]) == 2
    assert "--force" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"just words, no links\n", "no headings and no links"),
        (b"# Title\n\nNo links here.\n", "no http(s) links"),
        (b"# Title\n\xff\xfe broken\n", ":2: not valid UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    source = tmp_path / "list.md"
    if content is not None:
        source.write_bytes(content)
    assert run(["import", str(source), "--out", str(tmp_path / "c")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_fixture_import_via_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["import", str(FIXTURES / "table-heavy.md"), "--out", str(tmp_path / "c")]) == 0
    assert "encoding: no damage found" in capsys.readouterr().out


def test_malformed_http_links_are_reported_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "list.md"
    source.write_text(
        "# L\n\n## A\n\n- [a](https://example.org/a)\n- [b](https://example.org:99999/)\n- [c](https://x.org:http/)\n"
    )
    assert run(["import", str(source), "--out", str(tmp_path / "c")]) == 0
    out = capsys.readouterr().out
    assert "2 non-http references skipped (0 local images, 2 other)" in out
    assert "line 6: https://example.org:99999/" in out and "line 7: https://x.org:http/" in out
    assert load_catalog(tmp_path / "c").catalog.families  # what was written validates


def test_a_long_list_is_staged_one_file_per_family_not_per_link(tmp_path: Path) -> None:
    source = tmp_path / "list.md"
    source.write_text(link_list(6000, per_section=2000), encoding="utf-8")
    result = run_import(source, tmp_path / "out")
    assert result.account.kept == 6000 and not result.account.lost
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "section-1.yaml",
        "section-2.yaml",
        "section-3.yaml",
    ]


def _listkeeper(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    command = [sys.executable, "-m", "listkeeper", *args]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _stopped_while_staging(source: Path, out: Path) -> subprocess.Popen[str] | None:
    """An import stopped (SIGSTOP) while its staged files exist and none is in place yet; None if it got past that
    point before it could be stopped (a fast machine), so the caller tries again with a larger list."""
    process = _listkeeper("import", str(source), "--out", str(out), cwd=source.parent)
    deadline = time.monotonic() + 120
    while not list(out.glob(f"{STAGING_PREFIX}*/*.yaml")):  # staging has begun: files are being written
        if process.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGSTOP)
    staged = list(out.glob(f"{STAGING_PREFIX}*/*.yaml"))
    in_place = list(out.glob("*.yaml"))
    if process.poll() is None and staged and not in_place:
        return process
    process.send_signal(signal.SIGCONT)
    process.communicate(timeout=120)
    return None


def test_sigterm_while_staging_leaves_no_temporary_files_and_writes_nothing(tmp_path: Path) -> None:
    for attempt, links in enumerate((12000, 40000, 120000)):
        source = tmp_path / f"list-{attempt}.md"
        source.write_text(link_list(links), encoding="utf-8")
        out = tmp_path / f"out-{attempt}"
        process = _stopped_while_staging(source, out)
        if process is not None:
            break
    else:
        pytest.fail("the import was never caught while staging")
    process.send_signal(signal.SIGTERM)
    process.send_signal(signal.SIGCONT)
    _stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "terminated (SIGTERM): nothing written" in stderr
    assert list(out.iterdir()) == []


def test_sigterm_during_the_move_into_place_finishes_the_move_and_says_so() -> None:
    """A SIGTERM held back while the files are moved into place is honoured after the move, which is complete."""
    from listkeeper.importer.write import Terminated, _Guard

    guard = _Guard()
    moved = []
    with pytest.raises(Terminated, match="after every catalog file was in place"), guard.critical():
        moved.append(1)
        guard.handler(signal.SIGTERM, None)  # arrives mid-move: held
        guard.check()
        moved.append(2)
    assert moved == [1, 2]


def test_sigterm_is_noted_by_the_handler_and_raised_between_steps() -> None:
    """The handler raises nothing itself (a library calling back into our code could swallow it)."""
    from listkeeper.importer.write import Terminated, _Guard

    guard = _Guard()
    guard.handler(signal.SIGTERM, None)
    with pytest.raises(Terminated, match="nothing written"):
        guard.check()


def test_a_staging_directory_left_by_a_killed_run_is_removed_by_the_next(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    out = tmp_path / "out"
    left = out / f"{STAGING_PREFIX}{int(gone.stdout)}-abc123"
    left.mkdir(parents=True)
    (left / "section-1.yaml").write_text("id: x\n", encoding="utf-8")
    mine = out / f"{STAGING_PREFIX}{os.getpid()}-def456"  # a live process's (this one's): left alone
    mine.mkdir()
    source = tmp_path / "list.md"
    source.write_text(link_list(30), encoding="utf-8")
    run_import(source, out)
    assert not left.exists() and mine.is_dir()


def test_emoji_are_written_as_themselves_not_escaped() -> None:
    """libyaml's emitter escapes characters beyond the BMP (``"\\U0001F449 Go"``): valid YAML, but not what a
    maintainer wants to edit. Seen importing real lists with emoji in headings and descriptions."""
    text = "# Tools\n\n## 👉 Go 🤗\n\n- [gin](https://github.com/gin-gonic/gin) – fast 🚀, café\n"
    result = import_bytes(text.encode(), "list.md")
    written = "".join(family_yaml(family) for family in result.families)
    assert "\\U" not in written
    assert "👉 Go 🤗" in written and "fast 🚀, café" in written
    assert all(
        yaml.safe_load(family_yaml(f)) == f.model_dump(mode="python", exclude_defaults=True) for f in result.families
    )
