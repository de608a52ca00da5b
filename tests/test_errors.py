"""The exception tree (:mod:`listkeeper.errors`): each adapter's "the service did not answer" is one
:class:`SourceUnavailable`, and none of them is an error the service's library would retry on its own."""

from __future__ import annotations

import httpx
import pytest
import requests

from listkeeper.errors import ExitCode, ListkeeperError, SourceUnavailable, UsageError
from listkeeper.sources.arxiv.gate import Unavailable
from listkeeper.sources.github.common import Stop
from listkeeper.sources.hf.transport import HubGaveUp


@pytest.mark.parametrize(
    ("exc", "service"),
    [
        (HubGaveUp("HTTP 503 after 4 attempts", 503), "Hugging Face Hub"),
        (Unavailable("HTTP 200 but the body is not an Atom feed"), "arXiv"),
        (Stop("GitHub REST rate limit exhausted"), "GitHub"),
    ],
)
def test_every_adapters_unavailable_is_a_source_unavailable_whose_message_is_the_reason(
    exc: SourceUnavailable, service: str
) -> None:
    assert isinstance(exc, SourceUnavailable) and exc.service == service
    assert str(exc) == exc.reason  # reports quote the reason as it was raised
    assert not isinstance(exc, httpx.HTTPError | requests.RequestException | OSError)  # no library retries it


def test_the_hub_keeps_the_status_it_gave_up_on() -> None:
    assert HubGaveUp("HTTP 429 after 4 attempts", 429).status == 429
    assert HubGaveUp("connection refused after 4 attempts").status is None


def test_expected_failures_carry_their_exit_code() -> None:
    assert UsageError("x").exit_code == ExitCode.USAGE
    assert issubclass(SourceUnavailable, ListkeeperError)
