"""The catalog schema: one YAML file per model family, validated into these types.

A family file looks like::

    id: cogvlm
    name: CogVLM
    series: Cog series          # optional: groups families (CogVLM + CogAgent) in the rendered list
    order: 40                   # optional: position in the rendered list (then by id)
    summary: ...
    entries:
      - id: cogvlm
        name: CogVLM
        summary: ...
        params: [17B]
        base_llms: [Vicuna-7B-v1.5]
        when: "2023-11"           # optional, as a list writes them: a date that is not a day (else `released`),
        venue: NeurIPS 2024       # the venue, the organisation and the licence
        org: Zhipu AI
        license: Apache-2.0
        papers:
          - {arxiv: "2311.03079v2", title: "CogVLM: Visual Expert for Pretrained Language Models"}
          - {url: "https://example.org/blog", title: "Blog post"}       # where no paper exists
        code:
          - zai-org/CogVLM                                  # a bare owner/name, or what the list knows:
          - {repo: zai-org/CogVLM2, release: v1.1, license: Apache-2.0}
        demos:
          - {space: THUDM/CogVLM-CogAgent}
          - {url: "http://example.org:7861/", title: Web demo}
        checkpoints:
          - {hf: zai-org/cogvlm-chat-hf, size: 17B, base_llm: Vicuna-7B-v1.5, resolution: "490"}
        collections: [YanweiLi/mgm-6603c50b9b43d044171d0854]
        datasets: [THUDM/CogVLM-SFT-311K]
        links:
          - {title: SAT weights, url: "https://huggingface.co/zai-org/CogVLM/tree/main"}
        track:
          hf_authors: [{author: zai-org, include: ["cogvlm*"], exclude: []}]
          github: [zai-org/CogVLM2]
          github_orgs: [{org: zai-org, include: ["CogVLM*"], since: 2024-01-01}]
          arxiv_terms: ["CogVLM"]
        dismissed: ["hf:model/zai-org/cogvlm-old"]

Ids are checked here (syntax only); cross-file rules (duplicate entry ids, a checkpoint in two entries) live in
:mod:`listkeeper.catalog.validate`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

# --- id syntax -------------------------------------------------------------------------------------------------

ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")
ARXIV_OLD = re.compile(r"^[a-z][a-z-]*(\.[A-Z]{2})?/\d{7}(v\d+)?$")
HF_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
HF_OWNER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
HF_COLLECTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]*-[0-9a-f]{24}$")
GH_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
GH_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")


def is_hub_name(value: str) -> bool:
    """The Hub's own rule on top of the characters: no ``--`` or ``..``, no name ending in ``-`` or ``.``."""
    return all("--" not in part and ".." not in part and not part.endswith(("-", ".")) for part in value.split("/"))


def url_problem(value: str) -> str | None:
    """Why ``value`` is not a usable http(s) link, or ``None``.

    The pattern alone lets through what no client can request (``https://[::1``, a port of ``99999``, no host
    at all) and credentials, which a public list must never carry; each would fail later, far from the file.
    """
    if not URL.match(value):
        return "not an http(s) URL"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except ValueError as exc:
        return str(exc)
    if not parts.hostname or "" in parts.hostname.removesuffix(".").split("."):
        return "no valid host name"
    if parts.username is not None or parts.password is not None:
        return "credentials (user:password@) do not belong in a published link"
    return None


def is_url(value: str) -> bool:
    return url_problem(value) is None


def _check(pattern: re.Pattern[str], what: str, example: str) -> AfterValidator:
    def check(value: str) -> str:
        bad = not pattern.match(value)
        if pattern is GH_REPO:
            bad = bad or value.endswith((".git", "/")) or value.split("/")[-1] in (".", "..")
        elif pattern is HF_REPO:
            bad = bad or not is_hub_name(value)
        if bad:
            raise ValueError(f"{value!r} is not a valid {what} (expected e.g. {example!r})")
        return value

    return AfterValidator(check)


def _url(value: str) -> str:
    if (reason := url_problem(value)) is not None:
        raise ValueError(f"{value!r} is not a valid http(s) URL: {reason} (expected e.g. 'https://example.org/page')")
    return value


