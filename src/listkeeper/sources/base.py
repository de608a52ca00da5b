"""What every source adapter (Hugging Face, arXiv, GitHub) looks like from the outside.

An adapter takes the loaded catalog (its references and tracking rules) and the state store, asks its service as
few questions as batching allows, and answers with typed facts and findings. It never raises for an outage: a
service that cannot answer yields ``SourceResult.unavailable`` and no DEAD finding for any subject it covers. Inside,
an adapter signals an outage with its own :class:`~listkeeper.errors.SourceUnavailable` subclass (``HubGaveUp``,
arXiv's ``Unavailable``, GitHub's ``Stop``) and turns it into that result.

"Not found" evidence is reported as ``Kind.DEAD`` with the evidence; the caller (``listkeeper check``) applies the
memory rule (:mod:`listkeeper.memory`) that downgrades unconfirmed dead evidence to ``Kind.SUSPECT``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from listkeeper.catalog.load import LoadedCatalog
from listkeeper.catalog.refs import Ref
from listkeeper.findings import Finding
from listkeeper.state import State
from listkeeper.subjects import Subject


@dataclass(frozen=True)
class Fact:
    """What a service said about one subject."""

    subject: Subject
    exists: bool | None  # None: unknown (service unavailable, rate-limited, ...)
    moved_to: Subject | None = None
    data: dict[str, Any] = field(default_factory=dict)  # e.g. gated, stage, license, version, archived
    #: Repeated from the state store (an answer still within the source's TTL, or a stored negative answer not yet
    #: due again) rather than asked in this run: not new evidence, and not a sign the service answered.
    reused: bool = False


@dataclass
class SourceResult:
    source: str
    facts: dict[Subject, Fact] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0  # HTTP requests actually sent to the service (a 304 counts as a request)
    unavailable: str | None = None  # why the service could not answer (whole or in part)


class Source(Protocol):
    """One adapter per service."""

    name: str

    def wants(self, subject: Subject) -> bool:
        """True for subjects this adapter answers (the link checker then skips their canonical URLs)."""
        ...

    def run(self, loaded: LoadedCatalog, refs: Sequence[Ref], state: State, now: datetime) -> SourceResult: ...
