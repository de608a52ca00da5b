"""The GitHub GraphQL questions: the query text, and how one alias's answer becomes an outcome."""

from __future__ import annotations

from listkeeper.sources.github.graphql import from_graphql, graphql_query, orgs_query


def test_graphql_query_shape() -> None:
    query = graphql_query(["a/b", "c/d.e"])
    assert 'r0: repository(owner: "a", name: "b", followRenames: true)' in query
    assert 'r1: repository(owner: "c", name: "d.e", followRenames: true)' in query
    assert "latestRelease { tagName publishedAt url }" in query
    assert "orderBy: {field: TAG_COMMIT_DATE, direction: DESC}" in query


def test_org_pages_ride_along_and_carry_their_cursor() -> None:
    query = graphql_query(["a/b"], ["org-one"])
    assert 'o0: repositoryOwner(login: "org-one")' in query and "r0: repository(" in query
    paged = orgs_query({"org-one": None, "org-two": "Y3Vyc29y"})
    assert 'o0: repositoryOwner(login: "org-one") { login repositories(first: 100, orderBy' in paged
    assert 'o1: repositoryOwner(login: "org-two") { login repositories(first: 100, after: "Y3Vyc29y",' in paged


def test_an_alias_answer_becomes_an_outcome() -> None:
    node = {"nameWithOwner": "o/n", "url": "https://github.com/o/n", "latestRelease": None, "refs": {"nodes": []}}
    alive = from_graphql(node, [])
    assert alive.exists is True and alive.data["full_name"] == "o/n" and alive.data["latest"] is None
    tagged = from_graphql({**node, "refs": {"nodes": [{"name": "v2"}]}}, [])
    latest = {"tag": "v2", "published_at": None, "url": "https://github.com/o/n/tree/v2", "kind": "tag"}
    assert tagged.data["latest"] == latest
    missing = from_graphql(None, [{"type": "NOT_FOUND", "message": "Could not resolve"}])
    assert missing.exists is False and missing.evidence == {"error_type": "NOT_FOUND", "message": "Could not resolve"}
    unknown = from_graphql(None, [{"type": "FORBIDDEN", "message": "no"}])
    assert unknown.exists is None and unknown.evidence == {"reason": "GitHub GraphQL: FORBIDDEN: no"}
