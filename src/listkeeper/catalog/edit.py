"""Minimal-diff edits of catalog files: change one token or one line, never re-dump a file.

Every operation takes the text of one family file and returns the new text. It locates the exact YAML node
(:mod:`~listkeeper.catalog.yamlnodes`: ``yaml.compose`` marks are character offsets into the text), splices only
that span with the new value's token (:mod:`~listkeeper.catalog.yamlrender`), and keeps everything else
byte-identical: comments, indentation, key order, blank lines, quoting of other values and line endings
(``\\r\\n`` stays ``\\r\\n``; insert lines copy the ending of their neighbour).

After each splice the new text is re-parsed and validated as a :class:`Family`, and the plain data tree is compared
with the old one: the only difference allowed is the intended one (the check Renovate calls
``confirmIfDepUpdated``). Anything else raises :class:`EditError` and the caller keeps the old text. These
functions never write; :func:`write_atomic` is for the caller, after every edit of a run has been verified.

Scalar list items (``code``, ``collections``, ``datasets``) cannot carry a ``mark`` in the schema, so
:func:`set_mark` refuses them; :mod:`listkeeper.changes` removes such items instead.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from listkeeper.catalog.loaded import KeyPath, format_path
from listkeeper.catalog.model import Family
from listkeeper.catalog.yamlnodes import (
    after_line,
    child,
    compose,
    content_end,
    dash_column,
    line_end,
    line_ending,
    line_start,
    locate,
    sequence_offset,
)
from listkeeper.catalog.yamlparse import parse_yaml
from listkeeper.catalog.yamlrender import render_flow, render_scalar, scalar_tokens
from listkeeper.errors import EditError

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
    root = compose(text, file)
    node = locate(root, path, file).node
    if not isinstance(node, yaml.ScalarNode):
        raise EditError(f"{file}: {format_path(path)}: not a scalar value")
    if node.style in ("|", ">"):
        raise EditError(f"{file}: {format_path(path)}: block scalars (| or >) are not edited automatically")
    start, end = node.start_mark.index, node.end_mark.index
    if text[start : start + 1] in ("&", "!", "*"):
        raise EditError(f"{file}: {format_path(path)}: anchored, aliased or tagged values are not edited automatically")
    expected = _expected(text, file, lambda d: _set(d, path, new_value))
    candidates = [text[:start] + token + text[end:] for token in scalar_tokens(new_value, node.style)]
    return _verified(candidates, expected, file, path, f"set it to {new_value!r}")


def _set(data: Any, path: KeyPath, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def set_mark(text: str, path_to_item: KeyPath, mark: dict[str, Any], *, file: str = "<catalog>") -> str:
    """Add ``mark: {...}`` to the mapping item at ``path_to_item``, or update the fields of its existing mark."""
    root = compose(text, file)
    item = locate(root, path_to_item, file).node
    if not isinstance(item, yaml.MappingNode):
        raise EditError(
            f"{file}: {format_path(path_to_item)}: only mapping items can carry a mark "
            "(the schema has no mark for scalar list items; remove the item instead)"
        )
    mark_path = (*path_to_item, "mark")
    existing = child(item, "mark")
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
    root = compose(text, file)
    item = locate(root, path_to_item, file).node
    if isinstance(item, yaml.ScalarNode) and scalar_key is not None:
        return _expand_scalar(
            text, path_to_item, item, {scalar_key: _get(_data(text, file), path_to_item), key: value}, file
        )
    if not isinstance(item, yaml.MappingNode):
        raise EditError(f"{file}: {format_path(path_to_item)}: only mapping items have keys to set")
    path = (*path_to_item, key)
    existing = child(item, key)
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
    node = locate(compose(text, file), path, file).node
    if not isinstance(node, yaml.ScalarNode) or node.style is not None:
        raise EditError(f"{file}: {format_path(path)}: expected a plain scalar")
    start, end = node.start_mark.index, node.end_mark.index
    expected = _expected(text, file, lambda d: _set(d, path, value))
    return _verified([text[:start] + token_value + text[end:]], expected, file, path, f"set it to {token_value}")


def _insert_key(text: str, mapping: yaml.MappingNode, key: str, flow_value: str) -> str:
    """Text with ``key: flow_value`` appended to ``mapping`` (a new line in block style, ``, k: v`` in flow)."""
    last_value = mapping.value[-1][1]
    if mapping.flow_style:
        at = content_end(text, last_value)
        return text[:at] + f", {key}: {flow_value}" + text[at:]
    indent: int = mapping.value[0][0].start_mark.column
    at = line_end(text, content_end(text, last_value) - 1)
    return text[:at] + line_ending(text, at) + " " * indent + f"{key}: {flow_value}" + text[at:]


def remove_item(text: str, path: KeyPath, *, file: str = "<catalog>") -> str:
    """Remove the list item at ``path`` with its own lines (block) or its own span and comma (flow)."""
    if not path or not isinstance(path[-1], int):
        raise EditError(f"{file}: {format_path(path)}: not a list item")
    root = compose(text, file)
    locate(root, path, file)  # a clear error when the item does not exist
    located = locate(root, path[:-1], file)
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
        start, end = content_end(text, items[index - 1]), items[index].end_mark.index
    else:
        start, end = items[index].start_mark.index, items[index].end_mark.index
    return text[:start] + text[end:]


def _remove_block(
    text: str, seq: yaml.SequenceNode, key: yaml.ScalarNode | None, index: int, file: str, path: KeyPath
) -> str:
    item = seq.value[index]
    dash_column(text, item, file, path)
    start = line_start(text, item.start_mark.index)
    end = after_line(text, content_end(text, item) - 1)
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
    root = compose(text, file)
    parent = locate(root, path_to_list[:-1], file).node
    found = child(parent, path_to_list[-1])

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
        at = content_end(text, seq.value[-1])
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
    dash_col = dash_column(text, last, file, path)
    at = line_end(text, content_end(text, last) - 1)
    eol = line_ending(text, at)
    lines = _block_item_lines(item, dash_col, last)
    return text[:at] + "".join(eol + line for line in lines) + text[at:]


def _new_block_list(text: str, root: yaml.Node, parent: yaml.MappingNode, key: str, item: dict[str, Any] | str) -> str:
    if parent.flow_style:
        return _insert_key(text, parent, key, render_flow([item]))
    indent = parent.value[0][0].start_mark.column
    at = line_end(text, content_end(text, parent.value[-1][1]) - 1)
    eol = line_ending(text, at)
    dash_col = indent + max(0, sequence_offset(text, root))
    lines = [" " * indent + f"{key}:", *_block_item_lines(item, dash_col, None)]
    return text[:at] + "".join(eol + line for line in lines) + text[at:]


# --- writing ---------------------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A catalog file's text exactly as stored (no newline translation)."""
    return path.read_bytes().decode("utf-8")
