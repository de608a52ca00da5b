"""``listkeeper init``: set up listkeeper in an existing list repository, in one non-interactive command.

It detects the Markdown list files (or takes ``--files``), then writes:

* ``listkeeper.toml`` (or ``[tool.listkeeper]`` appended to ``pyproject.toml`` with ``--pyproject``): Markdown mode
  with the list files, or with ``--catalog`` catalog mode after running ``import`` on the list;
* ``.github/workflows/listkeeper.yml``: the nightly ``sync --pr`` with the same pinned actions, least privilege,
  concurrency and state cache as this project's own nightly workflow;
* ``.pre-commit-config.yaml`` with listkeeper's hooks (when the file exists, the entry to add is printed instead);
* ``.gitignore``: the state store's folder, appended when missing.

It never asks (every choice is a flag), never overwrites an existing file without ``--force``, and prints what it
wrote and the one repository setting the maintainer must enable.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import click

from listkeeper import __version__
from listkeeper.errors import UsageError
from listkeeper.fsutil import write_atomic

WORKFLOW = Path(".github/workflows/listkeeper.yml")
SETTING = (
    'Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests"'
)
#: Third-party actions, pinned by commit (the same pins as .github/workflows/nightly.yml; a test keeps them equal).
PINS = {
    "actions/checkout": "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
    "actions/setup-python": "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0",
    "actions/cache/restore": "actions/cache/restore@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3",
    "actions/cache/save": "actions/cache/save@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3",
}
_NOT_LISTS = ("contributing", "code_of_conduct", "code-of-conduct", "changelog", "license", "security", "support")
_SKIP_DIRS = frozenset({"node_modules", "catalog", "vendor", "site-packages"})


def workflow(install: str) -> str:
    """The nightly workflow (least privilege, one run at a time, the state store cached between nights)."""
    return f"""\
# listkeeper: every night, check the list's links and sources and open or update ONE pull request.
# Needs {SETTING}.
# PRs opened with GITHUB_TOKEN do not trigger other workflows; to get CI on them, store a GitHub App token or a
# fine-grained PAT (contents + pull requests: write) as the LISTKEEPER_TOKEN secret.
name: listkeeper

on:
  schedule:
    - cron: "17 3 * * *"
  workflow_dispatch:
    inputs:
      reset-state:
        description: "If the cached state store is corrupt, move it aside and start a new one (--reset-state)"
        type: boolean
        default: false

permissions:
  contents: write
  pull-requests: write

concurrency:
  group: listkeeper-nightly
  cancel-in-progress: false

jobs:
  sync:
    runs-on: ubuntu-latest
    timeout-minutes: 45
    steps:
      - uses: {PINS["actions/checkout"]}
        with:
          persist-credentials: false
      - uses: {PINS["actions/setup-python"]}
        with:
          python-version: "3.11"
      - name: Install listkeeper
        run: pip install "{install}"
      # The state store remembers each link's history, so "dead" needs failures on several nights.
      - name: Restore the state store
        uses: {PINS["actions/cache/restore"]}
        with:
          path: .listkeeper
          key: listkeeper-state-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
          restore-keys: listkeeper-state-
      - name: Check, update and open the pull request
        env:
          GITHUB_TOKEN: ${{{{ secrets.LISTKEEPER_TOKEN || secrets.GITHUB_TOKEN }}}}
          HF_TOKEN: ${{{{ secrets.HF_TOKEN }}}}
          RESET_STATE: ${{{{ inputs.reset-state }}}}
        run: |
          if [ "$RESET_STATE" = "true" ]; then
            listkeeper sync --pr --format github --reset-state
          else
            listkeeper sync --pr --format github
          fi
      - name: Save the state store
        if: ${{{{ !cancelled() }}}}
        uses: {PINS["actions/cache/save"]}
        with:
          path: .listkeeper
          key: listkeeper-state-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}
