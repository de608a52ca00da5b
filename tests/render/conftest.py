"""Helpers for render tests: building catalogs from plain dicts and parsing output like GitHub would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from listkeeper.catalog.model import Catalog, Family

FIXTURE = Path(__file__).parent.parent / "fixtures" / "render"
FIXTURE_CATALOG = FIXTURE / "catalog"


def make_catalog(*families: dict[str, Any]) -> Catalog:
    """A catalog from family dicts (validated like files are); keys are fake file names in the given order."""
    return Catalog(families={f"catalog/{f['id']}.yaml": Family.model_validate(f) for f in families})


def entry(id: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "name": fields.pop("name", id), **fields}


def family(id: str, *entries: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A family dict; without entries it gets one entry named like the family (so no entry heading)."""
    name = fields.pop("name", id)
    return {"id": id, "name": name, "entries": list(entries) or [entry(id, name=name)], **fields}


def parse(markdown: str) -> list[Token]:
    """Block tokens as a GFM-like parser sees them (tables, strikethrough; no linkify, so links are explicit)."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)


def walk(tokens: list[Token]) -> list[Token]:
    """Every token, inline children included, in document order."""
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        out += walk(token.children or [])
    return out


def plain(inline: Token) -> str:
    """The text a reader sees for an inline token (what GitHub slugs for a heading)."""
    return "".join(c.content for c in walk(inline.children or []) if c.type in ("text", "code_inline"))


def headings(tokens: list[Token]) -> list[tuple[int, str]]:
    """(level, plain text) of each heading in order."""
    return [(int(tok.tag[1]), plain(tokens[i + 1])) for i, tok in enumerate(tokens) if tok.type == "heading_open"]


def tables(tokens: list[Token]) -> list[list[list[Token]]]:
    """Each table as rows of cells (the cell's inline token), header row first."""
    out: list[list[list[Token]]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            out.append([])
        elif tok.type == "tr_open":
            out[-1].append([])
        elif tok.type in ("th_open", "td_open"):
            out[-1][-1].append(tokens[i + 1])
    return out


def hrefs(inline: Token) -> list[str]:
    return [str(t.attrs["href"]) for t in walk(inline.children or []) if t.type == "link_open"]


@pytest.fixture
def fixture_catalog() -> Catalog:
    from listkeeper.catalog.load import load_catalog

    return load_catalog(FIXTURE_CATALOG).catalog
