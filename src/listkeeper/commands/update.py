"""``listkeeper update``: apply the findings of the last check to the catalog, as minimal line edits.

Findings come from a check report (``--findings report.json``: its ``findings`` list, or a bare list) or from the
state store, where ``listkeeper check`` leaves the last run's findings (``runs``/``last-findings``). The plan
(:func:`listkeeper.changes.plan`) is applied in memory and every edit is verified before any file is written; on
an :class:`~listkeeper.errors.EditError` nothing is written. The edited family files and the re-rendered list are
replaced all or none (:func:`listkeeper.fsutil.replace_all`), and the list is re-rendered whenever it is stale.
``--dry-run`` prints the unified diff of the catalog files and writes nothing.

Markdown mode (``update FILE.md...``, or ``[markdown] files``, or no catalog directory): the findings are applied to
the Markdown files themselves (:mod:`listkeeper.mdlist.edit`).
"""

from __future__ import annotations

import contextlib
import difflib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from listkeeper import config
from listkeeper.catalog.edit import read_text
from listkeeper.catalog.load import family_files, load_catalog
from listkeeper.changes import Change, DeadAction, apply, plan
from listkeeper.commands.options import catalog_option, dead_option
from listkeeper.errors import UsageError
from listkeeper.findings import Finding
from listkeeper.fsutil import recover, replace_all
from listkeeper.mdlist import files as md_files
from listkeeper.mdlist.edit import MdChange, Policy, edit_markdown
from listkeeper.state import State, open_state

STATE_NAMESPACE, STATE_KEY = "runs", "last-findings"


def parse_findings(data: Any, origin: str) -> list[Finding]:
    """Findings from a check report (``{"findings": [...]}``) or a bare list of ``Finding.to_json()`` dicts."""
    items = data.get("findings") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise UsageError(f"{origin}: expected a check report with a 'findings' list, or a list of findings")
    findings = []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise TypeError("not an object")
            findings.append(Finding.from_json(item))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            detail = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            raise UsageError(f"{origin}: findings[{index}]: not a valid finding ({detail})") from None
    return findings


def read_findings(path: Path) -> list[Finding]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    return parse_findings(data, str(path))


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


@dataclass
class Outcome:
    """What an update did (or, in a dry run, would do)."""

    findings: int
    changes: list[Change]
    texts: dict[str, str] = field(default_factory=dict)  # file -> new text, only files that change
    lines: list[int | None] = field(default_factory=list)  # line of each change, before the edit
    rendered: Path | None = None
    recovered: str | None = None  # what finishing an interrupted earlier update did


def update(
    catalog_dir: Path,
    findings: Sequence[Finding],
    *,
    dead_action: DeadAction,
    today: datetime | None = None,
    dismissed: set[str] | frozenset[str] = frozenset(),
    dry_run: bool = False,
    output: Path | None = None,
    journal_dir: Path | None = None,
) -> Outcome:
    """Plan, verify and (unless ``dry_run``) write the catalog edits and the re-rendered ``output``, all or nothing
    (:func:`listkeeper.fsutil.replace_all`, journal in ``journal_dir``). The list is re-rendered whenever it is
    stale, even when no finding changes the catalog (an earlier run may have been killed before rendering)."""
    recovered = recover(journal_dir) if journal_dir is not None and not dry_run else None
    loaded = load_catalog(catalog_dir)
    day = (today or datetime.now(UTC)).date()
    changes = plan(loaded, findings, dead_action=dead_action, today=day, dismissed=dismissed)
    texts = apply(loaded, changes)  # raises EditError before anything is written
    outcome = Outcome(len(findings), changes, texts, [loaded.line(c.file, c.path) for c in changes])
    outcome.recovered = recovered
    if dry_run:
        return outcome
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"{output}: directory {output.parent} does not exist (where the Markdown list goes)")
    new: dict[Path, str] = {Path(file): text for file, text in texts.items()}
    if output is not None and (fresh := _fresh_render(catalog_dir, texts, output)) is not None:
        new[output] = fresh
        outcome.rendered = output
    if new:
        replace_all(new, journal_dir if journal_dir is not None else catalog_dir.parent / ".listkeeper")
    return outcome


def _fresh_render(catalog_dir: Path, texts: dict[str, str], output: Path) -> str | None:
    """The list rendered from the catalog with ``texts`` applied, or None when ``output`` already says that."""
    from listkeeper.publish.proposal import render_texts

    current = {path.as_posix(): read_text(path) for path in family_files(catalog_dir)}
    current.update({Path(file).as_posix(): text for file, text in texts.items()})
    fresh = render_texts(current)
    try:
        if output.read_bytes() == fresh.encode("utf-8"):
            return None
    except FileNotFoundError:
        pass
    return fresh


@dataclass
class MdOutcome:
    """What a Markdown-mode update did (or, in a dry run, would do)."""

    findings: int
    changes: list[MdChange]
    texts: dict[str, str] = field(default_factory=dict)
    originals: dict[str, str] = field(default_factory=dict)
    recovered: str | None = None


def update_markdown(
    files: Sequence[Path],
    findings: Sequence[Finding],
    *,
    policy: Policy,
    today: datetime | None = None,
    dismissed: set[str] | frozenset[str] = frozenset(),
    dry_run: bool = False,
    journal_dir: Path,
) -> MdOutcome:
    """Markdown mode: apply the findings to the Markdown files themselves, byte-exactly, all files or none."""
    recovered = recover(journal_dir) if not dry_run else None
    originals: dict[str, str] = {}
    for path in files:
        try:
            originals[path.as_posix()] = read_text(path)
        except UnicodeDecodeError as exc:
            raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise UsageError(f"{path}: cannot read: {exc.strerror}") from None
    day = (today or datetime.now(UTC)).date()
    texts, changes = edit_markdown(originals, findings, policy=policy, today=day, dismissed=dismissed)
    outcome = MdOutcome(len(findings), changes, texts, originals, recovered)
    if not dry_run and texts:
        replace_all({Path(file): text for file, text in texts.items()}, journal_dir)
    return outcome


