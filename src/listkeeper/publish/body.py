"""The pull request's title, body and commit message, from the applied changes and what was left alone. Pure.

The body is for a reviewer: one summary line; a table per kind of change (Moved, Dead, New releases, Changed) with
the entry, ``old → new`` and the evidence (HTTP status, date, the service's fact, links); a short list of what was
seen but deliberately not changed (unconfirmed dead links, bot walls, rate limits, gated repos, candidate papers);
and the hidden marker for the bot itself (:mod:`listkeeper.publish.marker`).

Every catalog or third-party string is escaped (:mod:`listkeeper.render.escape`) and its @mentions and ``#123``
references defanged: model cards and paper titles must not ping people or inject markup into the PR. Bodies are
cut below GitHub's 65,536-character limit by dropping rows from the longest section first ("… and N more"); a row
and the marker are never cut in half. Same input, same bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

from listkeeper.catalog.load import format_path
from listkeeper.evidence import dead_memory, http_status, json_value
from listkeeper.findings import Finding, Kind
from listkeeper.mdlist.change import MdChange
from listkeeper.publish.fingerprint import AnyChange
from listkeeper.publish.marker import TRAILER, Marker
from listkeeper.render.escape import defang_mentions, escape_inline, escape_url

#: What the proposal edits: the YAML catalog (and re-renders the list), or the list's own Markdown files.
Mode = Literal["catalog", "markdown"]

GITHUB_BODY_LIMIT = 65_536
MAX_BODY = 60_000  # a margin below the limit, as Renovate (58,000) and Dependabot do
_CELL_MAX = 160  # characters of catalog/third-party text per cell, before escaping
_SEEN_MAX = 200  # bullets in the "seen, not changed" list before "… and N more"

SECTIONS: tuple[tuple[str, frozenset[Kind]], ...] = (
    ("Moved", frozenset({Kind.MOVED})),
    ("Dead", frozenset({Kind.DEAD})),
    ("New releases", frozenset({Kind.NEW_RELEASE})),
    ("Changed", frozenset({Kind.CHANGED, Kind.NEW_VERSION})),
)
_HEADER = "| Entry | Old → New | Evidence |\n|---|---|---|"
_DATE_KEYS = ("since", "first_dead", "first_seen", "created_at", "created", "createdAt", "published", "updated")


def _section(change: AnyChange) -> str:
    for name, kinds in SECTIONS:
        if change.finding.kind in kinds:
            return name
    return "Changed"


def counts(changes: Iterable[AnyChange]) -> Counter[str]:
    return Counter(_section(c) for c in changes)


def _count_text(changes: Sequence[AnyChange]) -> str:
    found = counts(changes)
    words = {"Moved": "moved", "Dead": "dead", "New releases": "new", "Changed": "changed"}
    return ", ".join(f"{found[name]} {words[name]}" for name, _ in SECTIONS if found[name])


def title(changes: Sequence[AnyChange], base_title: str) -> str:
    """``listkeeper: update the catalog (2 moved, 1 dead)``."""
    if not changes:
        return base_title
    return f"{base_title} ({_count_text(changes)})"


# --- text helpers -----------------------------------------------------------------------------------------------


def _cut(text: str, limit: int = _CELL_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any, limit: int = _CELL_MAX) -> str:
    """Third-party or catalog text, safe inside a table cell or a bullet."""
    return defang_mentions(escape_inline(_cut(str(value), limit)))


def _link(label: str, url: str) -> str | None:
    try:
        destination = escape_url(url)
    except ValueError:
        return None
    return f"[{_text(label, 40)}]({destination})"


def item_name(value: Any) -> str:
    """An item as a reviewer recognises it: its id or URL (``{hf: a/b, size: 7B}`` → ``a/b``)."""
    if isinstance(value, dict):
        for key in ("hf", "arxiv", "space", "repo", "url", "title"):
            if isinstance(found := value.get(key), str):
                return found
        return str(next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _entry_label(change: AnyChange, entries: Mapping[tuple[str, int], str]) -> str:
    if isinstance(change, MdChange):
        return _text(f"{change.file}:{change.line}", 120)
    stem = PurePosixPath(change.file).name
    if len(change.path) >= 2 and change.path[0] == "entries" and isinstance(change.path[1], int):
        name = entries.get((change.file, change.path[1]))
        where = format_path(change.path[2:]) or format_path(change.path)
        return f"{_text(name or stem, 60)} ({_text(stem + ': ' + where, 80)})"
    return _text(f"{stem}: {format_path(change.path)}", 80)


def _old_new(change: AnyChange) -> str:
    match change.op:
        case "replace":
            return f"{_text(change.old)} → {_text(change.new)}"
        case "mark":
            since = change.new.get("since") if isinstance(change.new, dict) else None
            state = change.new.get("state", "dead") if isinstance(change.new, dict) else "dead"
            mark = f"marked {state}" + (f" since {since}" if since else "")
            # change.old is the item's previous mark (usually none): name the item by the finding's subject.
            name = item_name(change.old) if isinstance(change.old, dict) and "state" not in change.old else ""
            if isinstance(change.old, str):  # a Markdown link: its URL
                name = change.old
            return f"{_text(name or change.finding.subject.id or '(item)')} → {_text(mark)}"
        case "remove":
            return f"{_text(item_name(change.old))} → removed"
        case "set":
            key = change.path[-1] if change.path else ""
            old = "—" if change.old is None else change.old
            return f"{_text(f'{key}: {old}')} → {_text(change.new)}"
        case _:
            return f"— → {_text(item_name(change.new))} 🆕"


def _date(finding: Finding) -> str | None:
    for key in _DATE_KEYS:
        value = json_value(finding.evidence, key)
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
            return value[:10]
    return None


def _evidence(change: AnyChange) -> str:
    finding = change.finding
    parts: list[str] = []
    status = http_status(finding.evidence)
    if status is not None:
        parts.append(f"HTTP {status}")
    if (day := _date(finding)) is not None:
        parts.append(day)
    fact = finding.message or change.reason
    if fact:
        parts.append(_text(f"{finding.source}: {fact}" if finding.source else fact))
    memory = dead_memory(finding.evidence)
    if memory is not None:
        # How the death was confirmed: "dead 2 checks, first seen ... (26.0 h ago ...)", or --strict.
        parts.append(_text("confirmed with --strict" if memory.confirmed == "strict" else memory.note))
    # "old"/"new" only for a move; an added release, a dead item or a changed title links to what it is about.
    label = "old" if finding.new_subject is not None else ("on the Hub" if change.op == "append" else "link")
    links = [_link(label, finding.subject.url())] if finding.subject.id else []
    if finding.new_subject is not None:
        links.append(_link("new", finding.new_subject.url()))
    parts += [found for found in links if found]
    return " · ".join(parts) or _text(change.reason)


def _row(change: AnyChange, entries: Mapping[tuple[str, int], str]) -> str:
    return f"| {_entry_label(change, entries)} | {_old_new(change)} | {_evidence(change)} |"


def _seen_line(finding: Finding) -> str:
    where = f" ({_text(str(finding.locations[0]), 80)})" if finding.locations else ""
    message = f" — {_text(finding.message)}" if finding.message else ""
    return f"- **{finding.kind}**: {_text(str(finding.subject), 120)}{message}{where}"


# --- the body ---------------------------------------------------------------------------------------------------


@dataclass
class _Block:
    """A titled list of lines that may lose lines from its end when the body is too long."""

    heading: str
    intro: str
    lines: list[str]
    shown: int = -1
    table: bool = True
    extra: list[str] = field(default_factory=list)
    header: str = _HEADER

    def __post_init__(self) -> None:
        if self.shown < 0:
            self.shown = len(self.lines)

    def render(self) -> str:
        out = [self.heading, ""]
        if self.intro:
            out += [self.intro, ""]
        if self.table:
            out.append(self.header)
        out += self.lines[: self.shown]
        hidden = len(self.lines) - self.shown
        if hidden:
            if self.table:
                out.append("")
            out.append(f"… and {hidden} more")
        return "\n".join(out)


def _seen_block(seen: Sequence[Finding]) -> _Block | None:
    if not seen:
        return None
    ordered = sorted(seen, key=lambda f: (list(Kind).index(f.kind), str(f.subject), f.message))
    lines = [_seen_line(f) for f in ordered]
    kinds = Counter(str(f.kind) for f in ordered)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    intro = f"Seen, but not changed ({summary}): unconfirmed or informational, for a human to judge."
    block = _Block("### Seen, not changed", intro, lines, table=False)
    block.shown = min(block.shown, _SEEN_MAX)
    return block


def render_body(
    changes: Sequence[AnyChange],
    seen: Sequence[Finding],
    marker: Marker,
    *,
    entries: Mapping[tuple[str, int], str] | None = None,
    max_chars: int = MAX_BODY,
    mode: Mode = "catalog",
) -> str:
    """The PR body (see the module docstring). ``entries`` maps ``(file, entry index)`` to the entry's name.
    In Markdown mode each change is shown as ``file:line`` with its old and new URL."""
    entries = entries or {}
    files = len({c.file for c in changes})
    if changes and mode == "markdown":
        summary = (
            f"listkeeper proposes {len(changes)} change{'s' if len(changes) != 1 else ''} to "
            f"{files} Markdown file{'s' if files != 1 else ''} ({_count_text(changes)}): only the URLs (and dead "
            "marks) named below change, byte for byte."
        )
    elif mode == "markdown":
        summary = "listkeeper has nothing to change in the list."
    elif changes:
        summary = (
            f"listkeeper proposes {len(changes)} change{'s' if len(changes) != 1 else ''} to "
            f"{files} catalog file{'s' if files != 1 else ''} ({_count_text(changes)}); the Markdown list is "
            "re-rendered from the catalog."
        )
    else:
        summary = "listkeeper has nothing to change in the catalog."
    blocks: list[_Block] = []
    for name, _kinds in SECTIONS:
        rows = [_row(c, entries) for c in changes if _section(c) == name]
        if rows:
            header = _HEADER.replace("| Entry |", "| Where |") if mode == "markdown" else _HEADER
            blocks.append(_Block(f"### {name}", "", rows, header=header))
    if (seen_block := _seen_block(seen)) is not None:
        blocks.append(seen_block)
    verified = "re-extracting the links of each edited file" if mode == "markdown" else "re-parsing the catalog"
    footer = (
        f"Every edit changes only its own line(s) and was verified by {verified}. "
        "To decline, close this pull request without merging: its changes will not be proposed again. "
        "Commits pushed by others to this branch are never overwritten."
    )
    tail = marker.comment()
    limit = min(max_chars, GITHUB_BODY_LIMIT - 1)

    def assemble() -> str:
        parts = [summary, *(b.render() for b in blocks), "---", footer, tail]
        return "\n\n".join(parts) + "\n"

    body = assemble()
    while len(body) > limit:
        candidates = [b for b in blocks if b.shown > 0]
        if not candidates:
            break  # only fixed text left: the summary, footer and marker are short by construction
        longest = max(candidates, key=lambda b: (sum(len(x) + 1 for x in b.lines[: b.shown]), -blocks.index(b)))
        excess = len(body) - limit
        removed = 0
        while longest.shown > 0 and removed < excess:
            longest.shown -= 1
            removed += len(longest.lines[longest.shown]) + 1
        body = assemble()
    return body


def _where(change: AnyChange) -> str:
    return f"{change.file}:{change.line}" if isinstance(change, MdChange) else change.file


def commit_message(changes: Sequence[AnyChange], subject_line: str, fp: str) -> str:
    """Subject line, one line per change, and the fingerprint trailer. Plain text (git does not render Markdown),
    but still defanged: GitHub links ``#123`` and ``@user`` in commit messages too."""
    lines = [subject_line, ""]
    lines += [defang_mentions(_cut(f"- {_where(change)}: {change.describe()}", 300)) for change in changes]
    if changes:
        lines.append("")
    lines.append(f"{TRAILER}: {fp}")
    return "\n".join(lines) + "\n"


__all__ = [
    "MAX_BODY",
    "commit_message",
    "counts",
    "item_name",
    "render_body",
    "title",
]
