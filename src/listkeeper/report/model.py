"""The report of one check run: its link results, findings, statistics and sources, as data (no formatting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from listkeeper.findings import Finding, Location
from listkeeper.links.status import CheckStats, LinkResult


@dataclass
class CheckReport:
    results: list[LinkResult]
    locations: dict[str, list[Location]]  # URL → where it is used
    findings: list[Finding]
    stats: CheckStats
    sources: dict[str, dict[str, Any]]  # source name → {"requests": int, "unavailable": str | None}
    started: datetime
    finished: datetime
    nothing_checked: bool = False
