"""Escaping catalog text for Markdown (GitHub-flavoured), so that text from the catalog or from a service can
never become markup: no raw HTML, no links, no emphasis, no headings, lists, quotes or tables it did not ask for.

Each function escapes for one context, because Markdown has several:

* :func:`escape_inline` — text inside a line: link texts, headings, table cells (it also escapes ``|`` and
  collapses newlines, so one function serves all three).
* :func:`escape_block` — prose (a summary): paragraphs are kept, but no line can open a block construct.
* :func:`escape_url` — a link destination, ``[text](HERE)``, percent-encoded (the PR body's form).
* :func:`escape_destination` — a link destination that a Markdown parser reads back as exactly the URL given
  (the rendered list's form: an imported URL must come back byte for byte).
* :func:`defang_mentions` — ``@user`` and ``org/repo#1`` would notify people or cross-link issues when the text
  lands in a pull-request body.

All functions are pure, so the PR-body writer reuses them.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# Characters that start inline markup: emphasis (* _), strikethrough (~), code (`), links/images ([ ] !),
# math on GitHub ($), tables (|) and backslash itself (a trailing one is a hard break, others escape).
_INLINE_BACKSLASH = frozenset("\\`*_[]~|$!")
# HTML-significant characters become entities where they could mean something (a backslash does not stop an
# HTML block in every renderer, an entity always does): ``>`` always, because every tag, autolink and comment
# needs it to close; ``<`` where a tag, comment or declaration could start (a letter, ``/``, ``!`` or ``?``
# follows, or the text ends); ``&`` where it would combine with the following text into an entity (``&amp;``,
# ``&#60;``), or the text ends. Elsewhere they stay as written, so "CogVLM & CogAgent" and "<5B" read as
# themselves in the Markdown source too.
_GT = ">"
_LT_OPENS = re.compile(r"<(?=[A-Za-z/!?]|$)")
_AMP_OPENS = re.compile(r"&(?=#?[A-Za-z0-9]+;|$)")

_WHITESPACE_RUN = re.compile(r"[ \t\r\n\f\v\u2028\u2029\x85]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A line that would open a block: heading, quote (already an entity), list, thematic break, setext underline,
# fenced code, table row, ordered list ("1." / "1)").
_BLOCK_START = re.compile(r"^(?:[#+=\-]|\d{1,9}[.)])")


def _clean(text: str) -> str:
    """Drop control characters (NUL and friends render as nothing useful and confuse parsers)."""
    return _CONTROL.sub("", text)


def escape_inline(text: str) -> str:
    """Escape ``text`` for use inside one line: link text, heading text, a table cell.

    Newlines (and runs of whitespace) collapse to one space so the text cannot end the line, the cell or the
    table row; every character that could open markup is escaped, so the text renders literally.
    """
    text = _WHITESPACE_RUN.sub(" ", _clean(text)).strip()
    out = []
    for index, char in enumerate(text):
        if char == _GT:
            out.append("&gt;")
        elif char == "<" and _LT_OPENS.match(text, index):
            out.append("&lt;")
        elif char == "&" and _AMP_OPENS.match(text, index):
            out.append("&amp;")
        elif char == "_" and _intraword(text, index):
            out.append(char)  # "Bunny-v1_0" cannot open or close emphasis; keep repo names readable
        elif char in _INLINE_BACKSLASH:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _intraword(text: str, index: int) -> bool:
    """True when ``text[index]`` sits between two letters/digits (CommonMark: such a ``_`` is never emphasis)."""
    return 0 < index < len(text) - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()


def escape_heading(text: str) -> str:
    """Escape heading text: inline escaping plus ``#`` (a trailing ``#`` run would be eaten as a closing sequence)."""
    return escape_inline(text).replace("#", "\\#")


def _escape_line_start(line: str) -> str:
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    token = match.group(0)
    # "#", "+", "=", "-" → "\#"...; "12." → "12\." (a backslash before the digits would not stop the list).
    return f"{token[:-1]}\\{token[-1]}{line[len(token) :]}"


