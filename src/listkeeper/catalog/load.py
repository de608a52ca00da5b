"""Load catalog files: YAML (:mod:`~listkeeper.catalog.yamlparse`) → typed :class:`Family`, keeping the line of
every key for error messages and locations; from a directory or from texts in memory. Problems are collected
across all files and raised together as one :class:`CatalogError`.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from listkeeper.catalog.loaded import KeyPath, LineMap, LoadedCatalog, format_path
from listkeeper.catalog.model import CODE_TAGS, Catalog, Family
from listkeeper.catalog.rules import cross_file_problems
from listkeeper.catalog.yamlparse import parse_yaml
from listkeeper.config import DEFAULT_LIMITS, LimitsConfig
from listkeeper.errors import CatalogError, Problem


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
