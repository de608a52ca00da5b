"""The tracking rules shared by the Hub and GitHub adapters: where each rule stands, which names it admits."""

from __future__ import annotations

from pathlib import Path

import yaml

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.model import GitHubOrgRule, HfAuthorRule
from listkeeper.sources import tracking


def test_globs_match_the_name_or_the_whole_id_case_insensitively() -> None:
    rule = GitHubOrgRule(org="THUDM", include=["cog*", "thudm/glm-4"], exclude=["*-demo"])
    assert tracking.admits(rule, "THUDM/CogVLM2")
    assert tracking.admits(rule, "thudm/GLM-4")  # a glob with '/' matches the whole id
    assert not tracking.admits(rule, "THUDM/cogvlm-demo")  # excluded
    assert not tracking.admits(rule, "THUDM/glm-4v")  # neither glob
    hub = HfAuthorRule(author="Qwen", include=["Qwen2-VL-*"])
    assert tracking.admits(hub, "Qwen/qwen2-vl-7b-instruct") and not tracking.admits(hub, "Qwen/Qwen2-7B")


def test_rules_are_found_with_their_entry_and_line(tmp_path: Path) -> None:
    family = {
        "id": "cog",
        "name": "Cog",
        "entries": [
            {"id": "cogvlm", "name": "CogVLM", "track": {"github_orgs": [{"org": "THUDM"}]}},
            {"id": "qwen", "name": "Qwen", "track": {"hf_authors": [{"author": "Qwen"}, {"author": "QwenLM"}]}},
        ],
    }
    (tmp_path / "cog.yaml").write_text(yaml.safe_dump(family, sort_keys=False), encoding="utf-8")
    loaded = load_catalog(tmp_path)
    (org,) = tracking.github_org_rules(loaded)
    assert (org.rule.org, org.entry_id, org.location.path) == ("THUDM", "cogvlm", "entries[0].track.github_orgs[0]")
    authors = tracking.hf_author_rules(loaded)
    assert [(r.rule.author, r.entry_id, r.location.path) for r in authors] == [
        ("Qwen", "qwen", "entries[1].track.hf_authors[0]"),
        ("QwenLM", "qwen", "entries[1].track.hf_authors[1]"),
    ]
    assert all(r.location.line is not None and r.location.file.endswith("cog.yaml") for r in authors)
