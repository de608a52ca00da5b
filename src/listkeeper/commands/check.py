"""``listkeeper check``: check the catalog's links and sources (and any Markdown files given).

The work is :func:`listkeeper.pipeline.check_list`; this module parses options, shows progress on a terminal,
writes the report in the chosen format and exits with the report's code. ``--offline`` sends nothing: it validates
the catalog, extracts the links of the files given and checks badges (pure text checks).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from listkeeper import config as config_module
from listkeeper import history
from listkeeper.catalog.refs import catalog_refs
from listkeeper.commands.options import catalog_option, config_option, state_option
from listkeeper.commands.output import append_step_summary
from listkeeper.errors import ExitCode
from listkeeper.fsutil import write_atomic
from listkeeper.links.status import LinkResult
from listkeeper.report.exit import exit_code, parse_fail_on
from listkeeper.report.json import to_json
from listkeeper.report.markdown import github_step_summary, to_markdown
from listkeeper.report.model import CheckReport
from listkeeper.report.terminal import print_terminal
from listkeeper.report.workflow import to_github

FORMATS = ("terminal", "json", "markdown", "github")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, text)


@click.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@catalog_option
@click.option(
    "--only",
    type=click.Choice(["all", "links", "sources"]),
    default="all",
    show_default=True,
    help="links: request every URL (canonical URLs of typed ids too); sources: only ask the Hub, arXiv, GitHub.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format [terminal on a tty].")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to a file.")
@click.option("--strict", is_flag=True, help="Report dead links at once, without waiting for confirmation over time.")
@click.option(
    "--no-cache", is_flag=True, help="Re-check links found ok within the TTL and re-ask sources for cached facts."
)
@click.option(
    "--offline", is_flag=True, help="Send no request: validate the catalog, extract links and check badges only."
)
@click.option(
    "--fail-on",
    multiple=True,
    help="Finding kinds that also fail the run (exit 1), e.g. --fail-on moved. Repeatable or comma-separated.",
)
@state_option
@config_option
def command(
    files: tuple[Path, ...],
    catalog_dir: Path | None,
    only: str,
    fmt: str | None,
    output: Path | None,
    strict: bool,
    no_cache: bool,
    offline: bool,
    fail_on: tuple[str, ...],
    state_path: Path | None,
    config_file: Path | None,
) -> ExitCode:
    """Check links and facts; report dead, moved, new and changed things with evidence.

    FILES are Markdown files whose links (and badges) are checked too (default in Markdown mode: the list files
    from [markdown] files); badges of the rendered list (config `output`) are always checked.

    Exit codes: 0 nothing dead; 1 dead links/subjects (confirmed over time, or --strict), or a --fail-on kind;
    2 usage, configuration or catalog error (a corrupt state store too: see --reset-state); 3 nothing could be
    checked (no network) - nothing is marked dead and no link evidence is written (the run itself is logged).
    """
    cfg = config_module.load(".", config_file).with_overrides(catalog_dir=catalog_dir, state_path=state_path)
    fail_kinds = parse_fail_on(v for value in fail_on for v in value.split(",") if v)
    if not files:  # Markdown mode: the configured list files are what there is to check
        from listkeeper.mdlist import files as md_files

        patterns = md_files.patterns(cfg)
        files = tuple(md_files.resolve(cfg.root, patterns)) if patterns is not None else ()
    if offline:
        return _offline(cfg, files, fmt, output)
    from listkeeper.pipeline import CheckOptions, check_list

    fmt = fmt or ("terminal" if sys.stdout.isatty() and output is None else "json")
    console = Console(stderr=True)
    options = CheckOptions(files=files, only=only, strict=strict, use_cache=not no_cache)  # type: ignore[arg-type]
    if console.is_terminal:
        with _progress(console) as progress:
            # Sources answer first (no per-item progress); the bar gets its total when link checking starts.
            task = progress.add_task("asking the sources", total=None)
            options.on_links = lambda n: progress.update(task, description="checking links", total=n)
            options.on_result = _advance(progress, task)
            result = check_list(cfg, options)
    else:
        result = check_list(cfg, options)
    _emit(result, fmt, output)
    code = exit_code(result, {str(k) for k in fail_kinds})
    history.log_run(
        cfg.path(cfg.state_path), result, command="check", exit_code=code, retention_days=cfg.history.retention_days
    )
    return code


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _advance(progress: Progress, task: TaskID) -> Callable[[LinkResult], None]:
    def on_result(_: LinkResult) -> None:
        progress.advance(task)

    return on_result


def _emit(result: CheckReport, fmt: str, output: Path | None) -> None:
    if fmt == "terminal" and output is not None:
        console = Console(file=io.StringIO(), width=120, color_system=None, record=True)
        print_terminal(result, console)
        _write(console.export_text(), output)
    elif fmt == "terminal":
        print_terminal(result, Console(file=sys.stdout))
    elif fmt == "json":
        _write(to_json(result), output)
    elif fmt == "markdown":
        _write(to_markdown(result), output)
    else:
        _write(to_github(result), output)
        append_step_summary(github_step_summary(result))


def _offline(cfg: config_module.Config, files: tuple[Path, ...], fmt: str | None, output: Path | None) -> ExitCode:
    """Validate the catalog (when there is one, or no file is given), extract links, check badges; no request.

    Without ``--format``/``--output`` a one-line summary goes to stdout; with either, the report is written in
    that format (a check report with no link results: the offline findings only)."""
    from datetime import UTC, datetime

    from listkeeper import subjects
    from listkeeper.findings import Finding, Kind, Origin
    from listkeeper.links.badges import check_text
    from listkeeper.links.extract import dedupe, extract_markdown
    from listkeeper.links.status import CheckStats
    from listkeeper.pipeline.documents import load_catalog_or_empty, read_documents

    started = datetime.now(UTC)
    catalog_dir = cfg.path(cfg.catalog_dir)
    refs = catalog_refs(load_catalog_or_empty(catalog_dir, files, cfg.limits))
    docs = read_documents(files, cfg.path(cfg.output))
    links = [link for doc in docs if doc.check_links for link in extract_markdown(doc.text, doc.file, cfg.limits)]
    empty = [link for link in links if link.url == ""]
    badges = [finding for doc in docs for finding in check_text(doc.text, doc.file)]
    if fmt is not None or output is not None:
        findings = [
            Finding(Kind.EMPTY_LINK, subjects.url(""), "empty link target", {}, (link.location,), source=Origin.LINKS)
            for link in empty
        ]
        report = CheckReport(
            results=[],
            locations=dedupe(links),
            findings=findings + badges,
            stats=CheckStats(),
            sources={},
            started=started,
            finished=datetime.now(UTC),
        )
        _emit(report, fmt or "json", output)
        return ExitCode.FINDINGS if empty or badges else ExitCode.OK
    for link in empty:
        click.echo(f"{link.file}:{link.line}: empty link target", err=True)
    for link in links:
        if link.kind == "deep":
            click.echo(f"{link.file}:{link.line}: link nested too deep for the Markdown parser: {link.url}", err=True)
    for finding in badges:
        click.echo(f"{finding.locations[0]}: badge mismatch: {finding.message}", err=True)
    catalog = f"catalog OK ({len(refs)} references)" if catalog_dir.exists() or not files else "no catalog"
    click.echo(
        f"offline: {catalog}; {len(links) - len(empty)} links in {len(files)} file(s); "
        f"{len(empty)} empty link(s); {len(badges)} badge mismatch(es); no request sent"
    )
    return ExitCode.FINDINGS if empty or badges else ExitCode.OK
