"""Raw HTML fragments → tag events, read with the standard library's HTML parser, tag by tag; comments and
attribute values that are not link targets are noted as text that is not a link."""

from __future__ import annotations

from listkeeper.htmlparser import HTMLParser

# (event, tag, attrs, line, data): event is "start", "end" or "data".
Event = tuple[str, str, dict[str, str], int, str]


class _Tags(HTMLParser):
    """Collect (event, tag, attrs, line) from an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[Event] = []
        self.unlinked: list[str] = []  # comments and attribute values that are not link targets

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, {k: v or "" for k, v in attrs}, self.getpos()[0], ""))
        target = {"a": "href", "img": "src"}.get(tag)
        self.unlinked += [v for k, v in attrs if v and k != target and "://" in v]

    def handle_comment(self, data: str) -> None:
        self.unlinked.append(data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag, {}, self.getpos()[0], ""))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", "", {}, self.getpos()[0], data))


def html_events(html: str, unlinked: list[str]) -> list[Event]:
    """The events of ``html``; comments and non-target attribute values containing a URL go to ``unlinked``."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    unlinked += parser.unlinked
    return parser.events
