"""Findings → byte-exact edits of hand-written Markdown lists (Markdown mode). Pure: texts in, texts out.

Where every link is comes from the link extractor (:func:`listkeeper.links.extract.extract_markdown`: the same
CommonMark parser the check uses, so code spans and code blocks are never links). Markdown mode only decides
which bytes of those lines to change:

* ``moved`` — every occurrence of the old URL is rewritten: inline links and images, reference definitions
  (``[ref]: URL``), autolinks, bare URLs, raw HTML ``href``/``src``. For a renamed GitHub or Hub repository every URL
  *into* it (``/tree/…``, ``/blob/…#L10``, ``?tab=…``) keeps its path, query and fragment with the new id, and badge
  images that name the old id (``img.shields.io/github/stars/OWNER/NAME``) get the new one, as does their label
  where it names the old id. Scheme and host stay as written.
* confirmed ``dead`` — by the policy: ``mark`` wraps the link (``~~[name](url)~~ (dead since 2026-12-01)``, the
  template is configurable), ``comment`` puts an HTML comment beside it, ``remove`` deletes the whole list item
  (with its nested items) or table row that the dead link names (its first link: in a table row, at the start of a
  list item, or its only live one); any other dead link is marked instead: never half a line removed, never a live
  entry.

Nothing else changes: line endings (CRLF stays CRLF), trailing spaces, table alignment, HTML, emoji, code. Each
file's edit is verified by extracting its links again: the result must hold exactly the links expected (the old
ones with the rewrites applied, minus removed items, each in its form) and the same code, else :class:`EditError`
names file:line and nothing is written. Applying the same findings twice changes nothing the second time.

This module is the entry point (:func:`edit_markdown`); the steps live in :mod:`~listkeeper.mdlist.actions` (what
the findings ask for), :mod:`~listkeeper.mdlist.plan` (one file's edits), :mod:`~listkeeper.mdlist.mark` (a dead
link marked) and :mod:`~listkeeper.mdlist.verify` (the check before anything is written).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.findings import Finding
from listkeeper.mdlist.actions import actions
from listkeeper.mdlist.change import MdChange
from listkeeper.mdlist.plan import plan_file
from listkeeper.mdlist.policy import DEFAULT_POLICY, Policy
from listkeeper.mdlist.verify import verify


def edit_markdown(
    texts: Mapping[str, str],
    findings: Sequence[Finding],
    *,
    policy: Policy = DEFAULT_POLICY,
    today: date,
    dismissed: Collection[str] = (),
    limits: LimitsConfig = DEFAULT_LIMITS,
) -> tuple[dict[str, str], list[MdChange]]:
    """New texts of the files that change (path → text) and the changes, in file and line order. Writes nothing;
    raises :class:`EditError` (naming file:line) when an edit cannot be made exactly, and
    :class:`~listkeeper.errors.UsageError` for a file over ``limits`` (``[limits]``, as ``check`` reads it)."""
    moves, deads = actions(findings, dismissed)
    out: dict[str, str] = {}
    changes: list[MdChange] = []
    if not moves and not deads:
        return out, changes
    for file, text in sorted(texts.items()):
        edit = plan_file(text, file, moves, deads, policy, today, limits)
        if not edit.changes:
            continue
        result = verify(text, edit, moves, limits)
        if result != text:
            out[file] = result
            changes.extend(edit.changes)
    changes.sort(key=lambda c: (c.file, c.line, c.op, str(c.old)))
    return out, changes
