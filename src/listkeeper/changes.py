"""Findings → catalog edits: what ``listkeeper update`` would change, planned as plain values, then applied.

:func:`plan` is pure: it takes the loaded catalog and the findings and returns :class:`Change` values. Findings
are matched to the catalog by *subject* (case-insensitive for Hub and GitHub ids, arXiv ids without version),
never by line, so a finding recorded before someone edited the file still lands on the right item.

What each kind of finding does:

* ``moved`` — the id or URL is rewritten at every place the catalog uses the old subject. When the new subject is
  already listed there (a checkpoint anywhere, other items within the entry), the old item is removed instead.
* ``dead`` — mapping items (papers, demos, checkpoints, links) get ``mark: {state: dead, ...}``, or are removed
  with ``dead_action="remove"``. Scalar items (``code``, ``collections``, ``datasets``) cannot carry a mark in the
  schema, and marking the whole entry dead would be false, so they are removed in both modes; the reviewer sees the
  removed line and its reason in the pull request.
* ``new-release`` of a Hub model — a checkpoint ``{hf: ..., mark: {state: new, ...}}`` is appended to the entry the
  finding names (``evidence["entry"]``, else the entry in its location's key path, else the one entry whose
  ``track.hf_authors`` rule matches the repo).
* ``new-version`` / ``changed`` with ``evidence = {field: "title", old, new}`` — a paper's ``title`` is updated,
  only while the catalog still says ``old`` (a title a maintainer edited by hand is left alone).
* ``new-version`` with ``evidence = {field: "version", from, to}`` — where the list states a version (an id like
  ``2403.18814v1``, or ``version: 1``) it is raised: the id's suffix is rewritten, or ``version`` set.
* ``new-release`` of a GitHub repo with ``evidence["field"] == "release"`` — the code item's ``release`` is set;
  a new repository of a tracked org (``evidence["kind"] == "repository"``) is appended to the entry's ``code`` as
  ``{repo: ..., mark: {state: new, ...}}``.
* ``archived`` — ``archived: true`` on a code item (a bare ``owner/name`` becomes ``{repo: owner/name, archived:
  true}``); ``withdrawn`` — the paper's ``withdrawn`` gets arXiv's reason; ``changed`` with ``field: license`` —
  ``license`` is updated where the list states one.
* ``moved`` also rewrites tracking rules and dismissals: ``track.github`` entries naming the old repo,
  ``track.hf_authors`` rules of an org the Hub says was renamed (``evidence["org_renamed"]``), and ``dismissed``
  entries naming the old subject.
* Findings about a moved subject may name the new id, with the old one in ``evidence["alias"]``: they are matched
  under either.
* Every other kind (``suspect``, ``blocked``, ``timeout``, ...) never changes anything.

Subjects listed in an entry's ``dismissed`` (or in the state store's dismissals) are skipped. Planning twice is
idempotent: on a catalog that already has the changes, :func:`plan` returns nothing.

:func:`apply` turns changes into new file texts with :mod:`listkeeper.catalog.edit` (each edit verified by
re-parsing), then checks the cross-file rules on the result. It writes nothing.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from listkeeper.catalog import edit
from listkeeper.catalog.load import KeyPath, LineMap, LoadedCatalog, format_path, parse_yaml
from listkeeper.catalog.model import Catalog, Entry, Family
from listkeeper.catalog.refs import entry_subjects
from listkeeper.catalog.rules import cross_file_problems
from listkeeper.errors import EditError
from listkeeper.evidence import dead_since
from listkeeper.findings import Finding, Kind
from listkeeper.subjects import ARXIV_VERSION, Subject

Op = Literal["replace", "mark", "remove", "append", "set"]
DeadAction = Literal["mark", "remove"]

_EVIDENCE_MAX = 200
_PATH_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


@dataclass(frozen=True)
class Change:
    """One planned edit of one catalog file.

    ``path`` is the edited node: the scalar for ``replace``, the item for ``mark`` and ``remove``, the list for
    ``append``. ``old``/``new`` are plain values (``new`` is the mark for ``mark``, the item for ``append``).
    """

    file: str
    path: KeyPath
    op: Op
    old: Any
    new: Any
    finding: Finding
    reason: str

    def describe(self) -> str:
        where = format_path(self.path)
        match self.op:
            case "replace":
                return f"{where}: {self.old} → {self.new} ({self.reason})"
            case "mark":
                return f"{where}: mark {self.new['state']} ({self.reason})"
            case "remove":
                return f"{where}: remove ({self.reason})"
            case "set":
                return f"{where}: {self.old if self.old is not None else '—'} → {self.new} ({self.reason})"
            case _:
                return f"{where}: add {_item_name(self.new)} ({self.reason})"


def _item_name(item: Any) -> str:
    if isinstance(item, dict):
        return str(next(iter(item.values()), ""))
    return str(item)


# --- matching findings to the catalog ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Use:
    """One place the catalog uses a subject."""

    file: str
    entry_index: int
    entry: Entry
    path: KeyPath  # the id/URL value, from the file root
    role: str

    @property
    def item_path(self) -> KeyPath:
        return self.path[:4]  # ("entries", e, list, i)

    @property
    def scalar_item(self) -> bool:
        return len(self.path) == 4


def _uses(catalog: Catalog) -> dict[Subject, list[_Use]]:
    index: dict[Subject, list[_Use]] = {}
    for file, family in sorted(catalog.families.items()):
        for e_index, entry in enumerate(family.entries):
            for subject, sub_path, role in entry_subjects(entry):
                use = _Use(file, e_index, entry, ("entries", e_index, *sub_path), role)
                index.setdefault(subject.identity(), []).append(use)
    return index


def _dismissed(entry: Entry, subject: Subject, extra: Collection[str]) -> bool:
    return subject.named_in((*entry.dismissed, *extra))


def parse_path(text: str) -> KeyPath:
    """``entries[2].checkpoints[0].hf`` → ``("entries", 2, "checkpoints", 0, "hf")``; ``()`` if it is not one."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        match = _PATH_PART.match(text, pos)
        if match is None or (match.group(0).startswith(".") and pos == 0):
            return ()
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return tuple(parts)


