"""parse_yaml: the data, the line of every key path and the syntax-level problems of one YAML text, in one pass."""

from __future__ import annotations

import pytest
import yaml

from listkeeper.catalog.yamlparse import parse_yaml

FAMILY = "id: a\nentries:\n  - id: x\n    code: [o/r, o/s]\n\n  - id: y\n"


def test_data_and_the_line_of_every_key_path() -> None:
    data, lines, problems = parse_yaml(FAMILY, "f.yaml")
    assert problems == []
    assert data == yaml.safe_load(FAMILY)
    assert lines.lines == {
        (): 1,
        ("id",): 1,
        ("entries",): 2,
        ("entries", 0): 3,
        ("entries", 0, "id"): 3,
        ("entries", 0, "code"): 4,
        ("entries", 0, "code", 0): 4,
        ("entries", 0, "code", 1): 4,
        ("entries", 1): 6,
        ("entries", 1, "id"): 6,
    }


@pytest.mark.parametrize(
    ("text", "line", "path", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "a", "duplicate key (first at line 1)"),
        ("a: &x [1]\nb: *x\n", 2, "b", "YAML alias *x is not allowed in catalog files"),
        ("a: &x [1, *x]\n", 1, "a[1]", "YAML alias *x is not allowed"),  # self-reference: found, not walked
        ("1: x\n", 1, "1", "keys must be text, but YAML read '1' as int; quote it"),
        ("a: [1\n", 2, "", "YAML syntax error: did not find expected ',' or ']'"),
        ("a: [[[[1]]]]\n", 1, "a[0][0][0]", "nested deeper than 3 levels (the limit, [limits] yaml_depth)"),
    ],
)
def test_problems_name_their_line_and_key_path(text: str, line: int, path: str, message: str) -> None:
    data, _, problems = parse_yaml(text, "f.yaml", max_depth=3)
    assert data is None
    assert [(p.file, p.line, p.path) for p in problems] == [("f.yaml", line, path)]
    assert problems[0].message.startswith(message)


def test_deep_nesting_is_a_problem_not_a_recursion_error() -> None:
    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    data, _, problems = parse_yaml(deep, "f.yaml")
    assert data is None and len(problems) == 1 and "nested deeper than" in problems[0].message


def test_explicit_tags_are_built_like_safe_load() -> None:
    text = "a: !!set {x: null}\nb: !!str 1\nc: 2026-01-02\n"
    data, lines, problems = parse_yaml(text, "f.yaml")
    assert problems == [] and data == yaml.safe_load(text)
    assert lines.lines[("b",)] == 2


def test_an_empty_text_is_no_data_and_no_problem() -> None:
    data, lines, problems = parse_yaml("", "f.yaml")
    assert data is None and lines.lines == {} and problems == []
    assert parse_yaml("# only a comment\n", "f.yaml")[0] is None
