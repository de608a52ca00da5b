"""Where things are in a YAML text, for minimal-diff edits: the node at a key path (``yaml.compose`` marks give
character offsets into the text), where a node's own text ends, line starts and ends, the line ending in use, and
the block-list layout (dash column, indentation past the key)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from listkeeper.catalog.loaded import KeyPath, format_path
from listkeeper.errors import EditError

DASH_PREFIX = re.compile(r"^( *)- +$")


@dataclass
class Located:
    node: yaml.Node
    key: yaml.ScalarNode | None  # the key node when the last path part is a mapping key
    parent: yaml.Node | None


def compose(text: str, file: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise EditError(f"{file}: cannot edit, the file is not valid YAML: {exc}") from None
    if node is None:
        raise EditError(f"{file}: cannot edit an empty file")
    return node


def child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.ScalarNode | None] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                return value_node, key_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None


def locate(root: yaml.Node, path: KeyPath, file: str) -> Located:
    node, key, parent = root, None, None
    for depth, part in enumerate(path):
        found = child(node, part)
        if found is None:
            raise EditError(
                f"{file}: {format_path(path)}: no such key path (missing at {format_path(path[: depth + 1])})"
            )
        parent = node
        node, key = found
    return Located(node, key, parent)


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The node whose text ends a block node (block spans also swallow trailing blank lines and comments)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_leaf(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_leaf(node.value[-1])
    return node


def content_end(text: str, node: yaml.Node) -> int:
    """Offset just after the last non-blank character of ``node``'s own text."""
    leaf = _last_leaf(node)
    start, end = leaf.start_mark.index, leaf.end_mark.index
    return start + len(text[start:end].rstrip())


def line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def line_end(text: str, pos: int) -> int:
    """Offset of the line break (``\\r\\n`` or ``\\n``) ending the line that holds ``pos``; len(text) if none."""
    newline = text.find("\n", pos)
    if newline == -1:
        return len(text)
    return newline - 1 if newline > 0 and text[newline - 1] == "\r" else newline


def after_line(text: str, pos: int) -> int:
    """Offset of the first character of the line after the one holding ``pos``."""
    newline = text.find("\n", pos)
    return len(text) if newline == -1 else newline + 1


def line_ending(text: str, pos: int) -> str:
    """The line ending used near ``pos`` (that line's, else the file's first, else ``\\n``)."""
    newline = text.find("\n", pos)
    if newline == -1:
        newline = text.find("\n")
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def dash_column(text: str, item: yaml.Node, file: str, path: KeyPath) -> int:
    """Column of the ``-`` that introduces a block sequence item written as ``- value`` on one line."""
    start = item.start_mark.index
    match = DASH_PREFIX.match(text[line_start(text, start) : start])
    if match is None:
        raise EditError(f"{file}: {format_path(path)}: unsupported layout (expected '- item' on one line)")
    return len(match.group(1))


def sequence_offset(text: str, root: yaml.Node) -> int:
    """How far this file indents a block list's dashes past its key (``key:\\n  - x`` → 2, ``- x`` → 0)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(value_node, yaml.SequenceNode) and not value_node.flow_style and value_node.value:
                    first = value_node.value[0]
                    match = DASH_PREFIX.match(text[line_start(text, first.start_mark.index) : first.start_mark.index])
                    if match is not None and first.start_mark.line > key_node.start_mark.line:
                        column: int = key_node.start_mark.column
                        return len(match.group(1)) - column
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return 2
