"""GitHubRepo, the publisher's REST calls, against the fake GitHub API: reading the base branch (one folder per
request, no download of files the working tree already has), refs, pull requests, errors and pacing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from listkeeper.errors import PublishError
from listkeeper.publish.rest import GitHubRepo, git_blob_sha
from tests.fakes.github import FakeGitHub
from tests.fakes.github_git import FakeGitData
from tests.publish.conftest import REPO, TOKEN

FILES = {
    "README.md": "# The list\n",
    "catalog/a.yaml": "id: a\n",
    "catalog/b.yml": "id: b\n",
    "catalog/notes.txt": "not a family file\n",
    "catalog/README.md": "rendered\n",
    "docs/more/list.md": "- [x](https://x.example/)\n",
}


@pytest.fixture
def base_files() -> dict[str, str]:
    return FILES


def repo(gh: FakeGitHub, sleeps: list[float] | None = None, interval: float = 0.0) -> GitHubRepo:
    return GitHubRepo(
        REPO,
        token=TOKEN,
        api_url=gh.url,
        branch="bot",
        base="main",
        write_interval=interval,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
    )


def test_blob_sha_is_the_one_git_computes(tmp_path: Path) -> None:
    for data in (b"", "naïve — text\r\nwith two line endings\n".encode(), bytes(range(256))):
        (tmp_path / "f").write_bytes(data)
        done = subprocess.run(
            ["git", "hash-object", "--no-filters", str(tmp_path / "f")], capture_output=True, text=True, check=True
        )
        assert git_blob_sha(data) == done.stdout.strip()


def test_base_files_are_the_family_files_and_the_rendered_list(gh: FakeGitHub, git: FakeGitData) -> None:
    with repo(gh) as r:
        base = r.base_head()
        assert base.sha == git.branch(REPO, "main")
        files = r.base_files(base, "catalog", "catalog/README.md", None)
    assert files == {name: FILES[name] for name in ("catalog/README.md", "catalog/a.yaml", "catalog/b.yml")}
    assert base.modes == dict.fromkeys(files, "100644")
    assert r.requests == len(gh.server.requests) and r.writes == 0


def test_base_files_equal_to_local_ones_are_not_downloaded(gh: FakeGitHub, git: FakeGitData, tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "a.yaml").write_text(FILES["catalog/a.yaml"])  # the same bytes: read locally
    (tmp_path / "catalog" / "b.yml").write_text("id: edited locally\n")  # differs: the base's is downloaded
    with repo(gh) as r:
        files = r.base_files(r.base_head(), "catalog", None, tmp_path)
    assert files == {"catalog/a.yaml": FILES["catalog/a.yaml"], "catalog/b.yml": FILES["catalog/b.yml"]}
    assert len([req for req in gh.server.requests if "/git/blobs/" in req.path]) == 1


def test_base_markdown_lists_only_the_folders_the_patterns_name(gh: FakeGitHub, git: FakeGitData) -> None:
    with repo(gh) as r:
        files = r.base_markdown(r.base_head(), ["docs/more/*.md", "README.md"], None)
    assert files == {"README.md": FILES["README.md"], "docs/more/list.md": FILES["docs/more/list.md"]}
    trees = [req.path for req in gh.server.requests if "/git/trees/" in req.path]
    assert len(trees) == 3  # the root, docs, docs/more: catalog/ is never listed


def test_a_missing_branch_is_none_and_a_missing_base_an_error(gh: FakeGitHub, git: FakeGitData) -> None:
    with repo(gh) as r:
        assert r.ref_sha("no-such-branch") is None
        assert r.get_or_none("git/ref/heads/no-such-branch") is None
        r.base = "gone"
        with pytest.raises(PublishError, match=f"base branch 'gone' does not exist in {REPO}"):
            r.base_head()


def test_set_branch_creates_then_force_moves(gh: FakeGitHub, git: FakeGitData) -> None:
    main = git.branch(REPO, "main")
    other = git.push(REPO, "main", {"README.md": "# changed\n"})
    with repo(gh) as r:
        r.set_branch(main, exists=False)  # type: ignore[arg-type]
        assert git.branch(REPO, "bot") == main
        r.set_branch(main, exists=False)  # type: ignore[arg-type]  # "Reference already exists": moved instead
        r.set_branch(other, exists=True)
    assert git.branch(REPO, "bot") == other
    assert [(w.method, w.path.rsplit("/git/", 1)[1]) for w in git.writes()] == [
        ("POST", "refs"),
        ("POST", "refs"),
        ("PATCH", "refs/heads/bot"),
        ("PATCH", "refs/heads/bot"),
    ]


def test_a_refused_request_is_a_publish_error_with_githubs_message(gh: FakeGitHub, git: FakeGitData) -> None:
    with repo(gh) as r, pytest.raises(PublishError, match=r"GitHub GET git/commits/0+: 404 \S"):
        r.call("GET", "git/commits/" + "0" * 40)


def test_open_pull_is_found_by_head_and_base(gh: FakeGitHub, git: FakeGitData) -> None:
    with repo(gh) as r:
        assert r.open_pull() is None
        r.set_branch(git.push(REPO, "main", {"a.md": "x\n"}), exists=False)
        created = r.call("POST", "pulls", json={"title": "t", "head": "bot", "base": "main", "body": "b"})
        found = r.open_pull()
        assert found is not None and found["number"] == created["number"]
        assert r.comments(created["number"]) == []
    listed = [req for req in gh.server.requests if req.method == "GET" and req.path.endswith("/pulls")]
    assert all(req.query["head"] == ["acme:bot"] and req.query["base"] == ["main"] for req in listed)


def test_writes_are_spaced_and_reads_are_not(gh: FakeGitHub, git: FakeGitData) -> None:
    sleeps: list[float] = []
    main = git.branch(REPO, "main")
    with repo(gh, sleeps, interval=0.5) as r:
        r.set_branch(main, exists=False)  # type: ignore[arg-type]
        r.base_head()
        r.ref_sha("bot")
        r.set_branch(main, exists=True)  # type: ignore[arg-type]
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 0.5
    assert r.writes == 2


def test_a_repository_name_must_be_owner_slash_name() -> None:
    for bad in ("nope", "/name", "owner/", "a/b/c"):
        with pytest.raises(PublishError, match="OWNER/NAME"):
            GitHubRepo(bad, token="t", api_url="http://127.0.0.1:9", branch="bot", base="main")
