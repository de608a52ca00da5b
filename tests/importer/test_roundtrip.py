"""import → render → import yields the same catalog (the issue's acceptance rule for the importer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.catalog.model import Catalog
from listkeeper.importer import import_bytes
from listkeeper.render.markdown import render_catalog
from tests.importer.conftest import FIXTURES, SEED


def _catalog(data: bytes, name: str) -> Catalog:
    return Catalog(families={f"{f.id}.yaml": f for f in import_bytes(data, name).families})


@pytest.mark.parametrize("source", [SEED, FIXTURES / "nested-bullets.md", FIXTURES / "table-heavy.md"])
def test_import_render_import_is_stable(source: Path) -> None:
    first = _catalog(source.read_bytes(), source.name)
    rendered = render_catalog(first)
    second = _catalog(rendered.encode("utf-8"), "rendered.md")
    assert sorted(second.families) == sorted(first.families)
    for path, family in first.families.items():
        assert second.families[path] == family, path
    assert second == first
