from __future__ import annotations

import pytest

from listkeeper.render.anchors import Slugger, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("MGM (Mini-Gemini)", "mgm-mini-gemini"),
        ("Cog series", "cog-series"),
        ("LLaVA-1.5", "llava-15"),
        ("Quick Start🏁", "quick-start"),
        ("HPT 1.5 Air", "hpt-15-air"),
        ("snake_case  two spaces", "snake_case-two-spaces"),
        ("Évian Ünïcode", "évian-ünïcode"),
        ("C++ & C#", "c--c"),
    ],
)
def test_slugify_like_github(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugger_deduplicates_in_document_order() -> None:
    slugger = Slugger()
    assert [slugger.slug(t) for t in ["A", "a", "A-1", "A", "b"]] == ["a", "a-1", "a-1-1", "a-2", "b"]


def test_slugger_is_per_document() -> None:
    assert Slugger().slug("x") == Slugger().slug("x") == "x"
