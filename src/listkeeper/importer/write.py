"""Family models → YAML files, written all-or-nothing.

The YAML is what a person would write: keys in schema order, defaults left out, block style, Unicode as is,
strings quoted only where YAML would otherwise read them as something else ("490", "2311.03079").
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

from listkeeper.catalog.model import Family
from listkeeper.errors import UsageError

T = TypeVar("T")


def family_yaml(family: Family, source: str | None = None) -> str:
    """One family file's text."""
    data = family.model_dump(mode="python", exclude_defaults=True)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False, indent=2)
    head = f"# Imported by `listkeeper import` from {source}; edit freely.\n" if source else ""
    return head + body


def file_name(family: Family) -> str:
    return f"{family.id}.yaml"


def write_families(
    families: list[Family],
    out: Path,
    *,
    force: bool = False,
    source: str | None = None,
    check: Callable[[Path], T] | None = None,
) -> tuple[list[Path], T | None]:
    """Write one file per family into ``out``.

    Existing files are never overwritten without ``force``. Everything is written into a temporary directory
    inside ``out`` first and ``check`` (e.g. loading the catalog and counting links) runs on that directory; only
    when it returns are the files moved into place, so a failure leaves ``out`` as it was.
    """
    names = [file_name(f) for f in families]
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a directory")
    existing = sorted(n for n in names if (out / n).exists())
    if existing and not force:
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        raise UsageError(f"{out}: would overwrite {shown}; pass --force to replace them")
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".listkeeper-import-", dir=out))
    try:
        for family, name in zip(families, names, strict=True):
            (staging / name).write_text(family_yaml(family, source), encoding="utf-8", newline="\n")
        result = check(staging) if check is not None else None
        written = []
        for name in names:
            os.replace(staging / name, out / name)
            written.append(out / name)
        return written, result
    finally:
        shutil.rmtree(staging, ignore_errors=True)
