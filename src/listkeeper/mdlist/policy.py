"""What a confirmed dead link becomes in a hand-written Markdown list (``[markdown]`` ``dead``, ``mark``,
``comment`` in the configuration), checked when it is made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from listkeeper.errors import EditError

DeadPolicy = Literal["mark", "comment", "remove"]

DEFAULT_MARK = "~~{link}~~ (dead since {date})"
DEFAULT_COMMENT = "<!-- listkeeper: dead since {date} -->"


@dataclass(frozen=True)
class Policy:
    """What a confirmed dead link becomes (``[markdown]`` ``dead``, ``mark``, ``comment`` in the configuration).

    ``mark`` must hold ``{link}`` (the link as written); ``{date}`` is the day it was first seen dead, ``{url}``
    its address (a template that adds a link is refused by the verification)."""

    dead: DeadPolicy = "mark"
    mark: str = DEFAULT_MARK
    comment: str = DEFAULT_COMMENT

    def __post_init__(self) -> None:
        if "{link}" not in self.mark:
            raise EditError(f"markdown.mark {self.mark!r} must contain {{link}}")
        for name, template in (("mark", self.mark), ("comment", self.comment)):
            try:
                template.format(link="", date="", url="")
            except (KeyError, IndexError, ValueError) as exc:
                raise EditError(f"markdown.{name} {template!r}: only {{link}}, {{date}} and {{url}} ({exc})") from None


DEFAULT_POLICY = Policy()
