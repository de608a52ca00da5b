"""Badges that name one paper or repo and link to another (pure text checks), and badges to missing subjects."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.findings import Finding, Kind, Location
from listkeeper.links.badges import (
    badge_text,
    check_text,
    find_badges,
    missing_targets,
    named_arxiv,
    named_repos,
    subject_key,
)
from listkeeper.render.markdown import badge, render_catalog, shields_url
from listkeeper.subjects import arxiv, github, hf_model

REPO = Path(__file__).resolve().parents[2]
README = REPO / "catalog" / "README.md"


# -- reading a badge ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "text"),
    [
        ("https://img.shields.io/badge/arXiv-2311.03079-b31b1b", "arXiv 2311.03079"),
        ("https://img.shields.io/badge/arXiv-2311.03079-b31b1b.svg", "arXiv 2311.03079"),
        ("https://img.shields.io/badge/GitHub-zai--org%2FCogVLM-181717?logo=github", "GitHub zai-org/CogVLM"),
        ("https://img.shields.io/badge/%F0%9F%A4%97%20Space-wcy1122%2FMGM-blue", "🤗 Space wcy1122/MGM"),
        ("https://img.shields.io/badge/Hugging_Face-my__model-yellow", "Hugging Face my_model"),
        ("https://img.shields.io/badge/just%20a%20message-red", "just a message"),
        ("https://img.shields.io/badge/x-y-red?label=arXiv&message=2312.08914", "arXiv 2312.08914"),
        ("https://img.shields.io/badge/GitHub-owner/repo-blue", "GitHub owner/repo"),  # unencoded slash
        ("https://badgen.net/badge/arXiv/2311.03079/red", "arXiv 2311.03079"),
        ("https://img.shields.io/github/stars/haotian-liu/LLaVA?style=social", "GitHub haotian-liu/LLaVA"),
        ("https://img.shields.io/github/v/release/zai-org/CogVLM.svg", "GitHub zai-org/CogVLM"),
        ("https://img.shields.io/github/commit-activity/m/o/r", "GitHub o/r"),
        ("https://img.shields.io/pypi/v/listkeeper", None),
        ("https://badges.aleen42.com/src/github.svg", None),
    ],
)
def test_badge_text(image: str, text: str | None) -> None:
    assert badge_text(image) == text


def test_the_renderer_s_badges_read_back() -> None:
    """What :func:`render.markdown.shields_url` writes, :func:`badge_text` reads (dashes, underscores, slashes)."""
    for label, message in [("arXiv", "2311.03079"), ("GitHub", "JIA-Lab-research/MGM"), ("🤗 Space", "a_b/c--d")]:
        assert badge_text(shields_url(label, message, "blue")) == f"{label} {message}"


SAMPLE = """\
# List

