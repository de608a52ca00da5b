"""The builder's own behaviour: a parsed document → families (which headings are families, entries, series, the
catch-all, and table rows, inside and outside families)."""

from __future__ import annotations

from typing import Any

from listkeeper.importer.build import CATCH_ALL_NAME, build_families
from listkeeper.importer.parse import parse


def _families(text: str) -> list[dict[str, Any]]:
    return [
        f.model_dump(exclude_none=True, exclude_defaults=True, mode="json")
        for f in build_families(parse(text)).families
    ]


def _star(repo: str) -> str:
    return f"[![Star](https://img.shields.io/github/stars/{repo})](https://github.com/{repo})"


def test_the_title_and_boilerplate_sections_are_no_families_and_their_links_go_to_the_catch_all() -> None:
    text = (
        "# Awesome VLMs\n\nIntro [site](https://site.example/)\n\n"
        f"## CogVLM\n\n{_star('THUDM/CogVLM')} [paper](https://arxiv.org/abs/2311.03079)\n\nCogVLM is a model.\n\n"
        "## License\n\n[MIT](https://mit.example/)\n"
    )
    cog, other = _families(text)
    assert cog == {
        "id": "cogvlm",
        "name": "CogVLM",
        "order": 10,
        "entries": [
            {
                "id": "cogvlm",
                "name": "CogVLM",
                "summary": "CogVLM is a model.",
                "papers": [{"arxiv": "2311.03079"}],  # "paper" names no paper
                "code": ["THUDM/CogVLM"],
            }
        ],
    }
    assert other["name"] == CATCH_ALL_NAME
    assert [(e["name"], [x["url"] for x in e["links"]]) for e in other["entries"]] == [
        ("Awesome VLMs", ["https://site.example/"]),
        ("License", ["https://mit.example/"]),
    ]


def test_a_heading_of_families_beside_a_family_is_their_series() -> None:
    text = (
        f"# L\n\n## Cog Series\n\n### CogVLM\n\n{_star('THUDM/CogVLM')}\n\n"
        f"### CogAgent\n\n{_star('THUDM/CogAgent')}\n\n"
        f"## MiniGemini\n\n{_star('dvlab/MGM')}\n"
    )
    assert [(f["name"], f.get("series"), f["order"]) for f in _families(text)] == [
        ("CogVLM", "Cog Series", 10),
        ("CogAgent", "Cog Series", 20),
        ("MiniGemini", None, 30),
    ]


def test_bullets_under_a_container_heading_are_entries_of_its_family() -> None:
    text = "# L\n\n## Models\n\n- [Alpha](https://github.com/o/alpha) - first model\n"
    text += "- [Beta](https://github.com/o/beta): second\n"
    (family,) = _families(text)
    assert family["name"] == "Models"
    assert [(e["name"], e["summary"], e["code"]) for e in family["entries"]] == [
        ("Alpha", "first model", ["o/alpha"]),
        ("Beta", "second", ["o/beta"]),
    ]


def test_model_table_rows_join_the_family_they_point_at_or_become_entries_of_their_section() -> None:
    text = (
        "# L\n\n## Quick Start\n\n| Model | Params | Paper |\n|---|---|---|\n"
        "| [CogVLM](#cogvlm) | 17B | [CogVLM paper](https://arxiv.org/abs/2311.03079) |\n"
        "| NewOne | 7B | [q](https://arxiv.org/abs/2401.00001) |\n\n"
        "## More\n\n| Model | Params |\n|---|---|\n| CogVLM | 18B |\n\n"
        f"## CogVLM\n\n{_star('THUDM/CogVLM')}\n"
    )
    quick, cog = _families(text)
    assert quick["name"] == "Quick Start"
    assert [(e["name"], e["params"], e["papers"]) for e in quick["entries"]] == [
        ("NewOne", ["7B"], [{"arxiv": "2401.00001", "title": "q"}])
    ]
    (entry,) = cog["entries"]
    # The first row naming the family gives it params; the second (by name, in another table) finds them set.
    assert entry["params"] == ["17B"]
    assert entry["papers"] == [{"arxiv": "2311.03079", "title": "CogVLM paper"}]
    assert entry["code"] == ["THUDM/CogVLM"]


def test_rows_of_a_table_inside_a_family_are_its_entries_and_an_unnamed_row_adds_links() -> None:
    text = (
        f"# L\n\n## Fam\n\n{_star('o/fam')}\n\n| Model | Params | Code |\n|---|---|---|\n"
        "| Fam-7B | 7B | [c](https://github.com/o/fam7) |\n| Fam | 13B | [x](https://x.example/) |\n"
    )
    (family,) = _families(text)
    first, second = family["entries"]
    assert first == {
        "id": "fam",
        "name": "Fam",
        "code": ["o/fam"],
        "links": [{"title": "x", "url": "https://x.example/"}],
    }
    assert second == {"id": "fam-7b", "name": "Fam-7B", "params": ["7B"], "code": ["o/fam7"]}


def test_a_checkpoint_table_in_a_family_gives_weights_not_entries() -> None:
    text = (
        f"# L\n\n## M\n\n{_star('o/m')}\n\n| Checkpoint | Size |\n|---|---|\n"
        "| [o/m-7b](https://huggingface.co/o/m-7b) | 7B |\n| [o/m-13b](https://huggingface.co/o/m-13b) | 13B |\n"
    )
    (family,) = _families(text)
    (entry,) = family["entries"]
    assert entry["checkpoints"] == [{"hf": "o/m-7b", "size": "7B"}, {"hf": "o/m-13b", "size": "13B"}]


def test_no_link_is_lost_even_in_a_boilerplate_table() -> None:
    text = "# L\n\n## Contributing\n\n| Who | Link |\n|---|---|\n| Ann | [a](https://ann.example/) |\n"
    (other,) = _families(text)
    assert other["name"] == CATCH_ALL_NAME
    assert [x["url"] for e in other["entries"] for x in e["links"]] == ["https://ann.example/"]


def test_a_heading_with_no_text_but_a_linked_logo_is_named_after_the_logo() -> None:
    """A heading made only of a linked image has empty text; its family and entry had an empty name, which the
    catalog model refuses: import crashed (exit 4). Found by fuzzing."""
    text = (
        "# List\n\n## [![](https://img.example/logo.png)](https://github.com/acme/tool)\n\n"
        "- [docs](https://docs.example/)\n\n### ![CogVLM](https://img.example/cog.png)\n\n- [x](https://x.example/)\n"
    )
    families = _families(text)
    names = [(f["name"], [e["name"] for e in f["entries"]]) for f in families]
    assert names[0][0] == "tool"  # the linked repository's name, for want of any text
    assert any(name == "CogVLM" for name, _ in names) or any("CogVLM" in entries for _, entries in names)
    assert all(name and all(entries) for name, entries in names)


def test_a_heading_of_nothing_but_punctuation_gets_a_name_from_its_line() -> None:
    families = _families("# List\n\n## ---\n\n## []()\n\n- [x](https://x.example/)\n")
    assert all(f["name"] and all(e["name"] for e in f["entries"]) for f in families)
