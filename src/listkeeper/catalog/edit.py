"""Minimal-diff edits of catalog files: change one token or one line, never re-dump a file.

Every operation takes the text of one family file and returns the new text. It locates the exact YAML node with
``yaml.compose`` (``start_mark.index`` / ``end_mark.index`` are character offsets into the text), splices only
that span, and keeps everything else byte-identical: comments, indentation, key order, blank lines, quoting of
other values and line endings (``\\r\\n`` stays ``\\r\\n``; insert lines copy the ending of their neighbour).

After each splice the new text is re-parsed and validated as a :class:`Family`, and the plain data tree is compared
with the old one: the only difference allowed is the intended one (the check Renovate calls
``confirmIfDepUpdated``). Anything else raises :class:`EditError` and the caller keeps the old text. These
functions never write; :func:`write_atomic` is for the caller, after every edit of a run has been verified.

Scalar list items (``code``, ``collections``, ``datasets``) cannot carry a ``mark`` in the schema, so
:func:`set_mark` refuses them; :mod:`listkeeper.changes` removes such items instead.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from listkeeper.catalog.load import KeyPath, format_path, parse_yaml
from listkeeper.catalog.model import Family
from listkeeper.errors import EditError

_DASH_PREFIX = re.compile(r"^( *)- +$")


# --- locating nodes --------------------------------------------------------------------------------------------


@dataclass
class _Located:
    node: yaml.Node
    key: yaml.ScalarNode | None  # the key node when the last path part is a mapping key
    parent: yaml.Node | None


def _compose(text: str, file: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise EditError(f"{file}: cannot edit, the file is not valid YAML: {exc}") from None
    if node is None:
        raise EditError(f"{file}: cannot edit an empty file")
    return node


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.ScalarNode | None] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                return value_node, key_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None


def _locate(root: yaml.Node, path: KeyPath, file: str) -> _Located:
    node, key, parent = root, None, None
    for depth, part in enumerate(path):
        found = _child(node, part)
        if found is None:
            raise EditError(
                f"{file}: {format_path(path)}: no such key path (missing at {format_path(path[: depth + 1])})"
            )
        parent = node
        node, key = found
    return _Located(node, key, parent)


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The node whose text ends a block node (block spans also swallow trailing blank lines and comments)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_leaf(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_leaf(node.value[-1])
    return node


def _content_end(text: str, node: yaml.Node) -> int:
    """Offset just after the last non-blank character of ``node``'s own text."""
    leaf = _last_leaf(node)
    start, end = leaf.start_mark.index, leaf.end_mark.index
    return start + len(text[start:end].rstrip())


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_end(text: str, pos: int) -> int:
    """Offset of the line break (``\\r\\n`` or ``\\n``) ending the line that holds ``pos``; len(text) if none."""
    newline = text.find("\n", pos)
    if newline == -1:
        return len(text)
    return newline - 1 if newline > 0 and text[newline - 1] == "\r" else newline


def _after_line(text: str, pos: int) -> int:
    """Offset of the first character of the line after the one holding ``pos``."""
    newline = text.find("\n", pos)
    return len(text) if newline == -1 else newline + 1


def _eol(text: str, pos: int) -> str:
    """The line ending used near ``pos`` (that line's, else the file's first, else ``\\n``)."""
    newline = text.find("\n", pos)
    if newline == -1:
        newline = text.find("\n")
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def _dash_column(text: str, item: yaml.Node, file: str, path: KeyPath) -> int:
    """Column of the ``-`` that introduces a block sequence item written as ``- value`` on one line."""
    start = item.start_mark.index
    match = _DASH_PREFIX.match(text[_line_start(text, start) : start])
    if match is None:
        raise EditError(f"{file}: {format_path(path)}: unsupported layout (expected '- item' on one line)")
    return len(match.group(1))


# --- rendering new values --------------------------------------------------------------------------------------


