"""Findings → one proposal: the new file texts (catalog edits plus the re-rendered Markdown list), the changes,
what was seen but not changed, the fingerprint, the PR title and body. Pure apart from a temporary directory.

Both publishers (local git, GitHub) and ``listkeeper sync`` build the proposal on the *base* texts (the base
branch's files, not whatever is checked out), so the commit on the bot branch is exactly "base + these edits". The
texts are given as a mapping of repository-relative paths; the catalog files are materialised in a temporary
directory only because :func:`listkeeper.catalog.load.load_catalog` reads a directory.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.changes import Change, DeadAction, apply, identity, plan
from listkeeper.findings import Finding, Kind
from listkeeper.mdlist.edit import DEFAULT_POLICY, MdChange, Policy, edit_markdown
from listkeeper.publish import body as body_module
from listkeeper.render.markdown import render_catalog
from listkeeper.subjects import Subject

#: Kinds that are never listed as "seen, not changed": there is nothing for a reviewer to judge.
_QUIET = frozenset({Kind.EMPTY_LINK, Kind.TOO_DEEP})


@dataclass(frozen=True)
class Proposal:
    files: dict[str, str]  # repository-relative path → new text, only files that change
    changes: Sequence[Change | MdChange]  # with repository-relative ``file``
    seen_not_changed: list[Finding]
    fingerprint: str
    title: str
    body: str
    subjects: list[str] = field(default_factory=list)
    entries: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, entry index) → entry name
    mode: body_module.Mode = "catalog"

    @property
    def empty(self) -> bool:
        return not self.files

    def marker(self, *, head: str | None = None, base: str | None = None) -> body_module.Marker:
        return body_module.Marker(self.fingerprint, tuple(self.subjects), head, base)

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


def catalog_texts(files: Mapping[str, str], catalog_dir: str) -> dict[str, str]:
    """The family files (``<catalog_dir>/*.yaml``, not recursive) among ``files``."""
    folder = PurePosixPath(catalog_dir)
    return {p: t for p, t in files.items() if PurePosixPath(p).parent == folder and p.endswith((".yaml", ".yml"))}


def _load(texts: Mapping[str, str], tmp: Path) -> tuple[LoadedCatalog, dict[str, str]]:
    """Load texts from a scratch directory; returns the catalog and its file key → repository path map."""
    root = tmp / "catalog"
    root.mkdir()
    keys: dict[str, str] = {}
    for rel, text in sorted(texts.items()):
        name = PurePosixPath(rel).name
        (root / name).write_bytes(text.encode("utf-8"))
        keys[(root / name).as_posix()] = rel
    return load_catalog(root), keys


def _seen(
    findings: Sequence[Finding], changes: Sequence[Change | MdChange], dismissed: Collection[str]
) -> list[Finding]:
    acted = {(f.kind, identity(f.subject)) for f in (c.finding for c in changes)}
    declined = set()
    for text in dismissed:
        try:
            declined.add(identity(Subject.parse(text)))
        except ValueError:
            continue
    return [
        f
        for f in findings
        if f.kind not in _QUIET and (f.kind, identity(f.subject)) not in acted and identity(f.subject) not in declined
    ]


def build(
    base_files: Mapping[str, str],
    findings: Sequence[Finding],
    *,
    catalog_dir: str,
    output: str | None,
    today: date,
    dead_action: DeadAction = "mark",
    dismissed: Collection[str] = (),
    base_title: str = "listkeeper: update the catalog",
) -> Proposal:
    """Plan and apply the findings on ``base_files`` (repository-relative path → text; the catalog's family files
    and, if it exists, the rendered list ``output``). Raises CatalogError/EditError like ``listkeeper update``."""
    texts = catalog_texts(base_files, catalog_dir)
    with tempfile.TemporaryDirectory(prefix="listkeeper-proposal-") as tmp:
        loaded, keys = _load(texts, Path(tmp))
        planned = plan(loaded, findings, dead_action=dead_action, today=today, dismissed=dismissed)
        new_by_key = apply(loaded, planned, texts={key: texts[rel] for key, rel in keys.items()})
        entries = {
            (keys[key], index): entry.name or entry.id
            for key, family in loaded.catalog.families.items()
            for index, entry in enumerate(family.entries)
        }
        changes = [dataclasses.replace(c, file=keys[c.file]) for c in planned]
        files = {keys[key]: text for key, text in new_by_key.items()}
        if files and output is not None:
            updated = {**texts, **files}
            with tempfile.TemporaryDirectory(prefix="listkeeper-render-") as tmp2:
                fresh = render_catalog(_load(updated, Path(tmp2))[0].catalog)
            if base_files.get(output) != fresh:
                files[output] = fresh
    fp = body_module.fingerprint(changes) if files else ""
    seen = _seen(findings, changes, dismissed)
    subjects = body_module.change_subjects(changes)
    title = body_module.title(changes, base_title)
    marker = body_module.Marker(fp, tuple(subjects))
    text = body_module.render_body(changes, seen, marker, entries=entries)
    return Proposal(files, changes, seen, fp, title, text, subjects, entries)


def render_texts(texts: Mapping[str, str]) -> str:
    """The Markdown list rendered from family file texts (path → text)."""
    with tempfile.TemporaryDirectory(prefix="listkeeper-render-") as tmp:
        return render_catalog(_load(texts, Path(tmp))[0].catalog)


def build_markdown(
    base_files: Mapping[str, str],
    findings: Sequence[Finding],
    *,
    today: date,
    policy: Policy = DEFAULT_POLICY,
    dismissed: Collection[str] = (),
    base_title: str = "listkeeper: update the list",
) -> Proposal:
    """Markdown mode: the findings applied to the list's own Markdown files (``base_files``: repository-relative
    path → text), byte-exactly (:mod:`listkeeper.mdlist.edit`). Raises EditError like ``listkeeper update``."""
    files, changes = edit_markdown(base_files, findings, policy=policy, today=today, dismissed=dismissed)
    fp = body_module.fingerprint(changes) if files else ""
    seen = _seen(findings, changes, dismissed)
    subjects = body_module.change_subjects(changes)
    title = body_module.title(changes, base_title)
    marker = body_module.Marker(fp, tuple(subjects))
    text = body_module.render_body(changes, seen, marker, mode="markdown")
    return Proposal(files, changes, seen, fp, title, text, subjects, {}, mode="markdown")


__all__ = ["Proposal", "build", "build_markdown", "catalog_texts"]
