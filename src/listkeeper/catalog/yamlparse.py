"""YAML text → data, the line of every key path, and syntax-level problems, safely: one pass that composes (in C
when libyaml is there), checks the tree without recursion (duplicate keys, non-text keys, aliases, nesting deeper
than ``[limits] yaml_depth``) and builds the data from the same nodes."""

from __future__ import annotations

from typing import Any

import yaml

from listkeeper.catalog.loaded import KeyPath, LineMap, format_path
from listkeeper.config import DEFAULT_LIMITS
from listkeeper.errors import Problem

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
