"""The check report as GitHub workflow commands: one annotation per finding on the diff (``::error``,
``::warning``, ``::notice``), escaped with GitHub's percent-encoding."""

from __future__ import annotations

from listkeeper.findings import Finding
from listkeeper.report.model import CheckReport
from listkeeper.report.summary import (
    LEVEL_RANK,
    MAX_LOCATIONS,
    NOTHING_CHECKED,
    finding_key,
    level,
    shown_subject,
    title,
)


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command property value (GitHub's ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(finding: Finding) -> str:
    props: list[tuple[str, str]] = []
    where = sorted(finding.locations)
    if where:
        props.append(("file", where[0].file))
        if where[0].line is not None:
            props.append(("line", str(where[0].line)))
    subject = shown_subject(finding)
    props.append(("title", f"{title(finding.kind)}: {subject}" if subject else title(finding.kind)))
    message = finding.message
    if finding.new_subject is not None:
        message += f" → {finding.new_subject}"
    if len(where) > 1:
        others = ", ".join(str(loc) for loc in where[1 : 1 + MAX_LOCATIONS])
        more = len(where) - 1 - MAX_LOCATIONS
        message += f" (also at {others}{f' and {more} more' if more > 0 else ''})"
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{level(finding.kind)} {rendered}::{escape_data(message)}"


def to_github(report: CheckReport) -> str:
    """One workflow command per finding (at its first location): ``::error`` for dead, ``::warning`` for moved,
    suspect and other actionable problems, ``::notice`` for the rest. Errors come first: GitHub shows only the
    first few annotations of each level per step."""
    ordered = sorted(report.findings, key=lambda f: (LEVEL_RANK[level(f.kind)], *finding_key(f)))
    lines = [_annotation(finding) for finding in ordered]
    if report.nothing_checked:
        lines.append(f"::error title=listkeeper check::{escape_data('Nothing was checked: ' + NOTHING_CHECKED)}")
    return "".join(line + "\n" for line in lines)
