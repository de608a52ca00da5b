"""What a URL points at: the catalog field and typed subject it stands for, and which URLs count as the same link.

Used by the importer (URL → typed field), the check pipeline (a Markdown link that is a canonical Hub/GitHub/arXiv
URL goes to that source; a redirect target keeps its subject's kind) and the badge checker.

Only whole, well-known URL shapes become typed fields; anything else stays a plain link with its URL exactly as
written, so nothing is ever dropped. The equivalences the importer applies are all here, in :func:`canonical`:

* ``http`` and ``https``, a ``www.`` prefix and a trailing slash do not change a typed target;
* ``hf.co`` is ``huggingface.co``;
* ``arxiv.org/pdf/ID``, ``/pdf/ID.pdf`` and ``/abs/ID`` name the same paper (the version suffix ``vN`` is kept as
  written, so ``2311.03079v2`` stays ``2311.03079v2``);
* ``github.com/O/R.git``, ``/tree/...`` and ``/blob/...`` stand for the repository ``O/R``.

A plain link's canonical form is the URL itself (only surrounding whitespace removed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from listkeeper import subjects
from listkeeper.catalog import model
from listkeeper.subjects import Subject

Field = Literal["paper", "code", "demo", "checkpoint", "collection", "dataset", "link"]

# First path segments on huggingface.co / github.com that are site pages, not an owner.
_HF_RESERVED = frozenset(
    [
        "models",
        "datasets",
        "spaces",
        "collections",
        "docs",
        "blog",
        "papers",
        "organizations",
        "settings",
        "join",
        "login",
        "pricing",
        "tasks",
        "learn",
        "chat",
        "posts",
        "api",
        "enterprise",
        "new",
        "search",
        "notifications",
        "inference-endpoints",
    ]
)
_GH_RESERVED = frozenset(
    [
        "orgs",
        "features",
        "topics",
        "sponsors",
        "settings",
        "marketplace",
        "users",
        "apps",
        "collections",
        "about",
        "pricing",
        "login",
        "search",
        "explore",
        "trending",
        "notifications",
        "issues",
        "pulls",
        "new",
        "site",
        "contact",
        "security",
        "customer-stories",
        "enterprise",
        "readme",
    ]
)
_ARXIV_PATH = re.compile(r"^/(?:abs|pdf)/(?P<id>.+?)(?:\.pdf)?/?$")


@dataclass(frozen=True)
class Classified:
    """Where a URL goes: ``field`` and the typed ``value`` (a repo id, arXiv id, slug; the URL for links)."""

    field: Field
    value: str

    @property
    def subject(self) -> Subject:
        match self.field:
            case "paper":
                return subjects.arxiv(self.value)
            case "code":
                return subjects.github(self.value)
            case "demo":
                return subjects.hf_space(self.value)
            case "checkpoint":
                return subjects.hf_model(self.value)
            case "collection":
                return subjects.hf_collection(self.value)
            case "dataset":
                return subjects.hf_dataset(self.value)
            case _:
                return subjects.url(self.value)

    @property
    def url(self) -> str:
        """The canonical URL the catalog will hold for this item."""
        return self.subject.url()


def is_http(url: str) -> bool:
    """An http(s) link the catalog can hold: a malformed one (``https://[::1``, a port of 99999) is skipped and
    reported, never classified (which would crash on it) or written (the catalog would not validate)."""
    return model.is_url(url.strip())


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _hf(parts: list[str]) -> Classified | None:
    if len(parts) == 3 and parts[0] in ("datasets", "spaces", "collections"):
        value = f"{parts[1]}/{parts[2]}"
        pattern = model.HF_COLLECTION if parts[0] == "collections" else model.HF_REPO
        field: Field = {"datasets": "dataset", "spaces": "demo", "collections": "collection"}[parts[0]]  # type: ignore[assignment]
        ok = pattern.match(value) and (field == "collection" or model.is_hub_name(value))
        return Classified(field, value) if ok else None
    repo = "/".join(parts)
    if len(parts) == 2 and parts[0] not in _HF_RESERVED and model.HF_REPO.match(repo) and model.is_hub_name(repo):
        return Classified("checkpoint", repo)
    return None


def _github(parts: list[str]) -> Classified | None:
    if len(parts) < 2 or parts[0].lower() in _GH_RESERVED:
        return None
    if len(parts) > 2 and (parts[2] not in ("tree", "blob") or len(parts) < 4):
        return None
    repo = f"{parts[0]}/{parts[1].removesuffix('.git')}"
    return Classified("code", repo) if model.GH_REPO.match(repo) and not repo.endswith(".git") else None


def _arxiv(path: str) -> Classified | None:
    found = _ARXIV_PATH.match(path)
    if found is None:
        return None
    paper = found.group("id")
    return Classified("paper", paper) if model.ARXIV_NEW.match(paper) or model.ARXIV_OLD.match(paper) else None


def classify(url: str) -> Classified:
    """The field ``url`` belongs in. Only an http(s) URL may be passed (see :func:`is_http`)."""
    url = url.strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    typed: Classified | None = None
    if not parts.query and not parts.fragment and parts.username is None and parts.port is None:
        if host in ("huggingface.co", "hf.co"):
            typed = _hf(_segments(parts.path))
        elif host == "github.com":
            typed = _github(_segments(parts.path))
        elif host == "arxiv.org":
            typed = _arxiv(parts.path)
    return typed or Classified("link", url)


def canonical(url: str) -> str:
    """The form two URLs must share to count as the same link (see the module docstring for the equivalences)."""
    return classify(url).url


# Image hosts and paths that only ever serve badges: the image is decoration, its link target is the content.
_BADGE_HOSTS = frozenset(
    [
        "img.shields.io",
        "shields.io",
        "badgen.net",
        "badge.fury.io",
        "badges.aleen42.com",
        "awesome.re",
        "forthebadge.com",
        "flat.badgen.net",
        "img.badgesize.io",
        "api.star-history.com",
    ]
)


def is_badge_image(src: str) -> bool:
    """An image that is a badge by its address alone (a shields.io-style host or a ``/badge`` path)."""
    parts = urlsplit(src.strip())
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    return host in _BADGE_HOSTS or "/badge" in path or path.endswith("/badge.svg")
