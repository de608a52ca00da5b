"""Values as YAML tokens: every token reads back as the value it was made from, plain only where that is safe."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml

from listkeeper.catalog.yamlrender import render_flow, render_scalar, scalar_tokens

TRICKY = [
    "yes",
    "no",
    "null",
    "~",
    "1.5",
    "0x1f",
    "2026-01-01",
    "a: b",
    "# c",
    "",
    " x",
    "x ",
    "[a]",
    "a, b",
    "-",
    "@x",
]


@pytest.mark.parametrize("value", ["plain", "zai-org/CogVLM", "naïve text", "https://e.org/a?b=c", *TRICKY])
def test_render_scalar_reads_back_in_block_and_flow(value: str) -> None:
    token = render_scalar(value)
    assert yaml.safe_load(f"k: {token}\n") == {"k": value}
    assert yaml.safe_load(f"{{k: {token}}}\n") == {"k": value}
    assert yaml.safe_load(f"[{token}]\n") == [value]


@pytest.mark.parametrize("value", TRICKY)
def test_values_yaml_would_retype_are_quoted(value: str) -> None:
    assert render_scalar(value).startswith('"')


def test_plain_values_stay_plain_and_other_types_are_typed() -> None:
    assert render_scalar("zai-org/CogVLM") == "zai-org/CogVLM"
    assert [render_scalar(v) for v in (True, False, 3, 1.5, None, date(2026, 1, 2))] == [
        "true",
        "false",
        "3",
        "1.5",
        "null",
        "2026-01-02",
    ]
    with pytest.raises(TypeError, match="cannot render list as a YAML scalar"):
        render_scalar([1])


def test_render_flow_is_one_line_that_reads_back() -> None:
    value: dict[str, Any] = {"state": "dead", "since": date(2026, 1, 2), "evidence": "HTTP 404: gone, really"}
    token = render_flow(value)
    assert token == '{state: dead, since: 2026-01-02, evidence: "HTTP 404: gone, really"}'
    assert yaml.safe_load(token) == value
    nested = ["a", {"b": [1, "yes"]}]
    assert "\n" not in render_flow(nested) and yaml.safe_load(render_flow(nested)) == nested


@pytest.mark.parametrize(
    ("style", "first"),
    [(None, "new-value"), ("'", "'new-value'"), ('"', '"new-value"')],
)
def test_scalar_tokens_keep_the_original_quoting_first(style: str | None, first: str) -> None:
    tokens = scalar_tokens("new-value", style)
    assert tokens[0] == first
    assert all(yaml.safe_load(f"k: {t}\n") == {"k": "new-value"} for t in tokens)


def test_scalar_tokens_skip_styles_that_cannot_hold_the_value() -> None:
    assert scalar_tokens("it's: here", None) == ["'it''s: here'", '"it\'s: here"']
    assert scalar_tokens("two\nlines", "'") == ['"two\\nlines"']
