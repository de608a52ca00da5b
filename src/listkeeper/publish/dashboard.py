"""The dashboard issue: one GitHub issue, updated in place, that shows the list's health and lets a maintainer act.

The issue is found by its label (``[dashboard] label``) and a hidden marker in its body (:data:`MARKER`); the
number of the last one used is also kept in the state store, so a removed label does not lose it. The body holds:

* the health summary (links ok, dead, suspect, inconclusive; whether the recent runs succeeded),
* the open pull request and the findings it proposes,
* what was seen but not changed,
* under every finding two checkboxes: **dismiss** (the next run records a dismissal in the state store, so the
  finding's change is never proposed again and it leaves the dashboard) and **re-check now** (the next run checks
  that subject again, bypassing the cached results and the sources' fact cache).

Each checkbox carries its subject in a hidden comment (``<!-- listkeeper-dashboard:dismiss:BASE64URL -->``), so
the ticks are read from the issue alone. The body is deterministic (no timestamps of the current run): when nothing
changed, the issue is not written at all. :func:`render` and :func:`parse_ticks` are pure; :class:`DashboardIssue`
talks to GitHub through the PR publisher's client (:class:`~listkeeper.publish.github.GitHubPublisher`), so the
token rules, retries and write pacing are the same.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from listkeeper.findings import Finding, Kind
from listkeeper.health import Health
from listkeeper.publish import body as body_module
from listkeeper.publish.github import GitHubPublisher
from listkeeper.publish.marker import parse_marker
from listkeeper.render.escape import defang_mentions, escape_inline, escape_url
from listkeeper.subjects import Subject

MARKER = "<!-- listkeeper-dashboard -->"
_BOX = re.compile(
    r"^[ \t]*[-*+][ \t]+\[([ xX])\][^\n]*?<!-- listkeeper-dashboard:(dismiss|recheck):([A-Za-z0-9_-]+) -->",
    re.MULTILINE,
)
#: Findings listed with checkboxes before "… and N more".
MAX_ITEMS = 150
#: Runs the job-health line looks back over.
RECENT_RUNS = 7
#: Finding kinds never listed: nothing to dismiss or re-check.
_QUIET = frozenset({Kind.EMPTY_LINK})
STATE_NAMESPACE, STATE_KEY = "dashboard", "issue"

Action = Literal["created", "updated", "unchanged"]


def encode(subject: str) -> str:
    return base64.urlsafe_b64encode(subject.encode()).decode().rstrip("=")


def decode(token: str) -> str | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
        Subject.parse(text)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return text


@dataclass(frozen=True)
class Ticks:
    """Subjects whose boxes are ticked, per action."""

    dismiss: tuple[str, ...] = ()
    recheck: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.dismiss or self.recheck)


def parse_ticks(body: str | None) -> Ticks:
    """The ticked boxes of a dashboard body (unticked boxes and unreadable subjects are ignored)."""
    if not body or MARKER not in body:
        return Ticks()
    found: dict[str, set[str]] = {"dismiss": set(), "recheck": set()}
    for mark, action, token in _BOX.findall(body):
        subject = decode(token)
        if mark in "xX" and subject is not None:
            found[action].add(subject)
    return Ticks(tuple(sorted(found["dismiss"])), tuple(sorted(found["recheck"])))


# -- the body -----------------------------------------------------------------------------------------------------


def _text(value: Any, limit: int = 160) -> str:
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return defang_mentions(escape_inline(text))


def _subject(subject: Subject) -> str:
    url = subject.id if subject.kind == "url" else subject.url()
    label = _text(str(subject), 120)
    try:
        return f"[{label}]({escape_url(url)})"
    except ValueError:
        return label


def _item(subject: str, findings: Sequence[Finding]) -> list[str]:
    first = findings[0]
    kinds = " · ".join(dict.fromkeys(str(f.kind) for f in findings))
    message = "; ".join(dict.fromkeys(f.message for f in findings if f.message))
    where = f" ({_text(str(first.locations[0]), 80)})" if first.locations else ""
    moved = f" → {_subject(first.new_subject)}" if first.new_subject is not None else ""
    token = encode(subject)
    return [
        f"- **{_text(kinds, 60)}**: {_subject(first.subject)}{moved}{' — ' + _text(message) if message else ''}{where}",
        f"  - [ ] dismiss <!-- listkeeper-dashboard:dismiss:{token} -->",
        f"  - [ ] re-check now <!-- listkeeper-dashboard:recheck:{token} -->",
    ]


def _grouped(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    order = {kind: index for index, kind in enumerate(Kind)}
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: (order[f.kind], str(f.subject), f.message)):
        groups.setdefault(str(finding.subject), []).append(finding)
    return sorted(groups.items(), key=lambda item: (order[item[1][0].kind], item[0]))


def _section(title: str, groups: Sequence[tuple[str, list[Finding]]], budget: int) -> tuple[list[str], int]:
    if not groups:
        return [], budget
    lines = [f"### {title} ({len(groups)})", ""]
    shown = groups[:budget]
    for subject, found in shown:
        lines += _item(subject, found)
    if len(groups) > len(shown):
        lines.append(f"- … and {len(groups) - len(shown)} more (see `listkeeper report --html`)")
    return [*lines, ""], budget - len(shown)


def _job_line(health: Health) -> str:
    recent = health.runs[-RECENT_RUNS:]
    if not recent:
        return "Runs: none recorded yet."
    failed = [run for run in recent if not run.healthy]
    if not failed:
        return "Runs: ✅ none of the recent runs failed."
    last = failed[-1]
    day = datetime.fromtimestamp(last.started, UTC).strftime("%Y-%m-%d")
    return (
        f"Runs: ⚠️ {len(failed)} of the last {len(recent)} runs failed "
        f"(latest failure: `{_text(last.command, 20)}` exit {last.exit_code} on {day})."
    )


def render(
    health: Health,
    findings: Sequence[Finding],
    *,
    pull: Mapping[str, Any] | None,
    dismissed: Collection[str],
    max_chars: int = body_module.MAX_BODY,
) -> str:
    """The dashboard body. Deterministic: the same health, findings, PR and dismissals give the same bytes."""
    numbers = health.summary()
    proposed = set()
    pr_line = "No open pull request."
    if pull is not None:
        marker = parse_marker(pull.get("body"))
        proposed = set(marker.subjects) if marker is not None else set()
        title = _text(pull.get("title") or "", 120)
        url = str(pull.get("html_url") or "")
        try:
            pr_line = f"Open pull request: [#{int(pull['number'])} {title}]({escape_url(url)})."
        except ValueError:
            pr_line = f"Open pull request: #{int(pull['number'])} {title}."
    listed = [f for f in findings if f.kind not in _QUIET and str(f.subject) not in dismissed]
    in_pr = [f for f in listed if str(f.subject) in proposed]
    seen = [f for f in listed if str(f.subject) not in proposed]
    head = [
        MARKER,
        "listkeeper updates this issue after every run. Tick a box and the next run acts on it: **dismiss** records "
        "that the finding is not wanted (its change is never proposed again); **re-check now** checks it again "
        "without cached results.",
        "",
        "### Health",
        "",
        f"Links: **{numbers['ok']:,} ok** · {numbers['dead']:,} dead · {numbers['suspect']:,} suspect · "
        f"{numbers['inconclusive']:,} inconclusive (blocked, rate-limited, timeout, error), of {numbers['links']:,}.",
        "",
        _job_line(health),
        "",
        pr_line,
        "",
    ]
    tail = [f"{len(dismissed)} dismissed finding{'s' if len(dismissed) != 1 else ''} (never proposed again)."]
    budget = MAX_ITEMS
    while True:
        lines = list(head)
        remaining = budget
        part, remaining = _section("In the pull request", _grouped(in_pr), remaining)
        lines += part
        part, remaining = _section("Seen, not changed", _grouped(seen), remaining)
        lines += part
        text = "\n".join([*lines, *tail]) + "\n"
        if len(text) <= max_chars or budget == 0:
            return text
        budget = max(0, budget * 2 // 3)


# -- GitHub -------------------------------------------------------------------------------------------------------


@dataclass
class DashboardResult:
    action: Action
    number: int
    url: str | None


class DashboardIssue:
    """Find, create and update the dashboard issue through a :class:`GitHubPublisher` (already entered)."""

    def __init__(self, publisher: GitHubPublisher, *, title: str, label: str) -> None:
        self.pub = publisher
        self.title = title
        self.label = label

    @staticmethod
    def _ours(issue: Any) -> bool:
        return (
            isinstance(issue, dict)
            and "pull_request" not in issue
            and issue.get("state") == "open"
            and MARKER in str(issue.get("body") or "")
        )

    def find(self, hint: int | None = None) -> dict[str, Any] | None:
        """The open dashboard issue: the remembered number first, else the lowest-numbered open issue with the
        label and the marker."""
        if hint is not None:
            issue = self.pub.get_or_none(f"issues/{hint}")
            if self._ours(issue):
                return issue  # type: ignore[no-any-return]
        listed = self.pub.call(
            "GET", "issues", params={"state": "open", "labels": self.label, "per_page": 100, "direction": "asc"}
        )
        found = [issue for issue in listed or [] if self._ours(issue)]
        return min(found, key=lambda issue: int(issue["number"])) if found else None

    def publish(self, issue: Mapping[str, Any] | None, body: str) -> DashboardResult:
        if issue is None:
            created = self.pub.call("POST", "issues", json={"title": self.title, "body": body, "labels": [self.label]})
            return DashboardResult("created", int(created["number"]), created.get("html_url"))
        number = int(issue["number"])
        if issue.get("body") == body and issue.get("title") == self.title:
            return DashboardResult("unchanged", number, issue.get("html_url"))
        updated = self.pub.call("PATCH", f"issues/{number}", json={"title": self.title, "body": body})
        return DashboardResult("updated", number, updated.get("html_url"))
