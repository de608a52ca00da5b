"""Shared pytest setup: no test may reach the internet, and library side effects are pinned down."""

from __future__ import annotations

import os

# huggingface_hub reads these at import time: no telemetry/agent-detection request, no real cache dir.
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.pop("HF_TOKEN", None)
os.environ.pop("GITHUB_TOKEN", None)


import pytest

from tests.fakes.world import make_world


@pytest.fixture
def world(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A catalog in a real git repository with every service faked on 127.0.0.1 (see tests/fakes/world.py)."""
    yield from make_world(tmp_path, monkeypatch)
