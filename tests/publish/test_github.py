"""GitHub mode against the fake API: create, idle reruns (no write), update, humans, close, declined."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listkeeper.errors import PublishError
from listkeeper.publish.github import GitHubPublisher, PublishResult
from listkeeper.publish.marker import parse_marker, parse_trailer
from listkeeper.state import open_state
from tests.fakes.github import FakeGitHub
from tests.fakes.github_git import FakeGitData
from tests.publish.conftest import BASE_FILES, DEAD, MOVED, NEW, REPO, TOKEN, build

BRANCH = "listkeeper/update"


def publisher(gh: FakeGitHub, sleeps: list[float] | None = None, interval: float = 0.0) -> GitHubPublisher:
    return GitHubPublisher(
        REPO,
        token=TOKEN,
        api_url=gh.url,
        branch=BRANCH,
        base="main",
        labels=("listkeeper", "automated"),
        write_interval=interval,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
    )


def run(gh: FakeGitHub, findings: list, dismissed: set[str] | None = None, local: Path | None = None) -> PublishResult:  # type: ignore[type-arg]
    with publisher(gh) as pub:
        base = pub.base_head()
        files = pub.base_files(base, "catalog", "catalog/README.md", local)
        pull = pub.open_pull()
        proposal = build(findings, files, dismissed=dismissed or set())
        return pub.publish(proposal, base, pull)


def writes(git: FakeGitData) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in git.writes()]


def test_creates_branch_commit_and_labelled_pr(gh: FakeGitHub, git: FakeGitData) -> None:
    result = run(gh, [MOVED, DEAD])

    assert result.action == "created" and result.number == 1
    assert writes(git) == [
        ("POST", f"/repos/{REPO}/git/trees"),
        ("POST", f"/repos/{REPO}/git/commits"),
        ("POST", f"/repos/{REPO}/git/refs"),
        ("POST", f"/repos/{REPO}/pulls"),
        ("POST", f"/repos/{REPO}/issues/1/labels"),
    ]
    head = git.branch(REPO, BRANCH)
    commit = git.commit(REPO, head)  # type: ignore[arg-type]
    assert commit.parents == [git.branch(REPO, "main")]
    # No custom author or committer is sent, so GitHub attributes the commit to the token and signs it for an App;
    # the fingerprint trailer is what marks it as the bot's.
    (sent,) = [r.json() for r in git.gh.server.requests if r.method == "POST" and r.path.endswith("/git/commits")]
    assert "author" not in sent and "committer" not in sent
    assert commit.author["name"] == git.login
    assert parse_trailer(commit.message) is not None
    files = git.files(REPO, BRANCH)
    assert files["catalog/bunny.yaml"] == BASE_FILES["catalog/bunny.yaml"]
    assert "code: [zai-org/CogVLM]" in files["catalog/cogvlm.yaml"]
    assert "catalog/README.md" in files
    (pull,) = git.pulls(REPO)
    assert pull.labels == ["listkeeper", "automated"] and pull.head == BRANCH and pull.base == "main"
    marker = parse_marker(pull.body)
    assert marker is not None and marker.head == head and marker.base == git.branch(REPO, "main")
    auth = {r.headers.get("authorization") for r in gh.server.requests}
    assert auth == {f"token {TOKEN}"}
    assert all(r.headers.get("user-agent", "").startswith("listkeeper") for r in gh.server.requests)


def test_rerun_with_the_same_findings_writes_nothing(gh: FakeGitHub, git: FakeGitData) -> None:
    run(gh, [MOVED, DEAD])
    before = len(git.writes())
    again = run(gh, [MOVED, DEAD])
    assert again.action == "unchanged" and again.writes == 0
    assert len(git.writes()) == before


def test_local_files_equal_to_the_base_are_not_downloaded(gh: FakeGitHub, git: FakeGitData, tmp_path: Path) -> None:
    for rel, text in BASE_FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "catalog" / "bunny.yaml").write_text("id: changed-locally\n")  # differs: must come from the API
    run(gh, [MOVED], local=tmp_path)
    blobs = [r.path for r in gh.server.requests if "/git/blobs/" in r.path]
    assert len(blobs) == 1
    assert git.files(REPO, BRANCH)["catalog/bunny.yaml"] == BASE_FILES["catalog/bunny.yaml"]


def test_new_finding_updates_the_same_pr(gh: FakeGitHub, git: FakeGitData) -> None:
    first = run(gh, [MOVED])
    mark = len(git.writes())
    second = run(gh, [MOVED, NEW])
    assert second.action == "updated" and second.number == first.number
    assert writes(git)[mark:] == [
        ("POST", f"/repos/{REPO}/git/trees"),
        ("POST", f"/repos/{REPO}/git/commits"),
        ("PATCH", f"/repos/{REPO}/git/refs/heads/{BRANCH}"),
        ("PATCH", f"/repos/{REPO}/pulls/1"),
    ]
    patch = git.writes()[-2].json()
    assert patch["force"] is True
    assert len(git.pulls(REPO)) == 1
    assert "cogvlm2-llama3-chat-19B" in git.files(REPO, BRANCH)["catalog/cogvlm.yaml"]
    assert git.commit(REPO, git.branch(REPO, BRANCH)).parents == [git.branch(REPO, "main")]  # type: ignore[arg-type]


def test_base_moved_rebuilds_on_the_new_base(gh: FakeGitHub, git: FakeGitData) -> None:
    run(gh, [MOVED])
    new_base = git.push(REPO, "main", {"NOTES.md": "notes\n"})
    result = run(gh, [MOVED])
    assert result.action == "updated"
    assert git.commit(REPO, git.branch(REPO, BRANCH)).parents == [new_base]  # type: ignore[arg-type]
    assert git.files(REPO, BRANCH)["NOTES.md"] == "notes\n"


def test_human_push_gets_one_comment_and_no_overwrite(gh: FakeGitHub, git: FakeGitData) -> None:
    run(gh, [MOVED])
    human = git.push(REPO, BRANCH, {"catalog/bunny.yaml": BASE_FILES["catalog/bunny.yaml"] + "# fix\n"})
    mark = len(git.writes())

    first = run(gh, [MOVED, DEAD])
    second = run(gh, [MOVED, DEAD])

    assert first.action == second.action == "skipped"
    assert writes(git)[mark:] == [("POST", f"/repos/{REPO}/issues/1/comments")]
    assert git.branch(REPO, BRANCH) == human
    (comment,) = git.comments(REPO, 1)
    assert "never overwrites commits it did not make" in comment.body
    assert "closing it without merging declines its changes for good" in comment.body  # as declined() reads it


def test_a_run_that_died_before_updating_the_pr_is_not_taken_for_a_human(gh: FakeGitHub, git: FakeGitData) -> None:
    from listkeeper.errors import PublishError
    from tests.fakes.server import Response

    run(gh, [MOVED])
    failed = {"n": 0}

    def die_on_pr_update(req):  # type: ignore[no-untyped-def]
        if req.method == "PATCH" and req.path.endswith("/pulls/1") and failed["n"] == 0:
            failed["n"] += 1
            return Response.json({"message": "Validation Failed"}, 422)
        return None

    gh.extra_handlers.insert(0, die_on_pr_update)
    with pytest.raises(PublishError):
        run(gh, [MOVED, NEW])  # the branch moved to a new bot commit; the PR body still names the old one
    result = run(gh, [MOVED, NEW])
    assert result.action == "updated"
    assert git.comments(REPO, 1) == []
    assert "cogvlm2-llama3-chat-19B" in git.files(REPO, BRANCH)["catalog/cogvlm.yaml"]
    assert run(gh, [MOVED, NEW]).action == "unchanged"


def test_nothing_left_closes_with_comment_and_deletes_branch(gh: FakeGitHub, git: FakeGitData) -> None:
    run(gh, [MOVED])
    result = run(gh, [])
    assert result.action == "closed"
    (pull,) = git.pulls(REPO)
    assert pull.state == "closed" and pull.merged_at is None
    assert git.branch(REPO, BRANCH) is None
    assert "Nothing is left to change" in git.comments(REPO, 1)[0].body
    # the bot's own closing is not a maintainer's "no"
    with publisher(gh) as pub:
        assert pub.declined() is None


def test_closed_unmerged_pr_dismisses_its_subjects(gh: FakeGitHub, git: FakeGitData, tmp_path: Path) -> None:
    run(gh, [MOVED, DEAD])
    git.close(REPO, 1)  # a maintainer declines
    with publisher(gh) as pub:
        declined = pub.declined()
    assert declined is not None and declined.number == 1
    assert set(declined.subjects) == {"gh:THUDM/CogVLM", "hf:model/zai-org/cogvlm-grounding-hf"}
    with open_state(tmp_path / "state.sqlite") as state:
        with state.transaction():
            for subject in declined.subjects:
                state.dismiss(subject, f"declined in #{declined.number}")
        dismissed = state.dismissed()

    result = run(gh, [MOVED, DEAD, NEW], dismissed=dismissed)

    assert result.action == "created" and result.number == 2
    files = git.files(REPO, BRANCH)
    assert (
        "THUDM/CogVLM" in files["catalog/cogvlm.yaml"]
        and "mark:" not in files["catalog/cogvlm.yaml"].split("grounding")[1].splitlines()[0]
    )
    assert "cogvlm2-llama3-chat-19B" in files["catalog/cogvlm.yaml"]
    marker = parse_marker(git.pulls(REPO)[1].body)
    assert marker is not None and marker.subjects == ("hf:model/zai-org/cogvlm2-llama3-chat-19B",)


def test_merged_pr_is_not_declined(gh: FakeGitHub, git: FakeGitData) -> None:
    run(gh, [MOVED])
    git.close(REPO, 1, merged=True)
    with publisher(gh) as pub:
        assert pub.declined() is None


def test_foreign_branch_without_pr_is_left_alone(gh: FakeGitHub, git: FakeGitData) -> None:
    git.store(REPO).refs[f"heads/{BRANCH}"] = git.branch(REPO, "main")  # type: ignore[assignment]
    human = git.push(REPO, BRANCH, {"x.txt": "x\n"})
    result = run(gh, [MOVED])
    assert result.action == "skipped" and "Human Maintainer" in result.message
    assert git.branch(REPO, BRANCH) == human and git.pulls(REPO) == []
    assert git.writes() == []


def test_mutations_are_spaced(gh: FakeGitHub, git: FakeGitData) -> None:
    sleeps: list[float] = []
    with publisher(gh, sleeps, interval=1.0) as pub:
        base = pub.base_head()
        proposal = build([MOVED], pub.base_files(base, "catalog", "catalog/README.md", None))
        pub.publish(proposal, base, pub.open_pull())
    assert len(sleeps) == 4 and all(0 < s <= 1.0 for s in sleeps)  # 5 writes → 4 pauses


def test_retry_after_is_honoured(gh: FakeGitHub, git: FakeGitData) -> None:
    from tests.fakes.server import Response

    calls = {"n": 0}

    def once_limited(req):  # type: ignore[no-untyped-def]
        if req.method == "POST" and req.path.endswith("/git/trees") and calls["n"] == 0:
            calls["n"] += 1
            return Response.json({"message": "slow down"}, 429, {"Retry-After": "1"})
        return None

    gh.extra_handlers.insert(0, once_limited)
    result = run(gh, [MOVED])
    assert result.action == "created"
    trees = [r for r in gh.server.requests if r.path.endswith("/git/trees") and r.method == "POST"]
    assert len(trees) == 2 and trees[1].started - trees[0].started >= 0.9


def test_token_is_not_sent_to_another_origin(gh: FakeGitHub, git: FakeGitData) -> None:
    with FakeGitHub() as elsewhere:
        gh.redirects[f"/repos/{REPO}/git/ref/heads/main"] = (302, f"{elsewhere.url}/repos/{REPO}/git/ref/heads/main")
        with pytest.raises(PublishError, match="another origin"):
            run(gh, [MOVED])
        assert elsewhere.server.requests == []


def test_bad_repo_name_is_a_clear_error() -> None:
    from listkeeper.errors import PublishError

    with pytest.raises(PublishError, match="OWNER/NAME"):
        GitHubPublisher("nope", token="t", api_url="http://127.0.0.1:9", branch=BRANCH, base="main")


def test_pr_body_in_the_fake_is_what_we_rendered(gh: FakeGitHub, git: FakeGitData) -> None:
    run(gh, [MOVED])
    create = next(r for r in git.writes() if r.path.endswith("/pulls"))
    payload = json.loads(create.body)
    assert payload["head"] == BRANCH and payload["base"] == "main"
    assert payload["title"] == "listkeeper: update the catalog (1 moved)"
    assert "### Moved" in payload["body"]
