"""A loaded catalog and its addresses: key paths and the line of each key (no I/O, no parsing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from listkeeper.catalog.model import Catalog

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class LineMap:
    """1-based line of each key path in one YAML file (the key's line for mappings, the item's for lists)."""

    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath) -> int | None:
        """Line of ``path`` or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if (found := self.lines.get(tuple(path[:end]))) is not None:
                return found
        return None


@dataclass
class LoadedCatalog:
    root: Path
    catalog: Catalog
    lines: dict[str, LineMap]  # keyed like catalog.families: path relative to root's parent, posix

    def line(self, file: str, path: KeyPath) -> int | None:
        return self.lines[file].line(path) if file in self.lines else None
