"""Applying planned changes: new file texts by minimal edits (:mod:`listkeeper.catalog.edit`, each verified by
re-parsing), then the cross-file rules checked on the result. Writes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from listkeeper.catalog import edit
from listkeeper.catalog.load import LineMap, LoadedCatalog, format_path, parse_yaml
from listkeeper.catalog.model import Catalog, Family
from listkeeper.catalog.rules import cross_file_problems
from listkeeper.changes.change import Change, path_key
from listkeeper.errors import EditError


def _apply_one(text: str, change: Change) -> str:
    match change.op:
        case "replace":
            return edit.replace_scalar(text, change.path, change.new, file=change.file)
        case "mark":
            return edit.set_mark(text, change.path, change.new, file=change.file)
        case "remove":
            return edit.remove_item(text, change.path, file=change.file)
        case "append":
            return edit.append_item(text, change.path, change.new, file=change.file)
        case "set":
            scalar_key = "repo" if len(change.path) == 5 and change.path[2] == "code" else None
            return edit.set_key(
                text, change.path[:-1], str(change.path[-1]), change.new, file=change.file, scalar_key=scalar_key
            )
    raise EditError(f"{change.file}: {format_path(change.path)}: unknown operation {change.op!r}")


def _edit_order(change: Change) -> tuple[int, tuple[tuple[int, str, int], ...]]:
    """In-place edits first, then appends, then removals from the last index back, so no key path goes stale."""
    rank = {"replace": 0, "mark": 0, "set": 0, "append": 1, "remove": 2}[change.op]
    key = path_key(change.path)
    if change.op == "remove":
        key = tuple((a, b, -c) for a, b, c in key)
    return rank, key


def apply(
    loaded: LoadedCatalog, changes: Sequence[Change], *, texts: Mapping[str, str] | None = None
) -> dict[str, str]:
    """New text of every file the changes touch (unchanged files are left out). Writes nothing.

    ``texts`` supplies the current file texts (default: read from disk). Raises :class:`EditError` when an edit
    cannot be made minimally and safely, or when the edited catalog breaks a cross-file rule.
    """
    out: dict[str, str] = {}
    by_file: dict[str, list[Change]] = {}
    for change in changes:
        by_file.setdefault(change.file, []).append(change)
    for file, file_changes in by_file.items():
        original = texts[file] if texts is not None else edit.read_text(Path(file))
        text = original
        for change in sorted(file_changes, key=_edit_order):
            text = _apply_one(text, change)
        if text != original:
            out[file] = text
    _check_cross_file(loaded, out)
    return out


def _check_cross_file(loaded: LoadedCatalog, new_texts: Mapping[str, str]) -> None:
    if not new_texts:
        return
    families = dict(loaded.catalog.families)
    lines: dict[str, LineMap] = dict(loaded.lines)
    for file, text in new_texts.items():
        data, line_map, problems = parse_yaml(text, file)
        if problems:
            raise EditError(f"{problems[0]}")
        try:
            families[file] = Family.model_validate(data)
        except ValidationError as exc:  # edit.py validated each step; this is a guard, not a path
            raise EditError(f"{file}: the edited file does not validate: {exc}") from None
        lines[file] = line_map
    problems = cross_file_problems(LoadedCatalog(loaded.root, Catalog(families=families), lines))
    if problems:
        listed = "".join(f"\n  {p}" for p in problems)
        raise EditError(f"the edited catalog would break cross-file rules:{listed}")