"""


def pre_commit(catalog: bool, rev: str) -> str:
    hooks = ["listkeeper-validate", "listkeeper-render-check"] if catalog else ["listkeeper-check-offline"]
    lines = [
        "  - repo: https://github.com/listkeeper/listkeeper",
        f"    rev: {rev}",
        "    hooks:",
        *(f"      - id: {hook}" for hook in hooks),
    ]
    return "\n".join(lines) + "\n"


def config_text(files: list[str], dead: str, catalog: bool) -> str:
    """The configuration body (the same keys for listkeeper.toml and [tool.listkeeper])."""
    if catalog:
        return 'catalog_dir = "catalog"\noutput = "catalog/README.md"\nstate_path = ".listkeeper/state.sqlite"\n'
    listed = ", ".join(f'"{f}"' for f in files)
    return (
        'state_path = ".listkeeper/state.sqlite"\n'
        "\n"
        "[markdown]\n"
        f"files = [{listed}]\n"
        f'dead = "{dead}"                # mark, comment or remove\n'
        'mark = "~~{link}~~ (dead since {date})"\n'
    )


def detect(root: Path, min_links: int) -> list[str]:
    """Markdown files at the root and one folder down with at least ``min_links`` links (README.md first)."""
    from listkeeper.links.extract import extract_markdown

    candidates = sorted(root.glob("*.md")) + sorted(
        p for p in root.glob("*/*.md") if not p.parent.name.startswith(".") and p.parent.name not in _SKIP_DIRS
    )
    found = []
    for path in candidates:
        if path.stem.lower() in _NOT_LISTS or not path.is_file():
            continue
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if len([link for link in extract_markdown(text, path.name) if link.url]) >= min_links:
            found.append(path.relative_to(root).as_posix())
    return sorted(found, key=lambda p: (p.lower() != "readme.md", p))


@dataclass
class _Plan:
    root: Path
    force: bool
    wrote: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def write(self, rel: Path | str, text: str) -> None:
        path = self.root / rel
        if path.exists() and not self.force:
            self.kept.append(f"{rel} exists (not overwritten; --force replaces it)")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
        self.wrote.append(str(rel))


def _pyproject(plan: _Plan, body: str) -> None:
    path = plan.root / "pyproject.toml"
    text = _read(path)
    try:
        has = "listkeeper" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {exc}") from None
    if has and not plan.force:
        plan.kept.append("pyproject.toml already has [tool.listkeeper] (not overwritten)")
        return
    if has:
        raise UsageError(f"{path}: has [tool.listkeeper]; init never rewrites pyproject.toml, remove it by hand first")
    # Sub-tables of the [markdown] section become [tool.listkeeper.markdown].
    section = body.replace("[markdown]", "[tool.listkeeper.markdown]")
    addition = f"\n[tool.listkeeper]\n{section}"
    write_atomic(path, _append(text, addition))
    plan.wrote.append("pyproject.toml [tool.listkeeper]")


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it as UTF-8 text ({exc})") from None


def _append(text: str, addition: str) -> str:
    """``text`` with ``addition`` after it, in the file's own line endings."""
    newline = "\r\n" if "\r\n" in text else "\n"
    addition = addition.replace("\n", newline)
    return text + ("" if text.endswith("\n") or not text else newline) + addition


def _gitignore(plan: _Plan) -> None:
    path = plan.root / ".gitignore"
    text = _read(path)
    if any(line.strip().strip("/") == ".listkeeper" for line in text.splitlines()):
        return
    write_atomic(path, _append(text, ".listkeeper/\n"))
    plan.wrote.append(".gitignore (.listkeeper/, the state store)")


@click.command("init")
@click.option("--files", "files", multiple=True, metavar="PATH", help="List files or globs (default: detected).")
@click.option("--catalog", "catalog", is_flag=True, help="Import the list into catalog/ and set up catalog mode.")
@click.option("--pyproject", is_flag=True, help="Write [tool.listkeeper] in pyproject.toml, not listkeeper.toml.")
@click.option(
    "--dead",
    type=click.Choice(["mark", "comment", "remove"]),
    default="mark",
    show_default=True,
    help="What a confirmed dead link becomes in the list ([markdown] dead).",
)
@click.option(
    "--min-links",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Detection: a Markdown file with at least this many links is a list.",
)
@click.option("--install", default=f"listkeeper=={__version__}", show_default=True, help="What the workflow installs.")
@click.option("--no-workflow", is_flag=True, help="Do not write the nightly workflow.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def command(
    files: tuple[str, ...],
    catalog: bool,
    pyproject: bool,
    dead: str,
    min_links: int,
    install: str,
    no_workflow: bool,
    force: bool,
) -> None:
    """Set up listkeeper in this list repository: configuration, nightly workflow, pre-commit hooks, .gitignore."""
    from listkeeper.config import find_root

    root = find_root(Path.cwd())
    listed = list(files) or detect(root, min_links)
    if not listed:
        raise UsageError(
            f"{root}: found no Markdown list (no .md file with {min_links} or more links); name it with --files"
        )
    plan = _Plan(root, force)
    if catalog:
        from listkeeper.importer import run_import

        source = root / listed[0]
        if not source.is_file():
            raise UsageError(f"{source}: --catalog imports one Markdown file; no such file")
        result = run_import(source, root / "catalog", force=force)
        plan.wrote.append(f"catalog/ ({len(result.written)} family files imported from {listed[0]})")
        from listkeeper.catalog.load import load_catalog
        from listkeeper.render.markdown import render_catalog

        plan.write("catalog/README.md", render_catalog(load_catalog(root / "catalog").catalog))
    body = config_text(listed, dead, catalog)
    if pyproject:
        _pyproject(plan, body)
    else:
        plan.write("listkeeper.toml", body)
    if not no_workflow:
        plan.write(WORKFLOW, workflow(install))
    hooks = pre_commit(catalog, f"v{__version__}")
    if (root / ".pre-commit-config.yaml").exists():
        existing = (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
        if "listkeeper" not in existing:
            plan.kept.append(f".pre-commit-config.yaml exists: add this entry under repos:\n{hooks.rstrip()}")
    else:
        plan.write(".pre-commit-config.yaml", "repos:\n" + hooks)
    _gitignore(plan)
    mode = "catalog mode (catalog/)" if catalog else f"Markdown mode: {', '.join(listed)}"
    click.echo(f"listkeeper set up in {mode}")
    for item in plan.wrote:
        click.echo(f"wrote {item}")
    for item in plan.kept:
        click.echo(f"kept {item}")
    click.echo(f"Enable the repository setting {SETTING}, or the workflow cannot open the pull request.")
