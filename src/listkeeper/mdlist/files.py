"""Which Markdown files a list in Markdown mode consists of.

Markdown mode is on when the configuration names files (``[markdown] files = ["README.md", "papers/*.md"]``), or
when there is no catalog directory and the project has a ``README.md`` (the usual awesome list). Patterns are
relative to the project root; a glob may only be in the file name, so the files of a base branch can be listed one
folder at a time (locally with ``git ls-tree``, on GitHub with the trees API).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from listkeeper.config import Config
from listkeeper.errors import UsageError

_GLOB = frozenset("*?[")


def patterns(cfg: Config) -> list[str] | None:
    """The Markdown mode file patterns, or None when the project is in catalog mode."""
    if cfg.markdown.files:
        return list(cfg.markdown.files)
    if not cfg.path(cfg.catalog_dir).exists() and (cfg.root / "README.md").is_file():
        return ["README.md"]
    return None


def is_glob(pattern: str) -> bool:
    return any(char in pattern for char in _GLOB)


def folders(pats: Iterable[str]) -> list[str]:
    """The folders (posix, "" for the root) that the patterns list files of."""
    return sorted({"" if (p := str(PurePosixPath(x).parent)) == "." else p for x in pats})


def matches(pats: Sequence[str], paths: Iterable[str]) -> list[str]:
    """The paths (posix, relative to the same root as the patterns) that one of the patterns names."""
    wanted = [PurePosixPath(p).as_posix() for p in pats]
    return sorted(
        {path for path in paths if any(path == p or (is_glob(p) and fnmatch.fnmatchcase(path, p)) for p in wanted)}
    )


def resolve(root: Path, pats: Sequence[str]) -> list[Path]:
    """The files in the working tree under ``root`` that the patterns name; a plain path that does not exist is a
    usage error (a glob may match nothing)."""
    found: dict[str, Path] = {}
    for pattern in pats:
        if is_glob(pattern):
            parent = root / PurePosixPath(pattern).parent
            names = PurePosixPath(pattern).name
            for path in sorted(parent.glob(names)) if parent.is_dir() else []:
                if path.is_file():
                    found.setdefault(path.as_posix(), path)
            continue
        path = root / pattern
        if not path.is_file():
            raise UsageError(f"{path}: no such Markdown file (from [markdown] files)")
        found.setdefault(path.as_posix(), path)
    return [found[key] for key in sorted(found)]
