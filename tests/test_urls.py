from __future__ import annotations

import pytest

from listkeeper.urls import canonical, classify, is_badge_image, is_http


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("https://huggingface.co/THUDM/cogvlm-chat-hf", "checkpoint", "THUDM/cogvlm-chat-hf"),
        ("https://hf.co/THUDM/cogvlm-chat-hf/", "checkpoint", "THUDM/cogvlm-chat-hf"),
        ("https://huggingface.co/datasets/THUDM/CogVLM-SFT-311K", "dataset", "THUDM/CogVLM-SFT-311K"),
        ("https://huggingface.co/spaces/THUDM/CogVLM-CogAgent", "demo", "THUDM/CogVLM-CogAgent"),
        (
            "https://huggingface.co/collections/YanweiLi/mgm-6603c50b9b43d044171d0854",
            "collection",
            "YanweiLi/mgm-6603c50b9b43d044171d0854",
        ),
        ("https://arxiv.org/abs/2311.03079", "paper", "2311.03079"),
        ("https://arxiv.org/pdf/2403.18814.pdf", "paper", "2403.18814"),
        ("http://www.arxiv.org/pdf/2403.18814v2", "paper", "2403.18814v2"),
        ("https://arxiv.org/abs/cs/0701001", "paper", "cs/0701001"),
        ("https://github.com/HyperGAI/HPT/", "code", "HyperGAI/HPT"),
        ("https://github.com/THUDM/CogVLM.git", "code", "THUDM/CogVLM"),
        ("https://github.com/dvlab-research/MGM/tree/main", "code", "dvlab-research/MGM"),
        ("https://github.com/o/r/blob/master/README.md", "code", "o/r"),
    ],
)
def test_typed_urls(url: str, field: str, value: str) -> None:
    item = classify(url)
    assert (item.field, item.value) == (field, value)


@pytest.mark.parametrize(
    "url",
    [
        "https://huggingface.co/Qwen",  # an organisation, not a repo
        "https://huggingface.co/THUDM/CogVLM/tree/main",
        "https://huggingface.co/papers/2311.03079",
        "https://huggingface.co/THUDM/cogvlm-chat-hf?library=transformers",
        "https://github.com/THUDM",
        "https://github.com/THUDM/CogVLM/issues/12",
        "https://github.com/orgs/THUDM/repositories",
        "https://arxiv.org/list/cs.CV/recent",
        "https://hypergai.com/blog/",
        "https://huggingface.co/a--b/c",  # not a name the Hub allows
    ],
)
def test_everything_else_is_a_plain_link_kept_verbatim(url: str) -> None:
    item = classify(url)
    assert item.field == "link"
    assert item.value == url == item.url == canonical(url)


def test_equivalences_are_explicit() -> None:
    assert canonical("https://arxiv.org/pdf/2403.18814.pdf") == "https://arxiv.org/abs/2403.18814"
    assert canonical("http://arxiv.org/abs/2403.18814") == "https://arxiv.org/abs/2403.18814"
    assert canonical("https://arxiv.org/abs/2403.18814v2") == "https://arxiv.org/abs/2403.18814v2"  # version kept
    assert canonical("https://github.com/o/r/tree/main/docs") == "https://github.com/o/r"
    assert canonical("https://hf.co/o/n/") == "https://huggingface.co/o/n"


def test_http_and_badges() -> None:
    assert is_http("https://a.b/c") and not is_http("./image/x.png") and not is_http("mailto:a@b.c")
    assert not is_http("https://a.b:99999/") and not is_http("https://[::1/x")  # classify() would crash on them
    assert is_badge_image("https://img.shields.io/badge/arXiv-2311.03079-b31b1b.svg")
    assert is_badge_image("https://badges.aleen42.com/src/github.svg")
    assert not is_badge_image("https://example.org/architecture.png")