def catalog_diff(texts: dict[str, str], originals: dict[str, str] | None = None) -> str:
    out = []
    for file, new in sorted(texts.items()):
        old = originals[file] if originals is not None else read_text(Path(file))
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), file, file)
        out += [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines]
    return "".join(out)


def md_summary(outcome: MdOutcome) -> list[str]:
    """One line per change (``file:line: old → new (why)``) and a total."""
    if not outcome.changes:
        return [f"nothing to change ({outcome.findings} findings)"]
    lines = [f"{change.file}:{change.line}: {change.describe()}" for change in outcome.changes]
    files = len(outcome.texts)
    lines.append(
        f"{len(outcome.changes)} change{'s' if len(outcome.changes) != 1 else ''} in {files} "
        f"Markdown file{'s' if files != 1 else ''} from {outcome.findings} findings"
    )
    return lines


def summary(outcome: Outcome) -> list[str]:
    """One line per change (``file:line: key.path: what (why)``) and a total."""
    if not outcome.changes:
        return [f"nothing to change ({outcome.findings} findings)"]
    lines = []
    located = sorted(zip(outcome.changes, outcome.lines, strict=True), key=lambda cl: (cl[0].file, cl[1] or 0))
    for change, at in located:
        where = change.file if at is None else f"{change.file}:{at}"
        lines.append(f"{where}: {change.describe()}")
    files = len(outcome.texts)
    lines.append(
        f"{len(outcome.changes)} change{'s' if len(outcome.changes) != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''} from {outcome.findings} findings"
    )
    return lines


def policy_for(cfg: config.Config, dead: str | None) -> Policy:
    """The dead-link policy of Markdown mode: ``--dead`` over ``[markdown] dead``."""
    m = cfg.markdown
    return Policy(dead=dead or m.dead, mark=m.mark, comment=m.comment)  # type: ignore[arg-type]


def markdown_targets(cfg: config.Config, files: Sequence[Path]) -> list[Path] | None:
    """The Markdown files to edit: those given, else the configured ones; None in catalog mode."""
    if files:
        return list(files)
    patterns = md_files.patterns(cfg)
    return None if patterns is None else md_files.resolve(cfg.root, patterns)


@click.command("update")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--findings",
    "findings_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check report JSON (or a JSON list of findings). Default: the last check's findings in the state store.",
)
@click.option("--dry-run", is_flag=True, help="Print the diff of the catalog files; write nothing.")
@dead_option
@catalog_option
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Markdown list to re-render (default: output from the configuration, 'catalog/README.md').",
)
def command(
    files: tuple[Path, ...],
    findings_file: Path | None,
    dry_run: bool,
    dead: str | None,
    catalog_dir: Path | None,
    output: Path | None,
) -> None:
    """Apply the findings (moved, dead, new releases, changed titles) to the catalog as minimal edits.

    Given Markdown FILES (or in Markdown mode: no catalog directory, or [markdown] files in the configuration),
    the findings are applied to those files themselves: moved URLs rewritten, dead links marked or removed."""
    cfg = config.load(".")
    catalog_dir = catalog_dir if catalog_dir is not None else cfg.path(cfg.catalog_dir)
    output = output if output is not None else cfg.path(cfg.output)
    markdown = None if catalog_dir.is_dir() and not files and not cfg.markdown.files else markdown_targets(cfg, files)
    if dead == "comment" and markdown is None:
        raise UsageError("--dead comment is for Markdown files; the catalog's dead items are marked or removed")
    dead_action: DeadAction = "remove" if (dead or cfg.update.dead) == "remove" else "mark"
    journal_dir = cfg.path(cfg.state_path).parent
    findings = read_findings(findings_file) if findings_file is not None else None
    with _state(cfg.path(cfg.state_path)) as state:
        if findings is None:
            stored = state.get(STATE_NAMESPACE, STATE_KEY) if state is not None else None
            if state is None or stored is None:
                click.echo("no findings recorded: run `listkeeper check` first, or pass --findings FILE")
                return
            findings = parse_findings(stored, f"{state.path} ({STATE_NAMESPACE}/{STATE_KEY})")
        dismissed = frozenset(state.dismissed()) if state is not None else frozenset()
        if markdown is not None:
            md = update_markdown(
                markdown,
                findings,
                policy=policy_for(cfg, dead),
                dismissed=dismissed,
                dry_run=dry_run,
                journal_dir=journal_dir,
            )
            _report_markdown(md, dry_run)
            return
        outcome = update(
            catalog_dir,
            findings,
            dead_action=dead_action,
            dismissed=dismissed,
            dry_run=dry_run,
            output=output,
            journal_dir=journal_dir,
        )
    if outcome.recovered:
        click.echo(outcome.recovered)
    if dry_run and outcome.texts:
        click.echo(catalog_diff(outcome.texts), nl=False)
    for line in summary(outcome):
        click.echo(line)
    if dry_run and outcome.changes:
        click.echo("dry run: nothing written")
    elif outcome.rendered is not None:
        click.echo(f"re-rendered {outcome.rendered}")


def _report_markdown(outcome: MdOutcome, dry_run: bool) -> None:
    if outcome.recovered:
        click.echo(outcome.recovered)
    if dry_run and outcome.texts:
        click.echo(catalog_diff(outcome.texts, outcome.originals), nl=False)
    for line in md_summary(outcome):
        click.echo(line)
    if dry_run and outcome.changes:
        click.echo("dry run: nothing written")
