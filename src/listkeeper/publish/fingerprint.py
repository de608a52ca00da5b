"""The identity of a proposal: its fingerprint (what is proposed, not on which day) and the subjects it acts on
(what a declined PR dismisses). The same changes give the same fingerprint, in either mode."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from listkeeper.catalog.load import format_path
from listkeeper.changes import Change
from listkeeper.mdlist.change import MdChange

#: A change of either mode: a catalog edit or a Markdown edit.
AnyChange = Change | MdChange


def _plain(value: Any) -> Any:
    """JSON-able, date-free: the fingerprint says *what* is proposed, not on which day (a dead mark's ``since``
    and a new checkpoint's ``since`` would otherwise change it every night and force a PR update)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items()) if k not in ("since", "evidence")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def fingerprint(changes: Sequence[AnyChange]) -> str:
    """sha256 of the sorted changes (file, key path, operation, old and new value, finding subject)."""
    items = sorted(
        json.dumps(
            [c.file, format_path(c.path), c.op, _plain(c.old), _plain(c.new), str(c.finding.subject)],
            sort_keys=True,
            ensure_ascii=True,
        )
        for c in changes
    )
    return hashlib.sha256("\n".join(items).encode()).hexdigest()


def change_subjects(changes: Iterable[AnyChange]) -> list[str]:
    """The subjects the changes act on, sorted and unique (what a declined PR dismisses)."""
    return sorted({str(c.finding.subject) for c in changes})
