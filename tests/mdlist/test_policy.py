"""The dead-link policy and its templates, checked when made."""

from __future__ import annotations

import pytest

from listkeeper.errors import EditError
from listkeeper.mdlist.policy import DEFAULT_COMMENT, DEFAULT_MARK, Policy


def test_a_template_without_link_is_a_config_error() -> None:
    with pytest.raises(EditError, match="must contain"):
        Policy(mark="dead since {date}")


def test_only_link_date_and_url_may_be_named() -> None:
    with pytest.raises(EditError, match=r"markdown\.comment .*only \{link\}, \{date\} and \{url\}"):
        Policy(comment="<!-- dead {when} -->")
    with pytest.raises(EditError, match=r"markdown\.mark"):
        Policy(mark="{link} {0}")
    assert Policy(dead="comment", mark="{link} †{date}", comment="<!-- {url} -->").dead == "comment"
    assert (Policy().mark, Policy().comment) == (DEFAULT_MARK, DEFAULT_COMMENT)
