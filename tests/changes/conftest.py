"""Fixtures for the tests of :mod:`listkeeper.changes`: a catalog directory and its loaded catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.catalog.load import LoadedCatalog, load_catalog
from tests.changes.common import COG
from tests.samples import BUNNY


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "cogvlm.yaml").write_text(COG)
    (root / "bunny.yaml").write_text(BUNNY)
    return root


@pytest.fixture
def loaded(catalog_dir: Path) -> LoadedCatalog:
    return load_catalog(catalog_dir)
