"""Typed subjects: what a finding is about, written as a short, stable id.

    hf:model/OWNER/NAME   hf:dataset/OWNER/NAME   hf:space/OWNER/NAME   hf:collection/OWNER/SLUG
    arxiv:ID              gh:OWNER/NAME           url:https://...

A subject knows its canonical public URL; where the service's base URL is configurable (tests, mirrors), the
caller passes :class:`Endpoints`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

#: An arXiv id's version suffix (``2311.03079v2``): the one copy of this rule.
ARXIV_VERSION = re.compile(r"v(\d+)$")

SubjectKind = Literal["hf-model", "hf-dataset", "hf-space", "hf-collection", "arxiv", "github", "url"]

_PREFIX: dict[SubjectKind, str] = {
    "hf-model": "hf:model/",
    "hf-dataset": "hf:dataset/",
    "hf-space": "hf:space/",
    "hf-collection": "hf:collection/",
    "arxiv": "arxiv:",
    "github": "gh:",
    "url": "url:",
}


@dataclass(frozen=True)
class Endpoints:
    """Public web bases used to build canonical URLs (not API bases)."""

    hf: str = "https://huggingface.co"
    arxiv: str = "https://arxiv.org"
    github: str = "https://github.com"


@dataclass(frozen=True, order=True)
class Subject:
    kind: SubjectKind
    id: str

    def __str__(self) -> str:
        return _PREFIX[self.kind] + self.id

    @classmethod
    def parse(cls, text: str) -> Subject:
        # Longest prefixes first so "hf:model/" wins over a hypothetical shorter one.
        for kind, prefix in sorted(_PREFIX.items(), key=lambda kv: -len(kv[1])):
            # An empty URL subject ("url:") stands for an empty link target, reported as a finding.
            if text.startswith(prefix) and (len(text) > len(prefix) or kind == "url"):
                return cls(kind, text[len(prefix) :])
        raise ValueError(f"not a subject id: {text!r} (expected e.g. 'hf:model/owner/name', 'arxiv:2311.03079')")

    def identity(self) -> Subject:
        """The canonical form under which two subjects are the same thing: Hub and GitHub names ignore case, an arXiv
        id names the same paper with or without a version; a URL is only itself."""
        if self.kind == "arxiv":
            return Subject(self.kind, ARXIV_VERSION.sub("", self.id))
        if self.kind == "url":
            return self
        return Subject(self.kind, self.id.lower())

    def named_in(self, texts: Iterable[str]) -> bool:
        """True when one of ``texts`` (subject ids, e.g. dismissals; text that is not one is skipped) names this
        subject under any spelling."""
        wanted = self.identity()
        for text in texts:
            try:
                if Subject.parse(text).identity() == wanted:
                    return True
            except ValueError:
                continue
        return False

    @property
    def owner(self) -> str | None:
        if self.kind in ("arxiv", "url"):
            return None
        return self.id.split("/", 1)[0]

    def url(self, endpoints: Endpoints = Endpoints()) -> str:
        hf = endpoints.hf.rstrip("/")
        match self.kind:
            case "hf-model":
                return f"{hf}/{self.id}"
            case "hf-dataset":
                return f"{hf}/datasets/{self.id}"
            case "hf-space":
                return f"{hf}/spaces/{self.id}"
            case "hf-collection":
                return f"{hf}/collections/{self.id}"
            case "arxiv":
                return f"{endpoints.arxiv.rstrip('/')}/abs/{self.id}"
            case "github":
                return f"{endpoints.github.rstrip('/')}/{self.id}"
            case "url":
                return self.id


def hf_model(repo: str) -> Subject:
    return Subject("hf-model", repo)


def hf_dataset(repo: str) -> Subject:
    return Subject("hf-dataset", repo)


def hf_space(repo: str) -> Subject:
    return Subject("hf-space", repo)


def hf_collection(slug: str) -> Subject:
    return Subject("hf-collection", slug)


def arxiv(paper: str) -> Subject:
    return Subject("arxiv", paper)


def github(repo: str) -> Subject:
    return Subject("github", repo)


def url(address: str) -> Subject:
    return Subject("url", address)
