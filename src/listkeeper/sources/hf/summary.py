"""What the Hub said, reduced to the plain JSON kept in facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from listkeeper.sources.hf.common import RepoKind

_COMMON = ["disabled", "lastModified", "createdAt", "likes", "cardData", "tags"]


EXPAND: dict[RepoKind, list[str]] = {
    "model": ["gated", *_COMMON, "downloads"],
    "dataset": ["gated", *_COMMON, "downloads"],
    "space": [*_COMMON, "runtime"],
}


ASLEEP_STAGES = frozenset({"SLEEPING", "PAUSED", "STOPPED"})


BROKEN_STAGES = frozenset({"RUNTIME_ERROR", "BUILD_ERROR", "CONFIG_ERROR", "NO_APP_FILE"})


def iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value if isinstance(value, str) else None


def _license(card: Any, tags: Sequence[str] | None) -> str | None:
    value = card.get("license") if isinstance(card, Mapping) else getattr(card, "license", None)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if value:
        return str(value)
    for tag in tags or ():
        if tag.startswith("license:"):
            return tag.removeprefix("license:")
    return None


def summarise_info(info: Any) -> dict[str, Any]:
    """A ``ModelInfo``/``DatasetInfo``/``SpaceInfo`` (from a listing or ``*_info``) as the JSON kept in facts."""
    runtime = getattr(info, "runtime", None)
    return {
        "hub_id": info.id,
        "gated": getattr(info, "gated", None) or False,
        "disabled": bool(getattr(info, "disabled", False)),
        "last_modified": iso(getattr(info, "last_modified", None)),
        "created_at": iso(getattr(info, "created_at", None)),
        "downloads": getattr(info, "downloads", None),
        "likes": getattr(info, "likes", None),
        "license": _license(getattr(info, "card_data", None), getattr(info, "tags", None)),
        "stage": getattr(runtime, "stage", None) if runtime is not None else None,
    }


def summarise_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A raw collection item (``/api/collections/{slug}``) as the JSON kept in facts."""
    runtime = item.get("runtime") or {}
    return {
        "hub_id": item.get("id"),
        "gated": item.get("gated") or False,
        "disabled": False,
        "last_modified": item.get("lastModified"),
        "created_at": None,
        "downloads": item.get("downloads"),
        "likes": item.get("likes"),
        "license": None,
        "stage": runtime.get("stage") if isinstance(runtime, Mapping) else None,
    }


def created(summary: Mapping[str, Any]) -> date | None:
    value = summary.get("created_at")
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None
