"""Load catalog files: YAML → typed :class:`Family`, keeping the line of every key for error messages and
locations. Problems are collected across all files and raised together as one :class:`CatalogError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from listkeeper.catalog.model import CODE_TAGS, Catalog, Family
from listkeeper.errors import CatalogError, Problem

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class LineMap:
    """1-based line of each key path in one YAML file (the key's line for mappings, the item's for lists)."""

    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath) -> int | None:
        """Line of ``path`` or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if (found := self.lines.get(tuple(path[:end]))) is not None:
                return found
        return None


@dataclass
class LoadedCatalog:
    root: Path
    catalog: Catalog
    lines: dict[str, LineMap]  # keyed like catalog.families: path relative to root's parent, posix

    def line(self, file: str, path: KeyPath) -> int | None:
        return self.lines[file].line(path) if file in self.lines else None


_ALIAS_TAG = "tag:listkeeper,2024:alias"


class _AliasMarkingLoader(yaml.SafeLoader):
    """Composes an alias (``*name``) as a marker node at the alias itself instead of reusing the anchored node.

    Catalog files reject aliases: a shared value would report the anchor's line for every use, a minimal edit of
    one use would change all of them, and self-referencing or exponentially nested aliases would never finish
    walking. The marker keeps the alias's own line for the error message.
    """

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()
            return yaml.ScalarNode(_ALIAS_TAG, event.anchor, event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def _walk(node: yaml.Node, path: KeyPath, out: LineMap, problems: list[Problem], file: str) -> None:
    if isinstance(node, yaml.ScalarNode) and node.tag == _ALIAS_TAG:
        message = f"YAML alias *{node.value} is not allowed in catalog files; write the value out where it is used"
        problems.append(Problem(file, node.start_mark.line + 1, format_path(path), message))
        return
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            line = key_node.start_mark.line + 1
            if key_node.tag != "tag:yaml.org,2002:str":
                message = f"keys must be text, but YAML read {key!r} as {key_node.tag.rsplit(':', 1)[-1]}; quote it"
                problems.append(Problem(file, line, format_path((*path, key)), message))
            if key in seen:
                problems.append(
                    Problem(file, line, format_path((*path, key)), f"duplicate key (first at line {seen[key]})")
                )
            seen[key] = line
            out.lines[(*path, key)] = line
            _walk(value_node, (*path, key), out, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out.lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), out, problems, file)


def parse_yaml(text: str, file: str) -> tuple[Any, LineMap, list[Problem]]:
    """Parse YAML text safely, returning the data, its line map and syntax-level problems."""
    problems: list[Problem] = []
    lines = LineMap()
    try:
        node = yaml.compose(text, Loader=_AliasMarkingLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problems.append(Problem(file, line, "", f"YAML syntax error: {exc.problem or exc}"))
        return None, lines, problems
    except yaml.YAMLError as exc:
        problems.append(Problem(file, None, "", f"YAML error: {exc}"))
        return None, lines, problems
    if node is not None:
        lines.lines[()] = node.start_mark.line + 1
        _walk(node, (), lines, problems, file)
    return data, lines, problems


def _type_hint(kind: str, value: Any) -> str | None:
    """Explain a type error caused by YAML's implicit typing, the usual reason a value that looks right fails."""
    if kind == "string_type" and isinstance(value, bool | int | float | date):
        read_as = "true/false" if isinstance(value, bool) else "a date" if isinstance(value, date) else "a number"
        shown = value.isoformat() if isinstance(value, date) else repr(value)
        return f"expected text, but YAML read {shown} as {read_as}; put the value in quotes"
    if kind == "date_type" and isinstance(value, str):
        return f"expected a date written as YYYY-MM-DD without quotes, got {value!r}"
    if kind == "list_type":
        return "expected a list: write [a, b] or one '- item' per line"
    if kind in ("model_type", "dict_type"):
        return "expected a mapping of 'key: value' pairs"
    return None


def validation_problems(exc: ValidationError, file: str, lines: LineMap) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc: KeyPath = tuple(p for p in err["loc"] if isinstance(p, int | str) and p not in CODE_TAGS)
        # pydantic may append validator names to loc; keep the longest prefix that names real keys.
        while loc and loc not in lines.lines and len(loc) > 1 and loc[:-1] in lines.lines:
            if isinstance(loc[-1], str) and err["type"] == "missing":
                break
            loc = loc[:-1]
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif err["type"] == "missing":
            message = "required key is missing"
        elif err["type"] in ("too_short", "string_too_short") and err.get("ctx", {}).get("min_length") == 1:
            message = "must not be empty"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        elif (hint := _type_hint(err["type"], err.get("input"))) is not None:
            message = hint
        problems.append(Problem(file, lines.line(loc), format_path(loc), message))
    return sorted(problems, key=lambda p: p.line or 0)  # stable: pydantic's order within one line


def load_family(path: Path, name: str) -> tuple[Family | None, LineMap, list[Problem]]:
    """Load one family file; ``name`` is how the file is named in messages and keys."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, LineMap(), [Problem(name, None, "", f"cannot read: {exc.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, LineMap(), [Problem(name, line, "", "not valid UTF-8")]
    data, lines, problems = parse_yaml(text, name)
    if problems:
        return None, lines, problems
    if not isinstance(data, dict):
        return None, lines, [Problem(name, 1, "", "a family file must be a YAML mapping (id, name, entries, ...)")]
    try:
        return Family.model_validate(data), lines, []
    except ValidationError as exc:
        return None, lines, validation_problems(exc, name, lines)


def family_files(root: Path) -> Iterator[Path]:
    yield from sorted(p for p in root.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def load_catalog(root: Path, *, check: bool = True) -> LoadedCatalog:
    """Load every ``*.yaml`` under ``root`` (not recursive). Raises :class:`CatalogError` with all problems.

    With ``check`` (the default) the cross-file rules of :mod:`listkeeper.catalog.validate` run too.
    """
    if not root.is_dir():
        # A relative default ("catalog") resolves against the working directory: say where we looked.
        hint = "" if root.is_absolute() else f" (looked for {root.absolute()}; pass --catalog DIR)"
        raise CatalogError([Problem(str(root), None, "", "catalog directory does not exist" + hint)])
    families: dict[str, Family] = {}
    lines: dict[str, LineMap] = {}
    problems: list[Problem] = []
    for path in family_files(root):
        name = (root / path.name).as_posix()
        family, line_map, found = load_family(path, name)
        lines[name] = line_map
        problems += found
        if family is not None:
            families[name] = family
    if not families and not problems:
        problems.append(Problem(str(root), None, "", "no catalog files (*.yaml) found"))
    loaded = LoadedCatalog(root, Catalog(families=families), lines)
    if check and not problems:
        from listkeeper.catalog.validate import cross_file_problems

        problems += cross_file_problems(loaded)
    if problems:
        raise CatalogError(problems)
    return loaded
