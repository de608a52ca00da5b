"""A real HTTP server on 127.0.0.1 for tests: one handler function, every request recorded.

    def handler(req: Request) -> Response: ...
    with FakeServer(handler) as server:
        httpx.get(server.url + "/x")
        assert server.requests[0].path == "/x"
        assert server.max_in_flight[server.host] <= 2

Used by every fake service (web, Hugging Face, arXiv, GitHub) so all of them speak real HTTP over real sockets:
respx cannot see huggingface_hub's (httpx2) or arxiv's (requests) traffic, and real sockets are the only honest
test of timeouts, body caps and concurrency limits.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    target: str  # path + query as sent
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    host: str  # Host header
    started: float

    def json(self) -> Any:
        import json

        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    delay: float = 0.0  # seconds to wait before answering (latency, hangs)

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: dict[str, str] | None = None, **kw: Any) -> Response:
        import json

        return cls(status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(data).encode(), **kw)

    @classmethod
    def text(cls, text: str, status: int = 200, headers: dict[str, str] | None = None, **kw: Any) -> Response:
        return cls(status, {"Content-Type": "text/plain; charset=utf-8", **(headers or {})}, text.encode(), **kw)


Handler = Callable[[Request], Response]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class FakeServer:
    """Serve ``handler`` on 127.0.0.1 (an ephemeral port unless given) in background threads."""

    def __init__(self, handler: Handler, *, port: int = 0, host: str = "127.0.0.1") -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        #: When set, every answer's body is sent one byte per ``drip`` seconds (status and headers at once): a
        #: slowloris server that defeats read timeouts (each byte restarts them) but not a total time budget.
        self.drip: float | None = None
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = _Server((host, port), self._make_handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # -- lifecycle --------------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inspection -------------------------------------------------------------------------------------------

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]

    def count(self, path: str | None = None, method: str | None = None) -> int:
        return sum(
            1 for r in self.requests if (path is None or r.path == path) and (method is None or r.method == method)
        )

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight.clear()

    def _dripping(self, resp: Response) -> Response:
        interval = self.drip or 0.0
        body = resp.body
        assert isinstance(body, bytes)

        def chunks() -> Iterable[bytes]:
            for index in range(len(body)):
                if self._closing.wait(interval):
                    return
                yield body[index : index + 1]

        headers = {k: v for k, v in resp.headers.items() if k.lower() != "content-length"}
        return Response(resp.status, headers, chunks(), resp.delay)

    # -- the request handler ----------------------------------------------------------------------------------

    def _make_handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Without TCP_NODELAY the small header and body writes meet the client's delayed ACK: ~40 ms a request.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # silence stderr
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                host = self.headers.get("Host", server.host)
                req = Request(
                    method=self.command,
                    target=self.path,
                    path=split.path,
                    query=parse_qs(split.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    host=host,
                    started=time.monotonic(),
                )
                with server._lock:
                    server.requests.append(req)
                    server.in_flight[host] += 1
                    server.max_in_flight[host] = max(server.max_in_flight[host], server.in_flight[host])
                try:
                    resp = server.handler(req)
                    if server.drip is not None and isinstance(resp.body, bytes) and resp.body:
                        resp = server._dripping(resp)
                    if resp.delay and server._closing.wait(resp.delay):
                        return
                    self._write(resp)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server._lock:
                        server.in_flight[host] -= 1

            def _write(self, resp: Response) -> None:
                self.send_response(resp.status)
                streaming = not isinstance(resp.body, bytes)
                headers = {k.lower(): (k, v) for k, v in resp.headers.items()}
                for key, value in headers.values():
                    self.send_header(key, value)
                if streaming and "content-length" not in headers:
                    self.send_header("Transfer-Encoding", "chunked")
                elif not streaming and "content-length" not in headers:
                    self.send_header("Content-Length", str(len(resp.body)))  # type: ignore[arg-type]
                self.end_headers()
                if self.command == "HEAD":
                    return
                if not streaming:
                    self.wfile.write(resp.body)  # type: ignore[arg-type]
                    return
                chunked = "content-length" not in headers
                for chunk in resp.body:
                    if server._closing.is_set():
                        break
                    if chunked:
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    else:
                        self.wfile.write(chunk)
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")

            do_GET = do_HEAD = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return _Handler
