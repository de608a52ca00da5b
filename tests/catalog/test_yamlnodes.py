"""Where things are in a YAML text: nodes at key paths, where a node's own text ends, lines and their endings, and
the block-list layout, all as offsets into the text."""

from __future__ import annotations

import re

import pytest
import yaml

from listkeeper.catalog.yamlnodes import (
    after_line,
    compose,
    content_end,
    dash_column,
    line_end,
    line_ending,
    line_start,
    locate,
    sequence_offset,
)
from listkeeper.errors import EditError

TEXT = "id: a\nentries:\n  - id: x\n    code: [o/r, o/s]  # two\n\n  - id: y\n"


def span(node: yaml.Node) -> str:
    return TEXT[node.start_mark.index : node.end_mark.index]


def test_locate_finds_the_node_its_key_and_its_parent() -> None:
    root = compose(TEXT, "f.yaml")
    found = locate(root, ("entries", 0, "code", 1), "f.yaml")
    assert span(found.node) == "o/s" and found.key is None
    assert isinstance(found.parent, yaml.SequenceNode) and found.parent.flow_style
    keyed = locate(root, ("entries", 1, "id"), "f.yaml")
    assert span(keyed.node) == "y" and keyed.key is not None and keyed.key.value == "id"


@pytest.mark.parametrize(
    ("path", "missing"),
    [(("entries", 5), "entries[5]"), (("entries", 0, "nope"), "entries[0].nope"), (("id", 0), "id[0]")],
)
def test_a_missing_key_path_names_where_it_stops(path: tuple[str | int, ...], missing: str) -> None:
    with pytest.raises(EditError, match=re.escape(f"no such key path (missing at {missing})")):
        locate(compose(TEXT, "f.yaml"), path, "f.yaml")


def test_compose_refuses_empty_and_invalid_text() -> None:
    with pytest.raises(EditError, match=r"f\.yaml: cannot edit an empty file"):
        compose("", "f.yaml")
    with pytest.raises(EditError, match=r"f\.yaml: cannot edit, the file is not valid YAML"):
        compose("a: [1\n", "f.yaml")


def test_content_end_stops_before_trailing_comments_and_blank_lines() -> None:
    entry = locate(compose(TEXT, "f.yaml"), ("entries", 0), "f.yaml").node
    assert span(entry).endswith("\n\n  ")  # the block node's own span swallows what follows it
    assert TEXT[: content_end(TEXT, entry)].endswith("code: [o/r, o/s]")


def test_lines_and_their_endings() -> None:
    crlf = "a: 1\r\nb: 2\r\nc: 3"
    assert (line_start(crlf, 8), line_end(crlf, 8), after_line(crlf, 8)) == (6, 10, 12)
    assert line_end(crlf, 13) == len(crlf) and after_line(crlf, 13) == len(crlf)  # the last line has no break
    assert line_ending(crlf, 0) == "\r\n"
    assert line_ending("a\nb\r\n", 0) == "\n"  # the ending of the line at the position
    assert line_ending("no break", 0) == "\n"
    assert line_ending("a\r\nlast", 4) == "\r\n"  # no break after it: the file's first


def test_block_list_layout() -> None:
    root = compose(TEXT, "f.yaml")
    item = locate(root, ("entries", 1), "f.yaml").node
    assert dash_column(TEXT, item, "f.yaml", ("entries", 1)) == 2
    assert sequence_offset(TEXT, root) == 2
    flush = "entries:\n- id: x\n"
    assert sequence_offset(flush, compose(flush, "f.yaml")) == 0
    assert sequence_offset("a: [x]\n", compose("a: [x]\n", "f.yaml")) == 2  # no block list: the usual 2
    odd = "entries:\n  -\n    id: x\n"
    with pytest.raises(EditError, match="unsupported layout"):
        dash_column(odd, locate(compose(odd, "f.yaml"), ("entries", 0), "f.yaml").node, "f.yaml", ("entries", 0))
