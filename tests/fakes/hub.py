"""A fake Hugging Face Hub on 127.0.0.1: an in-memory model of owners and repos served with the real API shapes.

    with FakeHub() as hub:
        hub.add_model("THUDM/cogvlm-chat-hf", gated="auto", license="apache-2.0")
        hub.add_space("THUDM/CogVLM-CogAgent", stage="SLEEPING")
        hub.rename_org("THUDM", "zai-org")          # old API paths now answer 307 → the new id's path
        hub.rate_limit(3, retry_after=1)            # the next 3 API requests get 429
        hub.down("500")                             # or "refuse" (port closed), "hang"; hub.up() restores
        ... HfApi(endpoint=hub.url) ...
        hub.api_requests()                          # what the client sent, in order

Shapes follow api-notes A2/A4/A9 (huggingface.js ``ApiModelInfo``/``ApiSpaceInfo``/``ApiCollectionInfo``): listings
are JSON arrays paged with ``Link: <...&cursor=...>; rel="next"``; ``expand`` (repeated, or ``expand[]``) limits an
object to ``_id``, ``id`` and the requested keys; errors carry ``X-Error-Code: RepoNotFound``/``GatedRepo`` or
``X-Error-Message: Access to this resource is disabled.`` exactly as the Hub sends them, so ``huggingface_hub``
raises its real exception types. Unknown paths (e.g. ``/api/agent-harnesses``) are 404, so nothing gets cached.
Web pages (``/{id}``, ``/datasets/{id}``, ``/spaces/{id}``, ``/collections/{slug}``) answer small HTML with the same
redirects, for link-checker end-to-end tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode

from tests.fakes.server import FakeServer, Request, Response

RepoKind = Literal["model", "dataset", "space"]
_PLURAL: dict[str, RepoKind] = {"models": "model", "datasets": "dataset", "spaces": "space"}
_WEB_PREFIX: dict[RepoKind, str] = {"model": "", "dataset": "/datasets", "space": "/spaces"}
DownMode = Literal["500", "503", "hang", "refuse"]


def _iso(value: datetime | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _object_id(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:24]


#: ``expand`` values the Hub accepts per repo kind (huggingface_hub 2.4 ``Expand*Property_T``; api-notes A1).
_MODEL_EXPAND = (
    "author baseModels cardData childrenModelCount config createdAt disabled downloads downloadsAllTime evalResults "
    "gated gguf inference inferenceProviderMapping lastModified library_name likes mask_token model-index "
    "pipeline_tag private resourceGroup safetensors sha siblings spaces tags transformersInfo trendingScore "
    "usedStorage widgetData"
)
_DATASET_EXPAND = (
    "author cardData citation createdAt description disabled downloads downloadsAllTime gated lastModified likes "
    "mainSize paperswithcode_id private resourceGroup sha siblings tags trendingScore usedStorage"
)
_SPACE_EXPAND = (
    "author cardData createdAt datasets disabled lastModified likes models private region resourceGroup runtime sdk "
    "sha siblings subdomain tags trendingScore usedStorage"
)
EXPAND_VALUES: dict[str, frozenset[str]] = {
    "model": frozenset(_MODEL_EXPAND.split()),
    "dataset": frozenset(_DATASET_EXPAND.split()),
    "space": frozenset(_SPACE_EXPAND.split()),
}


@dataclass
class FakeRepo:
    kind: RepoKind
    id: str
    created_at: str = "2024-01-01T00:00:00.000Z"
    last_modified: str = "2024-06-01T00:00:00.000Z"
    gated: Literal[False, "auto", "manual"] = False
    disabled: bool = False
    private: bool = False
    license: str | None = "apache-2.0"
    downloads: int = 100
    likes: int = 10
    stage: str = "RUNNING"  # spaces only
    object_id: str = ""

    def __post_init__(self) -> None:
        self.object_id = self.object_id or _object_id(f"{self.kind}:{self.id}")

    @property
    def author(self) -> str:
        return self.id.split("/", 1)[0]

    def full(self) -> dict[str, Any]:
        """Every key the Hub returns for ``/api/{kind}s/{id}`` without ``expand``."""
        tags = ["transformers", "safetensors"] if self.kind == "model" else []
        if self.license:
            tags.append(f"license:{self.license}")
        tags.append("region:us")
        data: dict[str, Any] = {
            "_id": self.object_id,
            "id": self.id,
            "author": self.author,
            "sha": hashlib.sha1(f"{self.id}{self.last_modified}".encode()).hexdigest(),
            "lastModified": self.last_modified,
            "createdAt": self.created_at,
            "private": self.private,
            "disabled": self.disabled,
            "gated": self.gated,
            "tags": tags,
            "downloads": self.downloads,
            "likes": self.likes,
            "cardData": {"license": self.license} if self.license else {},
            "siblings": [{"rfilename": "README.md"}],
            "usedStorage": 1234,
        }
        if self.kind == "model":
            data |= {"modelId": self.id, "pipeline_tag": "image-text-to-text", "library_name": "transformers"}
        if self.kind == "space":
            sub = self.id.replace("/", "-").replace(".", "-").lower()
            data |= {
                "sdk": "gradio",
                "subdomain": sub,
                "host": f"https://{sub}.hf.space",
                "runtime": {
                    "stage": self.stage,
                    "hardware": {"current": "cpu-basic" if self.stage == "RUNNING" else None, "requested": "cpu-basic"},
                    "storage": None,
                    "gcTimeout": 172800,
                    "replicas": {"current": 1, "requested": 1},
                    "devMode": False,
                    "domains": [{"domain": f"{sub}.hf.space", "stage": "READY"}],
                },
            }
            del data["downloads"]
        return data

    def listed(self) -> dict[str, Any]:
        """The default listing object (no ``expand``): a subset, as the Hub sends it."""
        keep = {"_id", "id", "likes", "downloads", "tags", "createdAt", "private", "modelId", "pipeline_tag"}
        keep |= {"library_name", "sdk"}
        return {k: v for k, v in self.full().items() if k in keep}

    def expanded(self, expand: list[str]) -> dict[str, Any]:
        full = self.full()
        return {"_id": self.object_id, "id": self.id, **{k: full[k] for k in expand if k in full}}

    def collection_item(self, position: int, note: str | None) -> dict[str, Any]:
        full = self.full()
        item = {
            "_id": _object_id(f"item:{self.object_id}"),
            "id": self.id,
            "type": self.kind,
            "position": position,
            "author": self.author,
            "repoType": self.kind,
            "gated": self.gated,
            "lastModified": self.last_modified,
            "likes": self.likes,
            "private": self.private,
            "isLikedByUser": False,
        }
        if self.kind != "space":
            item["downloads"] = self.downloads
        else:
            item |= {"runtime": full["runtime"], "sdk": "gradio", "title": self.id.split("/", 1)[1]}
        if note:
            item["note"] = {"html": note, "text": note}
        return item


@dataclass
class FakeCollection:
    slug: str
    title: str
    items: list[tuple[RepoKind, str, str | None]] = field(default_factory=list)  # (kind, repo id, note)
    last_updated: str = "2024-06-01T00:00:00.000Z"

    @property
    def owner(self) -> str:
        return self.slug.split("/", 1)[0]


class FakeHub:
    """The fake Hub. All mutators are thread-safe and take effect for the next request."""

    def __init__(self, *, page_size: int = 100, max_limit: int = 1000) -> None:
        self.page_size = page_size  # entries per listing page when the request names no ``limit``
        self.max_limit = max_limit  # the largest page a ``limit`` can ask for (api-notes A2: 1000 per request)
        self.repos: dict[tuple[RepoKind, str], FakeRepo] = {}  # (kind, lower id)
        self.collections: dict[str, FakeCollection] = {}  # lower slug
        self.repo_redirects: dict[tuple[RepoKind, str], str] = {}  # (kind, lower old id) → new id
        self.org_redirects: dict[str, str] = {}  # lower old owner → new owner
        self.collection_redirects: dict[str, str] = {}
        self.redirect_status = 307
        self._lock = threading.RLock()
        self._rate_limited = 0
        self._rate_limit_headers: dict[str, str] = {}
        self._down: DownMode | None = None
        self._server = FakeServer(self._handle)
        self._port = 0

    # -- lifecycle ----------------------------------------------------------------------------------------------

    def start(self) -> FakeHub:
        self._server.start()
        self._port = self._server.port
        return self

    def stop(self) -> None:
        if self._down != "refuse":
            self._server.stop()

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def server(self) -> FakeServer:
        return self._server

    @property
    def requests(self) -> list[Request]:
        return self._server.requests

    def api_requests(self) -> list[str]:
        """``METHOD target`` of every request received, in order (targets include the query)."""
        return [f"{r.method} {r.target}" for r in self._server.requests]

    def reset_requests(self) -> None:
        self._server.reset()

    # -- the model ----------------------------------------------------------------------------------------------

    def add_model(self, repo_id: str, **attrs: Any) -> FakeRepo:
        return self._add(FakeRepo("model", repo_id, **attrs))

    def add_dataset(self, repo_id: str, **attrs: Any) -> FakeRepo:
        return self._add(FakeRepo("dataset", repo_id, **attrs))

    def add_space(self, repo_id: str, stage: str = "RUNNING", **attrs: Any) -> FakeRepo:
        return self._add(FakeRepo("space", repo_id, stage=stage, **attrs))

    def _add(self, repo: FakeRepo) -> FakeRepo:
        with self._lock:
            self.repos[(repo.kind, repo.id.lower())] = repo
        return repo

    def get(self, kind: RepoKind, repo_id: str) -> FakeRepo | None:
        return self.repos.get((kind, repo_id.lower()))

    def delete(self, kind: RepoKind, repo_id: str) -> None:
        with self._lock:
            del self.repos[(kind, repo_id.lower())]

    def rename(self, kind: RepoKind, old: str, new: str) -> FakeRepo:
        """Rename or transfer one repo; the old id redirects to the new one."""
        with self._lock:
            repo = self.repos.pop((kind, old.lower()))
            repo.id = new
            self.repos[(kind, new.lower())] = repo
            self.repo_redirects[(kind, old.lower())] = new
            return repo

    def rename_org(self, old: str, new: str) -> None:
        """Move every repo (and collection) of ``old`` to ``new``: listings of ``old`` are empty, its paths redirect."""
        with self._lock:
            for (kind, _), repo in list(self.repos.items()):
                if repo.author.lower() == old.lower():
                    self.rename(kind, repo.id, f"{new}/{repo.id.split('/', 1)[1]}")
            for key, coll in list(self.collections.items()):
                if coll.owner.lower() == old.lower():
                    del self.collections[key]
                    new_slug = f"{new}/{coll.slug.split('/', 1)[1]}"
                    self.collection_redirects[key] = new_slug
                    coll.slug = new_slug
                    self.collections[new_slug.lower()] = coll
            self.org_redirects[old.lower()] = new

    def add_collection(
        self, slug: str, title: str, items: list[tuple[RepoKind, str] | tuple[RepoKind, str, str | None]]
    ) -> FakeCollection:
        coll = FakeCollection(slug, title, [(i[0], i[1], i[2] if len(i) > 2 else None) for i in items])  # type: ignore[misc]
        with self._lock:
            self.collections[slug.lower()] = coll
        return coll

    def add_to_collection(self, slug: str, kind: RepoKind, repo_id: str, note: str | None = None) -> None:
        with self._lock:
            self.collections[slug.lower()].items.append((kind, repo_id, note))

    # -- failure modes ------------------------------------------------------------------------------------------

    def rate_limit(self, count: int, *, retry_after: int | None = 1, reset: int | None = None) -> None:
        """The next ``count`` API requests get 429 with ``Retry-After`` and/or ``RateLimit: "api";r=0;t=reset``."""
        headers = {"RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        if reset is not None:
            headers["RateLimit"] = f'"api";r=0;t={reset}'
        with self._lock:
            self._rate_limited = count
            self._rate_limit_headers = headers

    def down(self, mode: DownMode = "500") -> None:
        """Make the whole Hub fail: 500/503 for every request, hang (never answer in time), or refuse connections."""
        with self._lock:
            was = self._down
            self._down = mode
        if mode == "refuse" and was != "refuse":
            self._server.stop()

    def up(self) -> None:
        with self._lock:
            was = self._down
            self._down = None
        if was == "refuse":
            old = self._server
            self._server = FakeServer(self._handle, port=self._port).start()
            self._server.requests.extend(old.requests)

    # -- request handling ---------------------------------------------------------------------------------------

    def _handle(self, req: Request) -> Response:
        with self._lock:
            if self._down in ("500", "503"):
                return Response.json({"error": "Internal Error"}, status=int(self._down))
            if self._down == "hang":
                return Response.json([], delay=30.0)
            if self._rate_limited > 0:
                self._rate_limited -= 1
                return Response.json(
                    {"error": "You have exceeded our hourly quotas for action: api. Retry later."},
                    status=429,
                    headers=dict(self._rate_limit_headers),
                )
            return self._route(req)

    def _route(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        if req.method not in ("GET", "HEAD"):
            return _not_found()
        if parts[:1] == ["api"]:
            if len(parts) == 2 and parts[1] in _PLURAL:
                return self._listing(req, _PLURAL[parts[1]])
            if len(parts) == 4 and parts[1] in _PLURAL:
                return self._info(req, _PLURAL[parts[1]], f"{parts[2]}/{parts[3]}")
            if len(parts) == 4 and parts[1] == "collections":
                return self._collection(req, f"{parts[2]}/{parts[3]}")
            return _not_found()
        return self._web(req, parts)

    def _expand(self, req: Request) -> list[str]:
        return req.query.get("expand", []) + req.query.get("expand[]", [])

    def _bad_expand(self, req: Request, kind: RepoKind) -> Response | None:
        """The Hub rejects an unknown ``expand`` value with 400 (e.g. ``gated`` for Spaces, which cannot be gated)."""
        bad = [value for value in self._expand(req) if value not in EXPAND_VALUES[kind]]
        if not bad:
            return None
        allowed = ", ".join(sorted(EXPAND_VALUES[kind]))
        return Response.json({"error": f'"expand" must be one of [{allowed}], got {bad[0]!r}'}, status=400)

    def _listing(self, req: Request, kind: RepoKind) -> Response:
        if (rejected := self._bad_expand(req, kind)) is not None:
            return rejected
        author = (req.query.get("author") or [""])[0].lower()
        expand = self._expand(req)
        repos = [r for (k, _), r in self.repos.items() if k == kind and (not author or r.author.lower() == author)]
        repos = [r for r in repos if not r.private]
        sort = (req.query.get("sort") or [""])[0]
        if sort == "created_at":
            repos.sort(key=lambda r: r.created_at, reverse=True)
        else:
            repos.sort(key=lambda r: r.id.lower())
        cursor = (req.query.get("cursor") or [""])[0]
        offset = json.loads(base64.urlsafe_b64decode(cursor))["o"] if cursor else 0
        limit = (req.query.get("limit") or [""])[0]
        if limit and (not limit.isdigit() or int(limit) < 1):
            return Response.json({"error": '"limit" must be a positive integer'}, status=400)
        size = min(int(limit), self.max_limit) if limit else self.page_size
        page = repos[offset : offset + size]
        body = [r.expanded(expand) if expand else r.listed() for r in page]
        headers: dict[str, str] = {}
        if offset + size < len(repos):
            token = base64.urlsafe_b64encode(json.dumps({"o": offset + size}).encode()).decode()
            params = [(k, v) for k, values in req.query.items() if k != "cursor" for v in values]
            next_url = f"http://{req.host}{req.path}?{urlencode([*params, ('cursor', token)])}"
            headers["Link"] = f'<{next_url}>; rel="next"'
        return Response.json(body, headers=headers)

    def _info(self, req: Request, kind: RepoKind, repo_id: str) -> Response:
        repo = self.get(kind, repo_id)
        if repo is None:
            new = self._redirect_target(kind, repo_id)
            if new is not None:
                query = req.target.partition("?")[2]
                plural = kind + "s"
                return _redirect(f"/api/{plural}/{new}" + (f"?{query}" if query else ""), self.redirect_status)
            return _not_found_repo()
        if repo.private:
            return _not_found_repo()
        if (rejected := self._bad_expand(req, kind)) is not None:
            return rejected
        if repo.disabled:
            return Response.json(
                {"error": "Access to this resource is disabled."},
                status=403,
                headers={"X-Error-Message": "Access to this resource is disabled."},
            )
        expand = self._expand(req)
        return Response.json(repo.expanded(expand) if expand else repo.full())

    def _redirect_target(self, kind: RepoKind, repo_id: str) -> str | None:
        if (new := self.repo_redirects.get((kind, repo_id.lower()))) is not None:
            return new
        owner, name = repo_id.split("/", 1)
        if (new_owner := self.org_redirects.get(owner.lower())) is not None:
            candidate = f"{new_owner}/{name}"
            if self.get(kind, candidate) is not None or self.repo_redirects.get((kind, candidate.lower())):
                return candidate
        return None

    def _collection(self, req: Request, slug: str) -> Response:
        coll = self.collections.get(slug.lower())
        if coll is None:
            if (new := self.collection_redirects.get(slug.lower())) is not None:
                return _redirect(f"/api/collections/{new}", self.redirect_status)
            return Response.json({"error": "Collection not found"}, status=404)
        items = []
        for position, (kind, repo_id, note) in enumerate(coll.items):
            repo = self.get(kind, repo_id)
            if repo is None and (new := self._redirect_target(kind, repo_id)) is not None:
                repo = self.get(kind, new)
            if repo is not None and not repo.private:
                items.append(repo.collection_item(position, note))
        owner_type = "org"
        body = {
            "slug": coll.slug,
            "title": coll.title,
            "description": "",
            "owner": {"name": coll.owner, "type": owner_type, "fullname": coll.owner, "isHf": False},
            "lastUpdated": coll.last_updated,
            "position": 0,
            "private": False,
            "theme": "blue",
            "upvotes": 3,
            "gating": False,
            "shareUrl": f"{self.url}/collections/{coll.slug}",
            "items": items,
        }
        return Response.json(body)

    def _web(self, req: Request, parts: list[str]) -> Response:
        kind: RepoKind = "model"
        if parts[:1] in (["datasets"], ["spaces"]):
            kind = _PLURAL[parts[0]]
            parts = parts[1:]
        elif parts[:1] == ["collections"] and len(parts) == 3:
            slug = f"{parts[1]}/{parts[2]}"
            if slug.lower() in self.collections:
                return _html(f"collection {slug}")
            if (new := self.collection_redirects.get(slug.lower())) is not None:
                return _redirect(f"/collections/{new}", 301)
            return _html("not found", 404)
        if len(parts) < 2:
            return _html("not found", 404)
        repo_id = f"{parts[0]}/{parts[1]}"
        rest = "/".join(parts[2:])
        repo = self.get(kind, repo_id)
        if repo is None:
            if (new := self._redirect_target(kind, repo_id)) is not None:
                return _redirect(f"{_WEB_PREFIX[kind]}/{new}" + (f"/{rest}" if rest else ""), 307)
            return Response(404, {"X-Error-Code": "RepoNotFound", "Content-Type": "text/html"}, b"<h1>404</h1>")
        if repo.disabled:
            return Response(
                403, {"X-Error-Message": "Access to this resource is disabled.", "Content-Type": "text/html"}, b""
            )
        if repo.gated and parts[2:3] == ["resolve"]:
            return Response(
                403,
                {"X-Error-Code": "GatedRepo", "X-Error-Message": "Access to model is restricted."},
                b"Access to model is restricted.",
            )
        return _html(f"{kind} {repo.id}")


def _not_found() -> Response:
    return Response.json({"error": "Sorry, we can't find the page you are looking for."}, status=404)


def _not_found_repo() -> Response:
    return Response.json(
        {"error": "Repository not found"},
        status=404,
        headers={"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
    )


def _redirect(location: str, status: int) -> Response:
    return Response.text(
        f"Temporary Redirect. Redirecting to {location}", status=status, headers={"Location": location}
    )


def _html(text: str, status: int = 200) -> Response:
    return Response(status, {"Content-Type": "text/html; charset=utf-8"}, f"<html><body>{text}</body></html>".encode())
