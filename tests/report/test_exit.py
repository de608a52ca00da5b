"""The exit code of a check: findings decide, --fail-on adds kinds, nothing checked wins."""

from __future__ import annotations

from dataclasses import replace

import pytest

from listkeeper.errors import UsageError
from listkeeper.findings import Finding, Kind
from listkeeper.report.exit import exit_code
from listkeeper.report.model import CheckReport
from listkeeper.subjects import url
from tests.report.samples import sample_report


def _only(*kinds: Kind) -> CheckReport:
    return sample_report(findings=[Finding(kind, url(f"https://{kind}.example/"), str(kind)) for kind in kinds])


@pytest.mark.parametrize(
    ("kinds", "fail_on", "expected"),
    [
        ((), set(), 0),
        ((Kind.SUSPECT, Kind.BLOCKED, Kind.GATED), set(), 0),
        ((Kind.DEAD,), set(), 1),
        ((Kind.MOVED,), set(), 0),
        ((Kind.MOVED,), {"moved"}, 1),
        ((Kind.SUSPECT,), {"moved", "suspect"}, 1),
    ],
)
def test_exit_code(kinds: tuple[Kind, ...], fail_on: set[str], expected: int) -> None:
    assert exit_code(_only(*kinds), fail_on) == expected


def test_exit_code_nothing_checked_wins() -> None:
    assert exit_code(replace(_only(Kind.DEAD), nothing_checked=True), set()) == 3


def test_exit_code_rejects_unknown_kinds() -> None:
    with pytest.raises(UsageError, match="unknown finding kind 'moevd'"):
        exit_code(_only(), {"moevd"})
