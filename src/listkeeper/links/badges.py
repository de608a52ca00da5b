"""Badges that say one thing and link to another: ``[![arXiv 2311.03079](…badge/arXiv-2311.03079…)](…/abs/2312.08914)``.

Pure: Markdown text in, findings out. Badges are found with the link extractor's own parser
(:func:`listkeeper.links.extract.image_links`: an image inside a link, ``<a href><img src></a>``, or the two mixed),
and an image counts as a badge when its address is a badge service's
(:func:`listkeeper.urls.is_badge_image`: shields.io, badgen, ...).

What a badge *says* is read from its image URL, the way the badge service renders it:

* shields.io static badges ``/badge/LABEL-MESSAGE-COLOR`` (``--`` is a dash, ``__`` an underscore, ``_`` a space,
  then percent-decoding; ``?label=``/``?message=`` override), badgen ``/badge/LABEL/MESSAGE/COLOR``;
* shields.io GitHub badges ``/github/ROUTE/OWNER/REPO`` (stars, forks, license, ``v/release`` ...) say "GitHub
  OWNER/REPO";
* anything else (a dynamic badge that names nothing) falls back to the image's alt text.

A ``badge-mismatch`` finding is reported when

* the badge names an arXiv id and links to a different arXiv paper (``arxiv.org/abs|pdf/ID`` or
  ``huggingface.co/papers/ID``; the version suffix is ignored);
* a GitHub badge (its text or ``logo=github`` says GitHub) names ``OWNER/REPO`` and links to another GitHub repo;
* a Hugging Face badge (🤗, "Hugging Face", "HF") names ``OWNER/NAME`` and links to another Hub repo or collection
  (a collection's hex suffix is ignored: the renderer labels ``YanweiLi/mgm-6603c5…`` as ``YanweiLi/mgm``).

Comparisons of Hub and GitHub ids ignore case, as both services do. A badge that names nothing, or links somewhere
that names nothing comparable, is not judged: no finding without evidence.

:func:`missing_targets` adds the other half of "every badge matches its target": a badge whose target is a subject a
source has found *dead* (not found, confirmed over time or ``--strict``) is a finding at the badge's line too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from listkeeper import subjects
from listkeeper.findings import Finding, Kind, Location, Origin
from listkeeper.links.extract import ImageLink, image_links
from listkeeper.subjects import ARXIV_VERSION, Subject
from listkeeper.urls import classify, is_badge_image, is_http

SOURCE = Origin.BADGES

_ARXIV_ID = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\w.])")
_REPO_ID = re.compile(r"(?<![\w.-])([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)")
_HEX_SUFFIX = re.compile(r"-[0-9a-f]{24}$")
_HF_WORDS = ("🤗", "hugging face", "huggingface", "hf ")
#: shields.io GitHub routes whose next two segments are OWNER/REPO (one or two route segments).
_GITHUB_ROUTES = frozenset(
    {
        "stars",
        "forks",
        "watchers",
        "license",
        "last-commit",
        "issues",
        "issues-raw",
        "issues-pr",
        "issues-pr-raw",
        "issues-closed",
        "contributors",
        "repo-size",
        "languages/top",
        "languages/count",
        "release",
        "release-date",
        "v/release",
        "v/tag",
        "tag",
        "created-at",
        "commit-activity/w",
        "commit-activity/m",
        "commit-activity/y",
        "downloads/total",
        "actions/workflow/status",
    }
)


@dataclass(frozen=True)
class Badge:
    image: str
    target: str
    alt: str
    text: str  # what the badge image says ("arXiv 2311.03079"), else its alt text
    logo: str  # shields.io ``logo=`` (lower-cased), "" when absent
    file: str
    line: int

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)


# -- reading a badge ----------------------------------------------------------------------------------------------


def _shields_fields(static: str) -> list[str]:
    """Split a shields.io static badge path on single dashes (``--`` is a literal dash) and decode each field."""
    fields, current, i = [], [], 0
    while i < len(static):
        if static.startswith("--", i):
            current.append("-")
            i += 2
        elif static[i] == "-":
            fields.append("".join(current))
            current = []
            i += 1
        else:
            current.append(static[i])
            i += 1
    fields.append("".join(current))
    return [_decode(field) for field in fields]


def _decode(field: str) -> str:
    """shields.io text: ``__`` is an underscore, ``_`` a space, then percent-decoding."""
    return unquote(field.replace("__", "\0").replace("_", " ").replace("\0", "_"))


def badge_text(image: str) -> str | None:
    """What a badge image says (label and message joined by a space), or None when its URL says nothing readable."""
    try:
        parts = urlsplit(image.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    segments = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    if host.endswith("shields.io") and segments[:1] == ["badge"] and len(segments) > 1:
        static = re.sub(r"\.(svg|png|json)$", "", "/".join(segments[1:]))
        fields = _shields_fields(static)
        if len(fields) >= 3:
            label, message = fields[0], "-".join(fields[1:-1])
        else:
            label, message = "", fields[0]
        label = query.get("label", [label])[0]
        message = query.get("message", [message])[0]
        return f"{label} {message}".strip()
    if host.endswith("badgen.net") and segments[:1] == ["badge"] and len(segments) >= 3:
        return f"{unquote(segments[1])} {unquote(segments[2])}"
    if host.endswith("shields.io") and segments[:1] == ["github"]:
        for width in (3, 2, 1):
            route = "/".join(segments[1 : 1 + width])
            repo = segments[1 + width : 3 + width]
            if route in _GITHUB_ROUTES and len(repo) == 2:
                name = re.sub(r"\.(svg|png|json)$", "", repo[1])
                return f"GitHub {unquote(repo[0])}/{unquote(name)}"
    return None


def _badge(link: ImageLink) -> Badge | None:
    if not is_badge_image(link.src):
        return None
    logo = parse_qs(urlsplit(link.src.strip()).query).get("logo", [""])[0].lower()
    text = badge_text(link.src) or link.alt
    return Badge(link.src, link.href, link.alt, text, logo, link.file, link.line)


def find_badges(text: str, file: str) -> list[Badge]:
    """Every badge (a badge-service image inside a link) in a Markdown text, in document order."""
    return [badge for link in image_links(text, file) if (badge := _badge(link)) is not None]


# -- what a badge names, and what it links to ---------------------------------------------------------------------


def _arxiv_base(paper: str) -> str:
    return ARXIV_VERSION.sub("", paper)


def named_arxiv(badge: Badge) -> list[str]:
    """arXiv ids (without version) the badge's text names."""
    return list(dict.fromkeys(m.group(1) for m in _ARXIV_ID.finditer(badge.text)))


