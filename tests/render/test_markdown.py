from __future__ import annotations

import random
import re
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.model import Catalog
from listkeeper.links.extract import extract_markdown
from listkeeper.render.anchors import Slugger
from listkeeper.render.markdown import GENERATED_NOTICE, render_catalog
from listkeeper.subjects import Endpoints
from tests.render.conftest import (
    FIXTURE,
    FIXTURE_CATALOG,
    entry,
    family,
    headings,
    hrefs,
    make_catalog,
    parse,
    plain,
    tables,
    walk,
)

DEAD = {"state": "dead", "since": date(2024, 5, 20), "evidence": "404 on 2 checks"}
NEW = {"state": "new", "since": date(2025, 1, 5), "evidence": "new repo"}


# --- golden file and determinism -------------------------------------------------------------------------------


def test_fixture_matches_golden_file(fixture_catalog: Catalog) -> None:
    expected = (FIXTURE / "README.md").read_bytes()
    assert render_catalog(fixture_catalog).encode() == expected, (
        "rendering changed; if intended, run: listkeeper render --catalog tests/fixtures/render/catalog"
        " --output tests/fixtures/render/README.md"
    )


def test_same_catalog_same_bytes(fixture_catalog: Catalog) -> None:
    assert render_catalog(fixture_catalog) == render_catalog(fixture_catalog)


def test_family_dict_order_does_not_matter(fixture_catalog: Catalog) -> None:
    expected = render_catalog(fixture_catalog)
    items = list(fixture_catalog.families.items())
    for seed in range(5):
        random.Random(seed).shuffle(items)
        assert render_catalog(Catalog(families=dict(items))) == expected


def test_file_names_and_loading_order_do_not_matter(fixture_catalog: Catalog, tmp_path: Path) -> None:
    # Same families under other file names (so they load in another order): identical output.
    for index, src in enumerate(sorted(FIXTURE_CATALOG.glob("*.yaml"), reverse=True)):
        shutil.copy(src, tmp_path / f"{index:02d}-{src.name}")
    assert render_catalog(load_catalog(tmp_path).catalog) == render_catalog(fixture_catalog)


def test_text_hygiene(fixture_catalog: Catalog) -> None:
    out = render_catalog(fixture_catalog)
    assert "\r" not in out
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert not [line for line in out.split("\n") if line != line.rstrip()]
    assert out.startswith(GENERATED_NOTICE + "\n")
    assert "listkeeper render" in out.split("\n")[0] and "catalog/" in out.split("\n")[0]


# --- order -----------------------------------------------------------------------------------------------------


def test_defined_order_and_series_grouping(fixture_catalog: Catalog) -> None:
    heads = headings(parse(render_catalog(fixture_catalog)))
    assert heads == [
        (1, "Awesome Vision-Language Models"),
        (2, "Quick Start"),
        (2, "Alpha"),
        (3, "Alpha-1"),
        (3, "Alpha-2"),
        (2, "Cog series"),
        (3, "CogAgent"),  # same order (40) → by id
        (3, "CogVLM"),
        (2, "HPT"),
    ]


def test_series_stays_together_where_its_first_family_falls() -> None:
    catalog = make_catalog(
        family("zeta", order=5),
        family("cogvlm", name="CogVLM", series="Cog series", order=10),
        family("middle", order=20),
        family("cogagent", name="CogAgent", series="Cog series", order=30),
    )
    tokens = parse(render_catalog(catalog))
    assert [h for _, h in headings(tokens)][2:] == ["zeta", "Cog series", "CogVLM", "CogAgent", "middle"]
    # Quick Start rows follow the sections.
    quick = tables(tokens)[0]
    assert [plain(row[0]) for row in quick[1:]] == ["zeta", "CogVLM", "CogAgent", "middle"]


def test_entries_and_items_keep_file_order() -> None:
    catalog = make_catalog(
        family(
            "fam",
            entry("b-second", name="Zed", checkpoints=[{"hf": "o/z2"}, {"hf": "o/a1"}], params=["9B", "1B"]),
            entry("a-first", name="Aaa", params=["1B", "70B"]),
        )
    )
    out = render_catalog(catalog)
    assert out.index("### Zed") < out.index("### Aaa")
    assert out.index("o/z2") < out.index("o/a1")
    assert "**Parameters:** 9B, 1B" in out  # the entry's own list keeps file order ...
    quick = tables(parse(out))[0]
    assert plain(quick[1][1]) == "1B/9B/70B"  # ... the Quick Start sorts the family's sizes


