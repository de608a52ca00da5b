"""The cross-origin token guard."""

from __future__ import annotations

import httpx
import pytest

from listkeeper.http.origin import (
    OffOrigin,
    auth_headers_for,
    origin,
    refuse_foreign_redirect,
    same_origin,
    strip_foreign_auth,
)


def test_origin_is_normalised() -> None:
    assert origin("HTTPS://API.GitHub.com/repos") == "https://api.github.com:443"
    assert origin("http://127.0.0.1:8123/x") == "http://127.0.0.1:8123"
    assert origin("http://[::1]/") == "http://[::1]:80"
    assert origin(httpx.URL("https://hub.example/api")) == "https://hub.example:443"
    assert origin("ftp://example.com/") is None
    assert origin("https://host:notaport/") is None


def test_same_origin_compares_scheme_host_and_port() -> None:
    assert same_origin("https://a.example/x", "https://A.example:443/y")
    assert not same_origin("https://a.example/", "http://a.example/")
    assert not same_origin("https://a.example/", "https://a.example:8443/")
    assert not same_origin("https://a.example/", "https://b.example/")
    assert not same_origin("mailto:x@y", "mailto:x@y")


def test_a_token_goes_to_its_own_origin_only() -> None:
    tokens = {"https://api.github.com": "t"}
    assert auth_headers_for("https://api.github.com/repos/a/b", tokens) == {"Authorization": "Bearer t"}
    assert auth_headers_for("http://api.github.com/repos/a/b", tokens) == {}
    assert auth_headers_for("https://evil.example/", tokens) == {}


def test_foreign_authorization_is_stripped() -> None:
    home = "https://hub.example"
    page = httpx.Request("GET", "https://cdn.example/page2", headers={"Authorization": "Bearer t"})
    strip_foreign_auth(page, home)
    assert "authorization" not in page.headers
    own = httpx.Request("GET", "https://hub.example/api/models?cursor=2", headers={"Authorization": "Bearer t"})
    strip_foreign_auth(own, home)
    assert own.headers["authorization"] == "Bearer t"


def test_a_redirect_to_another_origin_is_refused() -> None:
    hook = refuse_foreign_redirect(httpx.URL("https://api.example/"))
    request = httpx.Request("GET", "https://api.example/repos/a/b")
    hook(httpx.Response(301, headers={"location": "/repositories/1"}, request=request))  # same origin: fine
    hook(httpx.Response(200, request=request))
    with pytest.raises(OffOrigin, match="another origin"):
        hook(httpx.Response(302, headers={"location": "https://elsewhere.example/x"}, request=request))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.github.com/repos/x/y", "https://api.github.com:443"),
        ("HTTPS://API.GitHub.com:443/", "https://api.github.com:443"),
        ("http://127.0.0.1:8080/a?b", "http://127.0.0.1:8080"),
        ("http://[::1]/", "http://[::1]:80"),
        ("ftp://example.org/", None),
        ("not a url", None),
    ],
)
def test_origin(url: str, expected: str | None) -> None:
    assert origin(url) == expected


def test_token_goes_only_to_its_exact_origin() -> None:
    tokens = {"https://api.github.com": "gh", "http://127.0.0.1:9000/base/path": "local"}
    assert auth_headers_for("https://api.github.com/repos/a/b", tokens) == {"Authorization": "Bearer gh"}
    assert auth_headers_for("https://API.github.com:443/x", tokens) == {"Authorization": "Bearer gh"}
    assert auth_headers_for("http://127.0.0.1:9000/other", tokens) == {"Authorization": "Bearer local"}
    for url in (
        "http://api.github.com/repos/a/b",  # scheme differs
        "https://api.github.com:8443/",  # port differs
        "https://github.com/a/b",  # host differs
        "https://api.github.com.evil.test/",  # suffix trick
        "https://evil.test/?https://api.github.com",
        "http://127.0.0.1:9001/",
        "mailto:someone@api.github.com",
    ):
        assert auth_headers_for(url, tokens) == {}, url
    assert auth_headers_for("https://api.github.com/", {}) == {}
    assert auth_headers_for("https://api.github.com/", {"https://api.github.com": ""}) == {}
