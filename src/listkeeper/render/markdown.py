"""Catalog → the Markdown awesome list. Pure: same catalog, same bytes.

Layout::

    <!-- generated notice -->
    # title, intro, legend
    ## Quick Start                  one row per family: Model | Parameters | Demo | Checkpoints | Details
    ## <family>                     a family without a series ...
    ## <series>                     ... or families sharing a series under one heading (Cog series → CogVLM, CogAgent)
    ### <family>
    #### <entry>                    only when a family has several entries (or one named differently)

Families come in :meth:`Catalog.ordered` order (ties broken by file path, so the order never depends on how the
files were loaded); a series is rendered where its first family falls. Entries and items keep file order; only
the Quick Start sorts a family's parameter sizes, smallest first.
Every catalog string passes through :mod:`listkeeper.render.escape`; URLs come from :mod:`listkeeper.subjects`,
so rendering against other :class:`Endpoints` changes every link consistently. Link destinations are escaped so
that they parse back to the catalog's URL byte for byte (an imported list keeps every URL as written).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from listkeeper import subjects
from listkeeper.catalog.model import (
    Catalog,
    Checkpoint,
    CodeRepo,
    Demo,
    Entry,
    Family,
    Link,
    Mark,
    Paper,
    repo_name,
)
from listkeeper.render.anchors import Slugger
from listkeeper.render.escape import escape_block, escape_destination, escape_heading, escape_inline, escape_url
from listkeeper.render.escape import verbatim_link as link
from listkeeper.subjects import Endpoints

TITLE = "Awesome Vision-Language Models"
GENERATED_NOTICE = (
    "<!-- This file is generated from catalog/ by `listkeeper render`. Do not edit it by hand:"
    " edit the YAML files in catalog/ and run `listkeeper render`. -->"
)
INTRO = (
    "A curated list of open vision-language models (VLMs): papers, code, checkpoints, demos and datasets."
    " The list is generated from a YAML catalog; its links are checked and new releases are tracked by"
    " listkeeper, and every change arrives as a reviewed pull request."
)
LEGEND = (
    "Marks: ~~struck-through~~ items are dead links (with the date they were confirmed dead);"
    " 🆕 marks new finds awaiting review."
)
QUICK_START = "Quick Start"
SHIELDS = "https://img.shields.io/badge"
_COLLECTION_SUFFIX = re.compile(r"-[0-9a-f]{24}$")


# --- small pieces ----------------------------------------------------------------------------------------------


def _marked(markdown: str, mark: Mark | None) -> str:
    """An item's Markdown with its mark made visible (dead: struck through with the date; new: flagged)."""
    if mark is None:
        return markdown
    if mark.state == "dead":
        return f"~~{markdown}~~ (dead since {mark.since.isoformat()})"
    return f"{markdown} 🆕 new, awaiting review"


def _shields_part(text: str) -> str:
    """One segment of a shields.io static badge path: ``-`` and ``_`` are doubled, the rest percent-encoded."""
    return quote(text.replace("-", "--").replace("_", "__"), safe="")


def shields_url(label: str, message: str, color: str) -> str:
    """URL of a static shields.io badge image."""
    return f"{SHIELDS}/{_shields_part(label)}-{_shields_part(message)}-{color}"


def badge(alt: str, image: str, target: str) -> str:
    """An image link ``[![alt](image)](target)``, every part escaped."""
    return f"[![{escape_inline(alt)}]({escape_url(image)})]({escape_destination(target)})"


def _collection_label(slug: str) -> str:
    """``YanweiLi/mgm-6603c50b9b43d044171d0854`` → ``YanweiLi/mgm``: the hex id means nothing to a reader."""
    return _COLLECTION_SUFFIX.sub("", slug)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_SIZE = re.compile(r"^[<>~≤≥]?\s*(\d+(?:\.\d+)?)(?:\s*[x×]\s*(\d+(?:\.\d+)?))?\s*([KMBT])\b", re.IGNORECASE)
