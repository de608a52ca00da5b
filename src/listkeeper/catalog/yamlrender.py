"""Values as YAML tokens for minimal-diff edits: a scalar written plain where it reads back unchanged (else
quoted), a mapping or list as one line of flow YAML, and the candidate tokens for replacing a scalar in its
original quoting style."""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml


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


def scalar_tokens(value: str, style: str | None) -> list[str]:
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
