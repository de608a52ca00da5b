"""Matching findings to the catalog: key paths."""

from __future__ import annotations

from listkeeper import changes


def test_parse_path() -> None:
    assert changes.parse_path("entries[2].checkpoints[0].hf") == ("entries", 2, "checkpoints", 0, "hf")
    assert changes.parse_path("") == ()
    assert changes.parse_path("entries[x]") == ()