_SCALE = {"K": 1e-6, "M": 1e-3, "B": 1.0, "T": 1e3}


def _size_key(param: str) -> float:
    """Billions of parameters a size such as ``7B``, ``0.5B``, ``<5B``, ``500M`` or ``8x7B (MoE)`` stands for;
    sizes that say no number sort last (the sort is stable, so they keep file order)."""
    found = _SIZE.match(param.strip())
    if found is None:
        return float("inf")
    count, factor, unit = found.groups()
    return float(count) * float(factor or 1) * _SCALE[unit.upper()]


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A GFM table from already-escaped cells (which contain no newline and no unescaped ``|``)."""
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


# --- items ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Links:
    """Builds item links against one set of endpoints."""

    endpoints: Endpoints

    def paper(self, paper: Paper) -> str:
        if paper.arxiv is not None:
            url = subjects.arxiv(paper.arxiv).url(self.endpoints)
            text = link(paper.title or f"arXiv:{paper.arxiv}", url)
            extra = [f"arXiv {escape_inline(paper.arxiv)}"] if paper.title else []
        else:
            assert paper.url is not None and paper.title is not None  # guaranteed by the model
            text = link(paper.title, subjects.url(paper.url).url(self.endpoints))
            extra = []
        if paper.venue:
            extra.append(escape_inline(paper.venue))
        if paper.version is not None and not (paper.arxiv or "").endswith(f"v{paper.version}"):
            extra.append(f"v{paper.version}")
        suffix = f" ({', '.join(extra)})" if extra else ""
        if paper.withdrawn:
            suffix += f" ⚠️ withdrawn: {escape_inline(paper.withdrawn)}"
        return _marked(text + suffix, paper.mark)

    def code(self, item: CodeRepo) -> str:
        notes = []
        if item.release:
            notes.append(f"release {escape_inline(item.release)}")
        if item.license:
            notes.append(f"license {escape_inline(item.license)}")
        if item.archived:
            notes.append("🗄️ archived")
        text = link(item.repo, subjects.github(item.repo).url(self.endpoints))
        return _marked(text + (f" ({', '.join(notes)})" if notes else ""), item.mark)

    def demo(self, demo: Demo) -> str:
        if demo.space is not None:
            text = link(demo.title or demo.space, subjects.hf_space(demo.space).url(self.endpoints))
        else:
            assert demo.url is not None  # guaranteed by the model
            text = link(demo.title or demo.url, subjects.url(demo.url).url(self.endpoints))
        return _marked(text, demo.mark)

    def checkpoint(self, ckpt: Checkpoint) -> str:
        text = link(ckpt.hf, subjects.hf_model(ckpt.hf).url(self.endpoints))
        if ckpt.license:
            text += f" (license {escape_inline(ckpt.license)})"
        return _marked(text, ckpt.mark)

    def collection(self, slug: str) -> str:
        return link(_collection_label(slug), subjects.hf_collection(slug).url(self.endpoints))

    def dataset(self, repo: str) -> str:
        return link(repo, subjects.hf_dataset(repo).url(self.endpoints))

    def other(self, item: Link) -> str:
        return _marked(link(item.title, subjects.url(item.url).url(self.endpoints)), item.mark)

    def badges(self, entry: Entry) -> list[str]:
        """arXiv, GitHub and Hugging Face badges; dead items get none (they stay listed, struck through)."""
        out = []
        for paper in entry.papers:
            if paper.arxiv is not None and not _dead(paper.mark):
                target = subjects.arxiv(paper.arxiv).url(self.endpoints)
                out.append(badge(f"arXiv {paper.arxiv}", shields_url("arXiv", paper.arxiv, "b31b1b"), target))
        for repo in map(repo_name, entry.code):
            target = subjects.github(repo).url(self.endpoints)
            out.append(badge(f"GitHub {repo}", shields_url("GitHub", repo, "181717") + "?logo=github", target))
        for slug in entry.collections:
            target = subjects.hf_collection(slug).url(self.endpoints)
            label = _collection_label(slug)
            out.append(badge(f"Hugging Face collection {label}", shields_url("🤗 Collection", label, "yellow"), target))
        if not entry.collections and (ckpt := _lead_checkpoint(entry)) is not None and not _dead(ckpt.mark):
            # Without a collection, the entry's first checkpoint stands for its weights on the Hub.
            target = subjects.hf_model(ckpt.hf).url(self.endpoints)
            out.append(badge(f"Hugging Face model {ckpt.hf}", shields_url("🤗 Model", ckpt.hf, "orange"), target))
        for demo in entry.demos:
            if demo.space is not None and not _dead(demo.mark):
                target = subjects.hf_space(demo.space).url(self.endpoints)
                image = shields_url("🤗 Space", demo.space, "blue")
                out.append(badge(f"Hugging Face Space {demo.space}", image, target))
        return out


def _dead(mark: Mark | None) -> bool:
    return mark is not None and mark.state == "dead"


def _lead_checkpoint(entry: Entry) -> Checkpoint | None:
    """The checkpoint that stands for an entry: its first one not found dead (else its first), if any."""
    return next((c for c in entry.checkpoints if not _dead(c.mark)), next(iter(entry.checkpoints), None))


# --- sections ---------------------------------------------------------------------------------------------------


@dataclass
class _Group:
    """A top-level section: one family on its own, or every family of one series."""

    series: str | None
    families: list[Family] = field(default_factory=list)


def _groups(catalog: Catalog) -> list[_Group]:
    """Families in defined order, grouped by series; a series sits where its first family falls."""
    ordered = sorted(catalog.ordered(), key=lambda kv: (kv[1].order, kv[1].series or "", kv[1].id, kv[0]))
    groups: list[_Group] = []
    by_series: dict[str, _Group] = {}
    for _path, family in ordered:
        if family.series is None:
            groups.append(_Group(None, [family]))
        elif family.series in by_series:
            by_series[family.series].families.append(family)
        else:
            by_series[family.series] = group = _Group(family.series, [family])
            groups.append(group)
    return groups


def _own_heading(family: Family) -> bool:
    """An entry gets its own heading unless it is the family's only entry and shares its name."""
    return len(family.entries) > 1 or family.entries[0].name != family.name


