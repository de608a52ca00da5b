"""The bot's marker in its PR body and the fingerprint trailer of its commits: round trips, and what a human may
have done to a body (pasted another marker, broken one)."""

from __future__ import annotations

import json

from listkeeper.publish.marker import (
    MARKER_PREFIX,
    MARKER_SUFFIX,
    TRAILER,
    Marker,
    parse_marker,
    parse_trailer,
    with_marker,
)


def test_marker_round_trips_and_cannot_close_the_comment() -> None:
    marker = Marker("ab" * 32, ("hf:model/a--b/x-->y", "url:https://e.org/<!--"), head="1" * 40, base="2" * 40)
    comment = marker.comment()
    inner = comment[len(MARKER_PREFIX) : -len(MARKER_SUFFIX)]
    assert "--" not in inner and "<" not in inner and ">" not in inner
    assert parse_marker(f"text\n\n{comment}\n") == marker
    assert json.loads(inner)["subjects"] == ["hf:model/a--b/x-->y", "url:https://e.org/<!--"]
    assert parse_marker("no marker") is None and parse_marker("<!-- listkeeper:{bad} -->") is None


def test_the_last_marker_wins_and_a_bad_one_is_none() -> None:
    first, second = Marker("a" * 64, ("gh:o/a",)), Marker("b" * 64, ("gh:o/b",), closed=True)
    assert parse_marker(f"{first.comment()}\n\nquoted by a human:\n{second.comment()}") == second
    assert parse_marker(None) is None and parse_marker("") is None
    assert parse_marker('<!-- listkeeper:{"v":2,"fingerprint":"x"} -->') is None  # another version
    assert parse_marker('<!-- listkeeper:{"v":1,"fingerprint":1} -->') is None  # not a string
    odd = parse_marker('<!-- listkeeper:{"v":1,"fingerprint":"f","subjects":"gh:o/r","head":7} -->')
    assert odd == Marker("f")  # wrong shapes read as absent, not as a crash


def test_closed_round_trips_and_only_when_set() -> None:
    closed = Marker("c" * 64, ("gh:o/r",), head="1" * 40, closed=True)
    assert parse_marker(closed.comment()) == closed
    assert "closed" not in json.loads(Marker("c" * 64).comment()[len(MARKER_PREFIX) : -len(MARKER_SUFFIX)])


def test_with_marker_replaces_the_marker_or_appends_one() -> None:
    old, new = Marker("a" * 64), Marker("b" * 64, closed=True)
    body = f"Some text.\n\n{old.comment()}\n\nA human's note after it.\n"
    replaced = with_marker(body, new)
    assert replaced == body.replace(old.comment(), new.comment())
    assert parse_marker(replaced) == new
    assert with_marker("Just text.\n\n", new) == f"Just text.\n\n{new.comment()}\n"


def test_trailer_is_read_only_as_a_whole_line_of_64_hex_digits() -> None:
    fp = "0123456789abcdef" * 4
    assert parse_trailer(f"subject\n\nbody\n\n{TRAILER}: {fp}\n") == fp
    assert parse_trailer(f"{TRAILER}: {'a' * 64}\n{TRAILER}: {fp}  \n") == fp  # the last one, trailing blanks
    assert parse_trailer(f"{TRAILER}: {fp[:-1]}\n") is None  # too short
    assert parse_trailer(f"see {TRAILER}: {fp}\n") is None  # not at the start of a line
    assert parse_trailer("no trailer") is None
