"""Drafts → validated catalog families: ids (slugs, de-duplicated in document order), ``order`` from document
position, and every family checked by the catalog model."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from listkeeper.catalog.model import Family
from listkeeper.importer.drafts import FamilyDraft


def slugify(text: str) -> str:
    """Lowercase ASCII id from a name: letters, digits, '.', '_', '-' (may be empty for e.g. Chinese names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9._-]+", "-", ascii_text)).strip("-._")


def _unique(base: str, taken: set[str], tries: dict[str, int] | None = None) -> str:
    counts = tries if tries is not None else {}
    result, n = base, counts.get(base, 1)
    while result in taken:
        n += 1
        result = f"{base}-{n}"
    counts[base] = n
    taken.add(result)
    return result


def finish_families(drafts: list[FamilyDraft]) -> list[Family]:
    """Assign ids (slugs, de-duplicated in document order) and ``order``, and validate every family."""
    family_ids: set[str] = set()
    entry_ids: set[str] = set()
    tries: dict[str, int] = {}
    families = []
    for rank, draft in enumerate(drafts, start=1):
        family_id = _unique(slugify(draft.name) or f"family-{rank}", family_ids)
        entries = []
        for index, entry in enumerate(draft.entries, start=1):
            base = slugify(entry.name) or (family_id if len(draft.entries) == 1 else f"{family_id}-{index}")
            entries.append(entry.to_entry(_unique(base[:80].strip("-._") or base, entry_ids, tries)))
        data: dict[str, Any] = {"id": family_id, "name": draft.name, "order": rank * 10, "entries": entries}
        if draft.series:
            data["series"] = draft.series
        if draft.summary:
            data["summary"] = draft.summary
        families.append(Family.model_validate(data))
    return families
