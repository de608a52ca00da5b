"""Subjects: parsing, URLs and identity (when two spellings name the same thing)."""

from __future__ import annotations

import pytest

from listkeeper.subjects import Subject


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hf:model/THUDM/CogVLM", "hf:model/thudm/cogvlm"),
        ("hf:dataset/Org/Data", "hf:dataset/org/data"),
        ("gh:THUDM/CogVLM", "gh:thudm/CogVLM"),
        ("arxiv:2311.03079v2", "arxiv:2311.03079"),
        ("arxiv:cs/0701001v1", "arxiv:cs/0701001"),
    ],
)
def test_spellings_of_one_thing_share_an_identity(a: str, b: str) -> None:
    assert Subject.parse(a).identity() == Subject.parse(b).identity()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hf:model/a/b", "hf:dataset/a/b"),  # a model and a dataset of the same name are two things
        ("arxiv:2311.03079", "arxiv:2311.03078"),
        ("url:https://A.example/Path", "url:https://a.example/path"),  # a URL's path is case-sensitive
        ("arxiv:2311.03079v2", "arxiv:2311.03079v"),
    ],
)
def test_different_things_keep_different_identities(a: str, b: str) -> None:
    assert Subject.parse(a).identity() != Subject.parse(b).identity()


def test_identity_is_a_subject_of_the_same_kind() -> None:
    canonical = Subject.parse("arxiv:2311.03079v3").identity()
    assert canonical == Subject("arxiv", "2311.03079") and str(canonical) == "arxiv:2311.03079"
