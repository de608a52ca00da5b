"""Load catalog files: YAML → typed :class:`Family`, keeping the line of every key for error messages and
locations. Problems are collected across all files and raised together as one :class:`CatalogError`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from listkeeper.catalog.loaded import KeyPath, LineMap, LoadedCatalog, format_path
from listkeeper.catalog.model import CODE_TAGS, Catalog, Family
from listkeeper.catalog.rules import cross_file_problems
from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.errors import CatalogError, Problem

_ALIAS_TAG = "tag:listkeeper,2024:alias"


class _AliasMarkingLoader(yaml.SafeLoader):
    """Composes an alias (``*name``) as a marker node at the alias itself instead of reusing the anchored node.

    Catalog files reject aliases: a shared value would report the anchor's line for every use, a minimal edit of
    one use would change all of them, and self-referencing or exponentially nested aliases would never finish
    walking. The marker keeps the alias's own line for the error message.
    """

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]  # untyped in PyYAML's stubs
            return yaml.ScalarNode(_ALIAS_TAG, event.anchor, event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


#: libyaml (when PyYAML has it) scans and composes in C: the pure-Python scanner was ~95% of validating a large
#: catalog. Composition stays non-recursive on our side (:func:`_walk`), so nesting never meets RecursionError.
class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader, in C where it can be. The path resolvers, which safe loading never registers, are not
    walked for every node."""

    if not yaml.resolver.Resolver.yaml_path_resolvers:

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None


_LIBYAML_DEPTH = "exceeded maximum nesting depth"  # libyaml's own limit (1000 levels) says this


class _Alias(Exception):
    """A node reached twice: an alias. The slow composer (:class:`_AliasMarkingLoader`) then says exactly where."""


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _Slow(Exception):
    """A tree the single-pass builder leaves to PyYAML's own constructor (explicit collection tags)."""


def _walk(
    root: yaml.Node,
    out: LineMap,
    problems: list[Problem],
    file: str,
    max_depth: int,
    *,
    marked: bool = False,
    loader: Any = None,
    anchors: bool = True,
) -> Any:
    """Record the line of every key path and the structural problems, in document order, without recursion; with
    a ``loader``, also build the data (what ``yaml.safe_load`` returns) in the same pass, until a problem is found.

    ``marked``: aliases are marker nodes (:class:`_AliasMarkingLoader`); otherwise a node met twice raises
    :class:`_Alias` (``anchors=False``: the text has no ``&``, so no alias can exist and none is looked for).
    Nesting deeper than ``max_depth`` is one problem at the first line that goes too deep.
    """
    seen: set[int] = set()
    track = anchors and not marked
    result: list[Any] = [None]
    stack: list[tuple[yaml.Node, KeyPath, int, Any, Any]] = [(root, (), 0, result, 0)]
    while stack:
        node, path, depth, container, slot = stack.pop()
        if marked and isinstance(node, yaml.ScalarNode) and node.tag == _ALIAS_TAG:
            message = f"YAML alias *{node.value} is not allowed in catalog files; write the value out where it is used"
            problems.append(Problem(file, node.start_mark.line + 1, format_path(path), message))
            continue
        if track:
            if id(node) in seen:
                raise _Alias
            seen.add(id(node))
        if depth > max_depth and isinstance(node, yaml.CollectionNode):
            message = f"nested deeper than {max_depth} levels (the limit, [limits] yaml_depth)"
            problems.append(Problem(file, node.start_mark.line + 1, format_path(path), message))
            return None
        build = loader is not None and not problems
        children: list[tuple[yaml.Node, KeyPath, int, Any, Any]] = []
        if isinstance(node, yaml.MappingNode):
            if build and node.tag != _MAP:
                raise _Slow
            value: Any = {}
            keys: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                line = key_node.start_mark.line + 1
                if key_node.tag != _STR:
                    message = f"keys must be text, but YAML read {key!r} as {key_node.tag.rsplit(':', 1)[-1]}; quote it"
                    problems.append(Problem(file, line, format_path((*path, key)), message))
                if key in keys:
                    problems.append(
                        Problem(file, line, format_path((*path, key)), f"duplicate key (first at line {keys[key]})")
                    )
                keys[key] = line
                out.lines[(*path, key)] = line
                children.append((value_node, (*path, key), depth + 1, value, key))
        elif isinstance(node, yaml.SequenceNode):
            if build and node.tag != _SEQ:
                raise _Slow
            value = [None] * len(node.value)
            for index, item in enumerate(node.value):
                out.lines[(*path, index)] = item.start_mark.line + 1
                children.append((item, (*path, index), depth + 1, value, index))
        elif build:
            value = node.value if node.tag == _STR else loader.construct_object(node, deep=True)
        else:
            value = None
        if build:
            container[slot] = value
        stack.extend(reversed(children))
    return result[0]


