"""Findings → byte-exact edits of hand-written Markdown lists (Markdown mode). Pure: texts in, texts out.

Where every link is comes from the link extractor (:func:`listkeeper.links.extract.extract_markdown`: the same
CommonMark parser the check uses, so code spans and code blocks are never links). This module only decides which
bytes of those lines to change:

* ``moved`` — every occurrence of the old URL is rewritten: inline links and images, reference definitions
  (``[ref]: URL``), autolinks, bare URLs, raw HTML ``href``/``src``. For a renamed GitHub or Hub repository every URL
  *into* it (``/tree/…``, ``/blob/…#L10``, ``?tab=…``) keeps its path, query and fragment with the new id, and badge
  images that name the old id (``img.shields.io/github/stars/OWNER/NAME``) get the new one, as does their label
  where it names the old id. Scheme and host stay as written.
* confirmed ``dead`` — by the policy: ``mark`` wraps the link (``~~[name](url)~~ (dead since 2026-12-01)``, the
  template is configurable), ``comment`` puts an HTML comment beside it, ``remove`` deletes the whole list item
  (with its nested items) or table row; a dead link in neither is marked instead, never half a line removed.

Nothing else changes: line endings (CRLF stays CRLF), trailing spaces, table alignment, HTML, emoji, code. Each
file's edit is verified by extracting its links again: the result must hold exactly the links expected (the old
ones with the rewrites applied, minus removed items) and the same code, else :class:`EditError` names file:line
and nothing is written. Applying the same findings twice changes nothing the second time.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from listkeeper.errors import EditError
from listkeeper.evidence import dead_since
from listkeeper.findings import Finding, Kind
from listkeeper.links.extract import ExtractedLink, extract_markdown
from listkeeper.subjects import Subject
from listkeeper.urls import is_badge_image

DeadPolicy = Literal["mark", "comment", "remove"]
MdOp = Literal["replace", "mark", "remove"]

DEFAULT_MARK = "~~{link}~~ (dead since {date})"
DEFAULT_COMMENT = "<!-- listkeeper: dead since {date} -->"

_HOSTS: dict[str, str] = {
    "github": r"(?:(?:www\.)?github\.com|raw\.githubusercontent\.com)/",
    "hf-model": r"(?:www\.)?(?:huggingface\.co|hf\.co)/",
    "hf-dataset": r"(?:www\.)?(?:huggingface\.co|hf\.co)/datasets/",
    "hf-space": r"(?:www\.)?(?:huggingface\.co|hf\.co)/spaces/",
    "hf-collection": r"(?:www\.)?(?:huggingface\.co|hf\.co)/collections/",
}
_URL_CHAR = re.compile(r"[A-Za-z0-9/\-_~%+=&@$*#?]")
_UNQUOTED_ATTR = re.compile(r"\b(?:href|src)[ \t]*=$", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)")
_DATE = r"\d{4}-\d{2}-\d{2}"
_DEFINITION = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?\[((?:[^\]\\]|\\.)+)\]:[ \t]*<?")


@dataclass(frozen=True)
class Policy:
    """What a confirmed dead link becomes (``[markdown]`` ``dead``, ``mark``, ``comment`` in the configuration).

    ``mark`` must hold ``{link}`` (the link as written); ``{date}`` is the day it was first seen dead, ``{url}``
    its address (a template that adds a link is refused by the verification)."""

    dead: DeadPolicy = "mark"
    mark: str = DEFAULT_MARK
    comment: str = DEFAULT_COMMENT

    def __post_init__(self) -> None:
        if "{link}" not in self.mark:
            raise EditError(f"markdown.mark {self.mark!r} must contain {{link}}")
        for name, template in (("mark", self.mark), ("comment", self.comment)):
            try:
                template.format(link="", date="", url="")
            except (KeyError, IndexError, ValueError) as exc:
                raise EditError(f"markdown.{name} {template!r}: only {{link}}, {{date}} and {{url}} ({exc})") from None


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class MdChange:
    """One edit of one Markdown file, at a line of the file as it was. ``path`` is ``("line", N)`` so the PR body
    and the fingerprint treat it like a catalog change's key path."""

    file: str
    line: int
    op: MdOp
    old: Any  # the old URL
    new: Any  # the new URL (replace), {"state": "dead", "since": date} (mark), None (remove)
    finding: Finding
    reason: str

    @property
    def path(self) -> tuple[str | int, ...]:
        return ("line", self.line)

    def describe(self) -> str:
        match self.op:
            case "replace":
                return f"{self.old} → {self.new} ({self.reason})"
            case "mark":
                return f"{self.old}: mark dead since {self.new['since']} ({self.reason})"
            case _:
                return f"{self.old}: remove ({self.reason})"


