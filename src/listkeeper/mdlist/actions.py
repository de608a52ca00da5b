"""What the findings ask of a Markdown list: moves (every URL into a renamed repository or Hub id, a redirected
URL, badge images and labels that name the old id) and confirmed dead links; dismissed subjects ask nothing."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from listkeeper.findings import Finding, Kind
from listkeeper.subjects import Subject
from listkeeper.urls import is_badge_image

_HOSTS: dict[str, str] = {
    "github": r"(?:(?:www\.)?github\.com|raw\.githubusercontent\.com)/",
    "hf-model": r"(?:www\.)?(?:huggingface\.co|hf\.co)/",
    "hf-dataset": r"(?:www\.)?(?:huggingface\.co|hf\.co)/datasets/",
    "hf-space": r"(?:www\.)?(?:huggingface\.co|hf\.co)/spaces/",
    "hf-collection": r"(?:www\.)?(?:huggingface\.co|hf\.co)/collections/",
    "arxiv": r"(?:www\.)?arxiv\.org/abs/",  # the canonical URL, the one a check asks arXiv about
}


@functools.lru_cache(maxsize=1024)
def _prefix(subject: Subject) -> re.Pattern[str] | None:
    host = _HOSTS.get(subject.kind)
    if host is None:
        return None
    return re.compile(rf"^(https?://{host})({re.escape(subject.id)})(?=$|[/?#]|\.git(?:$|[/?#]))", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _id_in_text(subject: Subject) -> re.Pattern[str] | None:
    """The old id where a badge names it: in a path (``github/stars/OWNER/NAME.svg``) or as shields.io static text
    (``-OWNER%2FNAME-``, dashes doubled)."""
    if subject.kind not in _HOSTS:
        return None
    plain = re.escape(subject.id)
    static = re.escape(_shields(subject.id))
    return re.compile(
        rf"(?<![\w.-]){plain}(?![\w-]|\.(?!svg\b|png\b|json\b)\w)"
        rf"|(?:(?<=/)|(?<=[^-]-)){static}(?=-(?!-)|[/?#]|$|\.svg|\.png)",
        re.IGNORECASE,
    )


def _shields(repo_id: str) -> str:
    """How shields.io static badges write an id: ``/`` percent-encoded, ``-`` and ``_`` doubled."""
    return repo_id.replace("-", "--").replace("_", "__").replace("/", "%2F")


def _badge_sub(pattern: re.Pattern[str], new_id: str, text: str) -> str:
    def one(match: re.Match[str]) -> str:
        return _shields(new_id) if "%2F" in match.group(0).upper() else new_id

    return pattern.sub(one, text)


@dataclass(frozen=True)
class Move:
    finding: Finding
    old: Subject
    new: Subject

    def rewrite(self, url: str) -> str | None:
        if self.old.kind == "url":
            # A redirect answers the URL without its fragment (HTTP never sends it): the link keeps its own.
            target = self.new.url()
            base, hash_, fragment = url.partition("#")
            if url != self.old.id and base != self.old.id.partition("#")[0]:
                return None
            if url != self.old.id and (not hash_ or "#" in self.old.id):
                return None
            return f"{target}#{fragment}" if hash_ and "#" not in target else target
        found = pattern.match(url) if (pattern := _prefix(self.old)) is not None else None
        if found is not None:
            return url[: found.start(2)] + self.new.id + url[found.end(2) :]
        named = _id_in_text(self.old)
        if named is not None and is_badge_image(url) and named.search(url):
            return _badge_sub(named, self.new.id, url)
        return None


@dataclass(frozen=True)
class Dead:
    finding: Finding

    def matches(self, url: str) -> bool:
        subject = self.finding.subject
        if subject.kind == "url":
            return url == subject.id or url.partition("#")[0] == subject.id
        pattern = _prefix(subject)
        return pattern is not None and pattern.match(url) is not None


def actions(findings: Iterable[Finding], dismissed: Collection[str]) -> tuple[list[Move], list[Dead]]:
    moves, deads = [], []
    for finding in findings:
        if finding.subject.named_in(dismissed):
            continue
        new = finding.new_subject
        if finding.kind is Kind.MOVED and new is not None and new.identity() != finding.subject.identity():
            same_kind = new.kind == finding.subject.kind or finding.subject.kind == "url"
            if same_kind and not new.named_in(dismissed):
                moves.append(Move(finding, finding.subject, new))
        elif finding.kind is Kind.DEAD and finding.subject.id:
            deads.append(Dead(finding))
    return moves, deads


def rewrite(moves: Sequence[Move], url: str) -> tuple[str, Move] | None:
    for move in moves:
        new = move.rewrite(url)
        if new is not None and new != url:
            return new, move
    return None


def relabel(body: str, moves: Sequence[Move]) -> str:
    """Badge labels (``![label](…)``, ``alt="label"``) on a line whose badge image was rewritten: the old id → new."""

    def fix(label: str) -> str:
        for move in moves:
            named = _id_in_text(move.old)
            if named is not None:
                label = _badge_sub(named, move.new.id, label)
        return label

    body = re.sub(r"(!\[)((?:[^\[\]\\]|\\.)*)(\]\()", lambda m: m.group(1) + fix(m.group(2)) + m.group(3), body)
    return re.sub(
        r"(\balt\s*=\s*)(\"[^\"]*\"|'[^']*')", lambda m: m.group(1) + fix(m.group(2)), body, flags=re.IGNORECASE
    )
