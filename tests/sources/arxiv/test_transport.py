"""The arXiv client's session: the one private attribute read, isolated in ``library_session``."""

from __future__ import annotations

import arxiv
import requests

from listkeeper.config import SourcesConfig
from listkeeper.sources.arxiv.transport import ArxivApi, library_session


def test_the_library_session_is_found() -> None:
    """``library_session`` reads a private attribute of ``arxiv.Client``: this fails when the library moves it."""
    client = arxiv.Client()
    session = library_session(client)
    assert isinstance(session, requests.Session)
    assert library_session(client) is session


def test_our_client_sends_through_the_budget_adapter_to_the_configured_url() -> None:
    api = ArxivApi(SourcesConfig(arxiv_api_url="http://127.0.0.1:9/api/query", timeout=3))
    client = api._client(page_size=7)
    session = library_session(client)
    assert client.page_size == 7 and client.query_url_format == "http://127.0.0.1:9/api/query?{}"
    assert type(session.get_adapter("http://127.0.0.1:9/")).__name__ == "_BudgetAdapter"
    assert session.get_adapter("http://127.0.0.1:9/").per_request == 3  # type: ignore[attr-defined]
