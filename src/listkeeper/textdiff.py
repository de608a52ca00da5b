"""Unified diffs of texts, the one way ``update --dry-run``, ``pr --dry-run`` and ``render --check`` show edits."""

from __future__ import annotations

import difflib
from collections.abc import Mapping


def unified(old: str, new: str, fromfile: str, tofile: str) -> str:
    """``old`` → ``new`` as a unified diff; a last line without a newline is flagged the way ``diff`` does."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile, tofile)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def files_diff(old: Mapping[str, str], new: Mapping[str, str], *, a: str = "", b: str = "") -> str:
    """The diff of every file in ``new`` (path → text) against ``old`` (a missing file is empty), in path order;
    ``a``/``b`` prefix the paths in the headers (``a/``, ``b/`` like git)."""
    return "".join(unified(old.get(path, ""), text, a + path, b + path) for path, text in sorted(new.items()))
