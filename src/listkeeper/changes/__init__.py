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

The parts: ``change`` (the :class:`Change` value), ``uses`` (matching findings to the catalog), ``planner`` (the plan
being built), the plan per kind (``moves``, ``facts``, ``releases``) and ``applying``; this module orders the
findings and hands each to its kind's plan.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.changes import facts, moves, releases
from listkeeper.changes.applying import apply
from listkeeper.changes.change import Change, DeadAction, path_key
from listkeeper.changes.planner import Planner
from listkeeper.changes.uses import parse_path
from listkeeper.findings import Finding, Kind


def plan(
    loaded: LoadedCatalog,
    findings: Sequence[Finding],
    *,
    dead_action: DeadAction = "mark",
    today: date,
    dismissed: Collection[str] = (),
) -> list[Change]:
    """The edits the findings call for, in file and key-path order (see the module docstring for the rules)."""
    planner = Planner(loaded.catalog, dead_action, today, dismissed)
    order = {
        Kind.MOVED: 0,
        Kind.DEAD: 1,
        Kind.CHANGED: 2,
        Kind.NEW_VERSION: 2,
        Kind.WITHDRAWN: 2,
        Kind.ARCHIVED: 2,
        Kind.NEW_RELEASE: 3,
    }
    actions: dict[Kind, Callable[[Planner, Finding], None]] = {
        Kind.MOVED: moves.moved,
        Kind.DEAD: facts.dead,
        Kind.CHANGED: facts.changed,
        Kind.NEW_VERSION: facts.version,
        Kind.WITHDRAWN: facts.withdrawn,
        Kind.ARCHIVED: facts.archived,
        Kind.NEW_RELEASE: releases.new_release,
    }
    for finding in sorted((f for f in findings if f.kind in actions), key=lambda f: order[f.kind]):
        actions[finding.kind](planner, finding)
    return sorted(planner.changes.values(), key=lambda c: (c.file, path_key(c.path)))


__all__ = ["Change", "DeadAction", "apply", "parse_path", "plan"]
