"""Exit codes, and the exceptions raised by listkeeper, as one tree.

ExitCode                     what a run ends with; commands return one and only ``cli.main`` exits

ListkeeperError              base: every expected failure; the CLI maps it to an exit code
├── UsageError               bad command-line input (exit 2)
├── ConfigError              bad configuration file or environment (exit 2)
├── CatalogError             the catalog does not validate (exit 2); carries every problem found
├── EditError                a catalog edit could not be applied minimally and safely (exit 2)
├── SourceUnavailable        a service (Hub, arXiv, GitHub) did not answer usefully: outage, 429 after
│                            retries, timeout. Never means "gone".
├── StateLocked              another listkeeper run holds the state store
└── PublishError             branch/commit/PR could not be made
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit code of every command (README "Exit codes")."""

    OK = 0
    FINDINGS = 1  # findings that fail the run (dead links, a --fail-on kind, a stale list); a failed publish
    USAGE = 2  # usage, configuration, catalog or input error: nothing written
    NOTHING_CHECKED = 3  # nothing could be checked (no network): nothing marked dead, no state written
    INTERNAL = 4  # an unexpected exception (a bug): a one-line message and the path of a crash log
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
    TERMINATED = 143  # SIGTERM (128 + SIGTERM), e.g. an import stopped while staging its files


class ListkeeperError(Exception):
    """Base of every expected failure."""

    exit_code: int = ExitCode.FINDINGS  # an ExitCode
    tip: str | None = None


class UsageError(ListkeeperError):
    exit_code = ExitCode.USAGE


class ConfigError(ListkeeperError):
    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class Problem:
    """One validation problem, located as precisely as the input allows."""

    file: str
    line: int | None
    path: str  # key path such as ``entries[2].checkpoints[0].hf``; "" for the whole file
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" {self.path}:" if self.path else ""
        return f"{where}:{key} {self.message}"


@dataclass
class CatalogError(ListkeeperError):
    problems: list[Problem] = field(default_factory=list)
    exit_code = ExitCode.USAGE

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"catalog is invalid ({n} problem{'s' if n != 1 else ''})"
        return head + "".join(f"\n  {p}" for p in self.problems)


class EditError(ListkeeperError):
    exit_code = ExitCode.USAGE


class SourceUnavailable(ListkeeperError):
    """A service could not answer usefully (outage, 429 after retries, timeout, the run deadline, refused
    credentials): every subject it covers is *unknown* for this run, never gone. Each adapter raises its own
    subclass, naming its ``service``; the message is the reason, as reports quote it. None is an error the
    service's library would retry by itself."""

    service: str = "a service"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StateLocked(ListkeeperError):
    exit_code = ExitCode.USAGE
    tip = "Another listkeeper run is using the state store; wait for it or pass --state to use another file."


class PublishError(ListkeeperError):
    exit_code = ExitCode.FINDINGS
