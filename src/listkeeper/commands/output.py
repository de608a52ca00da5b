"""Output helpers shared by commands: GitHub Actions job summaries."""

from __future__ import annotations

import os
from collections.abc import Mapping


def append_step_summary(markdown: str, env: Mapping[str, str] | None = None) -> bool:
    """Append ``markdown`` to the job summary when running in GitHub Actions ($GITHUB_STEP_SUMMARY); else no-op."""
    path = (os.environ if env is None else env).get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(markdown if markdown.endswith("\n") else markdown + "\n")
    return True
