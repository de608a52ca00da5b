"""The plan for ``moved`` findings: the id or URL rewritten wherever the old subject is used (or the item removed
when the new one is listed already), and the tracking rules and dismissals that name it."""

from __future__ import annotations

from listkeeper.catalog.load import KeyPath
from listkeeper.changes.change import Change
from listkeeper.changes.planner import Planner
from listkeeper.changes.uses import Use, dismissed, get, plain
from listkeeper.evidence import org_renamed
from listkeeper.findings import Finding
from listkeeper.subjects import Subject


def moved(planner: Planner, finding: Finding) -> None:
    new = finding.new_subject
    if new is None or new.kind != finding.subject.kind or new.identity() == finding.subject.identity():
        return
    for use in planner.live_uses(finding.subject):
        if dismissed(use.entry, new, planner.dismissed):
            continue
        if _already_listed(planner, use, new):
            item = plain(get(planner.catalog.families[use.file], use.item_path))
            why = f"moved to {new}, which is already listed"
            planner.add(Change(use.file, use.item_path, "remove", item, None, finding, why))
            continue
        old = get(planner.catalog.families[use.file], use.path)
        planner.add(Change(use.file, use.path, "replace", old, new.id, finding, f"moved to {new}"))
    _tracking(planner, finding, new)


def _tracking(planner: Planner, finding: Finding, new: Subject) -> None:
    """Tracking rules follow a move: ``track.github`` names the repo's new id, ``track.hf_authors`` the org's
    new name (when the Hub said the whole org was renamed)."""
    org = org_renamed(finding.evidence)
    old_owner = org.old if org is not None else None
    new_owner = org.new if org is not None else None
    for file, family in sorted(planner.catalog.families.items()):
        for e_index, entry in enumerate(family.entries):
            for d_index, text in enumerate(entry.dismissed):  # a declined subject stays declined under its new id
                try:
                    declined = Subject.parse(text)
                except ValueError:
                    continue
                if declined.identity() == finding.subject.identity():
                    path: KeyPath = ("entries", e_index, "dismissed", d_index)
                    planner.add(Change(file, path, "replace", text, str(new), finding, f"moved to {new}"))
            if finding.subject.kind == "github":
                for r_index, repo in enumerate(entry.track.github):
                    if Subject("github", repo).identity() == finding.subject.identity():
                        path = ("entries", e_index, "track", "github", r_index)
                        why = f"tracked repository moved to {new}"
                        planner.add(Change(file, path, "replace", repo, new.id, finding, why))
            if isinstance(old_owner, str) and isinstance(new_owner, str) and old_owner.lower() != new_owner.lower():
                for r_index, rule in enumerate(entry.track.hf_authors):
                    if rule.author.lower() == old_owner.lower():
                        path = ("entries", e_index, "track", "hf_authors", r_index, "author")
                        why = f"the Hub org {old_owner} is now {new_owner}"
                        planner.add(Change(file, path, "replace", rule.author, new_owner, finding, why))


def _already_listed(planner: Planner, use: Use, new: Subject) -> bool:
    others = planner.uses.get(new.identity(), [])
    if use.role == "checkpoint":
        return bool(others)
    return any(o.file == use.file and o.entry_index == use.entry_index and o.role == use.role for o in others)
