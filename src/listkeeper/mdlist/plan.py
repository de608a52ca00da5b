"""One file's edit planned: every occurrence of a moved URL rewritten (links, reference definitions, badge
labels), every confirmed dead link marked, commented or its list item or table row removed, as :class:`MdChange`
values on a :class:`FileEdit`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.errors import EditError
from listkeeper.evidence import dead_since
from listkeeper.links.extract import ExtractedLink, extract_markdown
from listkeeper.mdlist import blocks, references
from listkeeper.mdlist.actions import Dead, Move, relabel, rewrite
from listkeeper.mdlist.change import MdChange
from listkeeper.mdlist.lines import FileEdit, line_body, locate, split_lines
from listkeeper.mdlist.mark import mark_link
from listkeeper.mdlist.policy import Policy
from listkeeper.urls import is_badge_image


def plan_file(
    text: str,
    file: str,
    moves: Sequence[Move],
    deads: Sequence[Dead],
    policy: Policy,
    today: date,
    limits: LimitsConfig = DEFAULT_LIMITS,
) -> FileEdit:
    """The edit of one file (``file`` names it in errors), its links extracted within ``limits`` (``[limits]``);
    refuses bare CR line endings."""
    if re.search(r"\r(?!\n)", text):
        raise EditError(f"{file}: has bare CR line endings; listkeeper edits only LF or CRLF files")
    edit = FileEdit(file, split_lines(text))
    edit.links = extract_markdown(text, file, limits)
    edit.tokens = blocks.parser().parse(text)
    code_lines = blocks.code_lines(edit.tokens)
    for token in edit.tokens:
        if token.type == "html_block" and token.map is not None:
            edit.html_lines.update(range(token.map[0], token.map[1]))
    definitions = references.definitions(edit.lines, code_lines)
    defined = {references.norm_label(label): (index, start, end) for index, label, start, end in reversed(definitions)}
    _plan_moves(edit, moves, defined)
    if deads:
        _plan_deads(edit, moves, deads, defined, policy, today)
    # A rewrite inside a removed item is not a change of its own: the item goes.
    edit.changes = [c for c in edit.changes if c.op == "remove" or c.line - 1 not in edit.removed]
    return edit


def _plan_moves(edit: FileEdit, moves: Sequence[Move], defined: Mapping[str, tuple[int, int, int]]) -> None:
    """Moved: the URL bytes of every occurrence, the reference definitions in use, the labels of moved badges."""
    file, links = edit.file, edit.links
    defined_urls = {line_body(edit.lines[index])[0][start:end] for index, start, end in defined.values()}
    used = {link.url for link in links}
    done: set[tuple[int, str]] = set()
    badge_lines: dict[int, list[Move]] = {}
    for link in links:
        if not link.url or link.kind == "reference":
            continue
        hit = rewrite(moves, link.url)
        if hit is None or (link.line - 1, link.url) in done:
            continue
        new_url, move = hit
        try:
            at, spans = locate(edit.lines, link.line - 1, link.url, file)
        except EditError:
            if link.url in defined_urls:  # a reference-style image: its definition is rewritten below
                continue
            raise
        body = line_body(edit.lines[at])[0]
        for start, end, _spelling in reversed(spans):
            spelled = new_url.replace("&", "&amp;") if _spelling != link.url else new_url
            body = body[:start] + spelled + body[end:]
        edit.set_body(at, body)
        done.update({(link.line - 1, link.url), (at, link.url)})  # a wrapped link's URL sits on a later line
        if is_badge_image(link.url):
            badge_lines.setdefault(at, []).append(move)
        reason = f"moved to {move.new}" if move.old.kind != "url" or move.new.kind != "url" else "moved (redirect)"
        edit.changes.append(MdChange(file, link.line, "replace", link.url, new_url, move.finding, reason))
    for index, start, end in defined.values():
        body = line_body(edit.lines[index])[0]
        url = body[start:end]
        hit = rewrite(moves, url)
        if hit is None or url not in used:
            continue
        new_url, move = hit
        edit.set_body(index, body[:start] + new_url + body[end:])
        reason = f"moved to {move.new}" if move.old.kind != "url" else "moved (redirect)"
        edit.changes.append(MdChange(file, index + 1, "replace", url, new_url, move.finding, reason))
    for at, line_moves in badge_lines.items():
        edit.set_body(at, relabel(line_body(edit.lines[at])[0], line_moves))


def _lead_link(links: Sequence[ExtractedLink], box: tuple[int, int]) -> ExtractedLink | None:
    """The first link on lines ``box`` (0-based, end excluded), badge images aside: the one that names the list item
    or table row (a paper's title; its code, demo or project links come after it)."""
    first, end = box
    for link in links:
        if (
            first <= link.line - 1 < end
            and link.url
            and not (link.kind in ("image", "html-img") and is_badge_image(link.url))
        ):
            return link
    return None


_OPENS_ITEM = re.compile(r"[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+\W*?(?:\[|<a\b|<https?:|https?://)", re.IGNORECASE)


def _names_its_box(
    edit: FileEdit,
    link: ExtractedLink,
    box: tuple[int, int],
    containers: Sequence[tuple[int, int, str]],
    deads: Sequence[Dead],
) -> bool:
    """Whether the dead ``link`` is what its list item or table row is about, so removing the whole box loses no live
    entry: it is the box's first link and either the box holds no other live link, or it is a table row (a row is
    one record, named by its first link) or a list item that opens with the link (``- [Name](url) — …``, not
    ``- A series: [1](…), [2](…)``)."""
    if _lead_link(edit.links, box) is not link:
        return False
    first, end = box
    others_live = any(
        other is not link
        and first <= other.line - 1 < end
        and other.url
        and not (other.kind in ("image", "html-img") and is_badge_image(other.url))
        and not any(dead.matches(other.url) for dead in deads)
        for other in edit.links
    )
    if not others_live:
        return True
    kind = next((k for f, e, k in containers if (f, e) == box), "item")
    return kind == "row" or bool(_OPENS_ITEM.match(line_body(edit.lines[first])[0]))


def _plan_deads(
    edit: FileEdit,
    moves: Sequence[Move],
    deads: Sequence[Dead],
    defined: Mapping[str, tuple[int, int, int]],
    policy: Policy,
    today: date,
) -> None:
    """Dead: mark, comment or remove (a moved link is not marked: its move is the change)."""
    file, links = edit.file, edit.links
    containers = blocks.containers(edit.tokens) if policy.dead == "remove" else []
    seen: set[tuple[int, str]] = set()
    for link in links:
        if not link.url or (link.kind in ("image", "html-img") and is_badge_image(link.url)):
            continue
        dead = next((d for d in deads if d.matches(link.url)), None)
        if dead is None or rewrite(moves, link.url) is not None or (link.line, link.url) in seen:
            continue
        seen.add((link.line, link.url))
        since = dead_since(dead.finding.evidence, today)
        mark = {"state": "dead", "since": since}
        reason = "dead"
        if policy.dead == "remove":
            box = blocks.innermost(containers, link.line - 1)
            if box is None:
                reason = "dead; not in a list item or table row, so marked"
            elif not _names_its_box(edit, link, box, containers, deads):  # removing it would lose a live entry
                reason = "dead; not the link that names its list item or table row, so marked"
            else:
                first, end = box
                while end - 1 > first and not line_body(edit.lines[end - 1])[0].strip():
                    end -= 1  # trailing blank lines separate blocks: keep them
                if not set(range(first, end)) <= edit.removed:
                    edit.removed.update(range(first, end))
                    edit.changes.append(MdChange(file, link.line, "remove", link.url, None, dead.finding, "dead"))
                continue
        if link.line - 1 in edit.removed:
            continue
        changed = mark_link(edit, link, defined, policy, since)
        if changed:
            edit.changes.append(MdChange(file, link.line, "mark", link.url, mark, dead.finding, reason))
