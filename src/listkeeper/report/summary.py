"""What every format of a check report shows the same way: each finding kind's level and title, the order of
findings, the counts, and the run's figures (time, duration, requests, links left unanswered)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from listkeeper.findings import Finding, Kind, Location
from listkeeper.links.status import Verdict
from listkeeper.report.model import CheckReport

#: Annotation level per finding kind. Inconclusive outcomes are notices: they recur every night behind bot walls
#: and must not drown the real warnings.
_ERROR = frozenset({Kind.DEAD})
_WARNING = frozenset(
    {
        Kind.MOVED,
        Kind.SUSPECT,
        Kind.WITHDRAWN,
        Kind.ARCHIVED,
        Kind.CHANGED,
        Kind.BROKEN,
        Kind.DISABLED,
        Kind.BADGE_MISMATCH,
        Kind.EMPTY_LINK,
        Kind.TOO_DEEP,
        Kind.INVALID,
    }
)

KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}
LEVEL_RANK = {"error": 0, "warning": 1, "notice": 2}
_TITLES = {
    Kind.DEAD: "Dead link",
    Kind.MOVED: "Moved",
    Kind.SUSPECT: "Possibly dead (not confirmed yet)",
    Kind.EMPTY_LINK: "Empty link",
    Kind.TOO_DEEP: "Link nested too deep",
    Kind.INVALID: "Invalid link",
}
MAX_LOCATIONS = 3  # shown per finding in Markdown and annotations; the JSON has them all
#: What a run that proved nothing says, in every format (after "Nothing was checked").
NOTHING_CHECKED = (
    "no link got an HTTP answer and no source answered (is there a network?). "
    "Nothing was marked dead and the state store was not changed."
)


def level(kind: Kind) -> str:
    """GitHub annotation level of a finding kind: ``error``, ``warning`` or ``notice``."""
    return "error" if kind in _ERROR else "warning" if kind in _WARNING else "notice"


def title(kind: Kind) -> str:
    return _TITLES.get(kind, str(kind).replace("-", " ").capitalize())


# -- ordering and counting -------------------------------------------------------------------------------------------


def finding_key(finding: Finding) -> tuple[Any, ...]:
    first = finding.locations[0] if finding.locations else Location("")
    return (KIND_ORDER[finding.kind], str(finding.subject), first.file, first.line or 0, finding.message)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in a stable order: by kind (as declared in :class:`Kind`), subject, first location, message."""
    return sorted(findings, key=finding_key)


def verdict_counts(report: CheckReport) -> dict[str, int]:
    counts = Counter(result.verdict.value for result in report.results)
    return {verdict.value: counts.get(verdict.value, 0) for verdict in Verdict}


def kind_counts(report: CheckReport) -> dict[str, int]:
    counts = Counter(finding.kind.value for finding in report.findings)
    return {kind.value: counts.get(kind.value, 0) for kind in Kind}


# -- the run's figures -----------------------------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def duration(report: CheckReport) -> float:
    return round((report.finished - report.started).total_seconds(), 3)


def requests_sent(report: CheckReport) -> int:
    """Requests sent in the run: the link checker's and the sources'."""
    return report.stats.requests + sum(int(s.get("requests", 0)) for s in report.sources.values())


def unanswered_line(report: CheckReport) -> str:
    """The line about links the deadline left unanswered (asked first next run), or "" when there are none."""
    n = len(report.stats.unanswered)
    if not n:
        return ""
    links = "link" if n == 1 else "links"
    return (
        f"{n} {links} left unanswered by the run deadline ({report.stats.deadline:g} s): "
        "reported as timeout, asked first next run."
    )


def shown_subject(finding: Finding) -> str:
    """The subject as shown to people; an empty link has none worth showing (``url:``)."""
    return "" if finding.subject.kind == "url" and not finding.subject.id else str(finding.subject)