# -- what the findings ask for -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _prefix(subject: Subject) -> re.Pattern[str] | None:
    host = _HOSTS.get(subject.kind)
    if host is None:
        return None
    return re.compile(rf"^(https?://{host})({re.escape(subject.id)})(?=$|[/?#]|\.git(?:$|[/?#]))", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _id_in_text(subject: Subject) -> re.Pattern[str] | None:
    """The old id where a badge names it: in a path (``github/stars/OWNER/NAME.svg``) or as shields.io static text
    (``-OWNER%2FNAME-``, dashes doubled)."""
    if subject.kind not in _HOSTS:
        return None
    plain = re.escape(subject.id)
    static = re.escape(_shields(subject.id))
    return re.compile(
        rf"(?<![\w.-]){plain}(?![\w-]|\.(?!svg\b|png\b|json\b)\w)"
        rf"|(?:(?<=/)|(?<=[^-]-)){static}(?=-(?!-)|[/?#]|$|\.svg|\.png)",
        re.IGNORECASE,
    )


def _shields(repo_id: str) -> str:
    """How shields.io static badges write an id: ``/`` percent-encoded, ``-`` and ``_`` doubled."""
    return repo_id.replace("-", "--").replace("_", "__").replace("/", "%2F")


def _badge_sub(pattern: re.Pattern[str], new_id: str, text: str) -> str:
    def one(match: re.Match[str]) -> str:
        return _shields(new_id) if "%2F" in match.group(0).upper() else new_id

    return pattern.sub(one, text)


@dataclass(frozen=True)
class _Move:
    finding: Finding
    old: Subject
    new: Subject

    def rewrite(self, url: str) -> str | None:
        if self.old.kind == "url":
            # A redirect answers the URL without its fragment (HTTP never sends it): the link keeps its own.
            target = self.new.url()
            base, hash_, fragment = url.partition("#")
            if url != self.old.id and base != self.old.id.partition("#")[0]:
                return None
            if url != self.old.id and (not hash_ or "#" in self.old.id):
                return None
            return f"{target}#{fragment}" if hash_ and "#" not in target else target
        found = pattern.match(url) if (pattern := _prefix(self.old)) is not None else None
        if found is not None:
            return url[: found.start(2)] + self.new.id + url[found.end(2) :]
        named = _id_in_text(self.old)
        if named is not None and is_badge_image(url) and named.search(url):
            return _badge_sub(named, self.new.id, url)
        return None


@dataclass(frozen=True)
class _Dead:
    finding: Finding

    def matches(self, url: str) -> bool:
        subject = self.finding.subject
        if subject.kind == "url":
            return url == subject.id or url.partition("#")[0] == subject.id
        pattern = _prefix(subject)
        return pattern is not None and pattern.match(url) is not None


def _actions(findings: Iterable[Finding], dismissed: Collection[str]) -> tuple[list[_Move], list[_Dead]]:
    moves, deads = [], []
    for finding in findings:
        if finding.subject.named_in(dismissed):
            continue
        new = finding.new_subject
        if finding.kind is Kind.MOVED and new is not None and new.identity() != finding.subject.identity():
            same_kind = new.kind == finding.subject.kind or finding.subject.kind == "url"
            if same_kind and not new.named_in(dismissed):
                moves.append(_Move(finding, finding.subject, new))
        elif finding.kind is Kind.DEAD and finding.subject.id:
            deads.append(_Dead(finding))
    return moves, deads


def _rewrite(moves: Sequence[_Move], url: str) -> tuple[str, _Move] | None:
    for move in moves:
        new = move.rewrite(url)
        if new is not None and new != url:
            return new, move
    return None


# -- raw text helpers --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _blocks() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _split(text: str) -> list[str]:
    """Lines without their ``\\n`` (a CRLF line keeps its ``\\r``, which edits never touch)."""
    return text.split("\n")


def _body(line: str) -> tuple[str, str]:
    """A line's content and its ``\\r`` (if any)."""
    return (line[:-1], "\r") if line.endswith("\r") else (line, "")


def _code_ranges(line: str) -> list[tuple[int, int]]:
    return [match.span() for match in _CODE_SPAN.finditer(line)]


def _continues(line: str, end: int) -> bool:
    """True when the URL that ends at ``end`` would go on (so this occurrence is part of a longer URL)."""
    if end >= len(line):
        return False
    char = line[end]
    if _URL_CHAR.match(char):
        return True
    return char in ".,;:!'" and end + 1 < len(line) and bool(_URL_CHAR.match(line[end + 1]))


def _occurrences(line: str, url: str) -> list[tuple[int, int, str]]:
    """Where ``url`` is written on ``line`` outside code spans, as a whole URL: (start, end, spelling)."""
    code = _code_ranges(line)
    found = []
    for spelling in dict.fromkeys((url, url.replace("&", "&amp;"))):
        start = line.find(spelling)
        while start >= 0:
            end = start + len(spelling)
            before = line[start - 1] if start else ""
            inside = any(a <= start < b for a, b in code)
            attribute = before == "=" and _UNQUOTED_ATTR.search(line, 0, start) is not None
            joined = bool(before) and _URL_CHAR.match(before) is not None and not attribute
            if not inside and not joined and not _continues(line, end):
                found.append((start, end, spelling))
            start = line.find(spelling, end)
    return sorted(found)


def _code_texts(tokens: Sequence[Token]) -> Counter[str]:
    found: Counter[str] = Counter()
    for token in tokens:
        if token.type in ("fence", "code_block"):
            found[token.content] += 1
        for child in token.children or []:
            if child.type == "code_inline":
                found[child.content] += 1
    return found


def _containers(tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    """(first line, end line, kind) of every list item and table body row, 0-based, end exclusive."""
    out = []
    in_head = False
    for token in tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.map is not None and (token.type == "list_item_open" or (token.type == "tr_open" and not in_head)):
            out.append((token.map[0], token.map[1], "item" if token.type == "list_item_open" else "row"))
    return out


def _innermost(containers: Sequence[tuple[int, int, str]], line: int) -> tuple[int, int] | None:
    best: tuple[int, int] | None = None
    for first, end, _kind in containers:
        if first <= line < end and (best is None or end - first <= best[1] - best[0]):
            best = (first, end)
    return best


def _template_regex(template: str, url: str) -> str:
    parts = re.split(r"(\{date\}|\{url\})", template)
    return "".join(_DATE if p == "{date}" else re.escape(url) if p == "{url}" else re.escape(p) for p in parts)


# -- finding the span of a link on its line ----------------------------------------------------------------------


def _matching_open(line: str, close: int) -> int | None:
    """Index of the ``[`` that the ``]`` at ``close`` closes."""
    depth = 0
    for i in range(close, -1, -1):
        if line[i] in "[]" and i > 0 and line[i - 1] == "\\":
            continue
        if line[i] == "]":
            depth += 1
        elif line[i] == "[":
            depth -= 1
            if depth == 0:
                return i
    return None


def _matching_close(line: str, open_paren: int) -> int | None:
    depth = 0
    angle = False
    for i in range(open_paren, len(line)):
        char = line[i]
        if char == "\\":
            continue
        if char == "<" and i == open_paren + 1:
            angle = True
        elif char == ">" and angle:
            angle = False
        elif angle:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _link_span(line: str, start: int, end: int, kind: str) -> tuple[int, int] | None:
    """The whole link around the URL written at ``start:end``: ``[text](url)``, ``<url>``, ``<a …>…</a>``."""
    if line[max(0, start - 2) : start] == "](" or line[max(0, start - 3) : start] == "](<":
        paren = line.rfind("(", 0, start)
        first = _matching_open(line, paren - 1)
        last = _matching_close(line, paren)
        if first is not None and last is not None:
            if first > 0 and line[first - 1] == "!":
                first -= 1
            return first, last
        return None
    if line[start - 1 : start] == "<" and line[end : end + 1] == ">":
        return start - 1, end + 1
    if kind == "html-a" or re.search(r"href\s*=\s*[\"']?$", line[:start], re.IGNORECASE):
        open_at = max(line.lower().rfind("<a ", 0, start), line.lower().rfind("<a\t", 0, start))
        close_at = line.lower().find("</a>", end)
        if open_at >= 0 and close_at >= 0:
            return open_at, close_at + 4
        return None
    if kind == "bare":
        return start, end
    return None


def _reference_spans(line: str, labels: Collection[str]) -> list[tuple[int, int]]:
    """``[text][label]``, ``[label][]`` and ``[label]`` uses of one of ``labels`` (normalised) on ``line``."""
    spans = []
    for match in re.finditer(r"!?\[((?:[^\[\]\\]|\\.|\[[^\]]*\])*)\](?:\[((?:[^\]\\]|\\.)*)\])?(?![(:])", line):
        label = match.group(2) if match.group(2) else match.group(1)
        if _norm_label(label) in labels:
            spans.append(match.span())
    return spans


def _norm_label(label: str) -> str:
    return " ".join(label.split()).casefold()


# -- one file ----------------------------------------------------------------------------------------------------


@dataclass
class _FileEdit:
    file: str
    lines: list[str]
    changes: list[MdChange] = field(default_factory=list)
    removed: set[int] = field(default_factory=set)  # 0-based lines to delete
    links: list[ExtractedLink] = field(default_factory=list)  # of the original text
    tokens: list[Token] = field(default_factory=list)  # block and inline tokens of the original text
    html_lines: set[int] = field(default_factory=set)  # 0-based lines inside HTML blocks

    def set_body(self, index: int, body: str) -> None:
        _old, cr = _body(self.lines[index])
        self.lines[index] = body + cr


def _definitions(lines: Sequence[str], code_lines: set[int]) -> list[tuple[int, str, int, int]]:
    """Reference definitions: (0-based line, label, url start, url end)."""
    out = []
    for index, line in enumerate(lines):
        if index in code_lines:
            continue
        body, _cr = _body(line)
        found = _DEFINITION.match(body)
        if found is None:
            continue
        start = found.end()
        end = start
        while end < len(body) and not body[end].isspace() and body[end] != ">":
            end += 1
        if end > start:
            out.append((index, found.group(1), start, end))
    return out


def _code_lines(tokens: Sequence[Token]) -> set[int]:
    out: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block", "html_block") and token.map is not None:
            out.update(range(token.map[0], token.map[1]))
    return out


def _locate(lines: Sequence[str], index: int, url: str, file: str) -> tuple[int, list[tuple[int, int, str]]]:
    """The line (at ``index`` or just after, for a link that wraps) where ``url`` is written, and where."""
    for offset in range(6):
        at = index + offset
        if at >= len(lines):
            break
        found = _occurrences(_body(lines[at])[0], url)
        if found:
            return at, found
    raise EditError(
        f"{file}:{index + 1}: cannot find the bytes of {url} on this line (written with escapes or entities?); "
        "nothing was changed"
    )


def _plan_file(
    text: str, file: str, moves: Sequence[_Move], deads: Sequence[_Dead], policy: Policy, today: date
) -> _FileEdit:
    if re.search(r"\r(?!\n)", text):
        raise EditError(f"{file}: has bare CR line endings; listkeeper edits only LF or CRLF files")
    edit = _FileEdit(file, _split(text))
    links = extract_markdown(text, file)
    edit.links = links
    edit.tokens = _blocks().parse(text)
    code_lines = _code_lines(edit.tokens)
    for token in edit.tokens:
        if token.type == "html_block" and token.map is not None:
            edit.html_lines.update(range(token.map[0], token.map[1]))
    definitions = _definitions(edit.lines, code_lines)
    defined = {_norm_label(label): (index, start, end) for index, label, start, end in reversed(definitions)}
    defined_urls = {_body(edit.lines[index])[0][start:end] for index, start, end in defined.values()}
    used = {link.url for link in links}

    # Moved: the URL bytes of every occurrence.
    done: set[tuple[int, str]] = set()
    badge_lines: dict[int, list[_Move]] = {}
    for link in links:
        if not link.url or link.kind == "reference":
            continue
        hit = _rewrite(moves, link.url)
        if hit is None or (link.line - 1, link.url) in done:
            continue
        new_url, move = hit
        try:
            at, spans = _locate(edit.lines, link.line - 1, link.url, file)
        except EditError:
            if link.url in defined_urls:  # a reference-style image: its definition is rewritten below
                continue
            raise
        body = _body(edit.lines[at])[0]
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
        body = _body(edit.lines[index])[0]
        url = body[start:end]
        hit = _rewrite(moves, url)
        if hit is None or url not in used:
            continue
        new_url, move = hit
        edit.set_body(index, body[:start] + new_url + body[end:])
        reason = f"moved to {move.new}" if move.old.kind != "url" else "moved (redirect)"
        edit.changes.append(MdChange(file, index + 1, "replace", url, new_url, move.finding, reason))
    for at, line_moves in badge_lines.items():
        edit.set_body(at, _relabel(_body(edit.lines[at])[0], line_moves))

    # Dead: mark, comment or remove.
    if deads:
        containers = _containers(edit.tokens) if policy.dead == "remove" else []
        seen: set[tuple[int, str]] = set()
        for link in links:
            if not link.url or (link.kind in ("image", "html-img") and is_badge_image(link.url)):
                continue
            dead = next((d for d in deads if d.matches(link.url)), None)
            if dead is None or _rewrite(moves, link.url) is not None or (link.line, link.url) in seen:
                continue
            seen.add((link.line, link.url))
            since = dead_since(dead.finding.evidence, today)
            mark = {"state": "dead", "since": since}
            if policy.dead == "remove":
                box = _innermost(containers, link.line - 1)
                if box is not None:
                    first, end = box
                    while end - 1 > first and not _body(edit.lines[end - 1])[0].strip():
                        end -= 1  # trailing blank lines separate blocks: keep them
                    if not set(range(first, end)) <= edit.removed:
                        edit.removed.update(range(first, end))
                        edit.changes.append(MdChange(file, link.line, "remove", link.url, None, dead.finding, "dead"))
                    continue
            if link.line - 1 in edit.removed:
                continue
            changed = _mark(edit, link, defined, policy, since)
            if changed:
                reason = "dead" if policy.dead != "remove" else "dead; not in a list item or table row, so marked"
                edit.changes.append(MdChange(file, link.line, "mark", link.url, mark, dead.finding, reason))
    # A rewrite inside a removed item is not a change of its own: the item goes.
    edit.changes = [c for c in edit.changes if c.op == "remove" or c.line - 1 not in edit.removed]
    return edit


def _relabel(body: str, moves: Sequence[_Move]) -> str:
    """Badge labels (``![label](…)``, ``alt="label"``) on a line whose badge image was rewritten: the old id → new."""

    def fix(label: str) -> str:
        for move in moves:
            named = _id_in_text(move.old)
            if named is not None:
                label = _badge_sub(named, move.new.id, label)
        return label

    body = re.sub(r"(!\[)((?:[^\[\]\\]|\\.)*)(\]\()", lambda m: m.group(1) + fix(m.group(2)) + m.group(3), body)
    return re.sub(
        r"(\balt\s*=\s*)(\"[^\"]*\"|'[^']*')", lambda m: m.group(1) + fix(m.group(2)), body, flags=re.IGNORECASE
    )


def _mark(
    edit: _FileEdit,
    link: ExtractedLink,
    defined: Mapping[str, tuple[int, int, int]],
    policy: Policy,
    since: date,
) -> bool:
    """Mark one dead link on its line; False when it is marked already (or nothing could be found to mark)."""
    file, url = edit.file, link.url
    spans: list[tuple[int, int]] = []
    at = link.line - 1
    labels = {label for label, (index, s, e) in defined.items() if _body(edit.lines[index])[0][s:e] == url}
    if link.kind == "reference" or (labels and not _occurrences(_body(edit.lines[at])[0], url)):
        spans = _reference_spans(_body(edit.lines[at])[0], labels)
    else:
        at, found = _locate(edit.lines, at, url, file)
        body = _body(edit.lines[at])[0]
        for start, end, _spelling in found:
            span = _link_span(body, start, end, link.kind)
            if span is not None and span not in spans:
                spans.append(span)
    body = _body(edit.lines[at])[0]
    day = since.isoformat()
    if not spans:  # an <img src> or a link whose whole span is not on one line: a comment at the end of the line
        note = policy.comment.format(date=day, url=url)
        if re.search(_template_regex(policy.comment, url), body):
            return False
        content = body.rstrip(" \t")
        edit.set_body(at, content + " " + note + body[len(content) :])
        return True
    mark = _html_mark(policy.mark) if at in edit.html_lines else policy.mark
    changed = False
    for start, end in sorted(spans, reverse=True):
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
            if link.kind == "bare":  # a bare URL would swallow the mark's "~~": make it an autolink
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


def _verify(original: str, edit: _FileEdit, moves: Sequence[_Move]) -> str:
    """The edited text, after checking that its links and code are exactly the expected ones."""
    kept = [line for index, line in enumerate(_split(original)) if index not in edit.removed]
    base = "\n".join(kept)
    result = "\n".join(line for index, line in enumerate(edit.lines) if index not in edit.removed)
    before = extract_markdown(base, edit.file) if edit.removed else edit.links
    base_tokens = _blocks().parse(base) if edit.removed else edit.tokens
    expected = Counter((hit[0] if (hit := _rewrite(moves, link.url)) else link.url) for link in before)
    after = extract_markdown(result, edit.file)
    got = Counter(link.url for link in after)
    if expected != got:
        missing = expected - got
        extra = got - expected
        line = next((link.line for link in before if link.url in missing), None)
        if line is None:
            line = next((link.line for link in after if link.url in extra), None)
        where = f"{edit.file}:{line}" if line is not None else edit.file
        raise EditError(
            f"{where}: the edit would change other links than intended (missing: {sorted(missing)[:3]}, "
            f"unexpected: {sorted(extra)[:3]}); nothing was changed"
        )
    if _code_texts(base_tokens) != _code_texts(_blocks().parse(result)):
        raise EditError(f"{edit.file}: the edit would change code; nothing was changed")
    return result


def edit_markdown(
    texts: Mapping[str, str],
    findings: Sequence[Finding],
    *,
    policy: Policy = DEFAULT_POLICY,
    today: date,
    dismissed: Collection[str] = (),
) -> tuple[dict[str, str], list[MdChange]]:
    """New texts of the files that change (path → text) and the changes, in file and line order. Writes nothing;
    raises :class:`EditError` (naming file:line) when an edit cannot be made exactly."""
    moves, deads = _actions(findings, dismissed)
    out: dict[str, str] = {}
    changes: list[MdChange] = []
    if not moves and not deads:
        return out, changes
    for file, text in sorted(texts.items()):
        edit = _plan_file(text, file, moves, deads, policy, today)
        if not edit.changes:
            continue
        result = _verify(text, edit, moves)
        if result != text:
            out[file] = result
            changes.extend(edit.changes)
    changes.sort(key=lambda c: (c.file, c.line, c.op, str(c.old)))
    return out, changes


__all__ = ["DEFAULT_COMMENT", "DEFAULT_MARK", "DeadPolicy", "MdChange", "Policy", "edit_markdown"]
