"""``check.remap``: the URL actually requested for a public one (first matching ``(regex, replacement)`` wins),
and back: a redirect target on a remapped host is reported in its public form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    replacement: str
    prefix: str | None  # the literal public prefix when the rule is a simple prefix rewrite (invertible)


_LITERAL = re.compile(r"(?:\\.|[^\\.^$*+?{}\[\]|()]|\.)*")


def _literal_prefix(pattern: str, replacement: str) -> str | None:
    if not pattern.startswith("^") or "\\" in replacement or "\\g<" in replacement:
        return None
    body = pattern[1:]
    if not _LITERAL.fullmatch(body) or re.search(r"\\[A-Za-z0-9]", body):
        return None
    return re.sub(r"\\(.)", r"\1", body)


class Remapper:
    """Apply ``config.remap`` (first match wins) and invert simple prefix rules for reporting."""

    def __init__(self, rules: Iterable[tuple[str, str]]) -> None:
        self.rules = [_Rule(re.compile(p), r, _literal_prefix(p, r)) for p, r in rules]

    def forward(self, url: str) -> str:
        for rule in self.rules:
            if rule.pattern.search(url):
                return rule.pattern.sub(rule.replacement, url, count=1)
        return url

    def covers(self, url: str) -> bool:
        return any(rule.pattern.search(url) for rule in self.rules)

    def public(self, url: str) -> str:
        """The public form of a requested URL (inverse of the first invertible rule whose target prefixes it)."""
        for rule in self.rules:
            if rule.prefix is not None and rule.replacement and url.startswith(rule.replacement):
                return rule.prefix + url[len(rule.replacement) :]
        return url
