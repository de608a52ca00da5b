"""How Markdown links are routed: to a source's batch when it answers the canonical URL, else requested."""

from __future__ import annotations

import pytest

from listkeeper.catalog.refs import Role
from listkeeper.findings import Kind, Location
from listkeeper.links.extract import ExtractedLink
from listkeeper.pipeline.targets import split_markdown, typed_subject
from listkeeper.subjects import Subject, arxiv, github, hf_model, url


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://huggingface.co/o/n", hf_model("o/n")),
        ("https://huggingface.co/o/n/", hf_model("o/n")),
        ("https://github.com/o/r", github("o/r")),
        ("https://arxiv.org/abs/2311.03079", arxiv("2311.03079")),
        ("https://huggingface.co/datasets/o/d", Subject("hf-dataset", "o/d")),
        ("https://huggingface.co/o/n/tree/main", None),  # a page of the repo: requested
        ("https://github.com/o/r/tree/main/docs", None),
        ("https://arxiv.org/pdf/2311.03079", None),
        ("http://github.com/o/r", None),  # not the canonical URL as written
        ("https://docs.example/x", None),
    ],
)
def test_typed_only_for_canonical_urls(address: str, expected: Subject | None) -> None:
    assert typed_subject(address) == expected


def test_split_markdown_routes_links() -> None:
    links = [
        ExtractedLink("https://github.com/o/r", "a.md", 1, "inline"),
        ExtractedLink("https://huggingface.co/o/n", "a.md", 2, "inline"),
        ExtractedLink("https://docs.example/x", "a.md", 3, "bare"),
        ExtractedLink("", "a.md", 4, "empty"),
    ]
    split = split_markdown(links, lambda s: s.kind == "github")
    assert [(r.subject, r.location, r.role) for r in split.refs] == [
        (github("o/r"), Location("a.md", 1), Role.MARKDOWN)
    ]
    assert split.links == [
        ("https://huggingface.co/o/n", hf_model("o/n"), Location("a.md", 2)),  # no source for it: typed, requested
        ("https://docs.example/x", url("https://docs.example/x"), Location("a.md", 3)),
    ]
    assert [(f.kind, f.locations) for f in split.findings] == [(Kind.EMPTY_LINK, (Location("a.md", 4),))]
