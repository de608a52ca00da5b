"""catalog_refs: every reference with the right subject, role, file, line and key path."""

from __future__ import annotations

from pathlib import Path

from listkeeper.catalog.load import load_catalog
from listkeeper.catalog.refs import catalog_refs
from tests.catalog.helpers import CATALOG, line_of, write_catalog

FAMILY = """\
id: fam
name: Family
order: 2
entries:
  - id: one
    name: One
    papers:
      - arxiv: "2311.03079"
        title: A paper
      - {url: "https://example.org/blog", title: Blog}
    code:
      - zai-org/CogVLM
    demos:
      - space: owner/demo
      - title: Web demo
        url: "http://example.org:7861/"
    checkpoints:
      - {hf: owner/model, size: 7B}
    collections: [owner/coll-6603c50b9b43d044171d0854]
    datasets:
      - owner/data
    links:
      - title: SAT weights
        url: "https://huggingface.co/owner/model/tree/main"
"""

FIRST = """\
id: first
name: First
order: 1
entries:
  - id: zero
    name: Zero
    code: [a/b]
"""


def test_refs_have_subject_role_line_and_path(tmp_path: Path) -> None:
    folder = write_catalog(tmp_path, {"fam.yaml": FAMILY, "first.yaml": FIRST})
    refs = catalog_refs(load_catalog(folder))
    got = [
        (str(r.subject), r.role, Path(r.location.file).name, r.location.line, r.location.path, r.entry_id) for r in refs
    ]
    fam = "fam.yaml"
    assert got == [
        # rendering order: family "first" (order 1) before "fam" (order 2)
        ("gh:a/b", "code", "first.yaml", line_of(FIRST, "a/b"), "entries[0].code[0]", "zero"),
        ("arxiv:2311.03079", "paper", fam, line_of(FAMILY, "2311.03079"), "entries[0].papers[0].arxiv", "one"),
        ("url:https://example.org/blog", "paper", fam, line_of(FAMILY, "blog"), "entries[0].papers[1].url", "one"),
        ("gh:zai-org/CogVLM", "code", fam, line_of(FAMILY, "zai-org"), "entries[0].code[0]", "one"),
        ("hf:space/owner/demo", "demo", fam, line_of(FAMILY, "owner/demo"), "entries[0].demos[0].space", "one"),
        ("url:http://example.org:7861/", "demo", fam, line_of(FAMILY, ":7861"), "entries[0].demos[1].url", "one"),
        ("hf:model/owner/model", "checkpoint", fam, line_of(FAMILY, "hf:"), "entries[0].checkpoints[0].hf", "one"),
        ("hf:collection/owner/coll-6603c50b9b43d044171d0854", "collection", fam, line_of(FAMILY, "coll-"),
         "entries[0].collections[0]", "one"),
        ("hf:dataset/owner/data", "dataset", fam, line_of(FAMILY, "owner/data"), "entries[0].datasets[0]", "one"),
        ("url:https://huggingface.co/owner/model/tree/main", "link", fam, line_of(FAMILY, "tree/main"),
         "entries[0].links[0].url", "one"),
    ]  # fmt: skip


def test_every_committed_ref_points_at_the_line_that_holds_it() -> None:
    """On the real catalog: the line a reference reports contains the id or URL it refers to."""
    refs = catalog_refs(load_catalog(CATALOG))
    assert refs
    texts: dict[str, list[str]] = {}
    for ref in refs:
        lines = texts.setdefault(ref.location.file, Path(ref.location.file).read_text(encoding="utf-8").splitlines())
        assert ref.location.line is not None
        line = lines[ref.location.line - 1]
        assert ref.subject.id in line, f"{ref.location}: {ref.location.path} -> {ref.subject} not on {line!r}"
        assert ref.location.path.startswith("entries[")