def parse_yaml(text: str, file: str, max_depth: int = DEFAULT_LIMITS.yaml_depth) -> tuple[Any, LineMap, list[Problem]]:
    """Parse YAML text safely, returning the data, its line map and syntax-level problems.

    One pass: compose (in C when libyaml is there), check the tree (:func:`_walk`), then construct the data from
    the same nodes. A file with aliases is composed again by the slow composer, only to name each alias's line.
    """
    problems: list[Problem] = []
    lines = LineMap()
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines, problems
        lines.lines[()] = node.start_mark.line + 1
        try:
            data = _walk(node, lines, problems, file, max_depth, loader=loader, anchors="&" in text)
        except _Alias:
            return None, *_aliases(text, file, max_depth)
        except _Slow:
            lines, problems = LineMap(), []
            lines.lines[()] = node.start_mark.line + 1
            _walk(node, lines, problems, file, max_depth)
            data = None if problems else loader.construct_document(node)
        if problems:
            return None, lines, problems
        return data, lines, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        if _LIBYAML_DEPTH in str(exc.problem):
            message = f"nested deeper than {max_depth} levels (the limit, [limits] yaml_depth)"
        else:
            message = f"YAML syntax error: {exc.problem or exc}"
        problems.append(Problem(file, line, "", message))
        return None, lines, problems
    except yaml.YAMLError as exc:
        problems.append(Problem(file, None, "", f"YAML error: {exc}"))
        return None, lines, problems
    except RecursionError:  # the pure-Python composer (no libyaml) on deep input
        problems.append(
            Problem(file, None, "", f"nested deeper than {max_depth} levels (the limit, [limits] yaml_depth)")
        )
        return None, lines, problems
    finally:
        loader.dispose()


def _aliases(text: str, file: str, max_depth: int) -> tuple[LineMap, list[Problem]]:
    """The alias problems with each alias's own line (the tree's depth was checked already)."""
    lines, problems = LineMap(), list[Problem]()
    node = yaml.compose(text, Loader=_AliasMarkingLoader)
    assert node is not None
    lines.lines[()] = node.start_mark.line + 1
    _walk(node, lines, problems, file, max_depth, marked=True)
    return lines, problems


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


def _too_big(size: int, name: str, limits: LimitsConfig) -> list[Problem]:
    if size <= limits.catalog_file_bytes:
        return []
    limit = limits.catalog_file_bytes
    message = f"file is {size:,} bytes, more than the limit of {limit:,} ([limits] catalog_file_bytes)"
    return [Problem(name, None, "", message)]


def _read(path: Path, name: str, limits: LimitsConfig) -> tuple[str | None, list[Problem]]:
    """A family file's text exactly as stored, or the problem reading it (``name`` names it in messages)."""
    try:
        if too_big := _too_big(path.stat().st_size, name, limits):
            return None, too_big
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, None, "", f"cannot read: {exc.strerror}")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, "", "not valid UTF-8")]


def load_family(
    path: Path, name: str, limits: LimitsConfig = DEFAULT_LIMITS
) -> tuple[Family | None, LineMap, list[Problem]]:
    """Load one family file; ``name`` is how the file is named in messages and keys."""
    text, problems = _read(path, name, limits)
    if text is None:
        return None, LineMap(), problems
    return parse_family(text, name, limits)


