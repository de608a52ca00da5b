"""Marking one confirmed dead link on its line by the policy: the configured mark around the link (``<del>``
inside an HTML block), or an HTML comment beside it; a link marked already is left as it is."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from listkeeper.links.extract import ExtractedLink
from listkeeper.mdlist import references
from listkeeper.mdlist.lines import FileEdit, line_body, locate, occurrences
from listkeeper.mdlist.policy import Policy
from listkeeper.mdlist.spans import close_below, link_span

_DATE = r"\d{4}-\d{2}-\d{2}"


def _template_regex(template: str, url: str) -> str:
    parts = re.split(r"(\{date\}|\{url\})", template)
    return "".join(_DATE if p == "{date}" else re.escape(url) if p == "{url}" else re.escape(p) for p in parts)


def mark_link(
    edit: FileEdit,
    link: ExtractedLink,
    defined: Mapping[str, tuple[int, int, int]],
    policy: Policy,
    since: date,
) -> bool:
    """Mark one dead link on its line; False when it is marked already (or nothing could be found to mark)."""
    file, url = edit.file, link.url
    spans: list[tuple[int, int, str]] = []  # (start, end, the link's kind) on the line
    at = link.line - 1
    labels = {label for label, (index, s, e) in defined.items() if line_body(edit.lines[index])[0][s:e] == url}
    if link.kind == "reference" or (labels and not occurrences(line_body(edit.lines[at])[0], url)):
        spans = [(s, e, "reference") for s, e in references.reference_spans(line_body(edit.lines[at])[0], labels)]
    else:
        at, found = locate(edit.lines, at, url, file)
        body = line_body(edit.lines[at])[0]
        # Each occurrence in its own form: the line's links to this URL, in order (a bare URL beside a link to it).
        kinds = [other.kind for other in edit.links if other.line == link.line and other.url == url]
        for index, (start, end, _spelling) in enumerate(found):
            kind = kinds[index] if len(kinds) == len(found) else link.kind
            span = link_span(body, start, end, kind)
            if span is not None and all(span != (s, e) for s, e, _kind in spans):
                spans.append((*span, kind))
    body = line_body(edit.lines[at])[0]
    day = since.isoformat()
    if not spans:  # an <img src> or a link whose whole span is not on one line: a comment at the end of the line
        note = policy.comment.format(date=day, url=url)
        found = occurrences(body, url) if link.kind != "reference" else []
        bodies = [line_body(line)[0] for line in edit.lines[at : at + 4]]
        below = close_below(bodies, found[0][0]) if found else None
        if below is not None:  # the link closes on a later line: the comment goes after it, never inside it
            at, close = at + below[0], below[1]
            body = line_body(edit.lines[at])[0]
            if re.compile(r"[ \t]*" + _template_regex(policy.comment, url)).match(body, close):
                return False
            edit.set_body(at, body[:close] + " " + note + body[close:])
            return True
        if re.search(_template_regex(policy.comment, url), body):
            return False
        content = body.rstrip(" \t")
        edit.set_body(at, content + " " + note + body[len(content) :])
        return True
    mark = _html_mark(policy.mark) if at in edit.html_lines else policy.mark
    changed = False
    for start, end, kind in sorted(spans, reverse=True):
        if policy.dead == "comment":
            after = re.compile(r"[ \t]*" + _template_regex(policy.comment, url))
            if after.match(body, end):
                continue
            body = body[:end] + " " + policy.comment.format(date=day, url=url) + body[end:]
        else:
            before, _link, after_t = mark.partition("{link}")
            if re.search(_template_regex(before, url) + r"\Z", body[:start]) and re.match(
                _template_regex(after_t, url), body[end:]
            ):
                continue
            written = body[start:end]
            if kind == "bare":  # a bare URL would swallow the mark's "~~": make it an autolink
                written = f"<{written}>"
            body = body[:start] + mark.format(link=written, date=day, url=url) + body[end:]
        changed = True
    edit.set_body(at, body)
    return changed


def _html_mark(template: str) -> str:
    """The mark inside an HTML block, where Markdown is not read: ``~~…~~`` becomes ``<del>…</del>``."""
    before, _link, after = template.partition("{link}")
    if before.endswith("~~") and after.startswith("~~"):
        return f"{before[:-2]}<del>{{link}}</del>{after[2:]}"
    return template
