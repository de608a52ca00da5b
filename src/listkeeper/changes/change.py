"""A planned catalog edit (:class:`Change`): what, where, and the finding it answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from listkeeper.catalog.load import KeyPath, format_path
from listkeeper.findings import Finding

Op = Literal["replace", "mark", "remove", "append", "set"]
DeadAction = Literal["mark", "remove"]


@dataclass(frozen=True)
class Change:
    """One planned edit of one catalog file.

    ``path`` is the edited node: the scalar for ``replace``, the item for ``mark`` and ``remove``, the list for
    ``append``. ``old``/``new`` are plain values (``new`` is the mark for ``mark``, the item for ``append``).
    """

    file: str
    path: KeyPath
    op: Op
    old: Any
    new: Any
    finding: Finding
    reason: str

    def describe(self) -> str:
        where = format_path(self.path)
        match self.op:
            case "replace":
                return f"{where}: {self.old} → {self.new} ({self.reason})"
            case "mark":
                return f"{where}: mark {self.new['state']} ({self.reason})"
            case "remove":
                return f"{where}: remove ({self.reason})"
            case "set":
                return f"{where}: {self.old if self.old is not None else '—'} → {self.new} ({self.reason})"
            case _:
                return f"{where}: add {item_name(self.new)} ({self.reason})"


def item_name(item: Any) -> str:
    if isinstance(item, dict):
        return str(next(iter(item.values()), ""))
    return str(item)


def path_key(path: KeyPath) -> tuple[tuple[int, str, int], ...]:
    """A key path as a sort key (indices and names never compared with each other)."""
    return tuple((0, "", p) if isinstance(p, int) else (1, p, 0) for p in path)