def test_quick_start_sizes_smallest_first() -> None:
    catalog = make_catalog(
        family(
            "fam",
            entry("a", params=["34B", "8x7B (MoE)", "7B", "<5B"]),
            entry("b", params=["0.5B", "300M", "n/a", "1.8b", "72B", "7B"]),
        )
    )
    quick = tables(parse(render_catalog(catalog)))[0]
    assert plain(quick[1][1]) == "300M/0.5B/1.8b/<5B/7B/34B/8x7B (MoE)/72B/n/a"


def test_quick_start_lists_one_checkpoint_per_entry_and_links_the_rest() -> None:
    catalog = make_catalog(
        family(
            "fam",
            entry("a", checkpoints=[{"hf": "o/a-dead", "mark": DEAD}, {"hf": "o/a-1"}, {"hf": "o/a-2"}]),
            entry("b", checkpoints=[{"hf": "o/b-dead", "mark": DEAD}]),
            entry("c"),
            entry("d", checkpoints=[{"hf": "o/d-1"}]),
            name="Fam",
        ),
        family("one", entry("one", checkpoints=[{"hf": "o/only"}])),
    )
    quick = tables(parse(render_catalog(catalog)))[0]
    # The first checkpoint not found dead stands for an entry (a dead one only when nothing else is left).
    assert hrefs(quick[1][3]) == [
        "https://huggingface.co/o/a-1",
        "https://huggingface.co/o/b-dead",
        "https://huggingface.co/o/d-1",
        "#fam",
    ]
    assert plain(quick[1][3]).endswith("· +2 more")
    assert hrefs(quick[2][3]) == ["https://huggingface.co/o/only"]  # nothing more to link to


# --- escaping --------------------------------------------------------------------------------------------------

EVIL = make_catalog(
    family(
        "evil",
        entry(
            "evil-entry",
            name="Entry **bold** <b>x</b>",
            summary="# heading\n<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png)\n\n- item\n> q",
            params=["7B|8B", "<i>9B</i>"],
            base_llms=["Llama *3*"],
            papers=[{"arxiv": "2403.18814", "title": "A | B\nC <script>", "venue": "[v](javascript:x)"}],
            demos=[{"url": 'https://demo.example/a(b)?x=1&y=<2>"q"', "title": "[x](javascript:alert(1))"}],
            checkpoints=[
                {
                    "hf": "o/m",
                    "size": "7|B",
                    "base_llm": "line\nbreak",
                    "resolution": "<img src=x onerror=alert(1)>",
                    "note": "a | b | c",
                }
            ],
            links=[{"title": "<a href='javascript:x'>t</a>", "url": "https://l.example/x|y`z"}],
        ),
        entry("other"),
        name="Evil *Family* | with pipe",
        summary="=== setext?\n\n1. list",
    )
)


