"""Real list shapes (issue 11 and issue 13 point 4), one fixture each in tests/fixtures/import/shapes/, written for
these tests: each imports to its golden catalog, and rendering the import gives back every input URL byte for byte.

Set LISTKEEPER_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change, then review their diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.model import Catalog, Entry, Family
from listkeeper.importer import run_import
from listkeeper.importer.repair import _RUN, _analyse, looks_damaged
from listkeeper.importer.write import family_yaml
from listkeeper.links.extract import extract_markdown, image_links
from listkeeper.render.markdown import render_catalog
from listkeeper.urls import is_badge_image
from tests.importer.conftest import FIXTURES, SEED

SHAPES = FIXTURES / "shapes"
NAMES = sorted(p.stem for p in SHAPES.glob("*.md") if not p.name.endswith(".clean.md"))


def _import(name: str, tmp_path: Path) -> list[Family]:
    out = tmp_path / "catalog"
    result = run_import(SHAPES / f"{name}.md", out)
    assert result.account.lost == () and result.account.altered == ()
    loaded = load_catalog(out)  # the written files are a valid catalog
    return [family for _path, family in loaded.catalog.ordered()]


def _entries(families: list[Family]) -> dict[str, Entry]:
    return {entry.id: entry for family in families for entry in family.entries}


@pytest.mark.parametrize("name", NAMES)
def test_shape_imports_to_its_golden_catalog(name: str, tmp_path: Path) -> None:
    families = _import(name, tmp_path)
    text = "---\n".join(family_yaml(family) for family in families)
    golden = SHAPES / f"{name}.golden.yaml"
    if os.environ.get("LISTKEEPER_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


LISTS = [SHAPES / f"{name}.md" for name in NAMES] + [SEED, FIXTURES / "nested-bullets.md", FIXTURES / "table-heavy.md"]


@pytest.mark.parametrize("path", LISTS, ids=[p.name for p in LISTS])
def test_every_input_url_comes_back_byte_for_byte_from_the_rendered_list(path: Path, tmp_path: Path) -> None:
    name = path.name
    result = run_import(path, tmp_path / "catalog")
    assert result.account.lost == () and result.account.altered == ()
    source = result.imported.text
    families = [family for _path, family in load_catalog(tmp_path / "catalog").catalog.ordered()]
    rendered = render_catalog(Catalog(families={f"{f.id}.yaml": f for f in families}))
    linked_images = {image.src for image in image_links(source, name)}  # badges: decoration, not imported
    wanted = {
        link.url
        for link in extract_markdown(source, name)
        if link.url
        and not (link.kind in ("image", "html-img") and (is_badge_image(link.url) or link.url in linked_images))
    }
    assert wanted
    back = {link.url for link in extract_markdown(rendered, "README.md")}
    assert sorted(wanted - back) == []
    # Where Markdown needs no escape in the URL, the rendered text holds it literally, byte for byte.
    assert [url for url in sorted(wanted) if not set(url) & set("()<>|`\\&") and url not in rendered] == []


def test_paper_table_rows_are_entries_titled_with_dates_and_venues(tmp_path: Path) -> None:
    families = _import("paper-table", tmp_path)
    assert [(f.id, f.name) for f in families] == [
        ("instruction-tuning", "Instruction tuning"),
        ("evaluation", "Evaluation"),
    ]
    entries = _entries(families)
    llava = entries["visual-instruction-tuning"]
    assert llava.name == "Visual Instruction Tuning" and str(llava.released) == "2023-04-17"
    assert llava.venue == "NeurIPS 2023"
    assert [(p.arxiv, p.title) for p in llava.papers] == [("2304.08485", "Visual Instruction Tuning")]
    improved = entries["improved-baselines-with-visual-instruction-tuning"]
    assert [(p.url, p.title) for p in improved.papers] == [
        ("https://arxiv.org/pdf/2310.03744.pdf", "Improved Baselines with Visual Instruction Tuning")
    ]
    assert [x.url for x in improved.links] == ["https://github.com/haotian-liu/LLaVA/tree/main/llava"]
    assert improved.code == []  # a deep path is not the repository: never collapsed to it


def test_timeline_dates_never_become_families(tmp_path: Path) -> None:
    families = _import("timeline", tmp_path)
    assert [f.name for f in families] == ["Timeline"]
    entries = _entries(families)
    assert list(entries) == ["qwen-vl-max", "minigemini", "deepseek-vl", "cogvlm2"]
    assert (entries["minigemini"].when, entries["minigemini"].org) == ("2024-03", "CUHK")
    assert entries["cogvlm2"].when == "Jun 2024" and entries["cogvlm2"].code == []  # written with a slash
    assert [c.hf for c in entries["deepseek-vl"].checkpoints] == ["deepseek-ai/deepseek-vl-7b-chat"]


def test_model_table_keeps_the_licence_column_and_licence_bullets_make_no_model(tmp_path: Path) -> None:
    families = _import("model-licence", tmp_path)
    entries = _entries(families)
    assert [f.name for f in families] == ["Models", "Other"]
    assert [(e.name, e.license, e.params) for e in families[0].entries] == [
        ("Idefics2", "Apache-2.0", ["8B"]),
        ("PaliGemma", "Gemma", ["3B"]),
        ("Phi-3-Vision", "MIT", ["4.2B"]),
    ]
    assert entries["paligemma"].demos[0].url == "https://huggingface.co/spaces/big-vision/paligemma?model=mix"
    assert [d.space for d in entries["idefics2"].demos] == ["HuggingFaceM4/idefics2_playground"]


def test_star_badges_name_nothing(tmp_path: Path) -> None:
    families = _import("star-badges", tmp_path)
    names = [e.name for f in families for e in f.entries]
    assert not any("star" in n.lower() for n in names), names
    entries = _entries(families)
    internvl = entries["internvl-scaling-up-vision-foundation-models"]
    assert internvl.code == ["OpenGVLab/InternVL"] and [p.arxiv for p in internvl.papers] == ["2312.14238"]
    owl = entries["mplug-owl-modularization-empowers-llms-with-multimodality"]
    assert owl.code == ["x-plug/mPLUG-Owl"] and [p.arxiv for p in owl.papers] == ["2304.14178"]
    assert entries["minicpm-v"].code == ["OpenBMB/MiniCPM-V"]


def test_monorepo_deep_links_keep_their_paths(tmp_path: Path) -> None:
    entries = _entries(_import("monorepo", tmp_path))
    beam = [e for e in entries.values() if any("get-beam" in x.url for x in e.links)]
    assert len({x.url for e in beam for x in e.links}) == 3  # three examples, three URLs (never one repo id)
    assert entries["beam-sdk"].code == ["slai-labs/get-beam"]
    assert entries["repo-with-slash"].code == [] and entries["weights-www"].checkpoints == []


def test_figures_are_kept_as_links_and_local_images_skipped(tmp_path: Path) -> None:
    result = run_import(SHAPES / "figures.md", tmp_path / "out")
    (entry,) = _entries(_import("figures", tmp_path / "again")).values()
    urls = [x.url for x in entry.links]
    assert "https://raw.githubusercontent.com/haotian-liu/LLaVA/main/images/llava_logo.png" in urls
    assert "https://github.com/haotian-liu/LLaVA/blob/main/images/llava_v1_5_radar.jpg?raw=true" in urls
    assert entry.code == ["haotian-liu/LLaVA"] and [p.arxiv for p in entry.papers] == ["2304.08485"]
    assert [s.target for s in result.imported.document.skipped] == ["./images/local.png"]


def test_labelled_bullets_become_typed_fields(tmp_path: Path) -> None:
    families = _import("labelled-bullets", tmp_path)
    assert [f.id for f in families] == ["cogvlm", "minigemini"]  # no catch-all
    cogvlm, mgm = (f.entries[0] for f in families)
    assert [(p.arxiv, p.title) for p in cogvlm.papers] == [
        ("2311.03079", "CogVLM: Visual Expert for Pretrained Language Models")
    ]
    assert cogvlm.code == ["THUDM/CogVLM"]
    assert [c.hf for c in cogvlm.checkpoints] == ["THUDM/cogvlm-chat-hf", "THUDM/cogvlm-base-490-hf"]
    assert cogvlm.datasets == ["THUDM/CogVLM-SFT-311K"]
    assert [d.space for d in cogvlm.demos] == ["THUDM/CogVLM-CogAgent"]
    assert [(x.title, x.url) for x in cogvlm.links] == [("cogvlm.github.io", "https://cogvlm.github.io/")]
    assert mgm.code == ["dvlab-research/MGM"] and mgm.collections == ["YanweiLi/mgm-6603c50b9b43d044171d0854"]
    assert [(p.arxiv, p.url) for p in mgm.papers] == [
        ("2403.18814", None),
        (None, "https://example.org/mgm-blog"),  # labelled a paper: a paper given by its URL
    ]


def test_badge_rows_become_typed_fields(tmp_path: Path) -> None:
    entries = _entries(_import("badge-rows", tmp_path))
    bunny, hpt = entries["bunny"], entries["hpt"]
    assert [p.arxiv for p in bunny.papers] == ["2402.11530"] and bunny.code == ["BAAI-DCAI/Bunny"]
    assert [c.hf for c in bunny.checkpoints] == ["BAAI/Bunny-v1_1-Llama-3-8B-V"]
    assert bunny.datasets == ["BoyaWu10/Bunny-v1_1-data"] and [d.space for d in bunny.demos] == ["BoyaWu10/Bunny"]
    assert [(x.title, x.url) for x in bunny.links] == [("Website", "http://bunny.baai.ac.cn")]
    assert [p.arxiv for p in hpt.papers] == ["2406.09999"] and hpt.code == ["HyperGAI/HPT"]


def test_daily_digest_keeps_topics_apart_and_titles(tmp_path: Path) -> None:
    families = _import("daily-digest", tmp_path)
    assert [(f.name, f.series) for f in families if f.id != "other"] == [
        ("Vision-Language Models", "2024-03-12"),
        ("Robotics", "2024-03-12"),
        ("Vision-Language Models", "2024-03-11"),
    ]
    first, robotics, second = families[:3]
    assert [p.title for e in first.entries for p in e.papers] == [
        "DeepSeek-VL: Towards Real-World Vision-Language Understanding",
        "MoAI: Mixture of All Intelligence for Large Language and Vision Models",
    ]
    assert [p.arxiv for e in robotics.entries for p in e.papers] == ["2403.12910v1"]
    synth = next(e for e in second.entries if e.name.startswith("Synth²"))
    assert [(p.url, p.title) for p in synth.papers] == [("https://arxiv.org/pdf/2403.07750.pdf", synth.name)]
    assert synth.name == "Synth²: Boosting Visual-Language Models with Synthetic Captions and Image Embeddings"
    mipha = next(e for e in second.entries if e.name.startswith("Mipha"))
    assert str(mipha.released) == "2024-03-11" and mipha.papers[0].title == mipha.name


def test_half_damaged_file_is_repaired_where_damaged_and_untouched_where_clean(tmp_path: Path) -> None:
    data = (SHAPES / "half-damaged.md").read_text(encoding="utf-8")
    clean = (SHAPES / "half-damaged.clean.md").read_text(encoding="utf-8")
    # A vote over the whole file calls it clean: the French half's accents outnumber the damaged runs.
    assert not looks_damaged([_analyse(m) for m in _RUN.finditer(data)])
    result = run_import(SHAPES / "half-damaged.md", tmp_path / "out")
    repaired = result.imported.text.splitlines()
    expected = clean.splitlines()
    assert repaired[9:] == expected[9:]  # the clean half, byte for byte
    stays = {d.line for d in result.imported.repair.damaged_lines}
    assert stays  # bytes cp1254 does not define were dropped: those lines are listed, with U+FFFD
    for number, (got, want) in enumerate(zip(repaired[:9], expected[:9], strict=True), start=1):
        assert got == want or number in stays, number
    assert "多模态大模型列表 ✨" in repaired[0] or 1 in stays
    entries = _entries(_import("half-damaged", tmp_path / "again"))
    cogvlm = entries["cogvlm"]
    assert [p.arxiv for p in cogvlm.papers] == ["2311.03079"] and cogvlm.code == ["THUDM/CogVLM"]
