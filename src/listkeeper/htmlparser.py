"""The standard library's HTML parser, made total: whatever text it is fed, it reports events and never raises.

Python 3.11's ``html.parser`` raises ``AssertionError`` for a ``<![`` that opens no known marked section
(``<![logo](…)`` in a list's raw HTML, ``<![(``): one odd line would end a whole run. Here such a ``<![`` is
skipped like an unknown declaration and parsing goes on with the text after it (newer Pythons read it as a
bogus comment, which may swallow more; the links after it are what matter to us).
"""

from __future__ import annotations

import html.parser


class HTMLParser(html.parser.HTMLParser):
    """:class:`html.parser.HTMLParser` that does not raise on malformed ``<![`` sections."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:  # "unknown status keyword", "expected name token": text, not a section
            return i + len("<![")