def escape_block(text: str) -> str:
    """Escape prose: paragraphs (separated by blank lines) are kept, each collapsed to one line and escaped.

    Collapsing matters: a line ``---`` under a paragraph would turn it into a heading (setext), a line starting
    with four spaces would be code. After :func:`escape_inline`, only the first character of a paragraph can
    still open a block (``#``, ``-``, ``+``, ``=``, ``1.``), and that one is escaped too.
    """
    paragraphs = re.split(r"\n[ \t]*(?:\r?\n[ \t]*)+", _clean(text).replace("\r\n", "\n").replace("\r", "\n"))
    escaped = [_escape_line_start(escape_inline(p)) for p in paragraphs]
    return "\n\n".join(p for p in escaped if p)


_URL_SAFE = "/:?#[]@!$&'*+,;=%~-._"


def escape_url(url: str) -> str:
    """Make ``url`` safe as a link destination ``[text](url)``, also inside a table cell.

    Spaces, parentheses, angle brackets, quotes, backslashes, backticks, ``|`` and non-ASCII are
    percent-encoded (existing ``%XX`` escapes are kept); an ``&`` that would start an entity becomes ``&amp;``,
    which Markdown decodes back, so text like ``&lt;`` in a query cannot turn into ``<``. Only ``http(s)`` URLs
    and in-page anchors are accepted: any other scheme (``javascript:``, ``data:``) raises :class:`ValueError`.
    """
    stripped = url.strip()
    lowered = stripped.lower()
    if not (lowered.startswith(("http://", "https://")) or stripped.startswith("#")):
        raise ValueError(f"refusing to link to {url!r}: only http(s) URLs and #anchors are rendered")
    encoded = quote(_clean(stripped), safe=_URL_SAFE)
    return _AMP_OPENS.sub("&amp;", encoded)


# Characters that would end or change a destination ``(…)``: backslash-escaped, which every CommonMark parser
# undoes (GFM undoes ``\|`` in a table cell before that), so the parsed URL is the URL as written.
_DESTINATION_BACKSLASH = frozenset("\\()<>|`")
_DESTINATION_SPACE = re.compile(r"\s")


def escape_destination(url: str) -> str:
    """Make ``url`` safe as a link destination ``[text](url)``, also inside a table cell, such that the parser
    reads back exactly ``url``: ``( ) < > | ` \\`` are backslash-escaped, an ``&`` that would start an entity
    becomes ``&amp;``, whitespace (never part of a catalog URL) is percent-encoded; non-ASCII stays as written.
    Only ``http(s)`` URLs and in-page anchors are accepted, as in :func:`escape_url`."""
    stripped = _clean(url.strip())
    lowered = stripped.lower()
    if not (lowered.startswith(("http://", "https://")) or stripped.startswith("#")):
        raise ValueError(f"refusing to link to {url!r}: only http(s) URLs and #anchors are rendered")
    spaced = _DESTINATION_SPACE.sub(lambda m: quote(m.group()), stripped)
    escaped = "".join("\\" + c if c in _DESTINATION_BACKSLASH else c for c in spaced)
    return _AMP_OPENS.sub("&amp;", escaped)


def verbatim_link(text: str, url: str) -> str:
    """``[text](url)`` whose destination parses back to ``url`` exactly (see :func:`escape_destination`)."""
    return f"[{escape_inline(text)}]({escape_destination(url)})"


def link(text: str, url: str) -> str:
    """``[text](url)`` with both parts escaped."""
    return f"[{escape_inline(text)}]({escape_url(url)})"


# "@name" where name is a GitHub login or "org/team"; not inside e-mail addresses ("a@b.org").
_MENTION = re.compile(r"(?<![\w@/.`-])@(?=[A-Za-z0-9][A-Za-z0-9-]*)")
# "owner/repo#123" and "#123" cross-reference issues; "GH-123" too.
_ISSUE_REF = re.compile(r"(?<!&)(#|\bGH-)(?=\d)")


def defang_mentions(text: str) -> str:
    """Break ``@user`` mentions and ``#123`` issue references with a zero-width space so that a pull-request
    body quoting catalog or upstream text never pings people or links unrelated issues. The text still reads
    the same."""
    text = _MENTION.sub("@\u200b", text)
    return _ISSUE_REF.sub(lambda m: m.group(1) + "\u200b", text)
