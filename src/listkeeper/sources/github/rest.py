"""The GitHub adapter's REST questions (without a token, or when GraphQL fails wholesale): one repository after
the other with ``If-None-Match`` from the state store (a 304 does not count against the rate limit), the latest
release (else the newest tag) of tracked repositories, and the repositories of tracked orgs.

``x-ratelimit-remaining`` is watched: at 0 the sweep stops (:class:`~.common.Stop`) and the rest is *unknown*,
never dead. A ``301`` to ``/repositories/{id}`` is followed on the same origin only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
from githubkit import GitHub
from githubkit.exception import RateLimitExceeded, RequestError, RequestFailed

from listkeeper.http.origin import OffOrigin
from listkeeper.sources.github.common import ETAG_NS, ORG_PAGE, WEB, Outcome, Repo, Stop, Writes, describe
from listkeeper.sources.github.transport import Api
from listkeeper.state import State


def repositories(
    api: Api, gh: GitHub[Any], repos: list[Repo], outcomes: dict[str, Outcome], state: State, writes: Writes
) -> None:
    """One repo after the other; after a :class:`Stop` the rest is unknown without asking."""
    stopped: str | None = None
    for repo in repos:
        if stopped is None:
            try:
                outcomes[repo.name] = _repository(api, gh, repo, state, writes)
                continue
            except Stop as exc:
                stopped = str(exc)
        outcomes[repo.name] = Outcome(None, evidence={"reason": stopped})


def _repository(api: Api, gh: GitHub[Any], repo: Repo, state: State, writes: Writes) -> Outcome:
    status, body, response = get(api, gh, f"repos/{repo.name}", state, writes)
    if status in (404, 410) and isinstance(body, dict) and "message" in body:  # GitHub's JSON, not a proxy page
        return Outcome(
            False,
            evidence={
                "status": status,
                "message": body["message"],
                "api": f"GET /repos/{repo.name}",
            },
        )
    if status == 0:
        return Outcome(None, evidence={"reason": f"GET /repos/{repo.name}: {body}"})
    if status != 200 or not isinstance(body, dict):
        return Outcome(None, evidence={"reason": f"GET /repos/{repo.name}: HTTP {status}"})
    redirected = response is not None and any(h.status_code in (301, 308) for h in response.history)
    data: dict[str, Any] = {
        "full_name": body.get("full_name") or repo.name,
        "archived": bool(body.get("archived")),
        "disabled": bool(body.get("disabled")),
        "url": body.get("html_url") or f"{WEB}/{body.get('full_name') or repo.name}",
        "pushed_at": body.get("pushed_at"),
        "license": (body.get("license") or {}).get("spdx_id"),
        "via": "rest-301" if redirected else "rest",
    }
    if repo.tracked:
        latest = _latest(api, gh, data["full_name"], data["url"], state, writes)
        if latest is not False:
            data["latest"] = latest
    return Outcome(True, data)


def _latest(
    api: Api, gh: GitHub[Any], full_name: str, html_url: str, state: State, writes: Writes
) -> dict[str, Any] | bool | None:
    """The latest release (else the newest tag), None when there is neither, False when GitHub did not say."""
    status, body, _ = get(api, gh, f"repos/{full_name}/releases/latest", state, writes)
    if status == 200 and isinstance(body, dict) and body.get("tag_name"):
        return {
            "tag": body["tag_name"],
            "published_at": body.get("published_at"),
            "url": body.get("html_url") or f"{html_url}/releases/tag/{body['tag_name']}",
            "kind": "release",
        }
    if status != 404:
        return False
    status, body, _ = get(api, gh, f"repos/{full_name}/tags", state, writes, params={"per_page": 1})
    if status != 200 or not isinstance(body, list):
        return False
    if not body:
        return None
    tag = body[0].get("name")
    return {"tag": tag, "published_at": None, "url": f"{html_url}/tree/{tag}", "kind": "tag"}


def get(
    api: Api,
    gh: GitHub[Any],
    path: str,
    state: State,
    writes: Writes,
    params: dict[str, Any] | None = None,
) -> tuple[int, Any, httpx.Response | None]:
    """A conditional GET: (status, JSON body, raw response); a 304 returns the stored body with status 200.

    Raises :class:`Stop` when the sweep must end: rate limit spent, credentials refused, or an outage.
    """
    if api.budget.remaining.get("core", 1) <= 0:
        raise Stop("GitHub REST rate limit exhausted")
    key = path + ("?" + "&".join(f"{k}={v}" for k, v in sorted(params.items())) if params else "")
    stored = state.get(ETAG_NS, key)
    headers = {"If-None-Match": stored["etag"]} if stored and stored.get("etag") else {}
    try:
        response = gh.request("GET", path, params=params, headers=headers)
    except RateLimitExceeded as exc:
        raise Stop(f"GitHub REST rate limit exhausted (retry after {exc.retry_after})") from exc
    except RequestFailed as exc:
        status = exc.response.status_code
        if status == 401:
            raise Stop("GitHub refused the credentials (HTTP 401)") from exc
        if status >= 500 or status == 429:
            raise Stop(f"GitHub REST unavailable (HTTP {status})") from exc
        return status, _json(exc.response.raw_response), exc.response.raw_response
    except RequestError as exc:
        if isinstance(exc.exc, OffOrigin):
            return 0, str(exc.exc), None  # this repo only: a redirect we will not follow
        raise Stop(f"GitHub REST unavailable ({describe(exc)})") from exc
    raw = response.raw_response
    if raw.status_code == 304 and stored is not None:
        return stored.get("status", 200), stored.get("body"), raw
    body = _json(raw)
    etag = raw.headers.get("etag")
    if raw.status_code == 200 and etag:
        writes.append((ETAG_NS, key, {"etag": etag, "status": 200, "body": _slim(body)}))
    return raw.status_code, body, raw


def org_listings(
    api: Api,
    gh: GitHub[Any],
    orgs: list[str],
    cutoffs: Mapping[str, str | None],
    state: State,
    writes: Writes,
) -> dict[str, dict[str, Any]]:
    """Every org's repositories, newest first, down to its cutoff (``/users/{org}/repos?sort=created``)."""
    listings: dict[str, dict[str, Any]] = {}
    for org in orgs:
        repos: list[dict[str, Any]] = []
        page = 1
        try:
            while True:
                params = {"type": "owner", "sort": "created", "direction": "desc", "per_page": ORG_PAGE}
                if page > 1:
                    params["page"] = page
                status, body, _ = get(api, gh, f"users/{org}/repos", state, writes, params=params)
                if status == 404 and isinstance(body, dict) and "message" in body:
                    listings[org.lower()] = {"found": False, "repos": []}
                    break
                if status != 200 or not isinstance(body, list):
                    listings[org.lower()] = {"error": f"GET /users/{org}/repos: HTTP {status}"}
                    break
                repos += [
                    {"name": r["full_name"], "created_at": r.get("created_at"), "fork": bool(r.get("fork"))}
                    for r in body
                    if isinstance(r, dict) and r.get("full_name")
                ]
                cutoff = cutoffs.get(org.lower())
                oldest = body[-1].get("created_at") if body else None
                if len(body) < ORG_PAGE or not cutoff or not oldest or oldest < cutoff:
                    listings[org.lower()] = {"found": True, "repos": repos}
                    break
                page += 1
        except Stop as exc:
            listings[org.lower()] = {"error": str(exc)}
    return listings


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _slim(body: Any) -> Any:
    """Keep only what the adapter reads, so the state store stays small."""
    keep = ("full_name", "archived", "disabled", "html_url", "pushed_at", "tag_name", "published_at", "name", "license")
    if isinstance(body, dict):
        return {k: body[k] for k in keep if k in body}
    if isinstance(body, list):
        return [_slim(item) for item in body[:1]]
    return body
