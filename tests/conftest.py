"""Shared pytest setup: no test may reach the internet, and library side effects are pinned down."""

from __future__ import annotations

import os

# huggingface_hub reads these at import time: no telemetry/agent-detection request, no real cache dir.
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.pop("HF_TOKEN", None)
os.environ.pop("GITHUB_TOKEN", None)
