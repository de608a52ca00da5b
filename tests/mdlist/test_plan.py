"""One file's plan: moves and dead links as changes, removals taking whole items."""

from __future__ import annotations

import pytest

from listkeeper.errors import EditError
from listkeeper.mdlist.actions import actions
from listkeeper.mdlist.plan import plan_file
from listkeeper.mdlist.policy import Policy
from listkeeper.subjects import Subject
from tests.mdlist.conftest import GH_NEW, GH_OLD, TODAY, dead, moved


def test_bare_cr_line_endings_are_refused() -> None:
    with pytest.raises(EditError, match=r"^R\.md: has bare CR line endings"):
        plan_file("a\rb\n", "R.md", [], [], Policy(), TODAY)


def test_a_move_inside_a_removed_item_is_not_a_change_of_its_own() -> None:
    text = "- [a](https://gone.example/x) [c](https://github.com/THUDM/CogVLM)\n  - child\n\n- [k](https://k.example)\n"
    moves, deads = actions([moved(GH_OLD, GH_NEW), dead(Subject("url", "https://gone.example/x"))], ())
    edit = plan_file(text, "R.md", moves, deads, Policy(dead="remove"), TODAY)
    assert edit.removed == {0, 1}  # the item with its child; the blank line that separates blocks stays
    assert [(c.line, c.op, c.old) for c in edit.changes] == [(1, "remove", "https://gone.example/x")]


def test_a_reference_definition_in_use_moves_at_its_line() -> None:
    text = "[use][r]\n\n[r]: https://github.com/THUDM/CogVLM\n[unused]: https://github.com/THUDM/CogVLM/x\n"
    moves, _ = actions([moved(GH_OLD, GH_NEW)], ())
    edit = plan_file(text, "R.md", moves, [], Policy(), TODAY)
    assert edit.lines[2] == "[r]: https://github.com/zai-org/CogVLM"
    assert edit.lines[3] == "[unused]: https://github.com/THUDM/CogVLM/x"  # not a link of the file: untouched
    assert [(c.line, c.op, c.reason) for c in edit.changes] == [(3, "replace", f"moved to {GH_NEW}")]


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        ("- [a](https://gone.example/x) — a tool, see [b](https://b.example)\n", True),  # opens the item: its name
        ("- Parts: [1](https://gone.example/x), [2](https://b.example)\n", False),  # one part of a series
        ("- Parts: [1](https://gone.example/x)\n", True),  # its only live link
        ("- [b](https://b.example) and [a](https://gone.example/x)\n", False),  # not its first link
        ("| t | c |\n|---|---|\n| 2024 [a](https://gone.example/x) | [b](https://b.example) |\n", True),  # a row
        ("| t | c |\n|---|---|\n| [b](https://b.example) | [a](https://gone.example/x) |\n", False),  # its code
    ],
)
def test_remove_takes_only_the_item_or_row_that_the_dead_link_names(text: str, removed: bool) -> None:
    _, deads = actions([dead(Subject("url", "https://gone.example/x"))], ())
    edit = plan_file(text, "R.md", [], deads, Policy(dead="remove"), TODAY)
    assert [c.op for c in edit.changes] == (["remove"] if removed else ["mark"])
