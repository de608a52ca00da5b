"""Entry and family drafts: remembered items, the family index, and the entry they become."""

from __future__ import annotations

from listkeeper.importer.drafts import EntryDraft, FamilyDraft


def test_a_labelled_list_fixes_its_items_order_and_the_family_indexes_every_item() -> None:
    family = FamilyDraft("F", (1, 0))
    entry = family.add(EntryDraft("E"))
    first, second = {"arxiv": "2401.00001"}, {"arxiv": "2401.00002"}
    entry.remember(("paper", "2401.00001"), "papers", "https://arxiv.org/abs/2401.00001", first, None)
    entry.remember(("paper", "2401.00002"), "papers", "https://arxiv.org/abs/2401.00002", second, "paper")
    entry.listed["papers"].append(("paper", "2401.00001"))  # the **Papers** list names the second one first
    assert family.has(("paper", "2401.00001")) and family.index[("paper", "2401.00002")] is entry
    assert [p.arxiv for p in entry.to_entry("e").papers] == ["2401.00002", "2401.00001"]


def test_facts_and_values_become_entry_fields() -> None:
    entry = EntryDraft("E", summary="S", params=["7B"])
    entry.facts = {"venue": "CVPR 2024", "org": ""}
    built = entry.to_entry("e")
    assert (built.id, built.summary, built.params, built.venue, built.org) == ("e", "S", ["7B"], "CVPR 2024", None)
