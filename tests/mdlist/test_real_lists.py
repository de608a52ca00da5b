"""Markdown-mode edits on excerpts of real awesome lists (sources in tests/fixtures/README.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from listkeeper.errors import EditError
from listkeeper.evidence import DeadMemory
from listkeeper.findings import Finding, Kind
from listkeeper.links.extract import extract_markdown
from listkeeper.mdlist.edit import edit_markdown
from listkeeper.mdlist.policy import DeadPolicy, Policy
from listkeeper.subjects import Subject

REAL = Path(__file__).resolve().parent.parent / "fixtures" / "real"
TODAY = date(2026, 12, 5)
NOTE = "<!-- listkeeper: dead since 2026-11-28 -->"


def dead(url: str) -> Finding:
    memory = DeadMemory.from_json({"first_seen": "2026-11-28T02:00:00+00:00"})
    return Finding(Kind.DEAD, Subject("url", url), "HTTP 404", {"status": 404, "memory": memory}, ())


def forms(text: str) -> list[tuple[str, str]]:
    return [(link.url, link.kind) for link in extract_markdown(text, "README.md")]


@pytest.mark.parametrize("mode", ["mark", "comment"])
def test_a_dead_link_whose_destination_wraps_gets_its_note_after_the_link_not_inside_it(mode: DeadPolicy) -> None:
    # PaddlePaddle/awesome-DeepLearning ends a link's destination on the next line: "(https://…/1297\n    )".
    # The note used to go at the end of the first line, inside the destination: the link became plain text.
    text = (REAL / "paddle-awesome-deeplearning-wrapped-link.md").read_text(encoding="utf-8")
    url = "https://aistudio.baidu.com/aistudio/course/introduce/1297"
    out, changes = edit_markdown({"README.md": text}, [dead(url)], policy=Policy(dead=mode), today=TODAY)
    new = out["README.md"]
    assert [(c.line, c.op) for c in changes] == [(3, "mark")]
    assert new == text.replace("\n    )**", f"\n    ) {NOTE}**", 1)
    assert forms(new) == forms(text) == [(url, "inline")]
    again, _ = edit_markdown({"README.md": new}, [dead(url)], policy=Policy(dead=mode), today=TODAY)
    assert again == {}


def test_a_destination_written_after_a_space_is_marked_like_any_link() -> None:
    # frutik/awesome-search writes "[…]( https://radimrehurek.com/…)": the mark wraps the link (it fell back to a
    # comment at the end of the line).
    text = (REAL / "frutik-awesome-search-spaced-destination.md").read_text(encoding="utf-8")
    url = "https://radimrehurek.com/gensim/models/phrases.html"
    out, _ = edit_markdown({"README.md": text}, [dead(url)], policy=Policy(dead="mark"), today=TODAY)
    line = out["README.md"].split("\n")[2]
    assert line.startswith("* ~~[Automatically detect common phrases")
    assert line.endswith(f"]( {url})~~ (dead since 2026-11-28)")
    assert forms(out["README.md"]) == forms(text)


def test_an_edit_that_turns_a_link_into_text_is_refused_even_when_its_url_stays() -> None:
    # "\[text](url)" is text with a bare URL in it: the same URLs, but the link is gone.
    text = "# L\n\n- [Gone](https://gone.example/x)\n"
    policy = Policy(dead="mark", mark="\\{link}")
    assert [url for url, _ in forms("- \\[Gone](https://gone.example/x)\n")] == ["https://gone.example/x"]
    with pytest.raises(EditError, match=r"^R\.md:3: the edit would change other links than intended"):
        edit_markdown({"R.md": text}, [dead("https://gone.example/x")], policy=policy, today=TODAY)


def test_a_dead_arxiv_paper_is_marked_where_the_list_links_it() -> None:
    # lyc61c/Awesome-Multimodal-Table-Understanding links papers by their arXiv abs URL in table rows. check asks
    # arXiv about exactly that URL and reports a paper arXiv does not know as dead arxiv:ID; update did not mark it.
    text = (REAL / "lyc61c-table-understanding-paper-table.md").read_text(encoding="utf-8")
    finding = Finding(Kind.DEAD, Subject("arxiv", "2412.12827"), "absent", {"reason": "absent from id_list feed"}, ())
    out, changes = edit_markdown({"README.md": text}, [finding], policy=Policy(dead="mark"), today=TODAY)
    assert [(c.line, c.op, c.old) for c in changes] == [(7, "mark", "https://arxiv.org/abs/2412.12827")]
    new_lines, old_lines = out["README.md"].split("\n"), text.split("\n")
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [6]
    assert new_lines[6].startswith(
        "| 2024 | **~~[TabSniper: Towards Accurate Table Detection and Structure Recognition for Bank Statements]"
        "(https://arxiv.org/abs/2412.12827)~~ (dead since 2026-12-05)** | CODS-COMAD |"
    )
    # Another paper's URL that only starts with the same id is not this paper.
    other = text.replace("2404.10305", "2412.128270")
    _, changes = edit_markdown({"README.md": other}, [finding], policy=Policy(dead="mark"), today=TODAY)
    assert [c.old for c in changes] == ["https://arxiv.org/abs/2412.12827"]


def test_remove_takes_a_row_only_for_the_link_that_names_it() -> None:
    # PaddlePaddle/awesome-DeepLearning lists six videos in one table cell. One dead video used to take the whole
    # row, and its five live links, with it; the dead link is marked instead. A row whose first (naming) link is dead
    # still goes whole, as documented.
    text = (REAL / "paddle-awesome-deeplearning-course-table.md").read_text(encoding="utf-8")
    second = "https://www.bilibili.com/video/BV1HB4y1A73b"
    lead = "https://aistudio.baidu.com/aistudio/course/introduce/16651"
    out, changes = edit_markdown(
        {"README.md": text}, [dead(second), dead(lead)], policy=Policy(dead="remove"), today=TODAY
    )
    assert [(c.line, c.op, c.reason) for c in changes] == [
        (5, "remove", "dead"),
        (9, "mark", "dead; not the link that names its list item or table row, so marked"),
    ]
    old_lines, new_lines = text.split("\n"), out["README.md"].split("\n")
    assert new_lines == [
        *old_lines[:4],
        *old_lines[5:8],
        old_lines[8].replace(
            f"[PaddleX目标检测任务详解]({second})", f"~~[PaddleX目标检测任务详解]({second})~~ (dead since 2026-11-28)"
        ),
        *old_lines[9:],
    ]
    assert {url for url, _ in forms(out["README.md"])} == {url for url, _ in forms(text)} - {lead}


def test_remove_keeps_an_item_whose_first_link_is_one_part_of_a_series() -> None:
    # frutik/awesome-search: "* A closer look into the spell correction problem: [1](…), [2](…), [3](…), [preDict](…)".
    # Part 1 dead must not take parts 2, 3 and preDict with it: the item is named by its text, not by that link.
    # An item whose only link is dead goes ("* Peter Norvig. ["How to Write a Spelling Corrector"](…). …").
    text = (REAL / "frutik-awesome-search-series-item.md").read_text(encoding="utf-8")
    part1 = "https://medium.com/@searchhub.io/a-closer-look-into-the-spell-correction-problem-part-1-a6795bbf7112"
    norvig = "http://norvig.com/spell-correct.html"
    out, changes = edit_markdown(
        {"README.md": text}, [dead(part1), dead(norvig)], policy=Policy(dead="remove"), today=TODAY
    )
    assert [(c.line, c.op) for c in changes] == [(3, "remove"), (6, "mark")]
    new = out["README.md"]
    assert "Peter Norvig" not in new and f"~~[1]({part1})~~ (dead since 2026-11-28), [2](" in new
    assert {url for url, _ in forms(new)} == {url for url, _ in forms(text)} - {norvig}
