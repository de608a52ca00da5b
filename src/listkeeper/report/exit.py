"""What a check run exits with: 3 when nothing was checked, 1 for a dead finding or a ``--fail-on`` kind, else 0
(see :class:`listkeeper.errors.ExitCode`). Decided by findings, never by raw link results."""

from __future__ import annotations

from collections.abc import Iterable

from listkeeper.errors import ExitCode, UsageError
from listkeeper.findings import Kind
from listkeeper.report.model import CheckReport


def parse_fail_on(values: Iterable[str]) -> set[Kind]:
    """``--fail-on`` values as kinds; a name that is not a finding kind is a usage error."""
    kinds = set()
    for value in values:
        try:
            kinds.add(Kind(value))
        except ValueError:
            names = ", ".join(kind.value for kind in Kind)
            raise UsageError(f"--fail-on: unknown finding kind {value!r} (one of: {names})") from None
    return kinds


def exit_code(report: CheckReport, fail_on: set[str] | frozenset[str] = frozenset()) -> ExitCode:
    """3 when nothing was checked; 1 when there is a dead finding or one of the ``fail_on`` kinds; else 0."""
    if report.nothing_checked:
        return ExitCode.NOTHING_CHECKED
    failing = {Kind.DEAD} | parse_fail_on(fail_on)
    return ExitCode.FINDINGS if any(finding.kind in failing for finding in report.findings) else ExitCode.OK
