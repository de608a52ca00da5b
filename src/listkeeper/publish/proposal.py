"""Findings → one proposal: the new file texts (catalog edits plus the re-rendered Markdown list, or the edited
Markdown files in Markdown mode), the changes, what was seen but not changed, the fingerprint, the PR title and body.
Pure: texts in, texts out.

:func:`propose` is the one way findings become a proposed tree: ``listkeeper update`` and ``sync`` build it on the
working tree's texts (:mod:`listkeeper.publish.worktree`), both publishers (local git, GitHub) on the *base*
branch's texts, so the commit on the bot branch is exactly "base + these edits". Texts are given as a mapping of
paths (repository-relative for the publishers); the catalog is loaded from them in memory.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from listkeeper import config as config_module
from listkeeper.catalog.load import load_texts
from listkeeper.changes import Change, DeadAction, apply, plan
from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.errors import UsageError
from listkeeper.findings import Finding, Kind
from listkeeper.mdlist.change import MdChange
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.mdlist.policy import DEFAULT_POLICY, DeadPolicy, Policy
from listkeeper.publish import body as body_module
from listkeeper.publish import fingerprint as fingerprint_module
from listkeeper.publish.marker import Marker
from listkeeper.render.markdown import render_catalog
from listkeeper.subjects import Subject

#: Kinds that are never listed as "seen, not changed": there is nothing for a reviewer to judge.
_QUIET = frozenset({Kind.EMPTY_LINK, Kind.TOO_DEEP})

CATALOG_TITLE = "listkeeper: update the catalog"
MARKDOWN_TITLE = "listkeeper: update the list"


@dataclass(frozen=True)
class Proposal:
    """The proposed tree. The PR title and body are made when asked for (the working tree never needs them)."""

    files: dict[str, str]  # path → new text, only files that change
    changes: Sequence[Change | MdChange]  # with the same paths as ``files``
    seen_not_changed: list[Finding]
    fingerprint: str
    base_title: str
    subjects: list[str] = field(default_factory=list)
    entries: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, entry index) → entry name
    mode: body_module.Mode = "catalog"
    lines: list[int | None] = field(default_factory=list)  # catalog mode: line of each change, before the edit
    rendered: str | None = None  # the rendered list's path when it is among ``files``

    @property
    def empty(self) -> bool:
        return not self.files

    @functools.cached_property
    def title(self) -> str:
        return body_module.title(self.changes, self.base_title)

    @functools.cached_property
    def body(self) -> str:
        """The body with a marker naming neither commit (what a dry run shows)."""
        return body_module.render_body(
            self.changes, self.seen_not_changed, self.marker(), entries=self.entries, mode=self.mode
        )

    def marker(self, *, head: str | None = None, base: str | None = None) -> Marker:
        return Marker(self.fingerprint, tuple(self.subjects), head, base)

    def body_for(self, *, head: str | None, base: str | None, max_chars: int = body_module.MAX_BODY) -> str:
        """The body with a marker naming the commit the bot pushed (``head``) and its base."""
        return body_module.render_body(
            self.changes,
            self.seen_not_changed,
            self.marker(head=head, base=base),
            entries=self.entries,
            max_chars=max_chars,
            mode=self.mode,
        )

    def commit_message(self) -> str:
        return body_module.commit_message(self.changes, self.title, self.fingerprint)


@dataclass(frozen=True)
class Layout:
    """Where the list lives among the texts: the catalog's family files under ``catalog_dir`` and the rendered list
    ``output``, or (``catalog_dir`` None) Markdown mode: every text is a Markdown file of the list. ``limits`` are
    the configured ``[limits]`` the texts are read with, as ``validate`` and ``check`` read them."""

    catalog_dir: str | None = None
    output: str | None = None
    limits: LimitsConfig = field(default_factory=LimitsConfig)

    @property
    def markdown(self) -> bool:
        return self.catalog_dir is None


@dataclass(frozen=True)
class DeadRule:
    """What a confirmed dead item becomes: ``action`` in the catalog, ``policy`` in Markdown mode."""

    action: DeadAction = "mark"
    policy: Policy = DEFAULT_POLICY


def dead_rule(cfg: config_module.Config, flag: str | None, *, markdown: bool) -> DeadRule:
    """``--dead`` over the configuration (``[update] dead`` for the catalog, ``[markdown]`` in Markdown mode).

    ``comment`` exists only in Markdown mode: asking for it on a catalog is a usage error."""
    if flag == "comment" and not markdown:
        raise UsageError("--dead comment is for Markdown mode; the catalog's dead items are marked or removed")
    action: DeadAction = "remove" if (flag or cfg.update.dead) == "remove" else "mark"
    if not markdown:
        return DeadRule(action)
    m = cfg.markdown
    dead: DeadPolicy = flag or m.dead  # type: ignore[assignment]  # click's choice is one of the three
    return DeadRule(action, Policy(dead=dead, mark=m.mark, comment=m.comment))


def catalog_texts(files: Mapping[str, str], catalog_dir: str) -> dict[str, str]:
    """The family files (``<catalog_dir>/*.yaml``, not recursive) among ``files``."""
    folder = PurePosixPath(catalog_dir)
    return {p: t for p, t in files.items() if PurePosixPath(p).parent == folder and p.endswith((".yaml", ".yml"))}


def render_texts(texts: Mapping[str, str], catalog_dir: str, limits: LimitsConfig = DEFAULT_LIMITS) -> str:
    """The Markdown list rendered from family file texts (path → text)."""
    return render_catalog(load_texts(texts, Path(catalog_dir), limits=limits).catalog)


def _seen(
    findings: Sequence[Finding], changes: Sequence[Change | MdChange], dismissed: Collection[str]
) -> list[Finding]:
    acted = {(f.kind, f.subject.identity()) for f in (c.finding for c in changes)}
    declined = set()
    for text in dismissed:
        try:
            declined.add(Subject.parse(text).identity())
        except ValueError:
            continue
    return [
        f
        for f in findings
        if f.kind not in _QUIET and (f.kind, f.subject.identity()) not in acted and f.subject.identity() not in declined
    ]


def propose(
    base_files: Mapping[str, str],
    findings: Sequence[Finding],
    *,
    layout: Layout,
    today: date,
    dead: DeadRule = DeadRule(),
    dismissed: Collection[str] = (),
    base_title: str | None = None,
    rerender_stale: bool = False,
) -> Proposal:
    """The findings applied to ``base_files`` (path → text: the catalog's family files and, if it exists, the
    rendered list; or the Markdown files of the list). Raises CatalogError/EditError before anything is proposed.

    The rendered list is part of the proposal when the catalog changes; with ``rerender_stale`` (the working tree)
    also when it is stale without any change (an earlier run may have been killed before rendering)."""
    if layout.catalog_dir is None:
        return build_markdown(
            base_files,
            findings,
            today=today,
            policy=dead.policy,
            dismissed=dismissed,
            base_title=base_title,
            limits=layout.limits,
        )
    return build_catalog(
        base_files,
        findings,
        catalog_dir=layout.catalog_dir,
        output=layout.output,
        limits=layout.limits,
        today=today,
        dead_action=dead.action,
        dismissed=dismissed,
        base_title=base_title,
        rerender_stale=rerender_stale,
    )


def build_catalog(
    base_files: Mapping[str, str],
    findings: Sequence[Finding],
    *,
    catalog_dir: str,
    output: str | None,
    today: date,
    limits: LimitsConfig = DEFAULT_LIMITS,
    dead_action: DeadAction = "mark",
    dismissed: Collection[str] = (),
    base_title: str | None = None,
    rerender_stale: bool = False,
) -> Proposal:
    """Catalog mode: plan and apply the findings on the family files among ``base_files``, re-render ``output``."""
    texts = catalog_texts(base_files, catalog_dir)
    loaded = load_texts(texts, Path(catalog_dir), limits=limits)
    changes = plan(loaded, findings, dead_action=dead_action, today=today, dismissed=dismissed)
    files = apply(loaded, changes, texts=texts)
    entries = {
        (file, index): entry.name or entry.id
        for file, family in loaded.catalog.families.items()
        for index, entry in enumerate(family.entries)
    }
    fp = fingerprint_module.fingerprint(changes) if files else ""
    rendered = None
    if output is not None and (files or rerender_stale):
        fresh = render_texts({**texts, **files}, catalog_dir, limits)
        if base_files.get(output) != fresh:
            files[output] = fresh
            rendered = output
    seen = _seen(findings, changes, dismissed)
    subjects = fingerprint_module.change_subjects(changes)
    lines = [loaded.line(c.file, c.path) for c in changes]
    title = base_title or CATALOG_TITLE
    return Proposal(files, changes, seen, fp, title, subjects, entries, lines=lines, rendered=rendered)


def build_markdown(
    base_files: Mapping[str, str],
    findings: Sequence[Finding],
    *,
    today: date,
    policy: Policy = DEFAULT_POLICY,
    dismissed: Collection[str] = (),
    base_title: str | None = None,
    limits: LimitsConfig = DEFAULT_LIMITS,
) -> Proposal:
    """Markdown mode: the findings applied to the list's own Markdown files (``base_files``: path → text),
    byte-exactly (:mod:`listkeeper.mdlist.edit`). Raises EditError like ``listkeeper update``."""
    files, changes = edit_markdown(base_files, findings, policy=policy, today=today, dismissed=dismissed, limits=limits)
    fp = fingerprint_module.fingerprint(changes) if files else ""
    seen = _seen(findings, changes, dismissed)
    subjects = fingerprint_module.change_subjects(changes)
    return Proposal(files, changes, seen, fp, base_title or MARKDOWN_TITLE, subjects, {}, mode="markdown")


__all__ = [
    "DeadRule",
    "Layout",
    "Proposal",
    "build_catalog",
    "build_markdown",
    "catalog_texts",
    "dead_rule",
    "propose",
    "render_texts",
]