def _get(obj: Any, path: KeyPath) -> Any:
    for part in path:
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)
    return obj


# --- the plan ---------------------------------------------------------------------------------------------------


@dataclass
class _Planner:
    catalog: Catalog
    dead_action: DeadAction
    today: date
    dismissed: Collection[str]

    def __post_init__(self) -> None:
        self.uses = _uses(self.catalog)
        self.changes: dict[tuple[str, KeyPath], Change] = {}
        self.appended: set[Subject] = set()

    def add(self, change: Change) -> None:
        """Keep the first change per item: moved findings are planned first, so a move beats a dead mark (one
        edit per item and run keeps each edit's verification simple; a later run picks up what was left)."""
        if change.op == "append":
            key = (change.file, (*change.path, "+", _item_name(change.new)))
        elif change.op == "set":  # one fact of an item: several facts of one item may change in one run
            key = (change.file, (*change.path, "set"))
        else:
            key = (change.file, change.path[:4])
        self.changes.setdefault(key, change)

    def uses_of(self, finding: Finding) -> list[_Use]:
        """Where the catalog uses the finding's subject, or its old name (``evidence["alias"]``) after a move."""
        out = list(self.live_uses(finding.subject))
        alias = finding.evidence.get("alias")
        if isinstance(alias, str) and alias:
            out += [u for u in self.live_uses(Subject(finding.subject.kind, alias)) if u not in out]
        return out

    def set_fact(self, use: _Use, key: str, new: Any, finding: Finding, why: str) -> None:
        """Set ``key`` of the used item to ``new``. A bare ``owner/name`` code item becomes ``{repo: ..., key:
        new}``; other scalar items (datasets, collections) have no place for a fact."""
        if use.scalar_item and use.role != "code":
            return
        item = _get(self.catalog.families[use.file], use.item_path)
        old = None if isinstance(item, str) else getattr(item, key, None)
        if old == new:
            return
        self.add(Change(use.file, (*use.item_path, key), "set", old, new, finding, why))

    def live_uses(self, subject: Subject) -> Iterator[_Use]:
        for use in self.uses.get(subject.identity(), []):
            if not _dismissed(use.entry, subject, self.dismissed):
                yield use

    # -- moved ----------------------------------------------------------------------------------------------------

    def moved(self, finding: Finding) -> None:
        new = finding.new_subject
        if new is None or new.kind != finding.subject.kind or new.identity() == finding.subject.identity():
            return
        for use in self.live_uses(finding.subject):
            if _dismissed(use.entry, new, self.dismissed):
                continue
            if self._already_listed(use, new):
                item = _plain(_get(self.catalog.families[use.file], use.item_path))
                why = f"moved to {new}, which is already listed"
                self.add(Change(use.file, use.item_path, "remove", item, None, finding, why))
                continue
            old = _get(self.catalog.families[use.file], use.path)
            self.add(Change(use.file, use.path, "replace", old, new.id, finding, f"moved to {new}"))
        self._tracking(finding, new)

    def _tracking(self, finding: Finding, new: Subject) -> None:
        """Tracking rules follow a move: ``track.github`` names the repo's new id, ``track.hf_authors`` the org's
        new name (when the Hub said the whole org was renamed)."""
        org = finding.evidence.get("org_renamed")
        old_owner = org.get("from") if isinstance(org, dict) else None
        new_owner = org.get("to") if isinstance(org, dict) else None
        for file, family in sorted(self.catalog.families.items()):
            for e_index, entry in enumerate(family.entries):
                for d_index, text in enumerate(entry.dismissed):  # a declined subject stays declined under its new id
                    try:
                        declined = Subject.parse(text)
                    except ValueError:
                        continue
                    if declined.identity() == finding.subject.identity():
                        path: KeyPath = ("entries", e_index, "dismissed", d_index)
                        self.add(Change(file, path, "replace", text, str(new), finding, f"moved to {new}"))
                if finding.subject.kind == "github":
                    for r_index, repo in enumerate(entry.track.github):
                        if Subject("github", repo).identity() == finding.subject.identity():
                            path = ("entries", e_index, "track", "github", r_index)
                            why = f"tracked repository moved to {new}"
                            self.add(Change(file, path, "replace", repo, new.id, finding, why))
                if isinstance(old_owner, str) and isinstance(new_owner, str) and old_owner.lower() != new_owner.lower():
                    for r_index, rule in enumerate(entry.track.hf_authors):
                        if rule.author.lower() == old_owner.lower():
                            path = ("entries", e_index, "track", "hf_authors", r_index, "author")
                            why = f"the Hub org {old_owner} is now {new_owner}"
                            self.add(Change(file, path, "replace", rule.author, new_owner, finding, why))

    def _already_listed(self, use: _Use, new: Subject) -> bool:
        others = self.uses.get(new.identity(), [])
        if use.role == "checkpoint":
            return bool(others)
        return any(o.file == use.file and o.entry_index == use.entry_index and o.role == use.role for o in others)

    # -- dead -----------------------------------------------------------------------------------------------------

    def dead(self, finding: Finding) -> None:
        for use in self.live_uses(finding.subject):
            item = _get(self.catalog.families[use.file], use.item_path)
            if use.scalar_item or self.dead_action == "remove":
                why = "dead" if not use.scalar_item else "dead; the schema has no mark for this kind of item"
                self.add(Change(use.file, use.item_path, "remove", _plain(item), None, finding, why))
                continue
            if item.mark is not None and item.mark.state == "dead":
                continue
            mark = {
                "state": "dead",
                "since": dead_since(finding.evidence, self.today),
                "evidence": _evidence_text(finding),
            }
            old = item.mark.model_dump() if item.mark is not None else None
            self.add(Change(use.file, use.item_path, "mark", old, mark, finding, "dead"))

    # -- new releases ---------------------------------------------------------------------------------------------

    def new_release(self, finding: Finding) -> None:
        subject = finding.subject
        if subject.kind == "github" and finding.evidence.get("field") == "release":
            tag = finding.evidence.get("tag")
            for use in self.uses_of(finding):
                if use.role == "code" and isinstance(tag, str) and tag:
                    self.set_fact(use, "release", tag, finding, f"new release {tag} on GitHub")
            return
        if subject.kind == "github" and finding.evidence.get("kind") == "repository":
            self._new_repository(finding)
            return
        if subject.kind != "hf-model":
            return
        created, collection = _created(finding), finding.evidence.get("collection")
        if isinstance(collection, str) and collection:
            evidence = f"added to the collection {collection}: {subject.url()}"
        else:
            evidence = f"new on the Hub{f', created {created}' if created else ''}: {subject.url()}"
        self._append_new(finding, "checkpoints", "hf", evidence, "new release")

    def _new_repository(self, finding: Finding) -> None:
        """A new repository of a tracked GitHub org: ``{repo: ..., mark: {state: new}}`` appended to ``code``."""
        created = _created(finding)
        evidence = f"new on GitHub{f', created {created}' if created else ''}: {finding.subject.url()}"
        self._append_new(finding, "code", "repo", evidence, "new repository")

    def _append_new(self, finding: Finding, field: str, key: str, evidence: str, what: str) -> None:
        """``{key: id, mark: {state: new}}`` appended to ``field`` of the entry the finding belongs to, once, unless
        the catalog has the subject already or the entry dismissed it."""
        subject = finding.subject
        if subject.identity() in self.uses or subject.identity() in self.appended:
            return
        target = self._target_entry(finding)
        if target is None:
            return
        file, e_index, entry = target
        if _dismissed(entry, subject, self.dismissed):
            return
        item = {key: subject.id, "mark": {"state": "new", "since": self.today, "evidence": evidence}}
        self.appended.add(subject.identity())
        path: KeyPath = ("entries", e_index, field)
        self.add(Change(file, path, "append", None, item, finding, f"{what} in {entry.id}"))

    def _target_entry(self, finding: Finding) -> tuple[str, int, Entry] | None:
        entries = [
            (file, i, entry)
            for file, fam in sorted(self.catalog.families.items())
            for i, entry in enumerate(fam.entries)
        ]
        wanted = finding.evidence.get("entry")
        for file, i, entry in entries:
            if wanted and entry.id == wanted:
                return file, i, entry
        for loc in finding.locations:
            path = parse_path(loc.path)
            if len(path) < 2 or path[0] != "entries" or not isinstance(path[1], int):
                continue
            for file, i, entry in entries:
                if i == path[1] and _same_file(file, loc.file):
                    return file, i, entry
        owner, _, name = finding.subject.id.partition("/")
        matches = [(file, i, entry) for file, i, entry in entries if _tracks(entry, owner, name)]
        return matches[0] if len(matches) == 1 else None

    # -- changed facts --------------------------------------------------------------------------------------------

    def version(self, finding: Finding) -> None:
        """A new arXiv version: the id's suffix or ``version`` is raised where the list states one."""
        to = str(finding.evidence.get("to") or "")
        if finding.evidence.get("field") == "title":
            return self.changed(finding)
        if not re.fullmatch(r"v\d+", to):
            return None
        number = int(to[1:])
        for use in self.uses_of(finding):
            if use.role != "paper":
                continue
            paper = _get(self.catalog.families[use.file], use.item_path)
            listed = paper.listed_version
            if listed is None or listed >= number or paper.arxiv is None:
                continue
            why = f"new version {to} on arXiv"
            if ARXIV_VERSION.search(paper.arxiv):
                new_id = ARXIV_VERSION.sub(to, paper.arxiv)
                self.add(Change(use.file, use.path, "replace", paper.arxiv, new_id, finding, why))
            else:
                self.set_fact(use, "version", number, finding, why)
        return None

    def withdrawn(self, finding: Finding) -> None:
        reason = finding.evidence.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            return
        for use in self.uses_of(finding):
            if use.role == "paper":
                self.set_fact(use, "withdrawn", " ".join(reason.split()), finding, "withdrawn on arXiv")

    def archived(self, finding: Finding) -> None:
        for use in self.uses_of(finding):
            if use.role == "code":
                self.set_fact(use, "archived", True, finding, "archived on GitHub")

    def license(self, finding: Finding) -> None:
        new = finding.evidence.get("new")
        if not isinstance(new, str) or not new:
            return
        for use in self.uses_of(finding):
            item = _get(self.catalog.families[use.file], use.item_path)
            if getattr(item, "license", None):  # only where the list states a license
                self.set_fact(use, "license", new, finding, f"license {finding.source or 'changed'}: {new}")

    def changed(self, finding: Finding) -> None:
        evidence = finding.evidence
        if evidence.get("field") == "license":
            return self.license(finding)
        if evidence.get("field") != "title" or not isinstance(evidence.get("new"), str) or not evidence["new"].strip():
            return
        new, old = " ".join(evidence["new"].split()), evidence.get("old")
        for use in self.live_uses(finding.subject):
            if use.role != "paper":
                continue
            current = _get(self.catalog.families[use.file], use.item_path).title
            if current is None or _norm(current) == _norm(new):
                continue
            if isinstance(old, str) and _norm(current) != _norm(old):
                continue  # edited by hand since the finding was recorded
            path = (*use.item_path, "title")
            self.add(Change(use.file, path, "replace", current, new, finding, f"title {finding.kind} on arXiv"))
        return None