def _heading(level: int, text: str) -> str:
    return f"{'#' * level} {escape_heading(text)}"


def _entry_blocks(entry: Entry, links: _Links, level: int | None) -> list[str]:
    """Blocks of one entry; ``level`` is its heading level, ``None`` when the family heading stands for it."""
    blocks: list[str] = []
    if level is not None:
        blocks.append(_heading(level, entry.name))
    if entry.mark is not None:
        if entry.mark.state == "dead":
            blocks.append(f"~~{escape_inline(entry.name)}~~ (dead since {entry.mark.since.isoformat()})")
        else:
            blocks.append("🆕 new, awaiting review")
    if badges := links.badges(entry):
        blocks.append("\n".join(badges))
    if entry.summary:
        blocks.append(escape_block(entry.summary))
    facts = []
    if entry.params:
        facts.append(f"**Parameters:** {', '.join(escape_inline(p) for p in entry.params)}")
    if entry.base_llms:
        facts.append(f"**Base LLMs:** {', '.join(escape_inline(b) for b in entry.base_llms)}")
    if entry.released is not None:
        facts.append(f"**Released:** {entry.released.isoformat()}")
    for label, value in (("Date", entry.when), ("Venue", entry.venue), ("Org", entry.org), ("License", entry.license)):
        if value:
            facts.append(f"**{label}:** {escape_inline(value)}")
    if facts:
        blocks.append(_bullets(facts))
    if entry.papers:
        blocks += ["**Papers**", _bullets([links.paper(p) for p in entry.papers])]
    if detailed := [c for c in entry.code if isinstance(c, CodeRepo)]:
        blocks += ["**Code**", _bullets([links.code(c) for c in detailed])]
    if entry.checkpoints:
        rows = [
            [
                links.checkpoint(c),
                escape_inline(c.size or ""),
                escape_inline(c.base_llm or ""),
                escape_inline(c.resolution or ""),
                escape_inline(c.note or ""),
            ]
            for c in entry.checkpoints
        ]
        blocks += ["**Checkpoints**", _table(["Checkpoint", "Size", "Base LLM", "Input", "Note"], rows)]
    if entry.datasets:
        blocks += ["**Datasets**", _bullets([links.dataset(d) for d in entry.datasets])]
    if entry.demos:
        blocks += ["**Demos**", _bullets([links.demo(d) for d in entry.demos])]
    if entry.links:
        blocks += ["**Links**", _bullets([links.other(item) for item in entry.links])]
    return blocks


