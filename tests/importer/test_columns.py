"""What a table's columns hold: the naming column, roles from headers, facts, and checkpoint tables."""

from __future__ import annotations

from listkeeper.importer.columns import Columns, checkpoint_rows
from listkeeper.importer.drafts import EntryDraft
from listkeeper.importer.model import Table
from listkeeper.importer.parse import parse


def _table(text: str) -> Table:
    (table,) = parse(text).root.blocks
    assert isinstance(table, Table)
    return table


PAPERS = _table(
    "| Date | Title | Venue | Org | License | Paper | Demo | Project |\n|---|---|---|---|---|---|---|---|\n"
    "| 2024-03-05 | [Great Paper](https://arxiv.org/abs/2403.00001) | CVPR 2024 | Lab | MIT "
    "| [pdf](https://arxiv.org/pdf/2403.00001) | [d](https://huggingface.co/spaces/o/d) | [p](https://p.example) |\n"
    "| Mar 2024 | Other | | | | | | |\n"
)


def test_headers_give_roles_and_the_title_column_names_the_rows() -> None:
    columns = Columns.of(PAPERS)
    assert columns.naming == 1 and columns.titled
    assert columns.roles == {0: "date", 2: "venue", 3: "org", 4: "license", 5: "paper", 6: "demo", 7: "page"}
    row = PAPERS.rows[0]
    name = columns.name(row)
    assert name == "Great Paper" and columns.paper_title(row, name) == "Great Paper"
    assert columns.link_title(row, 5, name) == "Great Paper (Paper)" and columns.link_title(row, 1, name) == name
    assert [columns.label(i) for i in (1, 5, 6, 7)] == [None, "paper", "demo", "link"]


def test_a_full_date_is_the_release_day_and_any_other_date_is_kept_as_written() -> None:
    columns = Columns.of(PAPERS)
    dated, loose = EntryDraft("a"), EntryDraft("b")
    columns.facts(PAPERS.rows[0], dated)
    columns.facts(PAPERS.rows[1], loose)
    assert dated.released is not None and dated.released.isoformat() == "2024-03-05"
    assert dated.facts == {"venue": "CVPR 2024", "org": "Lab", "license": "MIT"}
    assert (loose.released, loose.facts) == (None, {"when": "Mar 2024"})


def test_without_a_name_header_the_first_column_of_words_names_the_rows_never_dates_or_badges() -> None:
    table = _table(
        "| When | Thing | Size |\n|---|---|---|\n"
        "| 2023 | [A ![Star](https://img.shields.io/github/stars/o/a)](https://a.example) | 7B |\n| 2022 | B | 13B |\n"
    )
    columns = Columns.of(table)
    assert columns.naming == 1 and not columns.titled
    assert [columns.name(row) for row in table.rows] == ["A", "B"]


def test_a_checkpoint_table_links_mostly_weights_and_no_papers_or_code() -> None:
    weights = "| a |\n|---|\n| [x](https://huggingface.co/o/x) |\n| [y](https://huggingface.co/o/y) |\n"
    assert checkpoint_rows(_table(weights))
    papers = "| a | b |\n|---|---|\n| [x](https://huggingface.co/o/x) | [p](https://arxiv.org/abs/2401.00001) |\n"
    assert not checkpoint_rows(_table(papers))
