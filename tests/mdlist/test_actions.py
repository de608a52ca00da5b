"""What findings ask of a Markdown list: moves (URLs into a renamed id, badges, labels) and dead links."""

from __future__ import annotations

from listkeeper.findings import Finding, Kind
from listkeeper.mdlist.actions import actions, relabel, rewrite
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.subjects import Subject
from tests.mdlist.conftest import GH_NEW, GH_OLD, TODAY, dead, moved


def test_a_move_rewrites_urls_into_the_repository_and_its_badges_only() -> None:
    moves, deads = actions([moved(GH_OLD, GH_NEW)], ())
    assert deads == []
    assert [(m.old, m.new) for m in moves] == [(GH_OLD, GH_NEW)]

    def new(url: str) -> str | None:
        hit = rewrite(moves, url)
        return hit[0] if hit else None

    assert new("https://github.com/thudm/cogvlm/tree/main#x") == "https://github.com/zai-org/CogVLM/tree/main#x"
    assert new("https://github.com/THUDM/CogVLM.git") == "https://github.com/zai-org/CogVLM.git"
    assert new("https://github.com/THUDM/CogVLM-2") is None  # another repository
    assert new("https://img.shields.io/github/stars/THUDM/CogVLM?style=social") == (
        "https://img.shields.io/github/stars/zai-org/CogVLM?style=social"
    )
    assert new("https://img.shields.io/badge/repo-THUDM%2FCogVLM-blue") == (
        "https://img.shields.io/badge/repo-zai--org%2FCogVLM-blue"  # shields.io doubles dashes
    )
    assert relabel('![THUDM/CogVLM](u) <img alt="THUDM/CogVLM stars">', moves) == (
        '![zai-org/CogVLM](u) <img alt="zai-org/CogVLM stars">'
    )


def test_a_redirect_keeps_the_links_fragment_and_matches_nothing_else() -> None:
    old, new = Subject("url", "https://old.example/a"), Subject("url", "https://new.example/b")
    moves, _ = actions([moved(old, new)], ())
    assert rewrite(moves, "https://old.example/a#part") is not None
    assert rewrite(moves, "https://old.example/a#part")[0] == "https://new.example/b#part"  # type: ignore[index]
    assert rewrite(moves, "https://old.example/ab") is None


def test_dead_matches_the_url_with_or_without_a_fragment() -> None:
    _, (gone,) = actions([dead(Subject("url", "https://gone.example/x"))], ())
    assert gone.matches("https://gone.example/x#frag") and not gone.matches("https://gone.example/xy")
    _, (repo,) = actions([dead(GH_OLD)], ())
    assert repo.matches("https://github.com/THUDM/CogVLM/issues") and not repo.matches("https://github.com/THUDM/x")


def test_a_dead_arxiv_paper_matches_its_abs_url_only() -> None:
    _, (paper,) = actions([dead(Subject("arxiv", "2412.12827"))], ())
    assert paper.matches("https://arxiv.org/abs/2412.12827") and paper.matches("http://www.arxiv.org/abs/2412.12827#x")
    assert not paper.matches("https://arxiv.org/abs/2412.128270") and not paper.matches(
        "https://arxiv.org/pdf/2412.12827"
    )


def test_dismissed_subjects_and_non_actionable_findings_change_nothing() -> None:
    text = "[a](https://github.com/THUDM/CogVLM)\n"
    assert edit_markdown({"R.md": text}, [moved(GH_OLD, GH_NEW)], today=TODAY, dismissed={"gh:thudm/cogvlm"}) == (
        {},
        [],
    )
    suspect = Finding(Kind.SUSPECT, Subject("url", "https://x.example"), "404 once")
    assert edit_markdown({"R.md": "<https://x.example>\n"}, [suspect], today=TODAY) == ({}, [])
    assert actions([moved(GH_OLD, Subject("hf-model", "zai-org/CogVLM"))], ()) == ([], [])  # another kind: no move
