"""A link → an item of an entry: typed only when the typed field renders back to the same URL, repeats merged,
checkpoints unique across the catalog, no URL dropped or altered."""

from __future__ import annotations

from typing import Any

from listkeeper.importer import import_bytes
from listkeeper.importer.drafts import EntryDraft, FamilyDraft
from listkeeper.importer.model import LinkRef
from listkeeper.importer.placer import Placer


def _dump(entry: EntryDraft) -> dict[str, Any]:
    return entry.to_entry("e").model_dump(exclude_none=True, exclude_defaults=True, mode="json")


def test_typed_only_when_the_typed_form_renders_back_to_the_url() -> None:
    placer, entry = Placer(), EntryDraft("CogVLM")
    placer.add(entry, LinkRef("https://arxiv.org/abs/2311.03079", "arXiv", 1, badge=True))
    placer.add(entry, LinkRef("https://arxiv.org/pdf/2311.03079", "pdf", 2))
    placer.add(entry, LinkRef("https://github.com/THUDM/CogVLM", "code", 3))
    placer.add(entry, LinkRef("https://github.com/THUDM/CogVLM/", "code", 4))
    assert _dump(entry) == {
        "id": "e",
        "name": "CogVLM",
        "papers": [{"arxiv": "2311.03079"}, {"url": "https://arxiv.org/pdf/2311.03079", "title": "arXiv 2311.03079"}],
        "code": ["THUDM/CogVLM"],
        "links": [{"title": "code", "url": "https://github.com/THUDM/CogVLM/"}],  # the trailing slash is kept
    }


def test_a_repeat_with_a_real_title_names_the_item_and_another_version_is_kept_as_a_link() -> None:
    placer, entry = Placer(), EntryDraft("CogVLM")
    placer.add(entry, LinkRef("https://arxiv.org/abs/2311.03079", "arXiv", 1, badge=True))
    placer.add(entry, LinkRef("https://arxiv.org/abs/2311.03079", "CogVLM: Visual Expert", 2), suffix="(NeurIPS 2024)")
    placer.add(entry, LinkRef("https://arxiv.org/abs/2311.03079v2", "v2", 3))
    assert _dump(entry)["papers"] == [
        {"arxiv": "2311.03079", "title": "CogVLM: Visual Expert", "venue": "NeurIPS 2024"}
    ]
    assert _dump(entry)["links"] == [{"title": "v2", "url": "https://arxiv.org/abs/2311.03079v2"}]


def test_a_checkpoint_belongs_to_one_entry_and_a_family_counts_repeats_across_its_entries() -> None:
    placer = Placer()
    family = FamilyDraft("Cog", (1, 0))
    first, second = family.add(EntryDraft("A")), family.add(EntryDraft("B"))
    placer.add(first, LinkRef("https://huggingface.co/THUDM/cogvlm", "weights", 1))
    placer.add(second, LinkRef("https://huggingface.co/THUDM/cogvlm", "weights", 2), family=family)
    assert _dump(first)["checkpoints"] == [{"hf": "THUDM/cogvlm"}] and "checkpoints" not in _dump(second)
    other = EntryDraft("Other")
    placer.add(other, LinkRef("https://huggingface.co/THUDM/cogvlm", "weights", 3))
    assert _dump(other)["links"] == [{"title": "weights", "url": "https://huggingface.co/THUDM/cogvlm"}]


def test_a_label_places_links_as_papers_or_plain_links() -> None:
    placer, entry = Placer(), EntryDraft("M")
    placer.add(entry, LinkRef("https://openreview.net/forum?id=x", "The Paper", 1), label="paper")
    placer.add(entry, LinkRef("https://github.com/o/m", "repo", 2), label="link")
    assert _dump(entry)["papers"] == [{"url": "https://openreview.net/forum?id=x", "title": "The Paper"}]
    assert _dump(entry)["links"] == [{"title": "repo", "url": "https://github.com/o/m"}]


def test_a_checkpoint_seen_first_in_a_badge_gets_its_table_columns() -> None:
    text = (
        "# List\n\n## Model\n\n"
        "[![Hugging Face model o/m-7b](https://img.shields.io/badge/%F0%9F%A4%97%20Model-o%2Fm--7b-orange)]"
        "(https://huggingface.co/o/m-7b)\n\n"
        "| Checkpoint | Size | Base LLM | Input | Note |\n| --- | --- | --- | --- | --- |\n"
        "| [o/m-7b](https://huggingface.co/o/m-7b) | 7B | Vicuna-7B | 336 | chat |\n"
    )
    (family,) = import_bytes(text.encode(), "list.md").families
    (checkpoint,) = family.entries[0].checkpoints
    assert checkpoint.model_dump(exclude_none=True) == {
        "hf": "o/m-7b",
        "size": "7B",
        "base_llm": "Vicuna-7B",
        "resolution": "336",
        "note": "chat",
    }


def test_a_plain_link_named_by_its_kind_of_page_keeps_that_name() -> None:
    text = "# List\n\n## Model\n\n- [Project page](https://model.example.org/)\n- [link](https://other.example.org/)\n"
    (family,) = import_bytes(text.encode(), "list.md").families
    assert [(x.title, x.url) for x in family.entries[0].links] == [
        ("Project page", "https://model.example.org/"),  # better than the bare URL
        ("https://other.example.org/", "https://other.example.org/"),  # "link" says nothing: the URL does
    ]
