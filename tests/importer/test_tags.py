"""Raw HTML fragments → tag events, and the URLs in them that are not link targets."""

from __future__ import annotations

from listkeeper.importer.tags import html_events


def test_events_carry_tags_attributes_lines_and_data() -> None:
    unlinked: list[str] = []
    events = html_events('<a href="https://a.example">A<br/>\nB</a>', unlinked)
    assert events == [
        ("start", "a", {"href": "https://a.example"}, 1, ""),
        ("data", "", {}, 1, "A"),
        ("start", "br", {}, 1, ""),
        ("data", "", {}, 1, "\nB"),
        ("end", "a", {}, 2, ""),
    ]
    assert unlinked == []


def test_comments_and_non_target_attributes_with_urls_are_unlinked() -> None:
    unlinked: list[str] = []
    html_events(
        '<!-- see https://c.example --><img src="https://i.example/x.png" data-src="https://d.example/y.png">'
        '<a title="https://t.example" href="https://h.example">x</a>',
        unlinked,
    )
    assert unlinked == [" see https://c.example ", "https://d.example/y.png", "https://t.example"]
