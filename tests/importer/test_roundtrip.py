"""import → render → import yields the same catalog (the issue's acceptance rule for the importer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.catalog.model import Catalog
from listkeeper.importer import import_bytes
from listkeeper.render.markdown import render_catalog
from tests.importer.conftest import FIXTURES, SEED


def _catalog(data: bytes, name: str) -> Catalog:
    return Catalog(families={f"{f.id}.yaml": f for f in import_bytes(data, name).families})


@pytest.mark.parametrize("source", [SEED, FIXTURES / "nested-bullets.md", FIXTURES / "table-heavy.md"])
def test_import_render_import_is_stable(source: Path) -> None:
    first = _catalog(source.read_bytes(), source.name)
    rendered = render_catalog(first)
    second = _catalog(rendered.encode("utf-8"), "rendered.md")
    assert sorted(second.families) == sorted(first.families)
    for path, family in first.families.items():
        assert second.families[path] == family, path
    assert second == first


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
