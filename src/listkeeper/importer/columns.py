"""What each column of a table holds, from its header (and, for the naming column, its cells): the name of the
row's item, its date, venue, org and licence, params and base LLMs, the kind of links a column holds; and whether a
table is a checkpoint table (its rows are the weights of the entry above)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from listkeeper.importer.drafts import EntryDraft
from listkeeper.importer.model import Inline, Row, Table
from listkeeper.urls import classify

# Table header → what the column holds (English and the Chinese the seed list uses).
_COLUMNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "date",
        re.compile(
            r"^(?:date|time|released?|release date|published|publication date|year|month|updated?)$|日期|时间",
            re.IGNORECASE,
        ),
    ),
    ("venue", re.compile(r"^(?:venue|conference|conf\.?|journal|publication|published in|pub\.?)$", re.IGNORECASE)),
    (
        "org",
        re.compile(
            r"^(?:org|orgs|organi[sz]ation|institution|affiliation|company|team|lab|developer|by)$|机构", re.IGNORECASE
        ),
    ),
    ("license", re.compile(r"^licen[cs]e|许可", re.IGNORECASE)),
    ("paper", re.compile(r"^(?:paper|papers|arxiv|publication link)$", re.IGNORECASE)),
    ("demo", re.compile(r"^(?:demo|demos|space|try it)$", re.IGNORECASE)),
    ("page", re.compile(r"^(?:project|project page|homepage|website|blog|page)$", re.IGNORECASE)),
    ("title", re.compile(r"^(?:title|paper title)$", re.IGNORECASE)),
    ("resolution", re.compile(r"resolution|分辨|^input$", re.IGNORECASE)),
    ("params", re.compile(r"param|参数", re.IGNORECASE)),
    ("size", re.compile(r"^size$|尺寸|大小", re.IGNORECASE)),
    ("base_llm", re.compile(r"base|llm", re.IGNORECASE)),
    ("note", re.compile(r"note|desc|summary|intro|介|说明|备注", re.IGNORECASE)),
]


@dataclass
class Columns:
    """What each column of a table holds, from its header (and, for the naming column, its cells)."""

    roles: dict[int, str]
    naming: int = 0
    titled: bool = False  # the naming column holds paper titles
    headers: tuple[str, ...] = ()

    @classmethod
    def of(cls, table: Table) -> Columns:
        header = table.header
        naming = next((i for i, cell in enumerate(header) if _NAME_HEADER.search(cell.text)), None)
        if naming is None:
            naming = next((i for i in range(len(header)) if _names_things(table, i)), 0)
        roles: dict[int, str] = {}
        for index, cell in enumerate(header):
            if index == naming:
                continue
            for role, pattern in _COLUMNS:
                if pattern.search(cell.text.strip()) and role not in roles.values():
                    roles[index] = role
                    break
        titled = naming < len(header) and bool(_TITLE_HEADER.search(header[naming].text))
        return cls(roles, naming, titled, tuple(cell.text.strip() for cell in header))

    def name(self, row: Row) -> str:
        if self.naming >= len(row.cells):
            return ""
        cell = row.cells[self.naming]
        return (cell.lead.text if cell.lead and cell.lead.text else _unbadged_text(cell)).strip()

    def value(self, row: Row, role: str) -> str | None:
        for index, name in self.roles.items():
            if name == role and index < len(row.cells) and not row.cells[index].links:
                return row.cells[index].text.strip() or None
        return None

    def paper_title(self, row: Row, name: str) -> str | None:
        """The row's paper title: a title column, or the naming column when it is one ("Title", "Paper")."""
        return self.value(row, "title") or (name if self.titled and name else None)

    def link_title(self, row: Row, index: int, name: str) -> str | None:
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{name} ({header})" if name and header and index != self.naming else (name or None)

    def label(self, index: int) -> str | None:
        """A links column named for a kind of item ("Paper", "Demo", "Project page") places its links so."""
        return {"paper": "paper", "demo": "demo", "page": "link"}.get(self.roles.get(index, ""))

    def facts(self, row: Row, entry: EntryDraft) -> None:
        if when := self.value(row, "date"):
            day = _day(when)
            if day is not None:
                entry.released = entry.released or day
            else:
                entry.facts.setdefault("when", when)
        for role in ("venue", "org", "license"):
            if value := self.value(row, role):
                entry.facts.setdefault(role, value)


_NAME_HEADER = re.compile(r"^\W*(?:model|models|name|title|paper title|model name|method|project)\W*$", re.IGNORECASE)
_TITLE_HEADER = re.compile(r"title|paper", re.IGNORECASE)
_DATE = re.compile(
    r"^(?:\d{4}(?:[-./]\d{1,2}(?:[-./]\d{1,2})?)?|\d{1,2}[-./]\d{4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? \d{4})$",
    re.IGNORECASE,
)
_FULL_DAY = re.compile(r"^(\d{4})[-./](\d{1,2})[-./](\d{1,2})$")


def _day(text: str) -> date | None:
    found = _FULL_DAY.match(text.strip())
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _unbadged_text(cell: Inline) -> str:
    """A cell's text without its badges' alt texts (a badge names nothing)."""
    text = cell.text
    for ref in cell.links:
        if ref.badge and ref.text:
            text = text.replace(ref.text, "", 1)
    return _WS.sub(" ", text).strip()


def _names_things(table: Table, index: int) -> bool:
    """A column whose cells are words (not dates, numbers or badges only) can name the rows."""
    cells = [row.cells[index] for row in table.rows if index < len(row.cells)]
    texts = [_unbadged_text(cell) for cell in cells]
    named = [t for t in texts if t and not _DATE.match(t) and not re.fullmatch(r"[\d.,%/\s×x-]+[KMBT]?", t)]
    return bool(cells) and len(named) * 2 > len(cells)


_WS = re.compile(r"\s+")


def row_name(row: Row) -> str:
    if not row.cells:
        return ""
    first = row.cells[0]
    return (first.lead.text if first.lead and first.lead.text else _unbadged_text(first)).strip()


def checkpoint_rows(table: Table) -> bool:
    """A checkpoint table: most rows link to a Hub model and none to a paper or a repository (its rows are the
    weights of the entry above, not models or papers of their own)."""
    kinds = [{classify(ref.url).field for cell in row.cells for ref in cell.links} for row in table.rows]
    with_weights = sum(1 for fields in kinds if "checkpoint" in fields)
    return with_weights * 2 > len(kinds) and not any(fields & {"paper", "code"} for fields in kinds)
