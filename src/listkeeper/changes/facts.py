"""The plan for findings about an item's facts: ``dead`` (marked or removed), ``new-version``, ``withdrawn``,
``archived`` and ``changed`` (title, license)."""

from __future__ import annotations

import re

from listkeeper import evidence
from listkeeper.changes.change import Change
from listkeeper.changes.planner import Planner
from listkeeper.changes.uses import get, plain
from listkeeper.evidence import FieldChange, VersionChange, dead_since, shape
from listkeeper.findings import Finding
from listkeeper.subjects import ARXIV_VERSION

_EVIDENCE_MAX = 200


def dead(planner: Planner, finding: Finding) -> None:
    for use in planner.live_uses(finding.subject):
        item = get(planner.catalog.families[use.file], use.item_path)
        if use.scalar_item or planner.dead_action == "remove":
            why = "dead" if not use.scalar_item else "dead; the schema has no mark for this kind of item"
            planner.add(Change(use.file, use.item_path, "remove", plain(item), None, finding, why))
            continue
        if item.mark is not None and item.mark.state == "dead":
            continue
        mark = {
            "state": "dead",
            "since": dead_since(finding.evidence, planner.today),
            "evidence": _evidence_text(finding),
        }
        old = item.mark.model_dump() if item.mark is not None else None
        planner.add(Change(use.file, use.item_path, "mark", old, mark, finding, "dead"))


def version(planner: Planner, finding: Finding) -> None:
    """A new arXiv version: the id's suffix or ``version`` is raised where the list states one."""
    title, change = shape(finding.evidence, FieldChange), shape(finding.evidence, VersionChange)
    to = change.to if change is not None else ""
    if title is not None and title.field == "title":
        return changed(planner, finding)
    if not re.fullmatch(r"v\d+", to):
        return None
    number = int(to[1:])
    for use in planner.uses_of(finding):
        if use.role != "paper":
            continue
        paper = get(planner.catalog.families[use.file], use.item_path)
        listed = paper.listed_version
        if listed is None or listed >= number or paper.arxiv is None:
            continue
        why = f"new version {to} on arXiv"
        if ARXIV_VERSION.search(paper.arxiv):
            new_id = ARXIV_VERSION.sub(to, paper.arxiv)
            planner.add(Change(use.file, use.path, "replace", paper.arxiv, new_id, finding, why))
        else:
            planner.set_fact(use, "version", number, finding, why)
    return None


def withdrawn(planner: Planner, finding: Finding) -> None:
    reason = evidence.reason(finding.evidence)
    if reason is None or not reason.strip():
        return
    for use in planner.uses_of(finding):
        if use.role == "paper":
            planner.set_fact(use, "withdrawn", " ".join(reason.split()), finding, "withdrawn on arXiv")


def archived(planner: Planner, finding: Finding) -> None:
    for use in planner.uses_of(finding):
        if use.role == "code":
            planner.set_fact(use, "archived", True, finding, "archived on GitHub")


def license(planner: Planner, finding: Finding) -> None:
    change = shape(finding.evidence, FieldChange)
    new = change.new if change is not None else None
    if not isinstance(new, str) or not new:
        return
    for use in planner.uses_of(finding):
        item = get(planner.catalog.families[use.file], use.item_path)
        if getattr(item, "license", None):  # only where the list states a license
            planner.set_fact(use, "license", new, finding, f"license {finding.source or 'changed'}: {new}")


def changed(planner: Planner, finding: Finding) -> None:
    change = shape(finding.evidence, FieldChange)
    if change is not None and change.field == "license":
        return license(planner, finding)
    if change is None or change.field != "title" or not isinstance(change.new, str) or not change.new.strip():
        return
    new, old = " ".join(change.new.split()), change.old
    for use in planner.live_uses(finding.subject):
        if use.role != "paper":
            continue
        current = get(planner.catalog.families[use.file], use.item_path).title
        if current is None or _norm(current) == _norm(new):
            continue
        if isinstance(old, str) and _norm(current) != _norm(old):
            continue  # edited by hand since the finding was recorded
        path = (*use.item_path, "title")
        planner.add(Change(use.file, path, "replace", current, new, finding, f"title {finding.kind} on arXiv"))
    return None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(".")


def _evidence_text(finding: Finding) -> str:
    text = " ".join((finding.message or f"{finding.kind} ({finding.source or 'check'})").split())
    return text if len(text) <= _EVIDENCE_MAX else text[: _EVIDENCE_MAX - 1] + "…"