def _family_blocks(family: Family, links: _Links, level: int, slugger: Slugger) -> list[str]:
    blocks = [_heading(level, family.name)]
    if family.summary:
        blocks.append(escape_block(family.summary))
    own = _own_heading(family)
    for entry in family.entries:
        if own:
            slugger.slug(entry.name)
        blocks += _entry_blocks(entry, links, level + 1 if own else None)
    return blocks


def _quick_start_checkpoints(family: Family, links: _Links, anchor: str) -> list[str]:
    """The family's collections; without any, one checkpoint per entry and a link to the rest.

    A Quick Start cell is for getting to the weights at a glance: listing every checkpoint of a family (Bunny
    has 18) would bury the row, and the family's section lists them all anyway.
    """
    collections = _unique(slug for e in family.entries for slug in e.collections)
    if collections:
        return [links.collection(slug) for slug in collections]
    leads = [ckpt for e in family.entries if (ckpt := _lead_checkpoint(e)) is not None]
    out = [links.checkpoint(c) for c in leads]
    if rest := sum(len(e.checkpoints) for e in family.entries) - len(leads):
        out.append(link(f"+{rest} more", f"#{anchor}"))
    return out


def _quick_start_row(family: Family, links: _Links, anchor: str) -> list[str]:
    # Sizes from smallest to largest across the family's entries (each entry lists its own in file order).
    params = sorted(_unique(p for e in family.entries for p in e.params), key=_size_key)
    demos = [links.demo(d) for e in family.entries for d in e.demos]
    checkpoints = _quick_start_checkpoints(family, links, anchor)
    return [
        escape_inline(family.name),
        "/".join(escape_inline(p) for p in params),
        " · ".join(demos),
        " · ".join(checkpoints),
        link(family.name, f"#{anchor}"),
    ]


# --- the document -----------------------------------------------------------------------------------------------


PUBLIC = Endpoints()


def render_catalog(catalog: Catalog, *, endpoints: Endpoints = PUBLIC) -> str:
    """The whole Markdown list for ``catalog``: LF line endings, one trailing newline, no time-dependent text."""
    links = _Links(endpoints)
    slugger = Slugger()
    slugger.slug(TITLE)
    slugger.slug(QUICK_START)

    rows: list[list[str]] = []
    sections: list[str] = []
    for group in _groups(catalog):
        level = 2
        if group.series is not None:
            slugger.slug(group.series)
            sections.append(_heading(2, group.series))
            level = 3
        for family in group.families:
            anchor = slugger.slug(family.name)
            rows.append(_quick_start_row(family, links, anchor))
            sections += _family_blocks(family, links, level, slugger)

    blocks = [
        GENERATED_NOTICE,
        _heading(1, TITLE),
        INTRO,
        LEGEND,
        _heading(2, QUICK_START),
        _table(["Model", "Parameters", "Demo", "Checkpoints", "Details"], rows),
        *sections,
    ]
    return "\n\n".join(blocks) + "\n"
