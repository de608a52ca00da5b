from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
SEED = REPO / "tests" / "fixtures" / "seed" / "awesome-vlms-README.damaged.md"
FIXTURES = REPO / "tests" / "fixtures" / "import"


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED.read_bytes()