def _strip_hosts(text: str) -> str:
    return re.sub(r"(?i)\b(?:https?://)?(?:www\.)?(?:github\.com|huggingface\.co|hf\.co)/", " ", text)


def named_repos(badge: Badge) -> list[str]:
    """``OWNER/NAME`` ids the badge's text names."""
    return list(dict.fromkeys(f"{m.group(1)}/{m.group(2)}" for m in _REPO_ID.finditer(_strip_hosts(badge.text))))


def _is_github_badge(badge: Badge) -> bool:
    return "github" in badge.text.lower() or badge.logo == "github"


def _is_hf_badge(badge: Badge) -> bool:
    text = f"{badge.text.lower()} "
    return any(word in text for word in _HF_WORDS) or badge.logo in ("huggingface", "hugging-face")


def target_subject(target: str) -> Subject | None:
    """The typed subject a badge links to (any URL shape :func:`classify` types), None for other links."""
    if not target or not is_http(target):
        return None
    subject = classify(target).subject
    if subject.kind == "url":
        parts = urlsplit(target.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
        paper = re.fullmatch(r"/papers/(\d{4}\.\d{4,5}(?:v\d+)?)/?", parts.path)
        if host in ("huggingface.co", "hf.co") and paper:
            return subjects.arxiv(paper.group(1))
        return None
    return subject


def _hub_key(repo: str) -> str:
    return _HEX_SUFFIX.sub("", repo).lower()


def _mismatch(badge: Badge, subject: Subject, named: list[str], linked: str, what: str) -> Finding:
    names = ", ".join(named)
    return Finding(
        Kind.BADGE_MISMATCH,
        subject,
        f"badge says {what} {names} but links to {linked}",
        {"badge": badge.text, "image": badge.image, "target": badge.target, "named": named, "linked": linked},
        (badge.location,),
        source=SOURCE,
    )


def judge(badge: Badge) -> Finding | None:
    """The mismatch finding for one badge, or None when it matches (or names nothing comparable)."""
    subject = target_subject(badge.target)
    if subject is None:
        return None
    if subject.kind == "arxiv":
        named = named_arxiv(badge)
        linked = _arxiv_base(subject.id)
        if named and linked not in named:
            return _mismatch(badge, subject, named, f"arXiv {linked}", "arXiv")
        return None
    if subject.kind == "github" and _is_github_badge(badge):
        named = named_repos(badge)
        if named and subject.id.lower() not in {n.lower() for n in named}:
            return _mismatch(badge, subject, named, f"GitHub {subject.id}", "GitHub")
        return None
    if subject.kind.startswith("hf-") and _is_hf_badge(badge):
        named = named_repos(badge)
        if named and _hub_key(subject.id) not in {_hub_key(n) for n in named}:
            return _mismatch(badge, subject, named, f"Hugging Face {subject.id}", "Hugging Face")
    return None


def mismatches(badges: Iterable[Badge]) -> list[Finding]:
    """``badge-mismatch`` findings for badges whose text names another paper or repo than they link to."""
    return [finding for badge in badges if (finding := judge(badge)) is not None]


def check_text(text: str, file: str) -> list[Finding]:
    """:func:`mismatches` of every badge in a Markdown text."""
    return mismatches(find_badges(text, file))


# -- badges pointing at subjects that do not exist ------------------------------------------------------------------


def subject_key(subject: Subject) -> str:
    """How two subjects are the same thing: Hub and GitHub ids ignore case, arXiv ids ignore the version."""
    if subject.kind == "arxiv":
        return f"arxiv:{_arxiv_base(subject.id)}"
    if subject.kind == "url":
        return str(subject)
    return str(subject).lower()


def missing_targets(badges: Iterable[Badge], dead: Mapping[str, Finding]) -> list[Finding]:
    """A finding for each badge whose target subject has a ``dead`` finding; ``dead`` is keyed by
    :func:`subject_key`. Only typed targets count: a dead plain URL is already a dead link of its file."""
    out = []
    for badge in badges:
        subject = target_subject(badge.target)
        if subject is None or (finding := dead.get(subject_key(subject))) is None:
            continue
        out.append(
            Finding(
                Kind.BADGE_MISMATCH,
                subject,
                f"badge links to {subject}, which does not exist ({finding.message})",
                {"badge": badge.text, "image": badge.image, "target": badge.target, "dead": finding.evidence},
                (badge.location,),
                source=SOURCE,
            )
        )
    return out
