"""The GitHub adapter's connection: a githubkit client bounded by the run deadline, counting requests and reading
the rate-limit budget from every answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from githubkit import GitHub

from listkeeper import deadline
from listkeeper.config import SourcesConfig
from listkeeper.http import github as github_client


class _Transport(deadline.BudgetTransport, httpx.BaseTransport):
    """The budget transport (:mod:`listkeeper.deadline`) as the httpx transport githubkit takes."""


@dataclass
class Budget:
    """Requests sent and the last rate-limit headers seen, per resource ("core", "graphql")."""

    requests: int = 0
    remaining: dict[str, int] = field(default_factory=dict)
    responses: int = 0  # HTTP answers received (any status)


class Api:
    """What one run asks GitHub with: the configuration, the token, the budget, and the first pages of tracked
    orgs that came along with a GraphQL batch of repositories."""

    def __init__(self, config: SourcesConfig, token: str | None) -> None:
        self.config = config
        self.token = token or None
        self._api = github_client.api_base(config.github_api_url)
        self.budget = Budget()
        self.owner_pages: dict[str, Any] = {}  # org -> repositoryOwner node answered along with a repo batch

    def client(self) -> GitHub[Any]:
        """A githubkit client (:func:`listkeeper.http.github.client`) whose transport bounds every request by the
        run deadline, with counted requests and the rate-limit budget read from every answer."""
        transport = _Transport(
            httpx.HTTPTransport(proxy=deadline.env_proxy(str(self._api))),
            self.config.timeout,
            stream_base=httpx.SyncByteStream,
            not_sent=httpx.ConnectTimeout,  # githubkit: RequestTimeout, never retried
            expired=lambda total: httpx.ReadTimeout(f"no complete answer within {total:.3g} s"),
        )
        return github_client.client(
            self.token,
            str(self._api),
            timeout=httpx.Timeout(self.config.timeout),
            retry=github_client.retry_policy(self.config.max_retries, self.config.max_retry_wait, fits=deadline.fits),
            on_request=[self._on_request],
            on_response=[self._on_response],
            transport=transport,
        )

    def _on_request(self, request: httpx.Request) -> None:
        self.budget.requests += 1

    def _on_response(self, response: httpx.Response) -> None:
        self.budget.responses += 1
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining is not None and remaining.isdigit():
            resource = response.headers.get("x-ratelimit-resource") or (
                "graphql" if response.request.url.path.endswith("/graphql") else "core"
            )
            self.budget.remaining[resource] = int(remaining)
