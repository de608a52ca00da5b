"""Who answers each link of a run: a source (in its batch) or the link checker (one request per URL).

Markdown files given on the command line are read once and used three ways: a link whose URL is the canonical URL
of a subject a source answers (``https://huggingface.co/O/N``, ``https://github.com/O/R``, ``https://arxiv.org/abs/ID``)
is handed to that source as one more reference (so the batch answers it, with the Markdown line among the finding's
locations) instead of being requested; every other http(s) link is requested once however often it is used; an
empty link ``[x]()`` is an ``empty-link`` finding, never a request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from listkeeper import subjects
from listkeeper.catalog.refs import Ref, Role
from listkeeper.findings import Finding, Kind, Location, Origin
from listkeeper.links.extract import ExtractedLink
from listkeeper.subjects import Subject
from listkeeper.urls import classify, is_http


@dataclass
class Targets:
    """What the link checker requests: URL → the subject it stands for and where it is used."""

    subject: dict[str, Subject] = field(default_factory=dict)
    locations: dict[str, list[Location]] = field(default_factory=lambda: defaultdict(list))

    def add(self, url: str, subject: Subject, location: Location) -> None:
        self.subject.setdefault(url, subject)
        self.locations[url].append(location)


def typed_subject(url: str) -> Subject | None:
    """The typed subject a Markdown URL names when it is exactly that subject's canonical URL, else None: a deeper
    URL (``/tree/main/x``, ``/pdf/ID``) is a page of its own and is requested like any other link."""
    if not is_http(url):
        return None
    subject = classify(url).subject
    if subject.kind == "url" or subject.url() not in (url, url.rstrip("/")):
        return None
    return subject


@dataclass
class MarkdownSplit:
    refs: list[Ref] = field(default_factory=list)  # answered by a source
    links: list[tuple[str, Subject, Location]] = field(default_factory=list)  # requested
    findings: list[Finding] = field(default_factory=list)  # empty links, links nested too deep


def split_markdown(links: Sequence[ExtractedLink], covered: Callable[[Subject], bool]) -> MarkdownSplit:
    split = MarkdownSplit()
    for link in links:
        if link.url == "":
            split.findings.append(
                Finding(
                    Kind.EMPTY_LINK, subjects.url(""), "empty link target", {}, (link.location,), source=Origin.LINKS
                )
            )
            continue
        if link.kind == "deep":
            message = (
                "nested deeper than the Markdown parser follows: found by a raw scan of the text, checked as a URL"
            )
            split.findings.append(
                Finding(Kind.TOO_DEEP, subjects.url(link.url), message, {}, (link.location,), source=Origin.LINKS)
            )
        typed = typed_subject(link.url)
        if typed is not None and covered(typed):
            split.refs.append(Ref(typed, link.location, "", Role.MARKDOWN))
        else:
            split.links.append((link.url, typed or subjects.url(link.url), link.location))
    return split
