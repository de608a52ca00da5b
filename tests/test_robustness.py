"""Nothing crashes on odd Markdown: random documents put together from pieces of real lists (headings, nested
bullets, tables, badges, raw HTML, code, reference links, CRLF, wrapped targets, stray brackets) go through the
link extractor, the importer and Markdown-mode edits, which either work or refuse with their documented error;
an import keeps every URL, and an edit made once is not made again.

Seeded, so a failure names the document that shows it. It found two crashes (a malformed ``<![`` in raw HTML, a
heading made of a linked logo) and three edits that a second run would redo or refuse (a bare CR left by a
removal, a bare URL and a link to it on one line, a bare URL beside escaped brackets); each has its own test
beside its fix.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from listkeeper.errors import CatalogError, EditError, UsageError
from listkeeper.findings import Finding, Kind
from listkeeper.importer import import_bytes
from listkeeper.links.extract import extract_markdown
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.mdlist.policy import Policy
from listkeeper.subjects import Subject

PIECES = [
    "# H\n", "## Sub 👉\n", "### ![logo](https://img.example/l.png)\n", "- ", "* ", "1. ", "  ", "    ", "> ",
    "| a | b |\n|---|---|\n", "| [x](https://x.example/a) | [gh](https://github.com/o/r) |\n",
    "[t](https://a.example/p)", "<https://auto.example/>", "https://bare.example/x", "![img](https://img.example/i.png)",
    "[![b](https://img.shields.io/github/stars/o/r)](https://github.com/o/r)", '<a href="https://h.example/">h</a>',
    "<details>\n", "</details>\n", "<p>\n", "```\n", "`code https://c.example/`", "[ref]: https://ref.example/\n",
    "[ref]", "\n", "\n\n", " text ", "**bold**", "[Back ⇈](#top)", "<!-- c -->", "<![", "<s>",
    "[paper](https://arxiv.org/abs/2311.03079)", "[hf](https://huggingface.co/o/m)", "\r\n", "\t", "[", "]", "(", ")",
    "|", "<", ">", "\\", "~~", "#", "---\n", "<sup>", "</sup>", "[x](\n  https://wrap.example/\n)", "：", "。",
]  # fmt: skip
URLS = [
    "https://a.example/p", "https://x.example/a", "https://bare.example/x", "https://ref.example/",
    "https://h.example/", "https://auto.example/", "https://wrap.example/",
]  # fmt: skip
SEEDS = range(8)
CASES = 60  # documents per seed: 480 in all, about 2 s


def _documents(seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60))) for _ in range(CASES)]


def _findings(rng: random.Random) -> list[Finding]:
    found = [
        Finding(Kind.DEAD, Subject.parse("gh:o/r"), "gone"),
        Finding(Kind.MOVED, Subject.parse("hf:model/o/m"), "renamed", new_subject=Subject.parse("hf:model/n/m")),
        Finding(Kind.DEAD, Subject.parse("arxiv:2311.03079"), "withdrawn"),
    ]
    for url in rng.sample(URLS, 3):
        subject = Subject.parse("url:" + url)
        if rng.random() < 0.5:
            found.append(Finding(Kind.DEAD, subject, "404"))
        else:
            moved = Subject.parse("url:" + url.replace(".example/", ".example/new/"))
            found.append(Finding(Kind.MOVED, subject, "301", new_subject=moved))
    return found


@pytest.mark.parametrize("seed", SEEDS)
def test_the_extractor_takes_any_document(seed: int) -> None:
    for text in _documents(seed):
        for link in extract_markdown(text, "list.md"):
            assert link.line >= 1, text


@pytest.mark.parametrize("seed", SEEDS)
def test_the_importer_imports_or_refuses_and_never_loses_a_url(seed: int) -> None:
    for text in _documents(seed):
        try:
            import_bytes(text.encode("utf-8"), "list.md")  # LinksLost (a URL lost or altered) would fail here
        except (UsageError, CatalogError):
            continue


@pytest.mark.parametrize("seed", SEEDS)
def test_markdown_edits_are_made_exactly_or_refused(seed: int) -> None:
    rng = random.Random(seed)
    for text in _documents(seed):
        policy = Policy(dead=rng.choice(["mark", "comment", "remove"]))
        findings = _findings(rng)
        try:
            files, _ = edit_markdown({"list.md": text}, findings, today=date(2026, 12, 5), policy=policy)
        except (EditError, UsageError):
            continue
        if "list.md" in files:  # the edit is done once: a second run with the same findings changes nothing
            again, changes = edit_markdown(files, findings, today=date(2026, 12, 5), policy=policy)
            assert (again, changes) == ({}, []), text
