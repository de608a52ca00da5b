"""The link account scans the raw text on its own, so a link the parser does not see is lost, not "0 lost"."""

from __future__ import annotations

from pathlib import Path

import pytest

from listkeeper.cli import run
from listkeeper.errors import ListkeeperError
from listkeeper.importer import run_import
from listkeeper.importer.account import account


def test_links_nested_deeper_than_the_parser_reads_are_reported_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "> " * 5000 + "[hidden](https://deep.example/quote)\n"
    items = "".join("  " * i + f"- item [l{i}](https://deep.example/item/{i})\n" for i in range(2000))
    source = tmp_path / "deep.md"
    source.write_text("# Deep\n\n## Links\n\n- [shallow](https://ok.example/)\n\n" + deep + "\n" + items, "utf-8")
    with pytest.raises(ListkeeperError) as raised:
        run_import(source, tmp_path / "out")
    message = str(raised.value)
    assert "deep.md:7: https://deep.example/quote" in message  # named with its line, never counted as kept
    assert "deep.md:18: https://deep.example/item/9" in message
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    capsys.readouterr()
    assert run(["import", str(source), "--out", str(tmp_path / "out")]) != 0


def test_account_buckets_kept_altered_lost_and_not_links() -> None:
    text = (
        "[a](https://a.example/x) and (https://b.example/y). "  # kept; kept despite the closing parenthesis
        "[pdf](https://arxiv.org/pdf/2311.03079.pdf) "  # the catalog holds only the abs form: altered
        "[gone](https://c.example/) "  # not held: lost
        "`https://code.example/` "  # code: not a link
        "[t](https://d.example/a\\_b)\n"  # an escaped underscore: the URL is a_b
    )
    held = {"https://a.example/x", "https://b.example/y", "https://arxiv.org/abs/2311.03079", "https://d.example/a_b"}
    counted = account(text, ["https://code.example/"], held)
    assert counted.kept == 3
    assert [(o.url, o.held) for o in counted.altered] == [
        ("https://arxiv.org/pdf/2311.03079.pdf", "https://arxiv.org/abs/2311.03079")
    ]
    assert [(o.url, o.line) for o in counted.lost] == [("https://c.example/", 1)]
    assert counted.not_links == 1


def test_reference_definitions_and_titles_are_not_links_of_their_own(tmp_path: Path) -> None:
    source = tmp_path / "refs.md"
    source.write_text(
        "# L\n\n## M\n\n- [Model][m] - a model.\n\n"
        '[m]: https://m.example/ "mirror at https://mirror.example/"\n'
        "[unused]: https://unused.example/\n",
        encoding="utf-8",
    )
    counted = run_import(source, tmp_path / "out").account
    assert (counted.kept, counted.lost, counted.not_links) == (1, (), 2)
