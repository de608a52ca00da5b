"""One edit of one Markdown file (:class:`MdChange`): what the PR body, the fingerprint and the dry run show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from listkeeper.findings import Finding

MdOp = Literal["replace", "mark", "remove"]


@dataclass(frozen=True)
class MdChange:
    """One edit of one Markdown file, at a line of the file as it was. ``path`` is ``("line", N)`` so the PR body
    and the fingerprint treat it like a catalog change's key path."""

    file: str
    line: int
    op: MdOp
    old: Any  # the old URL
    new: Any  # the new URL (replace), {"state": "dead", "since": date} (mark), None (remove)
    finding: Finding
    reason: str

    @property
    def path(self) -> tuple[str | int, ...]:
        return ("line", self.line)

    def describe(self) -> str:
        match self.op:
            case "replace":
                return f"{self.old} → {self.new} ({self.reason})"
            case "mark":
                return f"{self.old}: mark dead since {self.new['since']} ({self.reason})"
            case _:
                return f"{self.old}: remove ({self.reason})"