def _loads(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return _INVALID


_INVALID = object()


def _plain_ok(value: str) -> bool:
    """Whether ``value`` reads back as the same string written plain, in block and in flow context."""
    if not value or value != value.strip() or "\n" in value or "\r" in value:
        return False
    return bool(
        _loads(f"k: {value}\n") == {"k": value}
        and _loads(f"{{k: {value}}}\n") == {"k": value}
        and _loads(f"[{value}]\n") == [value]
    )


def _quoted(value: str, style: str) -> str:
    dumped = yaml.safe_dump(value, default_style=style, allow_unicode=True, width=2**31 - 1)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def render_scalar(value: Any) -> str:
    """A flow-safe YAML token for ``value``: plain where it reads back unchanged, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "null"
    if isinstance(value, str):
        return value if _plain_ok(value) else _quoted(value, '"')
    raise TypeError(f"cannot render {type(value).__name__} as a YAML scalar")


def render_flow(value: Any) -> str:
    """``value`` as one line of flow YAML (``{state: dead, since: 2026-11-27, evidence: "..."}``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render_scalar(k)}: {render_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(render_flow(v) for v in value) + "]"
    return render_scalar(value)


def _scalar_tokens(value: str, style: str | None) -> list[str]:
    """Candidate tokens for replacing a scalar, the original quoting style first."""
    orders: dict[str | None, list[str | None]] = {None: [None, "'", '"'], "'": ["'", '"'], '"': ['"']}
    order = orders[style]
    tokens = []
    for candidate in order:
        if candidate is None:
            if _plain_ok(value):
                tokens.append(value)
        elif candidate == "'":
            if not any(ch in value for ch in "\n\r") and value.isprintable():
                tokens.append("'" + value.replace("'", "''") + "'")
        else:
            tokens.append(_quoted(value, '"'))
    return tokens


# --- verification ----------------------------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Structural equality that also compares types (``1 != True``, ``'1' != 1``, dates stay dates)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _data(text: str, file: str) -> Any:
    data, _, problems = parse_yaml(text, file)
    if problems:
        raise EditError(f"{file}: {problems[0]}")
    return data


def _check(new_text: str, expected: Any, file: str, path: KeyPath) -> str | None:
    """None if ``new_text`` means exactly ``expected`` and is a valid family file, else why not."""
    data, _, problems = parse_yaml(new_text, file)
    if problems:
        return f"the edited text does not parse ({problems[0].message})"
    if not _same(data, expected):
        return "the edit would change more than the intended value"
    try:
        Family.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"the result is not a valid catalog file ({format_path(tuple(err['loc']))}: {err['msg']})"
    return None


def _verified(candidates: list[str], expected: Any, file: str, path: KeyPath, what: str) -> str:
    reason = "no way to write it"
    for candidate in candidates:
        reason = _check(candidate, expected, file, path) or ""
        if not reason:
            return candidate
    raise EditError(f"{file}: {format_path(path)}: refusing to {what}: {reason}")


def _expected(text: str, file: str, change: Callable[[Any], None]) -> Any:
    data = copy.deepcopy(_data(text, file))
    change(data)
    return data


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


# --- operations ------------------------------------------------------------------------------------------------


def replace_scalar(text: str, path: KeyPath, new_value: str, *, file: str = "<catalog>") -> str:
    """Replace the string scalar at ``path`` with ``new_value``, keeping its quoting style where possible."""
    root = _compose(text, file)
    node = _locate(root, path, file).node
    if not isinstance(node, yaml.ScalarNode):
        raise EditError(f"{file}: {format_path(path)}: not a scalar value")
    if node.style in ("|", ">"):
        raise EditError(f"{file}: {format_path(path)}: block scalars (| or >) are not edited automatically")
    start, end = node.start_mark.index, node.end_mark.index
    if text[start : start + 1] in ("&", "!", "*"):
        raise EditError(f"{file}: {format_path(path)}: anchored, aliased or tagged values are not edited automatically")
    expected = _expected(text, file, lambda d: _set(d, path, new_value))
    candidates = [text[:start] + token + text[end:] for token in _scalar_tokens(new_value, node.style)]
    return _verified(candidates, expected, file, path, f"set it to {new_value!r}")


def _set(data: Any, path: KeyPath, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def set_mark(text: str, path_to_item: KeyPath, mark: dict[str, Any], *, file: str = "<catalog>") -> str:
    """Add ``mark: {...}`` to the mapping item at ``path_to_item``, or update the fields of its existing mark."""
    root = _compose(text, file)
    item = _locate(root, path_to_item, file).node
    if not isinstance(item, yaml.MappingNode):
        raise EditError(
            f"{file}: {format_path(path_to_item)}: only mapping items can carry a mark "
            "(the schema has no mark for scalar list items; remove the item instead)"
        )
    mark_path = (*path_to_item, "mark")
    existing = _child(item, "mark")
    if existing is not None and isinstance(existing[0], yaml.MappingNode):
        return _update_mark(text, mark_path, mark, file)
    if existing is not None:
        raise EditError(f"{file}: {format_path(mark_path)}: the existing mark is not a mapping")
    expected = _expected(text, file, lambda d: _get(d, path_to_item).__setitem__("mark", dict(mark)))
    return _verified([_insert_key(text, item, "mark", render_flow(mark))], expected, file, mark_path, "add a mark")


def set_key(
    text: str, path_to_item: KeyPath, key: str, value: Any, *, file: str = "<catalog>", scalar_key: str | None = None
) -> str:
    """Set ``key`` of the mapping item at ``path_to_item`` to the scalar ``value``: its existing value is replaced
    in place (quoting kept where possible), a missing key is added as the item's last key.

    With ``scalar_key``, a scalar item (``- zai-org/CogVLM``) becomes the flow mapping ``{scalar_key: <the
    scalar>, key: value}`` in place, so it can carry the fact.
    """
    root = _compose(text, file)
    item = _locate(root, path_to_item, file).node
    if isinstance(item, yaml.ScalarNode) and scalar_key is not None:
        return _expand_scalar(
            text, path_to_item, item, {scalar_key: _get(_data(text, file), path_to_item), key: value}, file
        )
    if not isinstance(item, yaml.MappingNode):
        raise EditError(f"{file}: {format_path(path_to_item)}: only mapping items have keys to set")
    path = (*path_to_item, key)
    existing = _child(item, key)
    if existing is not None:
        if isinstance(value, str):
            return replace_scalar(text, path, value, file=file)
        return _replace_typed(text, path, render_scalar(value), value, file)
    expected = _expected(text, file, lambda d: _get(d, path_to_item).__setitem__(key, value))
    return _verified([_insert_key(text, item, key, render_scalar(value))], expected, file, path, f"add {key}")


def _expand_scalar(text: str, path: KeyPath, node: yaml.ScalarNode, mapping: dict[str, Any], file: str) -> str:
    if node.style in ("|", ">") or text[node.start_mark.index : node.start_mark.index + 1] in ("&", "!", "*"):
        raise EditError(f"{file}: {format_path(path)}: this value is not edited automatically")
    start, end = node.start_mark.index, node.end_mark.index
    expected = _expected(text, file, lambda d: _set(d, path, dict(mapping)))
    return _verified([text[:start] + render_flow(mapping) + text[end:]], expected, file, path, "give it details")


def _update_mark(text: str, mark_path: KeyPath, mark: dict[str, Any], file: str) -> str:
    """Rewrite only the scalars of an existing mark that differ (a mark has exactly the required keys)."""
    current = _get(_data(text, file), mark_path)
    if set(current) != set(mark):
        raise EditError(f"{file}: {format_path(mark_path)}: the existing mark has other keys than {sorted(mark)}")
    for key, value in mark.items():
        if _same(current[key], value):
            continue
        rendered = value.isoformat() if isinstance(value, date) else value
        if not isinstance(rendered, str):
            raise EditError(f"{file}: {format_path((*mark_path, key))}: cannot write {value!r}")
        text = _replace_typed(text, (*mark_path, key), rendered, value, file)
    return text


def _replace_typed(text: str, path: KeyPath, token_value: str, value: Any, file: str) -> str:
    """Like :func:`replace_scalar`, for values that YAML reads back as another type (dates)."""
    if isinstance(value, str):
        return replace_scalar(text, path, value, file=file)
    node = _locate(_compose(text, file), path, file).node
    if not isinstance(node, yaml.ScalarNode) or node.style is not None:
        raise EditError(f"{file}: {format_path(path)}: expected a plain scalar")
    start, end = node.start_mark.index, node.end_mark.index
    expected = _expected(text, file, lambda d: _set(d, path, value))
    return _verified([text[:start] + token_value + text[end:]], expected, file, path, f"set it to {token_value}")


def _insert_key(text: str, mapping: yaml.MappingNode, key: str, flow_value: str) -> str:
    """Text with ``key: flow_value`` appended to ``mapping`` (a new line in block style, ``, k: v`` in flow)."""
    last_value = mapping.value[-1][1]
    if mapping.flow_style:
        at = _content_end(text, last_value)
        return text[:at] + f", {key}: {flow_value}" + text[at:]
    indent: int = mapping.value[0][0].start_mark.column
    at = _line_end(text, _content_end(text, last_value) - 1)
    return text[:at] + _eol(text, at) + " " * indent + f"{key}: {flow_value}" + text[at:]


def remove_item(text: str, path: KeyPath, *, file: str = "<catalog>") -> str:
    """Remove the list item at ``path`` with its own lines (block) or its own span and comma (flow)."""
    if not path or not isinstance(path[-1], int):
        raise EditError(f"{file}: {format_path(path)}: not a list item")
    root = _compose(text, file)
    _locate(root, path, file)  # a clear error when the item does not exist
    located = _locate(root, path[:-1], file)
    seq, index = located.node, path[-1]
    if not isinstance(seq, yaml.SequenceNode):
        raise EditError(f"{file}: {format_path(path)}: not a list item")
    expected = _expected(text, file, lambda d: _get(d, path[:-1]).pop(index))
    if seq.flow_style:
        new_text = _remove_flow(text, seq, index)
    else:
        new_text = _remove_block(text, seq, located.key, index, file, path)
    return _verified([new_text], expected, file, path, "remove the item")


def _remove_flow(text: str, seq: yaml.SequenceNode, index: int) -> str:
    items = seq.value
    if index + 1 < len(items):
        start, end = items[index].start_mark.index, items[index + 1].start_mark.index
    elif index > 0:
        start, end = _content_end(text, items[index - 1]), items[index].end_mark.index
    else:
        start, end = items[index].start_mark.index, items[index].end_mark.index
    return text[:start] + text[end:]


def _remove_block(
    text: str, seq: yaml.SequenceNode, key: yaml.ScalarNode | None, index: int, file: str, path: KeyPath
) -> str:
    item = seq.value[index]
    _dash_column(text, item, file, path)
    start = _line_start(text, item.start_mark.index)
    end = _after_line(text, _content_end(text, item) - 1)
    new_text = text[:start] + text[end:]
    if len(seq.value) == 1:
        # The list becomes empty: an empty block list would read as null, so write "key: []" on the key's line.
        colon = -1 if key is None else text.find(":", key.end_mark.index, start)
        if colon == -1:
            raise EditError(f"{file}: {format_path(path)}: cannot empty this list")
        new_text = new_text[: colon + 1] + " []" + new_text[colon + 1 :]
    return new_text


def append_item(text: str, path_to_list: KeyPath, item: dict[str, Any] | str, *, file: str = "<catalog>") -> str:
    """Append ``item`` to the list at ``path_to_list`` in the list's own style, creating the key if missing."""
    root = _compose(text, file)
    parent = _locate(root, path_to_list[:-1], file).node
    found = _child(parent, path_to_list[-1])

    def change(data: Any) -> None:
        _get(data, path_to_list[:-1]).setdefault(path_to_list[-1], []).append(copy.deepcopy(item))

    expected = _expected(text, file, change)
    if found is None:
        if not isinstance(parent, yaml.MappingNode) or not isinstance(path_to_list[-1], str):
            raise EditError(f"{file}: {format_path(path_to_list)}: cannot create this list")
        new_text = _new_block_list(text, root, parent, path_to_list[-1], item)
    else:
        seq = found[0]
        if not isinstance(seq, yaml.SequenceNode):
            raise EditError(f"{file}: {format_path(path_to_list)}: not a list")
        new_text = (
            _append_flow(text, seq, item) if seq.flow_style else _append_block(text, seq, item, file, path_to_list)
        )
    return _verified([new_text], expected, file, path_to_list, "append the item")


def _append_flow(text: str, seq: yaml.SequenceNode, item: dict[str, Any] | str) -> str:
    if seq.value:
        at = _content_end(text, seq.value[-1])
        return text[:at] + ", " + render_flow(item) + text[at:]
    at = seq.end_mark.index - 1  # the closing bracket
    return text[:at] + render_flow(item) + text[at:]


def _block_item_lines(item: dict[str, Any] | str, dash_col: int, style_like: yaml.Node | None) -> list[str]:
    """Lines of a new block-sequence item; mappings copy the style of their sibling (block or flow)."""
    dash = " " * dash_col + "- "
    if not isinstance(item, dict) or style_like is None or not isinstance(style_like, yaml.MappingNode):
        return [dash + render_flow(item)]
    if style_like.flow_style:
        return [dash + render_flow(item)]
    content_col = style_like.start_mark.column
    lines = [f"{render_scalar(k)}: {render_flow(v)}" for k, v in item.items()]
    return [dash + lines[0]] + [" " * content_col + line for line in lines[1:]]


def _append_block(text: str, seq: yaml.SequenceNode, item: dict[str, Any] | str, file: str, path: KeyPath) -> str:
    last = seq.value[-1]
    dash_col = _dash_column(text, last, file, path)
    at = _line_end(text, _content_end(text, last) - 1)
    eol = _eol(text, at)
    lines = _block_item_lines(item, dash_col, last)
    return text[:at] + "".join(eol + line for line in lines) + text[at:]


def _sequence_offset(text: str, root: yaml.Node) -> int:
    """How far this file indents a block list's dashes past its key (``key:\\n  - x`` → 2, ``- x`` → 0)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(value_node, yaml.SequenceNode) and not value_node.flow_style and value_node.value:
                    first = value_node.value[0]
                    match = _DASH_PREFIX.match(text[_line_start(text, first.start_mark.index) : first.start_mark.index])
                    if match is not None and first.start_mark.line > key_node.start_mark.line:
                        column: int = key_node.start_mark.column
                        return len(match.group(1)) - column
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return 2


def _new_block_list(text: str, root: yaml.Node, parent: yaml.MappingNode, key: str, item: dict[str, Any] | str) -> str:
    if parent.flow_style:
        return _insert_key(text, parent, key, render_flow([item]))
    indent = parent.value[0][0].start_mark.column
    at = _line_end(text, _content_end(text, parent.value[-1][1]) - 1)
    eol = _eol(text, at)
    dash_col = indent + max(0, _sequence_offset(text, root))
    lines = [" " * indent + f"{key}:", *_block_item_lines(item, dash_col, None)]
    return text[:at] + "".join(eol + line for line in lines) + text[at:]


# --- writing ---------------------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A catalog file's text exactly as stored (no newline translation)."""
    return path.read_bytes().decode("utf-8")
