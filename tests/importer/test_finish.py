"""Drafts → families: slugs, de-duplicated ids in document order, order, validation."""

from __future__ import annotations

from listkeeper.importer.drafts import EntryDraft, FamilyDraft
from listkeeper.importer.finish import finish_families, slugify


def test_slugs_are_lowercase_ascii_and_may_be_empty() -> None:
    assert slugify("Qwen-VL: Chat!") == "qwen-vl-chat"
    assert slugify("a -- b..") == "a-b"
    assert slugify("通义千问") == ""


def test_ids_are_unique_in_document_order_and_nameless_ones_fall_back() -> None:
    first = FamilyDraft("Cog", (1, 0))
    first.add(EntryDraft("Cog"))
    second = FamilyDraft("Cog", (2, 0))
    second.add(EntryDraft("Cog"))
    nameless = FamilyDraft("通义", (3, 0))
    nameless.add(EntryDraft("千问"))
    nameless.add(EntryDraft("万相"))
    families = finish_families([first, second, nameless])
    assert [(f.id, f.order) for f in families] == [("cog", 10), ("cog-2", 20), ("family-3", 30)]
    assert [[e.id for e in f.entries] for f in families] == [["cog"], ["cog-2"], ["family-3-1", "family-3-2"]]
