"""What a link text says: a generic word ("paper", "[code]") or a badge word names nothing; a paper's or demo's
own title; the venue in a paper line's suffix ("(arXiv 2024, CVPR 2024)")."""

from __future__ import annotations

import re

# Link texts that say what a link is, not what it is called: never used as a title.
GENERIC = re.compile(
    r"^(?:|link|links|here|this|click here|url|website|homepage|home page|project page|page|paper|papers|pdf|"
    r"arxiv|code|github|repo|repository|demo|model|models|weights|checkpoint|checkpoints|hf|hugging ?face|"
    r"dataset|datasets|data|collection|space|openreview|abs|html|🤗)$",
    re.IGNORECASE,
)
BADGE_WORDS = re.compile(r"^(?:|stars?|github stars?|forks?|licen[cs]e|build|ci|version|downloads?|awesome)$", re.I)
# Link texts that say nothing at all: the URL says more.
MEANINGLESS = re.compile(r"^(?:|link|links|here|this|click here|url|🤗)$", re.IGNORECASE)
# Generic, but still better than the bare URL as the title of a plain link: they say what the page is for.
PAGE_KIND = re.compile(r"^(?:project page|homepage|home page|website)$", re.IGNORECASE)
_ARXIV_ALT = re.compile(r"^arxiv[: ]\s*\S+$", re.IGNORECASE)
_SPACE_ALT = re.compile(r"^hugging ?face space\b", re.IGNORECASE)
_PAPER_SUFFIX = re.compile(r"^\((?:arXiv [^,)]+)?(?:, )?(?P<venue>[^)]*)\)$")


def is_generic(text: str) -> bool:
    """ "paper", "[code]", "(demo)": a link text that names the kind of link, not the thing."""
    return bool(GENERIC.match(text.strip().strip("[]()").strip()))


def names_paper(text: str, entry: str = "") -> bool:
    bare_id = bool(re.fullmatch(r"(?:arxiv[: ]?\s*)?\d{4}\.\d{4,5}(?:v\d+)?", text.strip(), re.IGNORECASE))
    return not (is_generic(text) or _ARXIV_ALT.match(text) or text == entry or bare_id)


def names_demo(text: str, space: str, entry: str = "") -> bool:
    return not (is_generic(text) or _SPACE_ALT.match(text) or text in (space, entry))


def venue_of(suffix: str) -> str | None:
    found = _PAPER_SUFFIX.match(suffix.strip())
    venue = found.group("venue").strip() if found else ""
    return venue if venue and len(venue) <= 40 and re.search(r"\b(?:19|20)\d{2}\b|'\d{2}\b", venue) else None