def _arxiv_new_ok(value: str) -> bool:
    """New-style ids began in April 2007 (0704) with 4 digits after the dot, and have 5 since January 2015."""
    if not ARXIV_NEW.match(value):
        return False
    yymm, number = value.split(".")
    digits = len(number.split("v")[0])
    return 1 <= int(yymm[2:]) <= 12 and yymm >= "0704" and digits == (5 if yymm >= "1501" else 4)


def is_arxiv_id(value: str) -> bool:
    """Whether ``value`` is a well-formed arXiv id, new style (``2311.03079``) or old style (``cs/0701001``)."""
    return _arxiv_new_ok(value) or ARXIV_OLD.match(value) is not None


def _arxiv(value: str) -> str:
    if is_arxiv_id(value):
        return value
    raise ValueError(f"{value!r} is not a valid arXiv id (expected YYMM.NNNNN such as '2311.03079', or 'cs/0701001')")


ArxivId = Annotated[str, AfterValidator(_arxiv)]
HfRepoId = Annotated[str, _check(HF_REPO, "Hugging Face repo id", "owner/name")]
HfCollectionSlug = Annotated[
    str, _check(HF_COLLECTION, "Hugging Face collection slug", "owner/title-6603c50b9b43d044171d0854")
]
GitHubRepo = Annotated[str, _check(GH_REPO, "GitHub repository", "owner/name")]
EntryId = Annotated[str, _check(ENTRY_ID, "entry id (lowercase letters, digits, '.', '_', '-')", "cogvlm2")]
Url = Annotated[str, AfterValidator(_url)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base for catalog records: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- marks written by `listkeeper update` ----------------------------------------------------------------------


class Mark(Strict):
    """A machine-written note on an item: confirmed dead, or newly found and awaiting review."""

    state: Literal["dead", "new"]
    since: date
    evidence: Text


# --- items -----------------------------------------------------------------------------------------------------


class Paper(Strict):
    """An arXiv paper, or a URL (blog post, report) where no arXiv paper exists."""

    arxiv: ArxivId | None = None
    url: Url | None = None
    title: str | None = None
    venue: str | None = None
    # The arXiv version the list knows (also written as a suffix: "2403.18814v1"); a later one is a new version.
    version: Annotated[int, Field(ge=1)] | None = None
    withdrawn: Text | None = None  # arXiv's reason, written by `listkeeper update`
    mark: Mark | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Paper:
        if (self.arxiv is None) == (self.url is None):
            raise ValueError("a paper needs exactly one of 'arxiv' or 'url'")
        if self.url is not None and not self.title:
            raise ValueError("a paper given by 'url' needs a 'title'")
        if self.version is not None and self.arxiv is None:
            raise ValueError("'version' belongs to an arXiv paper")
        suffix = re.search(r"v(\d+)$", self.arxiv or "")
        if suffix is not None and self.version is not None and int(suffix.group(1)) != self.version:
            raise ValueError(f"'version: {self.version}' contradicts the id {self.arxiv!r}")
        return self

    @property
    def listed_version(self) -> int | None:
        """The version the list states (the id's suffix or ``version``), or None."""
        suffix = re.search(r"v(\d+)$", self.arxiv or "")
        return int(suffix.group(1)) if suffix is not None else self.version


class Demo(Strict):
    """A Hugging Face Space, or a web demo URL."""

    space: HfRepoId | None = None
    url: Url | None = None
    title: str | None = None
    mark: Mark | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Demo:
        if (self.space is None) == (self.url is None):
            raise ValueError("a demo needs exactly one of 'space' or 'url'")
        return self


class Checkpoint(Strict):
    hf: HfRepoId
    size: str | None = None
    base_llm: str | None = None
    resolution: str | None = None
    note: str | None = None
    license: Text | None = None  # kept current by `listkeeper update` where the catalog states one
    mark: Mark | None = None


class CodeRepo(Strict):
    """A GitHub repository with what the list knows about it (a bare ``owner/name`` string says nothing more)."""

    repo: GitHubRepo
    release: Text | None = None  # the last release the list knows; a newer one is a new release
    archived: bool | None = None
    license: Text | None = None
    mark: Mark | None = None


def _code_kind(value: object) -> str:
    return CODE_TAGS[1] if isinstance(value, dict | CodeRepo) else CODE_TAGS[0]


# One branch per shape, so a bad item gets one error (an untagged union would report each branch's).
# The tags show in error locations; the loader drops them (CODE_TAGS) so messages name the file's own keys.
CODE_TAGS = ("<owner/name>", "<with details>")
CodeItem = Annotated[
    Annotated[GitHubRepo, Tag(CODE_TAGS[0])] | Annotated[CodeRepo, Tag(CODE_TAGS[1])], Discriminator(_code_kind)
]


def repo_name(item: str | CodeRepo) -> str:
    """``owner/name`` of a ``code`` item, bare or with details."""
    return item if isinstance(item, str) else item.repo


class Link(Strict):
    title: Text
    url: Url
    mark: Mark | None = None


class HfAuthorRule(Strict):
    """New repos by ``author`` whose name matches one ``include`` glob and no ``exclude`` glob are new releases."""

    author: Annotated[str, _check(HF_OWNER, "Hugging Face user or organisation name", "zai-org")]
    include: list[Text] = Field(default_factory=lambda: ["*"])
    exclude: list[Text] = Field(default_factory=list)
    kinds: list[Literal["model", "dataset", "space"]] = Field(default_factory=lambda: ["model"])  # type: ignore[arg-type]
    # Repos created before this are never "new"; without it, the first listing is the baseline.
    since: date | None = None


class GitHubOrgRule(Strict):
    """New repositories of a GitHub ``org`` (or user) whose name matches an ``include`` glob and no ``exclude`` glob."""

    org: Annotated[str, _check(GH_OWNER, "GitHub organisation or user name", "zai-org")]
    include: list[Text] = Field(default_factory=lambda: ["*"])
    exclude: list[Text] = Field(default_factory=list)
    # Repos created before this are never "new"; without it, the newest repo at the first listing is the baseline.
    since: date | None = None


class Track(Strict):
    hf_authors: list[HfAuthorRule] = Field(default_factory=list)
    github: list[GitHubRepo] = Field(default_factory=list)
    github_orgs: list[GitHubOrgRule] = Field(default_factory=list)
    arxiv_terms: list[Text] = Field(default_factory=list)


class Entry(Strict):
    id: EntryId
    name: Text
    summary: str | None = None
    released: date | None = None
    params: list[Text] = Field(default_factory=list)
    base_llms: list[Text] = Field(default_factory=list)
    # As a list writes them (an imported table's columns): "2024-03", "CVPR 2024", "Meta", "Apache-2.0".
    when: str | None = None  # a date that is not a full day (else: released)
    venue: str | None = None
    org: str | None = None
    license: str | None = None
    papers: list[Paper] = Field(default_factory=list)
    code: list[CodeItem] = Field(default_factory=list)
    demos: list[Demo] = Field(default_factory=list)
    checkpoints: list[Checkpoint] = Field(default_factory=list)
    collections: list[HfCollectionSlug] = Field(default_factory=list)
    datasets: list[HfRepoId] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    track: Track = Field(default_factory=Track)
    dismissed: list[Text] = Field(default_factory=list)
    mark: Mark | None = None


class Family(Strict):
    """One catalog file."""

    id: EntryId
    name: Text
    series: str | None = None
    order: int = 1000
    summary: str | None = None
    entries: list[Entry] = Field(min_length=1)


class Catalog(BaseModel):
    """All family files, keyed by their path relative to the catalog root, in rendering order."""

    model_config = ConfigDict(frozen=True)

    families: dict[str, Family]

    def ordered(self) -> list[tuple[str, Family]]:
        """Families in the defined order: ``order``, then ``series`` (so a series stays together), then ``id``."""
        return sorted(self.families.items(), key=lambda kv: (kv[1].order, kv[1].series or "", kv[1].id))

    def entries(self) -> list[tuple[str, Family, Entry]]:
        return [(path, fam, entry) for path, fam in self.ordered() for entry in fam.entries]
