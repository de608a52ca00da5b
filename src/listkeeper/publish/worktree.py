"""The proposal written to the working tree: what ``listkeeper update`` and ``sync`` (without ``--pr``) do.

The files are read, :func:`listkeeper.publish.proposal.propose` builds the new texts in memory (every edit
verified; on a CatalogError/EditError nothing is written), and the files that change are replaced all or none
(:func:`listkeeper.fsutil.replace_all`, journal in ``journal_dir``), after finishing an interrupted earlier write.
The rendered list is re-rendered whenever it is stale, even when no finding changes the catalog.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from listkeeper import config as config_module
from listkeeper.catalog.edit import read_text
from listkeeper.catalog.load import read_texts
from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.errors import UsageError
from listkeeper.findings import Finding, read_findings
from listkeeper.fsutil import recover, replace_all
from listkeeper.mdlist import files as md_files
from listkeeper.publish.proposal import DeadRule, Layout, Proposal, dead_rule, propose
from listkeeper.state import State, open_state


@dataclass(frozen=True)
class Written:
    """What applying the findings to the working tree did (in a dry run: would do)."""

    findings: int
    proposal: Proposal
    originals: dict[str, str]  # path → text before, of every file read
    recovered: str | None = None  # what finishing an interrupted earlier write did
    dry_run: bool = False

    @property
    def edited(self) -> dict[str, str]:
        """The new texts of the edited files, without the re-rendered list."""
        return {p: t for p, t in self.proposal.files.items() if p != self.proposal.rendered}

    def summary(self) -> list[str]:
        """One line per change (catalog: ``file:line: key.path: what (why)``; Markdown: ``file:line: old → new
        (why)``) and a total."""
        proposal = self.proposal
        if not proposal.changes:
            return [f"nothing to change ({self.findings} findings)"]
        files = len(self.edited)
        if proposal.mode == "markdown":
            lines = [
                f"{change.file}:{change.line}: {change.describe()}"  # type: ignore[union-attr]  # an MdChange
                for change in proposal.changes
            ]
            what = "Markdown file"
        else:
            located = sorted(
                zip(proposal.changes, proposal.lines, strict=True), key=lambda cl: (cl[0].file, cl[1] or 0)
            )
            lines = [f"{c.file}{'' if at is None else f':{at}'}: {c.describe()}" for c, at in located]
            what = "file"
        count = len(proposal.changes)
        lines.append(
            f"{count} change{'s' if count != 1 else ''} in {files} {what}{'s' if files != 1 else ''} "
            f"from {self.findings} findings"
        )
        return lines


def _read_markdown(files: Sequence[Path]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in files:
        try:
            texts[path.as_posix()] = read_text(path)
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    return texts


def _read_catalog(catalog_dir: Path, output: Path | None, limits: LimitsConfig) -> dict[str, str]:
    texts = read_texts(catalog_dir, limits=limits)
    if output is not None and output.is_file():
        texts[output.as_posix()] = read_text(output)
    return texts


def apply_findings(
    findings: Sequence[Finding],
    *,
    catalog_dir: Path | None,
    output: Path | None = None,
    markdown: Sequence[Path] = (),
    dead: DeadRule,
    today: date,
    dismissed: Collection[str] = (),
    journal_dir: Path,
    limits: LimitsConfig = DEFAULT_LIMITS,
    dry_run: bool = False,
) -> Written:
    """Apply ``findings`` to the catalog under ``catalog_dir`` (and re-render ``output``) or, with ``catalog_dir``
    None, to the ``markdown`` files themselves. Writes nothing with ``dry_run``."""
    recovered = recover(journal_dir) if not dry_run else None
    if catalog_dir is None:
        originals = _read_markdown(markdown)
        layout = Layout(limits=limits)
    else:
        originals = _read_catalog(catalog_dir, output, limits)
        layout = Layout(catalog_dir.as_posix(), output.as_posix() if output is not None else None, limits)
    proposal = propose(
        originals, findings, layout=layout, today=today, dead=dead, dismissed=dismissed, rerender_stale=not dry_run
    )
    if not dry_run and not layout.markdown and output is not None and not output.parent.is_dir():
        raise UsageError(f"{output}: directory {output.parent} does not exist (where the Markdown list goes)")
    if not dry_run and proposal.files:
        replace_all({Path(path): text for path, text in proposal.files.items()}, journal_dir)
    return Written(len(findings), proposal, originals, recovered, dry_run)


@contextlib.contextmanager
def _state(path: Path) -> Iterator[State | None]:
    """The state store with its run lock held (so no check writes findings meanwhile), or None if there is none.

    A missing store is not created: ``update`` only reads findings and dismissals from it.
    """
    if not path.exists():
        yield None
        return
    with open_state(path) as state:
        yield state


def markdown_targets(cfg: config_module.Config, files: Sequence[Path]) -> list[Path] | None:
    """The Markdown files to edit: those given, else the configured ones; None in catalog mode."""
    if files:
        return list(files)
    patterns = md_files.patterns(cfg)
    return None if patterns is None else md_files.resolve(cfg.root, patterns)


def update(
    cfg: config_module.Config,
    *,
    files: Sequence[Path] = (),
    findings_file: Path | None = None,
    dead: str | None = None,
    catalog_dir: Path | None = None,
    output: Path | None = None,
    dry_run: bool = False,
    today: date | None = None,
) -> Written | None:
    """``listkeeper update``: the findings of ``findings_file`` (default: the last check's, from the state store)
    applied to the working tree; None when there are none. Markdown mode when ``files`` are given, or ``[markdown]
    files`` are configured, or there is no catalog directory."""
    catalog_dir = catalog_dir if catalog_dir is not None else cfg.path(cfg.catalog_dir)
    output = output if output is not None else cfg.path(cfg.output)
    markdown = None if catalog_dir.is_dir() and not files and not cfg.markdown.files else markdown_targets(cfg, files)
    rule = dead_rule(cfg, dead, markdown=markdown is not None)
    findings = read_findings(findings_file) if findings_file is not None else None
    with _state(cfg.path(cfg.state_path)) as state:
        if findings is None:
            findings = state.load_last_findings() if state is not None else None
            if findings is None:
                return None
        return apply_findings(
            findings,
            catalog_dir=None if markdown is not None else catalog_dir,
            output=output,
            markdown=markdown or (),
            dead=rule,
            today=today or datetime.now(UTC).date(),
            dismissed=frozenset(state.dismissed()) if state is not None else frozenset(),
            journal_dir=cfg.path(cfg.state_path).parent,
            limits=cfg.limits,
            dry_run=dry_run,
        )


__all__ = ["Written", "apply_findings", "markdown_targets", "update"]
