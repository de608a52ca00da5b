"""One deadline for the run (:mod:`listkeeper.deadline`): the context variable, each request's total budget, and
the transport that enforces it on a real loopback server that drips its body."""

from __future__ import annotations

import time

import httpx
import pytest

from listkeeper import deadline
from tests.fakes.server import FakeServer, Response


class NotSent(Exception):
    pass


class Expired(Exception):
    pass


def test_outside_a_run_nothing_is_bounded_beyond_the_request() -> None:
    assert deadline.remaining() is None and not deadline.expired()
    assert deadline.budget(20.0) == 20.0
    assert deadline.fits(1e9)


def test_inside_a_run_the_budget_never_exceeds_what_is_left() -> None:
    with deadline.run_deadline(2.0) as end:
        left = deadline.remaining()
        assert left is not None and 1.5 < left <= 2.0
        assert abs(end - time.monotonic() - left) < 0.1
        assert deadline.budget(20.0) <= 2.0 and deadline.budget(0.5) == 0.5
        assert deadline.fits(0.5) and not deadline.fits(5.0)
    assert deadline.remaining() is None  # reset on the way out


def test_a_passed_deadline_leaves_no_budget_and_nested_runs_restore_the_outer_one() -> None:
    with deadline.run_deadline(60.0):
        with deadline.run_deadline(-1.0):
            assert deadline.expired() and deadline.budget(20.0) == 0.0
        outer = deadline.remaining()
        assert outer is not None and outer > 50


def _client(per_request: float) -> httpx.Client:
    transport = deadline.BudgetTransport(
        httpx.HTTPTransport(),
        per_request,
        stream_base=httpx.SyncByteStream,
        not_sent=NotSent,
        expired=lambda total: Expired(f"not complete within {total:.1f} s"),
    )
    return httpx.Client(transport=transport, trust_env=False)


def test_a_dripping_body_is_cut_at_the_requests_total_budget() -> None:
    """Each byte restarts the read timeout; only the total budget ends the request."""
    with FakeServer(lambda req: Response.text("x" * 200)) as server:
        server.drip = 0.05  # 200 bytes at 0.05 s each: 10 s in all
        began = time.monotonic()
        with _client(0.6) as client, pytest.raises(Expired, match=r"within 0\.6 s"):
            client.get(server.url + "/slow").read()
        assert time.monotonic() - began < 2.0


def test_the_run_deadline_clamps_the_budget_and_stops_requests_being_sent() -> None:
    with FakeServer(lambda req: Response.text("ok")) as server, _client(30.0) as client:
        with deadline.run_deadline(5.0):
            assert client.get(server.url + "/a").text == "ok"
        with deadline.run_deadline(-1.0), pytest.raises(NotSent, match="deadline has passed"):
            client.get(server.url + "/b")
        assert server.paths() == ["/a"]  # the second request never reached the server


def test_env_proxy_honours_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    monkeypatch.setenv("no_proxy", "internal.example")
    assert deadline.env_proxy("https://huggingface.co/api/models") == "http://proxy.example:3128"
    assert deadline.env_proxy("https://internal.example/x") is None