def parse_family(
    text: str, name: str, limits: LimitsConfig = DEFAULT_LIMITS
) -> tuple[Family | None, LineMap, list[Problem]]:
    """One family file's text → the typed family, its line map and its problems."""
    data, lines, problems = parse_yaml(text, name, limits.yaml_depth)
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


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading: a large catalog is millions of objects that all stay alive,
    and each full collection walks every one of them again (100,000 entries: 40 s of 60). Loading makes no cycles
    to collect; reference counting frees the rest as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_root(root: Path) -> None:
    """Raise :class:`CatalogError` unless ``root`` is a directory."""
    if not root.is_dir():
        # A relative default ("catalog") resolves against the working directory: say where we looked.
        hint = "" if root.is_absolute() else f" (looked for {root.absolute()}; pass --catalog DIR)"
        raise CatalogError([Problem(str(root), None, "", "catalog directory does not exist" + hint)])


def read_texts(root: Path, *, limits: LimitsConfig = DEFAULT_LIMITS) -> dict[str, str]:
    """The family files under ``root`` as texts, keyed like :func:`load_catalog` keys them (for
    :func:`load_texts`). Raises :class:`CatalogError` for a missing directory or a file that cannot be read."""
    check_root(root)
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for path in family_files(root):
        name = (root / path.name).as_posix()
        text, found = _read(path, name, limits)
        problems += found
        if text is not None:
            texts[name] = text
    if problems:
        raise CatalogError(problems)
    return texts


def load_catalog(root: Path, *, check: bool = True, limits: LimitsConfig = DEFAULT_LIMITS) -> LoadedCatalog:
    """Load every ``*.yaml`` under ``root`` (not recursive). Raises :class:`CatalogError` with all problems.

    With ``check`` (the default) the cross-file rules of :mod:`listkeeper.catalog.rules` run too. ``limits``
    bounds each file's size and nesting (``[limits]`` in the configuration).
    """
    check_root(root)
    loaded = []
    with gc_paused():
        for path in family_files(root):
            name = (root / path.name).as_posix()
            loaded.append((name, *load_family(path, name, limits)))
    return _collect(root, loaded, check=check)


def load_texts(
    texts: Mapping[str, str], root: Path, *, check: bool = True, limits: LimitsConfig = DEFAULT_LIMITS
) -> LoadedCatalog:
    """Load family files given as texts (name → text), without touching the disk: the names key the families and
    name the files in problems. ``root`` is the catalog directory they stand for. Raises like :func:`load_catalog`.
    """
    loaded: list[tuple[str, Family | None, LineMap, list[Problem]]] = []
    with gc_paused():
        for name in sorted(texts):
            text = texts[name]
            if too_big := _too_big(len(text.encode("utf-8")), name, limits):
                loaded.append((name, None, LineMap(), too_big))
            else:
                loaded.append((name, *parse_family(text, name, limits)))
    return _collect(root, loaded, check=check)


def _collect(
    root: Path, loaded: list[tuple[str, Family | None, LineMap, list[Problem]]], *, check: bool
) -> LoadedCatalog:
    families: dict[str, Family] = {}
    lines: dict[str, LineMap] = {}
    problems: list[Problem] = []
    for name, family, line_map, found in loaded:
        lines[name] = line_map
        problems += found
        if family is not None:
            families[name] = family
    if not families and not problems:
        problems.append(Problem(str(root), None, "", "no catalog files (*.yaml) found"))
    catalog = LoadedCatalog(root, Catalog(families=families), lines)
    if check and not problems:
        problems += cross_file_problems(catalog)
    if problems:
        raise CatalogError(problems)
    return catalog


__all__ = [
    "DEFAULT_LIMITS",
    "KeyPath",
    "LineMap",
    "LoadedCatalog",
    "check_root",
    "family_files",
    "format_path",
    "gc_paused",
    "load_catalog",
    "load_family",
    "load_texts",
    "parse_family",
    "parse_yaml",
    "read_texts",
    "validation_problems",
]
