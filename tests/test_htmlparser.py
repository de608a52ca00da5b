"""The HTML parser listkeeper reads raw HTML with (:mod:`listkeeper.htmlparser`) never raises, and the link
extractor, the importer and Markdown-mode edits go on past a malformed ``<![`` (a crash, exit 4, found by fuzzing)."""

from __future__ import annotations

from datetime import date

import pytest

from listkeeper.findings import Finding, Kind
from listkeeper.htmlparser import HTMLParser
from listkeeper.importer import import_bytes
from listkeeper.links.extract import extract_markdown
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.subjects import Subject

# An HTML block (it starts with <p>) holding a "<![" that opens no marked section, then a real link.
ODD = '# Tools\n\n<p>\n<![logo](https://img.example/i.png) <a href="https://a.example/">site</a>\n</p>\n'


class Starts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


@pytest.mark.parametrize("text", ["<![logo](x) <a href=y>", "<s>\n<![(", "<![ <b>", "<![CDATA[x]]><i>", "<![if x]><u>"])
def test_malformed_marked_sections_are_skipped_and_parsing_goes_on(text: str) -> None:
    parser = Starts()
    parser.feed(text)
    parser.close()
    assert parser.tags and parser.tags[-1] in {"a", "s", "b", "i", "u"}


def test_the_extractor_finds_the_link_after_it() -> None:
    assert [link.url for link in extract_markdown(ODD, "list.md")] == ["https://a.example/"]


def test_the_importer_keeps_the_link_after_it() -> None:
    result = import_bytes(ODD.encode(), "list.md")
    assert "https://a.example/" in "".join(str(family.model_dump()) for family in result.families)


def test_markdown_mode_edits_the_link_after_it() -> None:
    dead = Finding(Kind.DEAD, Subject.parse("url:https://a.example/"), "404", {})
    files, changes = edit_markdown({"list.md": ODD}, [dead], today=date(2026, 12, 5))
    assert len(changes) == 1 and "https://a.example/" in files["list.md"]