def _same_file(catalog_file: str, finding_file: str) -> bool:
    return catalog_file == finding_file or Path(catalog_file).name == Path(finding_file).name


def _tracks(entry: Entry, owner: str, name: str) -> bool:
    for rule in entry.track.hf_authors:
        if rule.author.lower() != owner.lower() or "model" not in rule.kinds:
            continue
        if any(fnmatch.fnmatch(name.lower(), g.lower()) for g in rule.include) and not any(
            fnmatch.fnmatch(name.lower(), g.lower()) for g in rule.exclude
        ):
            return True
    return False


def _plain(value: Any) -> Any:
    """A catalog item as plain data (what a reviewer would read in the file)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    return value


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(".")


def _iso_date(value: Any) -> str | None:
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return None


def _created(finding: Finding) -> str | None:
    for key in ("created_at", "created", "createdAt"):
        if (found := _iso_date(finding.evidence.get(key))) is not None:
            return found
    return None


def _evidence_text(finding: Finding) -> str:
    text = " ".join((finding.message or f"{finding.kind} ({finding.source or 'check'})").split())
    return text if len(text) <= _EVIDENCE_MAX else text[: _EVIDENCE_MAX - 1] + "…"


def _path_key(path: KeyPath) -> tuple[tuple[int, str, int], ...]:
    return tuple((0, "", p) if isinstance(p, int) else (1, p, 0) for p in path)


def plan(
    loaded: LoadedCatalog,
    findings: Sequence[Finding],
    *,
    dead_action: DeadAction = "mark",
    today: date,
    dismissed: Collection[str] = (),
) -> list[Change]:
    """The edits the findings call for, in file and key-path order (see the module docstring for the rules)."""
    planner = _Planner(loaded.catalog, dead_action, today, dismissed)
    order = {
        Kind.MOVED: 0,
        Kind.DEAD: 1,
        Kind.CHANGED: 2,
        Kind.NEW_VERSION: 2,
        Kind.WITHDRAWN: 2,
        Kind.ARCHIVED: 2,
        Kind.NEW_RELEASE: 3,
    }
    actions = {
        Kind.MOVED: planner.moved,
        Kind.DEAD: planner.dead,
        Kind.CHANGED: planner.changed,
        Kind.NEW_VERSION: planner.version,
        Kind.WITHDRAWN: planner.withdrawn,
        Kind.ARCHIVED: planner.archived,
        Kind.NEW_RELEASE: planner.new_release,
    }
    for finding in sorted((f for f in findings if f.kind in actions), key=lambda f: order[f.kind]):
        actions[finding.kind](finding)
    return sorted(planner.changes.values(), key=lambda c: (c.file, _path_key(c.path)))


# --- applying ---------------------------------------------------------------------------------------------------


def _apply_one(text: str, change: Change) -> str:
    match change.op:
        case "replace":
            return edit.replace_scalar(text, change.path, change.new, file=change.file)
        case "mark":
            return edit.set_mark(text, change.path, change.new, file=change.file)
        case "remove":
            return edit.remove_item(text, change.path, file=change.file)
        case "append":
            return edit.append_item(text, change.path, change.new, file=change.file)
        case "set":
            scalar_key = "repo" if len(change.path) == 5 and change.path[2] == "code" else None
            return edit.set_key(
                text, change.path[:-1], str(change.path[-1]), change.new, file=change.file, scalar_key=scalar_key
            )
    raise EditError(f"{change.file}: {format_path(change.path)}: unknown operation {change.op!r}")


def _edit_order(change: Change) -> tuple[int, tuple[tuple[int, str, int], ...]]:
    """In-place edits first, then appends, then removals from the last index back, so no key path goes stale."""
    rank = {"replace": 0, "mark": 0, "set": 0, "append": 1, "remove": 2}[change.op]
    key = _path_key(change.path)
    if change.op == "remove":
        key = tuple((a, b, -c) for a, b, c in key)
    return rank, key


def apply(
    loaded: LoadedCatalog, changes: Sequence[Change], *, texts: Mapping[str, str] | None = None
) -> dict[str, str]:
    """New text of every file the changes touch (unchanged files are left out). Writes nothing.

    ``texts`` supplies the current file texts (default: read from disk). Raises :class:`EditError` when an edit
    cannot be made minimally and safely, or when the edited catalog breaks a cross-file rule.
    """
    out: dict[str, str] = {}
    by_file: dict[str, list[Change]] = {}
    for change in changes:
        by_file.setdefault(change.file, []).append(change)
    for file, file_changes in by_file.items():
        original = texts[file] if texts is not None else edit.read_text(Path(file))
        text = original
        for change in sorted(file_changes, key=_edit_order):
            text = _apply_one(text, change)
        if text != original:
            out[file] = text
    _check_cross_file(loaded, out)
    return out


def _check_cross_file(loaded: LoadedCatalog, new_texts: Mapping[str, str]) -> None:
    if not new_texts:
        return
    families = dict(loaded.catalog.families)
    lines: dict[str, LineMap] = dict(loaded.lines)
    for file, text in new_texts.items():
        data, line_map, problems = parse_yaml(text, file)
        if problems:
            raise EditError(f"{problems[0]}")
        try:
            families[file] = Family.model_validate(data)
        except ValidationError as exc:  # edit.py validated each step; this is a guard, not a path
            raise EditError(f"{file}: the edited file does not validate: {exc}") from None
        lines[file] = line_map
    problems = cross_file_problems(LoadedCatalog(loaded.root, Catalog(families=families), lines))
    if problems:
        listed = "".join(f"\n  {p}" for p in problems)
        raise EditError(f"the edited catalog would break cross-file rules:{listed}")


__all__ = ["Change", "DeadAction", "apply", "parse_path", "plan"]
