"""The hidden marker the bot leaves in its own PR body, and the fingerprint trailer of its commits::

    <!-- listkeeper:{"v":1,"fingerprint":"<sha256>","subjects":[...],"head":"<sha>","base":"<sha>"} -->

The marker is how a later run knows what this PR proposes (same fingerprint → nothing to write), which commit the
bot last pushed (a different branch head → a human pushed) and which subjects a closed, unmerged PR declined.
Its JSON has every ``-``, ``<`` and ``>`` written as ``\\u002d`` / ``\\u003c`` / ``\\u003e``, so nothing inside can end
the HTML comment. The ``Listkeeper-Fingerprint`` trailer marks a commit as the bot's own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

MARKER_PREFIX = "<!-- listkeeper:"
MARKER_SUFFIX = " -->"
TRAILER = "Listkeeper-Fingerprint"
_MARKER = re.compile(r"<!-- listkeeper:(\{.*?\}) -->", re.DOTALL)
_TRAILER = re.compile(rf"^{TRAILER}: ([0-9a-f]{{64}})[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Marker:
    """What the bot remembers in its own PR body."""

    fingerprint: str
    subjects: tuple[str, ...] = ()
    head: str | None = None  # the commit the bot pushed
    base: str | None = None  # the base commit it was built on
    closed: bool = False  # the bot closed this PR itself (nothing left to change): not a human's "no"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"v": 1, "fingerprint": self.fingerprint, "subjects": list(self.subjects)}
        if self.head is not None:
            data["head"] = self.head
        if self.base is not None:
            data["base"] = self.base
        if self.closed:
            data["closed"] = True
        return data

    def comment(self) -> str:
        text = json.dumps(self.to_json(), ensure_ascii=True, sort_keys=False, separators=(",", ":"))
        # Only strings can hold these characters here (no negative numbers), and \uXXXX is valid JSON in strings.
        text = text.replace("-", "\\u002d").replace("<", "\\u003c").replace(">", "\\u003e")
        return f"{MARKER_PREFIX}{text}{MARKER_SUFFIX}"


def parse_marker(body: str | None) -> Marker | None:
    """The marker in a PR body (the last one, if a human pasted another), or None when there is none or it is bad."""
    if not body:
        return None
    found = _MARKER.findall(body)
    if not found:
        return None
    try:
        data = json.loads(found[-1])
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("fingerprint"), str):
        return None
    listed = data.get("subjects")
    subjects = listed if isinstance(listed, list) else []
    head, base = data.get("head"), data.get("base")
    return Marker(
        data["fingerprint"],
        tuple(s for s in subjects if isinstance(s, str)),
        head if isinstance(head, str) else None,
        base if isinstance(base, str) else None,
        data.get("closed") is True,
    )


def with_marker(body: str, marker: Marker) -> str:
    """``body`` with its marker replaced by ``marker`` (appended when it has none)."""
    if _MARKER.search(body):
        return _MARKER.sub(lambda _: marker.comment(), body)
    return f"{body.rstrip()}\n\n{marker.comment()}\n"


def parse_trailer(message: str) -> str | None:
    """The ``Listkeeper-Fingerprint`` trailer of a commit message."""
    found = _TRAILER.findall(message)
    return found[-1] if found else None


__all__ = ["MARKER_PREFIX", "MARKER_SUFFIX", "TRAILER", "Marker", "parse_marker", "parse_trailer", "with_marker"]
