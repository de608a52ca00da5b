"""The two list shapes we wrote ourselves: nested bullets and one-row-per-model tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.model import Entry, Family
from listkeeper.importer import run_import
from tests.importer.conftest import FIXTURES


def _import(name: str, tmp_path: Path) -> tuple[dict[str, Family], dict[str, Entry]]:
    result = run_import(FIXTURES / name, tmp_path / "out")
    assert result.account.lost == ()
    assert result.account.links >= 20
    loaded = load_catalog(tmp_path / "out")
    families = {f.id: f for f in loaded.catalog.families.values()}
    return families, {e.id: e for f in families.values() for e in f.entries}


@pytest.mark.parametrize("name", ["nested-bullets.md", "table-heavy.md"])
def test_code_blocks_and_inline_code_are_not_imported(name: str, tmp_path: Path) -> None:
    result = run_import(FIXTURES / name, tmp_path / "out")
    urls = {ref.url for ref in result.imported.document.refs}
    assert not any("LLaVA.git" in u or "not-a-link" in u or "lmms-eval" in u for u in urls)
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.yaml"))
    assert "LLaVA.git" not in text and "lmms-eval" not in text


def test_nested_bullets(tmp_path: Path) -> None:
    families, entries = _import("nested-bullets.md", tmp_path)
    assert [e.id for e in families["llava"].entries] == ["llava", "llava-1.5", "llava-next"]
    llava, v15, nxt = entries["llava"], entries["llava-1.5"], entries["llava-next"]
    assert llava.code == ["haotian-liu/LLaVA"]
    assert llava.summary == "Large Language and Vision Assistant."
    # Same paper, other URL (a versioned PDF): kept as written, as a paper given by its URL with its link text.
    assert [(p.arxiv, p.url, p.title) for p in llava.papers] == [
        ("2304.08485", None, None),
        (None, "https://arxiv.org/pdf/2304.08485v2.pdf", "Paper (PDF, v2)"),
    ]
    assert [c.hf for c in v15.checkpoints] == ["liuhaotian/llava-v1.5-7b", "liuhaotian/llava-v1.5-13b"]
    assert [(p.arxiv, p.title) for p in v15.papers] == [("2310.03744", None)]
    assert [d.space for d in nxt.demos] == ["merve/llava-next"]
    qwen = entries["qwen-vl"]  # "- **Qwen-VL** [[paper]](...) [[code]](...)"
    assert [p.arxiv for p in qwen.papers] == ["2308.12966"] and qwen.papers[0].title is None
    assert qwen.checkpoints[0].hf == "Qwen/Qwen-VL-Chat"
    assert entries["qwen2-vl"].checkpoints[0].hf == "Qwen/Qwen2-VL-7B-Instruct"
    internvl = entries["internvl"]  # HTML badge and a bare URL
    assert [p.arxiv for p in internvl.papers] == ["2312.14238"]
    assert internvl.collections == ["OpenGVLab/internvl20-667d3961ab5eb12c7ed1463e"]
    assert [x.url for x in internvl.links] == ["https://huggingface.co/OpenGVLab"]
    assert entries["sharegpt4v"].datasets == ["Lin-Chen/ShareGPT4V"]
    # Flat bullets are entries of their section's family; a bullet with named sub-bullets is a family.
    assert [e.id for e in families["generalist-models"].entries] == ["internvl"]
    assert [e.id for e in families["datasets"].entries] == ["sharegpt4v", "llava-instruct-150k"]
    assert [e.id for e in families["leaderboards"].entries] == ["open-vlm-leaderboard", "see-also"]
    other = families["other"]
    assert [e.name for e in other.entries] == ["Awesome Vision-Language Models", "License"]
    assert "https://awesome.re" in [x.url for x in other.entries[0].links]


def test_table_heavy(tmp_path: Path) -> None:
    families, entries = _import("table-heavy.md", tmp_path)
    # Headings are families, table rows are entries (never one family per row).
    assert [f.id for f in sorted(families.values(), key=lambda f: f.order)] == [
        "open-source-models",
        "datasets",
        "other",
    ]
    assert [e.id for e in families["open-source-models"].entries] == [
        "llava-1.5", "bunny", "cogvlm2", "mgm", "hpt-1.5-air",
    ]  # fmt: skip
    assert [e.id for e in families["datasets"].entries] == ["sharegpt4v", "the-cauldron"]
    llava = entries["llava-1.5"]
    assert llava.params == ["7B", "13B"] and llava.base_llms == ["Vicuna-1.5"]
    assert [p.arxiv for p in llava.papers] == ["2310.03744"]  # the badge's target, not the badge image
    assert [d.space for d in llava.demos] == ["badayvedat/LLaVA"]
    assert [(x.title, x.url) for x in llava.links] == [("LLaVA-1.5", "https://llava-vl.github.io/")]
    bunny = entries["bunny"]  # a PDF URL stays as written; its title is the id, not the model's name
    assert [(p.url, p.title) for p in bunny.papers] == [("https://arxiv.org/pdf/2402.11530.pdf", "arXiv 2402.11530")]
    assert bunny.base_llms == ["Phi-2", "StableLM-2", "Llama-3"]
    assert [(d.url, d.title) for d in bunny.demos] == [("http://bunny.baai.ac.cn", "Web demo")]
    mgm = entries["mgm"]  # a /tree/main link is not the repository's URL: a plain link, path kept
    assert mgm.code == [] and mgm.papers[0].arxiv == "2403.18814v1"
    assert [(x.title, x.url) for x in mgm.links] == [("MGM (Code)", "https://github.com/dvlab-research/MGM/tree/main")]
    assert entries["hpt-1.5-air"].code == ["HyperGAI/HPT"]  # <a href><img></a> badge in a cell
    assert entries["the-cauldron"].datasets == ["HuggingFaceM4/the_cauldron"]
    stray = {x.url for e in families["other"].entries for x in e.links}
    assert stray == {
        "https://github.com/example-org/awesome-mllm-tables",
        "https://opencompass.org.cn/leaderboard-multimodal",
        "https://docs.google.com/spreadsheets/d/1abcDEF/edit",
    }