def test_catalog_text_cannot_inject_markup() -> None:
    tokens = parse(render_catalog(EVIL))
    everything = walk(tokens)
    html = [t for t in everything if t.type in ("html_block", "html_inline")]
    assert [t.content.strip() for t in html] == [GENERATED_NOTICE]
    assert not [t for t in everything if t.type in ("em_open", "blockquote_open", "code_block", "fence")]
    hrefs = [str(t.attrs["href"]) for t in everything if t.type == "link_open"]
    assert all(h.startswith(("https://", "#")) for h in hrefs), hrefs
    # A browser-style parser percent-encodes what it must; the URL itself reaches it unchanged ...
    assert "https://demo.example/a(b)?x=1&y=%3C2%3E%22q%22" in hrefs
    assert "https://l.example/x%7Cy%60z" in hrefs
    # ... and the checker's parser (no normalisation) reads back every URL exactly as the catalog holds it.
    exact = {link.url for link in extract_markdown(render_catalog(EVIL), "README.md")}
    assert {'https://demo.example/a(b)?x=1&y=<2>"q"', "https://l.example/x|y`z"} <= exact
    images = [str(t.attrs["src"]) for t in everything if t.type == "image"]
    assert all(src.startswith("https://img.shields.io/badge/") for src in images)
    # Only the generated headings: the summary's "# heading" and "===" stayed text.
    assert [h for _, h in headings(tokens)] == [
        "Awesome Vision-Language Models",
        "Quick Start",
        "Evil *Family* | with pipe",
        "Entry **bold** <b>x</b>",
        "other",
    ]
    # Bullet lists only where the renderer makes them (facts, papers, demos, links), never from the summary.
    list_items = [plain(tokens[i + 2]) for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert "item" not in list_items
    assert not [t for t in everything if t.type == "ordered_list_open"]


def test_tables_keep_their_shape() -> None:
    found = tables(parse(render_catalog(EVIL)))
    quick, checkpoints = ([[plain(cell) for cell in row] for row in table] for table in found)
    assert [len(r) for r in quick] == [5, 5]
    assert quick[1][0] == "Evil *Family* | with pipe"
    assert quick[1][1] == "7B|8B/<i>9B</i>"
    assert quick[1][2] == "[x](javascript:alert(1))"
    assert [len(r) for r in checkpoints] == [5, 5]
    assert checkpoints[1] == ["o/m", "7|B", "line break", "<img src=x onerror=alert(1)>", "a | b | c"]


def test_summary_text_survives_escaping() -> None:
    tokens = parse(render_catalog(EVIL))
    paragraphs = [plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    assert "# heading <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png)" in paragraphs
    assert "=== setext?" in paragraphs and "1. list" in paragraphs


# --- links, badges, endpoints ----------------------------------------------------------------------------------


def _badges(tokens: list) -> list[tuple[str, str, str]]:
    """(alt, image src, link href) of every image link."""
    out = []
    flat = walk(tokens)
    for i, tok in enumerate(flat):
        if tok.type == "image":
            link_open = flat[i - 1]
            assert link_open.type == "link_open"
            out.append((plain(tok), str(tok.attrs["src"]), str(link_open.attrs["href"])))
    return out


def test_arxiv_badge_label_matches_its_link() -> None:
    catalog = make_catalog(
        family(
            "f",
            entry("f", papers=[{"arxiv": "2311.03079"}, {"arxiv": "cs/0701001v2"}, {"arxiv": "2403.18814v3"}]),
        )
    )
    badges = [b for b in _badges(parse(render_catalog(catalog))) if "/badge/arXiv-" in b[1]]
    assert len(badges) == 3
    for alt, src, href in badges:
        message = unquote(src.split("/badge/")[1]).split("-")[1]
        linked = href.removeprefix("https://arxiv.org/abs/")
        assert message == linked, (src, href)
        assert alt == f"arXiv {linked}"
    assert [b[2] for b in badges] == [
        "https://arxiv.org/abs/2311.03079",
        "https://arxiv.org/abs/cs/0701001v2",
        "https://arxiv.org/abs/2403.18814v3",
    ]


def test_badges_per_repo_collection_and_space() -> None:
    catalog = make_catalog(
        family(
            "f",
            entry(
                "f",
                code=["org-a/repo_one", "org-b/two"],
                collections=["o/my-coll-6603c50b9b43d044171d0854"],
                demos=[{"space": "o/space-1"}, {"url": "https://d.example/"}, {"space": "o/gone", "mark": DEAD}],
            ),
        )
    )
    badges = _badges(parse(render_catalog(catalog)))
    assert [(alt, href) for alt, _, href in badges] == [
        ("GitHub org-a/repo_one", "https://github.com/org-a/repo_one"),
        ("GitHub org-b/two", "https://github.com/org-b/two"),
        ("Hugging Face collection o/my-coll", "https://huggingface.co/collections/o/my-coll-6603c50b9b43d044171d0854"),
        ("Hugging Face Space o/space-1", "https://huggingface.co/spaces/o/space-1"),
    ]
    github_src = badges[0][1]
    assert github_src.startswith("https://img.shields.io/badge/GitHub-org--a%2Frepo__one-")


def test_model_badge_only_without_a_collection() -> None:
    catalog = make_catalog(
        family(
            "f",
            entry("a", checkpoints=[{"hf": "o/dead", "mark": DEAD}, {"hf": "o/Model_1"}, {"hf": "o/m2"}]),
            entry("b", checkpoints=[{"hf": "o/b"}], collections=["o/c-6603c50b9b43d044171d0854"]),
            entry("c", checkpoints=[{"hf": "o/gone", "mark": DEAD}]),
            entry("d"),
        )
    )
    badges = _badges(parse(render_catalog(catalog)))
    assert badges == [
        (
            "Hugging Face model o/Model_1",
            "https://img.shields.io/badge/%F0%9F%A4%97%20Model-o%2FModel__1-orange",
            "https://huggingface.co/o/Model_1",
        ),
        (
            "Hugging Face collection o/c",
            "https://img.shields.io/badge/%F0%9F%A4%97%20Collection-o%2Fc-yellow",
            "https://huggingface.co/collections/o/c-6603c50b9b43d044171d0854",
        ),
    ]


def test_other_endpoints_change_every_link(fixture_catalog: Catalog) -> None:
    endpoints = Endpoints(hf="http://127.0.0.1:1/hub/", arxiv="http://127.0.0.1:2", github="http://127.0.0.1:3")
    out = render_catalog(fixture_catalog, endpoints=endpoints)
    assert "huggingface.co" not in out and "arxiv.org" not in out and "github.com" not in out
    hrefs = {str(t.attrs["href"]) for t in walk(parse(out)) if t.type == "link_open"}
    assert "http://127.0.0.1:1/hub/alpha-org/Alpha-7B" in hrefs
    assert "http://127.0.0.1:1/hub/spaces/THUDM/CogVLM-CogAgent" in hrefs
    assert "http://127.0.0.1:1/hub/datasets/alpha-org/Alpha-Instruct" in hrefs
    assert "http://127.0.0.1:2/abs/2311.03079" in hrefs
    assert "http://127.0.0.1:3/zai-org/CogVLM" in hrefs


def test_quick_start_row(fixture_catalog: Catalog) -> None:
    quick = tables(parse(render_catalog(fixture_catalog)))[0]
    assert [plain(c) for c in quick[0]] == ["Model", "Parameters", "Demo", "Checkpoints", "Details"]
    alpha = quick[1]
    assert [plain(c) for c in alpha[:2]] == ["Alpha", "7B/13B/34B"]
    assert hrefs(alpha[2]) == ["https://huggingface.co/spaces/alpha-org/alpha-demo", "http://198.51.100.7:7860/"]
    # Collections win over checkpoints ...
    assert hrefs(alpha[3]) == ["https://huggingface.co/collections/alpha-org/alpha-6603c50b9b43d044171d0854"]
    assert hrefs(alpha[4]) == ["#alpha"]
    # ... and without one, the checkpoints are listed.
    cogvlm = next(row for row in quick if plain(row[0]) == "CogVLM")
    assert hrefs(cogvlm[3]) == ["https://huggingface.co/zai-org/cogvlm-chat-hf"]
    assert hrefs(cogvlm[4]) == ["#cogvlm"]


# --- marks -----------------------------------------------------------------------------------------------------


def test_marks_render_visibly() -> None:
    catalog = make_catalog(
        family(
            "f",
            entry(
                "f",
                papers=[{"arxiv": "2311.03079", "mark": DEAD}, {"arxiv": "2312.08914", "mark": NEW}],
                checkpoints=[{"hf": "o/dead-ckpt", "mark": DEAD}, {"hf": "o/new-ckpt", "mark": NEW}],
                links=[{"title": "Gone", "url": "https://gone.example/", "mark": DEAD}],
            ),
            entry("g", mark=NEW),
            entry("h", mark=DEAD),
        )
    )
    out = render_catalog(catalog)
    assert "~~[arXiv:2311.03079](https://arxiv.org/abs/2311.03079)~~ (dead since 2024-05-20)" in out
    assert "[arXiv:2312.08914](https://arxiv.org/abs/2312.08914) 🆕 new, awaiting review" in out
    assert "~~[o/dead-ckpt](https://huggingface.co/o/dead-ckpt)~~ (dead since 2024-05-20)" in out
    assert "[o/new-ckpt](https://huggingface.co/o/new-ckpt) 🆕 new, awaiting review" in out
    assert "~~[Gone](https://gone.example/)~~ (dead since 2024-05-20)" in out
    assert "### g\n\n🆕 new, awaiting review" in out
    assert "### h\n\n~~h~~ (dead since 2024-05-20)" in out
    # A dead paper keeps its list line but loses its badge; the new one keeps both. Likewise the model badge
    # goes to the first checkpoint not found dead.
    badges = _badges(parse(out))
    assert [b[2] for b in badges] == ["https://arxiv.org/abs/2312.08914", "https://huggingface.co/o/new-ckpt"]
    # Strikethrough really parses as strikethrough around the link.
    flat = walk(parse(out))
    struck = [(flat[i + 1].type, flat[i + 1].attrs.get("href")) for i, t in enumerate(flat) if t.type == "s_open"]
    assert struck == [
        ("text", None),  # the legend (the Quick Start shows the live checkpoint, o/new-ckpt)
        ("link_open", "https://arxiv.org/abs/2311.03079"),
        ("link_open", "https://huggingface.co/o/dead-ckpt"),
        ("link_open", "https://gone.example/"),
        ("text", None),  # the dead entry's name
    ]
    # Evidence is for pull requests, not for the list.
    assert "404 on 2 checks" not in out


# --- anchors ---------------------------------------------------------------------------------------------------


def _anchor_targets(out: str) -> tuple[list[str], list[str]]:
    tokens = parse(out)
    slugger = Slugger()
    anchors = [slugger.slug(text) for _, text in headings(tokens)]
    links = [str(t.attrs["href"])[1:] for t in walk(tokens) if t.type == "link_open" and t.attrs["href"][0] == "#"]
    return anchors, links


def test_anchors_unique_and_every_details_link_resolves() -> None:
    catalog = make_catalog(
        family("qs", name="Quick Start", order=1),
        family("same-a", name="Same", order=2),
        family("same-b", name="Same", order=3),
        family("cog", entry("cog", name="Cog"), entry("cog2", name="Cog 2"), name="Cog", series="Cog", order=4),
        family("emoji", name="Emoji 🚀 (Model)", order=5),
    )
    out = render_catalog(catalog)
    anchors, links = _anchor_targets(out)
    assert len(anchors) == len(set(anchors))
    assert links == ["quick-start-1", "same", "same-1", "cog-1", "emoji--model"]
    assert set(links) <= set(anchors)
    heads = headings(parse(out))
    # Each Details link lands on the heading of its own family.
    for target, name in zip(links, ["Quick Start", "Same", "Same", "Cog", "Emoji 🚀 (Model)"], strict=True):
        assert heads[anchors.index(target)][1] == name


def test_fixture_anchors(fixture_catalog: Catalog) -> None:
    anchors, links = _anchor_targets(render_catalog(fixture_catalog))
    assert len(anchors) == len(set(anchors))
    assert links == ["alpha", "cogagent", "cogvlm", "hpt"]


@pytest.mark.parametrize("name", ["A *b*", "x_y_z", "C# [1]", "a | b"])
def test_heading_text_is_the_name(name: str) -> None:
    out = render_catalog(make_catalog(family("f", name=name)))
    assert headings(parse(out))[2] == (2, name)
    assert re.search(r"\]\(#[^)]*\)", out)


def test_what_the_list_states_is_shown_as_small_marks() -> None:
    papers = [
        {"arxiv": "2403.18814", "version": 2, "title": "Mini-Gemini"},
        {"arxiv": "2311.03079v1", "title": "CogVLM", "withdrawn": "Error in | Table 2."},
    ]
    code = ["zai-org/CogVLM", {"repo": "dvlab-research/MGM", "release": "v1.1", "license": "Apache-2.0"}]
    code += [{"repo": "THUDM/CogAgent", "archived": True}]
    checkpoints = [{"hf": "zai-org/cogvlm-chat-hf", "license": "apache-2.0"}]
    text = render_catalog(make_catalog(family("mgm", entry("mgm", papers=papers, code=code, checkpoints=checkpoints))))
    assert "(arXiv 2403.18814, v2)" in text
    assert "(arXiv 2311.03079v1) ⚠️ withdrawn: Error in \\| Table 2." in text
    assert "[dvlab-research/MGM](https://github.com/dvlab-research/MGM) (release v1.1, license Apache-2.0)" in text
    assert "[THUDM/CogAgent](https://github.com/THUDM/CogAgent) (🗄️ archived)" in text
    assert "zai-org/CogVLM](https://github.com/zai-org/CogVLM) (" not in text  # a bare repo: its badge only
    assert "(license apache-2.0)" in text
