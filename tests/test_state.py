"""The state store's schema versions and its behaviour on damaged files, on real SQLite files and the real CLI."""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from listkeeper import memory
from listkeeper import state as state_module
from listkeeper.cli import run
from listkeeper.state import SCHEMA_VERSION, StateCorrupt, StateTooNew, open_state
from listkeeper.subjects import Subject
from tests.fakes.world import World

T0 = 1_750_000_000.0


def _good_store(path: Path, rows: int = 400) -> None:
    """A real store with enough rows to span many pages (so one page can be damaged on its own)."""
    with open_state(path) as state, state.transaction():
        for i in range(rows):
            memory.record(state, f"https://host{i}.example/page/{'x' * 60}", "dead", status=404, at=T0 + i)
    assert path.stat().st_size > 16 * 4096


def random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(50_000))


def truncated(path: Path) -> None:
    _good_store(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def directory(path: Path) -> None:
    path.mkdir()
    (path / "inside").write_text("a directory where the state file should be")


def garbage_page(path: Path) -> None:
    _good_store(path)
    page = 4096
    data = bytearray(path.read_bytes())
    middle = (len(data) // page // 2) * page
    data[middle : middle + page] = random.Random(2).randbytes(page)
    path.write_bytes(bytes(data))


def garbage_header(path: Path) -> None:
    _good_store(path)
    data = bytearray(path.read_bytes())
    data[:16] = b"not a database!!"
    path.write_bytes(bytes(data))


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "random bytes": random_bytes,
    "truncated": truncated,
    "a directory": directory,
    "a garbage page": garbage_page,
    "a garbage header": garbage_header,
}


@pytest.mark.parametrize("form", sorted(CORRUPTIONS))
def test_a_damaged_store_is_refused_naming_the_file(form: str, tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    CORRUPTIONS[form](path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.name.endswith(".lock")}
    with pytest.raises(StateCorrupt) as caught, open_state(path):
        pass
    assert str(path) in str(caught.value) and caught.value.exit_code == 2
    assert "--reset-state" in (caught.value.tip or "")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file() and not p.name.endswith(".lock")}
    assert after == before and path.exists()  # nothing moved, nothing replaced


@pytest.fixture(params=sorted(CORRUPTIONS))
def corrupt_store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (the working directory) whose configured state store is damaged in one of the known forms."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "listkeeper.toml").write_text('state_path = "state.sqlite"\n')
    path = tmp_path / "state.sqlite"
    CORRUPTIONS[request.param](path)
    return path


def test_the_cli_exits_2_with_a_message_and_no_traceback(
    corrupt_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["report", "--badge", "badge.json"])
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert "error: state.sqlite: the state store is corrupt or unreadable (" in err
    assert "Traceback" not in err and not (tmp_path / "badge.json").exists()


def test_reset_state_moves_the_damaged_file_aside_and_starts_anew(
    corrupt_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = corrupt_store
    damaged = path.read_bytes() if path.is_file() else None
    code = run(["report", "--badge", "badge.json", "--reset-state"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith("state.sqlite.corrupt-")]
    assert f"moved it aside to {aside.name} and started a new state store" in err
    if damaged is not None:
        assert aside.read_bytes() == damaged  # kept as it was, for inspection
    else:
        assert (aside / "inside").is_file()
    with open_state(path) as state:  # a new, empty, current store
        assert state.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert state.conn.execute("SELECT COUNT(*) FROM link_results").fetchone()[0] == 0
    # The flag lasts for one command only: a later damaged file is refused again.
    path.unlink()
    random_bytes(path)
    assert run(["report", "--badge", "badge.json"]) == 2


def test_damage_found_inside_a_run_is_reported_too(tmp_path: Path) -> None:
    """Damage that shows only in a query made during the run still ends as StateCorrupt, not sqlite3's traceback."""
    path = tmp_path / "state.sqlite"
    _good_store(path)
    other = tmp_path / "other.sqlite"
    random_bytes(other)
    with pytest.raises(StateCorrupt, match=r"state\.sqlite: the state store is corrupt"), open_state(path) as state:
        state.conn.execute("ATTACH DATABASE ? AS other", (str(other),))  # real damage, met mid-run
        state.conn.execute("SELECT name FROM other.sqlite_master").fetchall()
    assert not state_module._is_damage(sqlite3.OperationalError("no such table: x"))


def test_an_unknown_database_error_is_not_taken_for_damage(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError), open_state(tmp_path / "state.sqlite") as state:
        state.conn.execute("SELECT * FROM no_such_table")


V1_SCHEMA = state_module._MIGRATIONS[0]


def test_an_older_store_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO link_results (url, checked_at, verdict) VALUES ('https://a.example', 1.0, 'dead')")
    conn.execute("INSERT INTO dismissed (subject, reason, at) VALUES ('gh:a/b', 'declined', 1.0)")
    conn.commit()
    conn.close()
    inode = path.stat().st_ino

    with open_state(path) as state:
        assert state.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [o.verdict for o in memory.history(state, "https://a.example")] == ["dead"]
        assert state.dismissed() == {"gh:a/b"}
        tables = {row[0] for row in state.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"runs", "history_links", "link_history"} <= tables
    assert path.stat().st_ino == inode  # the same file, upgraded where it lies


def test_evidence_kept_under_other_spellings_joins_the_subjects_identity(tmp_path: Path) -> None:
    """Before schema 3 a subject's evidence was keyed by its spelling: ``hf:model/Org/Name`` and
    ``hf:model/org/name`` (or ``arxiv:2311.03079v1`` and ``arxiv:2311.03079``) were two histories."""
    path = tmp_path / "state.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("".join(state_module._MIGRATIONS[:2]) + "\nPRAGMA user_version = 2;")
    keys = ["hf:model/Org/Name", "gh:THUDM/CogVLM", "arxiv:2311.03079v12", "arxiv:cs/0701001", "https://A.example/X"]
    for at, key in enumerate(keys):
        conn.execute("INSERT INTO link_results (url, checked_at, verdict) VALUES (?, ?, 'dead')", (key, float(at)))
    conn.commit()
    conn.close()
    with open_state(path) as state:
        stored = [row[0] for row in state.conn.execute("SELECT url FROM link_results ORDER BY checked_at")]
        assert stored == ["hf:model/org/name", "gh:thudm/cogvlm", "arxiv:2311.03079", "arxiv:cs/0701001", keys[-1]]
        for spelling in ("hf:model/ORG/name", "arxiv:2311.03079v2"):
            key = memory.evidence_key(Subject.parse(spelling))
            assert memory.streak(state, key).dead == 1


def test_a_newer_store_is_refused_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "state.sqlite"
    with open_state(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StateTooNew, match=f"schema version {SCHEMA_VERSION + 5}"), open_state(path):
        pass
    monkeypatch.chdir(tmp_path)
    code = run(["report", "--badge", "b.json", "--state", str(path), "--reset-state"])
    _, err = capsys.readouterr()
    assert code == 2 and "written by a newer listkeeper" in err and "Traceback" not in err
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]  # a newer file is not "corrupt"


def test_migrations_run_one_transaction_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migration that fails leaves the file at the previous version, never half-migrated."""
    path = tmp_path / "state.sqlite"
    monkeypatch.setattr(state_module, "_MIGRATIONS", [V1_SCHEMA])
    monkeypatch.setattr(state_module, "SCHEMA_VERSION", 1)
    with open_state(path):
        pass
    broken = "CREATE TABLE extra (x INTEGER);\nCREATE TABLE extra (y INTEGER);"
    monkeypatch.setattr(state_module, "_MIGRATIONS", [V1_SCHEMA, broken])
    monkeypatch.setattr(state_module, "SCHEMA_VERSION", 2)
    with pytest.raises(sqlite3.OperationalError, match="already exists"), open_state(path):
        pass
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchone() is None
    conn.close()


def test_move_aside_takes_the_wal_files_along(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    for name, data in (("state.sqlite", b"x"), ("state.sqlite-wal", b"w"), ("state.sqlite-shm", b"s")):
        (tmp_path / name).write_bytes(data)
    moved = state_module.move_aside(path)
    assert sorted(os.listdir(tmp_path)) == sorted([moved.name, moved.name + "-wal", moved.name + "-shm"])
    assert (tmp_path / moved.name).read_bytes() == b"x" and (tmp_path / (moved.name + "-wal")).read_bytes() == b"w"


def test_check_on_a_damaged_store_exits_2_then_resets(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """The reproduction from the issue: `check` with a corrupt store ended in sqlite3's traceback, exit 1."""
    path = world.root / ".listkeeper" / "state.sqlite"
    path.parent.mkdir(exist_ok=True)
    random_bytes(path)
    code = run(["check", "--format", "json", "--strict"])
    out, err = capsys.readouterr()
    assert code == 2 and "the state store is corrupt or unreadable (file is not a database)" in err
    assert "Traceback" not in err and out == ""
    assert world.web.requests == 0  # refused before any request
    code = run(["check", "--format", "json", "--strict", "--reset-state"])
    out, err = capsys.readouterr()
    assert code == 1 and '"kind": "dead"' in out  # a normal run on a new store
    assert len([p for p in path.parent.iterdir() if p.name.startswith("state.sqlite.corrupt-")]) == 1
