"""The real seed list: damaged encoding, a Quick Start table, badges, a series, Chinese prose."""

from __future__ import annotations

from pathlib import Path

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.model import Entry
from listkeeper.importer import import_bytes, run_import
from listkeeper.importer.repair import REPLACEMENT
from tests.importer.conftest import SEED


def _entries(families: list) -> dict[str, Entry]:
    return {e.id: e for f in families for e in f.entries}


def test_seed_imports_with_every_link_accounted_for(tmp_path: Path) -> None:
    result = run_import(SEED, tmp_path / "catalog")
    account = result.account
    assert (account.links, account.input_unique) == (30, 24)
    assert account.catalog_urls == 24
    assert account.lost == () and account.altered == () and account.kept == 30
    assert account.not_links == 9  # the nine badge images
    assert account.summary() == (
        "30 links in input (24 unique), 24 URLs in catalog: 30 kept as written, 0 altered, 0 lost"
        " (9 URLs in code, comments, link texts or badge images are not links)"
    )
    loaded = load_catalog(tmp_path / "catalog")
    assert sorted(f.id for f in loaded.catalog.families.values()) == sorted(
        ["minigemini", "bunny", "llava", "cogvlm", "cogagent", "hpt", "other"]
    )


def test_seed_damage_is_reported_line_by_line(seed_bytes: bytes) -> None:
    imported = import_bytes(seed_bytes, "seed")
    report = imported.repair
    assert report.damaged
    damaged = [d.line for d in report.damaged_lines]
    assert len(damaged) >= 20 and {1, 8, 50, 61, 141}.issubset(damaged)
    assert report.repaired_lines  # e.g. the CogVLM architecture heading and tables lines that came back whole
    text_lines = imported.text.splitlines()
    assert all(REPLACEMENT in text_lines[n - 1] for n in damaged)
    assert "✨" in text_lines[0]  # recovered from "âœ¨"
    assert "â" not in imported.text and "æ" not in imported.text  # no mojibake left, only U+FFFD for lost bytes


def test_seed_structure_and_typed_fields(seed_bytes: bytes) -> None:
    families = {f.id: f for f in import_bytes(seed_bytes, "seed").families}
    assert [f.id for f in sorted(families.values(), key=lambda f: f.order)] == [
        "minigemini", "bunny", "llava", "cogvlm", "cogagent", "hpt", "other",
    ]  # fmt: skip
    assert families["cogvlm"].series == families["cogagent"].series == "Cog Series"
    assert families["minigemini"].series is None
    entries = _entries(list(families.values()))
    cogvlm, cogagent, hpt, mgm = entries["cogvlm"], entries["cogagent"], entries["hpt"], entries["minigemini"]
    assert [p.arxiv for p in cogvlm.papers] == ["2311.03079"]
    assert [p.arxiv for p in cogagent.papers] == ["2312.08914"]
    # A PDF link is not the paper's canonical URL: kept as written, as a paper given by its URL.
    assert [(p.arxiv, p.url, p.title) for p in mgm.papers] == [
        (None, "https://arxiv.org/pdf/2403.18814.pdf", "arXiv 2403.18814")
    ]
    assert cogvlm.code == ["THUDM/CogVLM"] and cogagent.code == ["THUDM/CogVLM"]
    assert "HyperGAI/HPT" not in hpt.code  # written with a trailing slash: kept as written, a plain link
    assert "https://github.com/HyperGAI/HPT/" in [x.url for x in hpt.links]
    checkpoint = next(c for c in cogvlm.checkpoints if c.hf == "THUDM/cogvlm-chat-hf")
    assert checkpoint.resolution == "490"
    assert [c.hf for c in cogagent.checkpoints] == ["THUDM/cogagent-chat-hf", "THUDM/cogagent-vqa-hf"]
    assert [(d.space, d.title) for d in cogvlm.demos] == [("THUDM/CogVLM-CogAgent", "CogVLM & CogAgent")]
    assert mgm.collections[:2] == [
        "YanweiLi/mgm-6603c50b9b43d044171d0854",
        "YanweiLi/mgm-data-660463ea895a01d8f367624e",
    ]
    assert mgm.params == ["7B", "13B", "70B"]  # from the Quick Start row, matched by its Details anchor
    assert entries["bunny"].params == ["8B", "70B"] and entries["llava"].params[0] == "0.5B"
    # Org-only and tree URLs are links, never dropped; the SAT tree link appears once per entry.
    assert {(x.title, x.url) for x in entries["llava"].links} == {("Qwen", "https://huggingface.co/Qwen")}
    sat = [x for x in cogvlm.links if x.url == "https://huggingface.co/THUDM/CogVLM/tree/main"]
    assert len(sat) == 1 and sat[0].title == "cogvlm-chat-v1.1 (SAT model)"
    assert any(x.url == "https://hypergai.com/blog/" and x.title == "AI Blog" for x in hpt.links)
    assert cogvlm.summary and cogvlm.summary.startswith("CogVLM is an innovative open-source visual language model")


def test_seed_catch_all_holds_intro_and_trailing_links(seed_bytes: bytes) -> None:
    imported = import_bytes(seed_bytes, "seed")
    other = next(f for f in imported.families if f.id == "other")
    urls = [link.url for e in other.entries for link in e.links]
    assert urls == [
        "https://github.com/HuBocheng/awesome-list-of-LLM_VLMs/blob/master/README.md",
        "https://huggingface.co/spaces/HuggingFaceH4/open_llm_leaderboard",
    ]
    assert all(not (e.papers or e.code or e.demos or e.checkpoints) for e in other.entries)


def test_seed_local_images_are_skipped_not_invented(seed_bytes: bytes) -> None:
    document = import_bytes(seed_bytes, "seed").document
    assert [(s.target, s.line) for s in document.skipped] == [
        ("./image/cogVLM.png", 79),
        ("./image/cogAgent.png", 132),
        ("./image/HPT.png", 151),
    ]
    assert not any("image/" in ref.url for ref in document.refs)
    assert len(document.badge_images) == 9
    assert not any("shields.io" in ref.url or "aleen42" in ref.url for ref in document.refs)
