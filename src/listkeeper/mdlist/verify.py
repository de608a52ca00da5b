"""The check before anything is written: the edited file holds exactly the links expected (the old ones with the
rewrites applied, minus removed items, each in its form) and the same code, else :class:`EditError` names file:line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.errors import EditError
from listkeeper.links.extract import extract_markdown
from listkeeper.mdlist import blocks
from listkeeper.mdlist.actions import Move, rewrite
from listkeeper.mdlist.lines import FileEdit, join_lines, split_lines


def _form(kind: str) -> str:
    return "autolink" if kind == "bare" else kind


def _named(links: Counter[tuple[str, str]]) -> list[str]:
    return [f"{url} ({form})" for url, form in sorted(links)[:3]]


def verify(original: str, edit: FileEdit, moves: Sequence[Move], limits: LimitsConfig = DEFAULT_LIMITS) -> str:
    """The edited text, after checking that its links and code are exactly the expected ones (links extracted
    within ``limits``, as when the edit was planned)."""
    kept = [line for index, line in enumerate(split_lines(original)) if index not in edit.removed]
    base = join_lines(kept)
    result = join_lines([line for index, line in enumerate(edit.lines) if index not in edit.removed])
    before = extract_markdown(base, edit.file, limits) if edit.removed else edit.links
    base_tokens = blocks.parser().parse(base) if edit.removed else edit.tokens
    # A link keeps its form too (a link turned into plain text around a bare URL is broken); a bare URL that was
    # marked dead is written as an autolink, so those two count as one form.
    expected = Counter(
        ((hit[0] if (hit := rewrite(moves, link.url)) else link.url), _form(link.kind)) for link in before
    )
    after = extract_markdown(result, edit.file, limits)
    got = Counter((link.url, _form(link.kind)) for link in after)
    if expected != got:
        missing = expected - got
        extra = got - expected
        line = next((link.line for link in before if (link.url, _form(link.kind)) in missing), None)
        if line is None:
            line = next((link.line for link in after if (link.url, _form(link.kind)) in extra), None)
        where = f"{edit.file}:{line}" if line is not None else edit.file
        raise EditError(
            f"{where}: the edit would change other links than intended (missing: {_named(missing)}, "
            f"unexpected: {_named(extra)}); nothing was changed"
        )
    if blocks.code_texts(base_tokens) != blocks.code_texts(blocks.parser().parse(result)):
        raise EditError(f"{edit.file}: the edit would change code; nothing was changed")
    return result