[![arXiv](https://img.shields.io/badge/arXiv-2311.03079-b31b1b)](https://arxiv.org/abs/2311.03079)
Text with a logo [![logo](https://example.org/logo.png)](https://example.org) and a plain badge
![not a link](https://img.shields.io/badge/a-b-red).

<p align="center">
  <a href="https://github.com/o/r">
    <img src="https://img.shields.io/github/stars/o/r" alt="stars">
  </a>
</p>

[![ref][img]][target] and <a href="https://github.com/o/r">![md in html](https://img.shields.io/badge/GitHub-o%2Fr-black)</a>

`[![code](https://img.shields.io/badge/x-y-red)](https://x.example)`

[img]: https://img.shields.io/badge/arXiv-2401.00001-red
[target]: https://arxiv.org/abs/2401.00001
"""


def test_find_badges_in_markdown_and_html_with_lines() -> None:
    found = [(b.line, b.text, b.target) for b in find_badges(SAMPLE, "list.md")]
    assert found == [
        (3, "arXiv 2311.03079", "https://arxiv.org/abs/2311.03079"),
        (9, "GitHub o/r", "https://github.com/o/r"),
        (13, "arXiv 2401.00001", "https://arxiv.org/abs/2401.00001"),
        (13, "GitHub o/r", "https://github.com/o/r"),
    ]
    assert check_text(SAMPLE, "list.md") == []


def test_alt_text_stands_in_when_the_image_says_nothing() -> None:
    text = "[![GitHub o/other](https://badges.aleen42.com/src/github.svg)](https://github.com/o/r)\n"
    (found,) = find_badges(text, "a.md")
    assert found.text == "GitHub o/other"
    assert [f.message for f in check_text(text, "a.md")] == ["badge says GitHub o/other but links to GitHub o/r"]


# -- mismatches -----------------------------------------------------------------------------------------------------


def one_line(image: str, target: str) -> str:
    return f"intro\n\n[![badge]({image})]({target})\n"


def test_arxiv_label_naming_another_paper_is_a_mismatch() -> None:
    text = one_line("https://img.shields.io/badge/arXiv-2311.03079-b31b1b", "https://arxiv.org/abs/2312.08914")
    (finding,) = check_text(text, "README.md")
    assert finding.kind is Kind.BADGE_MISMATCH
    assert finding.subject == arxiv("2312.08914")
    assert finding.locations == (Location("README.md", 3),)
    assert finding.message == "badge says arXiv 2311.03079 but links to arXiv 2312.08914"
    assert finding.evidence["named"] == ["2311.03079"] and finding.evidence["linked"] == "arXiv 2312.08914"
    assert finding.source == "badges"


@pytest.mark.parametrize(
    ("image", "target", "mismatch"),
    [
        # arXiv: versions do not matter; pdf and Hugging Face paper pages name the paper too.
        ("badge/arXiv-2311.03079-red", "https://arxiv.org/abs/2311.03079v2", False),
        ("badge/arXiv-2311.03079v1-red", "https://arxiv.org/abs/2311.03079", False),
        ("badge/arXiv-2311.03079-red", "https://arxiv.org/pdf/2312.08914", True),
        ("badge/arXiv-2311.03079-red", "https://huggingface.co/papers/2312.08914", True),
        ("badge/Paper-arXiv-red", "https://arxiv.org/abs/2312.08914", False),  # names no id
        ("badge/arXiv-2311.03079-red", "https://cogvlm.example/", False),  # links to nothing comparable
        # GitHub: ids ignore case; the badge must say GitHub (text or logo).
        ("badge/GitHub-zai--org%2Fcogvlm-black", "https://github.com/zai-org/CogVLM", False),
        ("badge/GitHub-zai--org%2FCogAgent-black", "https://github.com/zai-org/CogVLM", True),
        ("badge/code-zai--org%2FCogAgent-black?logo=github", "https://github.com/zai-org/CogVLM/tree/main", True),
        ("github/stars/THUDM/CogVLM", "https://github.com/zai-org/CogVLM", True),
        ("badge/stars-zai--org%2FCogAgent-black", "https://github.com/zai-org/CogVLM", False),  # not a GitHub badge
        # Hugging Face: a collection's hex suffix is not part of its label.
        (
            "badge/🤗%20Collection-YanweiLi%2Fmgm-yellow",
            "https://huggingface.co/collections/YanweiLi/mgm-6603c50b9b43d044171d0854",
            False,
        ),
        (
            "badge/🤗%20Collection-YanweiLi%2Fmgm--data-yellow",
            "https://huggingface.co/collections/YanweiLi/mgm-6603c50b9b43d044171d0854",
            True,
        ),
        ("badge/🤗%20Space-wcy1122%2FMGM-blue", "https://huggingface.co/spaces/wcy1122/mgm", False),
        ("badge/Hugging%20Face-zai--org%2Fcogvlm2-blue", "https://huggingface.co/zai-org/cogvlm-chat-hf", True),
        ("badge/HF-datasets-blue", "https://huggingface.co/datasets/o/d", False),
    ],
)
def test_mismatch_rules(image: str, target: str, mismatch: bool) -> None:
    text = one_line(f"https://img.shields.io/{image}", target)
    assert len(find_badges(text, "a.md")) == 1
    assert bool(check_text(text, "a.md")) is mismatch


def test_named_ids() -> None:
    (found,) = find_badges(one_line("https://img.shields.io/badge/arXiv-2311.03079%20%2B%202312.08914-red", "x"), "a")
    assert named_arxiv(found) == ["2311.03079", "2312.08914"]
    (found,) = find_badges(one_line("https://img.shields.io/badge/GitHub-github.com%2Fo%2Fr-red", "x"), "a")
    assert named_repos(found) == ["o/r"]


def test_the_real_rendered_list_has_no_mismatch() -> None:
    text = README.read_text(encoding="utf-8")
    found = find_badges(text, "catalog/README.md")
    assert len(found) == text.count("](https://img.shields.io/badge/")  # every badge the renderer wrote
    assert all(named_arxiv(b) or named_repos(b) for b in found)  # each names something: each was judged
    assert check_text(text, "catalog/README.md") == []


def test_a_mismatch_in_the_rendered_list_is_found() -> None:
    """The same file with one badge's target swapped: the check is not vacuous on the real list."""
    text = README.read_text(encoding="utf-8")
    swapped = text.replace("(https://arxiv.org/abs/2403.18814)", "(https://arxiv.org/abs/2402.11530)", 1)
    (finding,) = check_text(swapped, "catalog/README.md")
    assert finding.message == "badge says arXiv 2403.18814 but links to arXiv 2402.11530"
    line = next(i for i, t in enumerate(swapped.splitlines(), 1) if "arXiv-2403.18814" in t)
    assert finding.locations == (Location("catalog/README.md", line),)


def test_rendering_the_committed_catalog_gives_matching_badges() -> None:
    text = render_catalog(load_catalog(REPO / "catalog").catalog)
    assert find_badges(text, "README.md") and check_text(text, "README.md") == []


def test_renderer_badge_helper_round_trip() -> None:
    markdown = badge(
        "arXiv 2311.03079", shields_url("arXiv", "2311.03079", "b31b1b"), "https://arxiv.org/abs/2312.08914"
    )
    assert [f.subject for f in check_text(markdown, "x.md")] == [arxiv("2312.08914")]


# -- badges to subjects that do not exist ------------------------------------------------------------------------


def test_missing_targets() -> None:
    text = (
        "[![GitHub](https://img.shields.io/badge/GitHub-O%2FR-black)](https://github.com/O/R)\n"
        "[![arXiv](https://img.shields.io/badge/arXiv-2311.03079-red)](https://arxiv.org/abs/2311.03079v2)\n"
        "[![docs](https://img.shields.io/badge/docs-here-blue)](https://docs.example/gone)\n"
        "[![model](https://img.shields.io/badge/🤗-o%2Fm-blue)](https://huggingface.co/o/m)\n"
    )
    dead = {
        subject_key(github("o/r")): Finding(Kind.DEAD, github("o/r"), "GitHub repository o/r was not found"),
        subject_key(arxiv("2311.03079")): Finding(Kind.DEAD, arxiv("2311.03079"), "absent from the feed"),
    }
    found = missing_targets(find_badges(text, "a.md"), dead)
    assert [(f.subject, f.locations[0].line) for f in found] == [(github("O/R"), 1), (arxiv("2311.03079v2"), 2)]
    assert found[0].message == "badge links to gh:O/R, which does not exist (GitHub repository o/r was not found)"
    assert all(f.kind is Kind.BADGE_MISMATCH for f in found)
    assert missing_targets(find_badges(text, "a.md"), {subject_key(hf_model("o/other")): found[0]}) == []
