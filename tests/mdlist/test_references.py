"""Reference definitions and the uses of their labels."""

from __future__ import annotations

from listkeeper.mdlist.references import definitions, norm_label, reference_spans


def test_definitions_outside_code_with_their_url_span() -> None:
    lines = ['[Ref One]: <https://r.example> "t"', "```", "[c]: https://c.example", "```", "> - [q]: https://q.example"]
    found = definitions(lines, code_lines={1, 2, 3})
    assert found == [(0, "Ref One", 12, 29), (4, "q", 9, 26)]
    assert [lines[i][s:e] for i, _label, s, e in found] == ["https://r.example", "https://q.example"]


def test_uses_of_a_label_in_every_reference_form_but_not_inline_links() -> None:
    line = "[text][ref one] [Ref  One][] [ref one] [other] [ref one](https://x.example)"
    spans = reference_spans(line, {norm_label("Ref One")})
    assert [line[s:e] for s, e in spans] == ["[text][ref one]", "[Ref  One][]", "[ref one]"]
