"""The dashboard issue: its body and checkboxes (pure), and ``listkeeper sync --dashboard`` end to end against the
fake GitHub (issues API) with every other service faked too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from listkeeper import config, health
from listkeeper.cli import run
from listkeeper.findings import Finding, Kind, Location
from listkeeper.pipeline import CheckOptions, check_list
from listkeeper.publish import dashboard
from listkeeper.state import open_state
from listkeeper.subjects import Subject
from tests import histories
from tests.fakes.world import REPO, World

LABEL = "listkeeper-dashboard"


def _health(tmp_path: Path) -> health.Health:
    with open_state(tmp_path / "state.sqlite") as state:
        histories.generate(state)
        return health.gather(state, now=histories.START + 90 * histories.DAY)


def tick(body: str, action: str, subject: str) -> str:
    line = f"- [ ] {'re-check now' if action == 'recheck' else 'dismiss'} <!-- listkeeper-dashboard:{action}:"
    token = dashboard.encode(subject)
    assert f"{line}{token} -->" in body, f"no {action} box for {subject}"
    return body.replace(f"{line}{token} -->", f"{line}{token} -->".replace("[ ]", "[x]", 1))


def test_body_lists_findings_with_boxes_and_escapes_them(tmp_path: Path) -> None:
    status = _health(tmp_path)
    pull = {
        "number": 7,
        "title": "listkeeper: update @someone's list",
        "html_url": "https://github.com/acme/list/pull/7",
        "body": '<!-- listkeeper:{"v":1,"fingerprint":"f","subjects":["gh:THUDM/CogVLM"]} -->',
    }
    body = dashboard.render(status, status.findings, pull=pull, dismissed=set())
    assert body.startswith(dashboard.MARKER)
    assert "**33 ok** · 1 dead · 2 suspect" in body and "⚠️ 1 of the last 7 runs failed" not in body
    assert "[#7 listkeeper: update @\u200bsomeone's list](https://github.com/acme/list/pull/7)" in body
    in_pr, seen = body.split("### Seen, not changed")
    assert "### In the pull request (1)" in in_pr and "gh:THUDM/CogVLM" in in_pr
    assert "gh:THUDM/CogVLM" not in seen and "url:https://host1.example/page-9" in seen
    assert "<script>" not in body and "&lt;script&gt;alert" in body  # the hostile message, as text
    # Every listed subject has both boxes, and the boxes parse back to the subject.
    for finding in status.findings:
        ticked = tick(tick(body, "dismiss", str(finding.subject)), "recheck", str(finding.subject))
        assert dashboard.parse_ticks(ticked) == dashboard.Ticks((str(finding.subject),), (str(finding.subject),))
    assert dashboard.parse_ticks(body) == dashboard.Ticks()
    # Same input, same bytes: what makes "no write when nothing changed" possible.
    assert dashboard.render(status, status.findings, pull=pull, dismissed=set()) == body
    quiet = dashboard.render(status, status.findings, pull=None, dismissed={"gh:THUDM/CogVLM"})
    assert "No open pull request." in quiet and "gh:THUDM/CogVLM" not in quiet and "1 dismissed finding " in quiet


def test_failed_runs_and_a_long_list_fit_the_body(tmp_path: Path) -> None:
    status = _health(tmp_path)
    status.runs[-2] = status.runs[30]  # a failed run (exit 3) among the last seven
    many = [
        Finding(Kind.BLOCKED, Subject.parse(f"url:https://wall.example/{i}"), "HTTP 403 " + "x" * 300, {},
                (Location("catalog/a.yaml", i),))
        for i in range(400)
    ]  # fmt: skip
    body = dashboard.render(status, many, pull=None, dismissed=set())
    assert "⚠️ 1 of the last 7 runs failed (latest failure: `sync` exit 3 on 2026-06-27)" in body
    assert len(body) <= dashboard.body_module.MAX_BODY
    assert re.search(r"- … and \d+ more \(see `listkeeper report --html`\)", body)


def test_ticks_ignore_foreign_and_broken_boxes() -> None:
    body = "\n".join(
        [
            dashboard.MARKER,
            "- [x] dismiss <!-- listkeeper-dashboard:dismiss:!!! -->",
            f"- [X] dismiss <!-- listkeeper-dashboard:dismiss:{dashboard.encode('not a subject')} -->",
            f"- [x] re-check now <!-- listkeeper-dashboard:recheck:{dashboard.encode('gh:a/b')} -->",
            f"  * [ ] dismiss <!-- listkeeper-dashboard:dismiss:{dashboard.encode('gh:c/d')} -->",
        ]
    )
    assert dashboard.parse_ticks(body) == dashboard.Ticks((), ("gh:a/b",))
    assert dashboard.parse_ticks(body.replace("\n", "\r\n")) == dashboard.Ticks((), ("gh:a/b",))  # web UI edits
    assert dashboard.parse_ticks(body.replace(dashboard.MARKER, "")) == dashboard.Ticks()


# -- end to end --------------------------------------------------------------------------------------------------


def sync(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run(["sync", "--pr", "--strict", "--dashboard", "--format", "none", *args])
    out, err = capsys.readouterr()
    return code, out + err


def issue_writes(world: World) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in world.git.writes() if "/issues" in r.path and "/labels" not in r.path]


def test_dashboard_is_created_kept_in_place_and_its_boxes_act(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = sync(capsys)
    assert code == 0, out
    assert "opened #1" in out and "dashboard #2: created" in out
    (issue,) = world.git.issues(REPO)
    assert issue.labels == [LABEL] and issue.title == "listkeeper: list health dashboard"
    assert issue.body.startswith(dashboard.MARKER)
    assert "[#1 listkeeper: update the catalog" in issue.body
    assert "### In the pull request (2)" in issue.body
    assert "gh:THUDM/CogVLM" in issue.body and "url:https://docs.example/gone" in issue.body
    with open_state(world.root / ".listkeeper/state.sqlite") as state:
        assert state.get("dashboard", "issue") == 2

    # Nothing changed: the issue is read, never written.
    before = issue_writes(world)
    code, out = sync(capsys)
    assert code == 0, out
    assert "dashboard #2: unchanged" in out and issue_writes(world) == before

    # A maintainer ticks "dismiss" on the move and "re-check now" on the dead link, in the web UI.
    body = tick(tick(issue.body, "dismiss", "gh:THUDM/CogVLM"), "recheck", "url:https://docs.example/gone")
    world.git.edit_issue(REPO, 2, body)
    code, out = sync(capsys)
    assert code == 0, out
    assert "dashboard #2: dismissed gh:THUDM/CogVLM" in out
    assert "dashboard #2: re-checking url:https://docs.example/gone now" in out
    assert "updated #1" in out and "dashboard #2: updated" in out
    with open_state(world.root / ".listkeeper/state.sqlite") as state:
        assert "gh:THUDM/CogVLM" in state.dismissed()
    assert "zai-org/CogVLM" not in world.git.files(REPO, "listkeeper/update")["catalog/cogvlm.yaml"]
    (issue,) = world.git.issues(REPO)
    assert "gh:THUDM/CogVLM" not in issue.body and "[x]" not in issue.body  # acted on, boxes cleared
    assert "1 dismissed finding " in issue.body and "### In the pull request (1)" in issue.body

    # The dismissal holds: the next run proposes the move no more and writes nothing to the issue.
    before = issue_writes(world)
    code, out = sync(capsys)
    assert code == 0 and "dashboard #2: unchanged" in out, out
    assert issue_writes(world) == before
    assert len(world.git.issues(REPO)) == 1


def test_a_lost_state_store_still_finds_the_issue_by_label_and_marker(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = sync(capsys)
    assert code == 0 and "dashboard #2: created" in out, out
    for leftover in (world.root / ".listkeeper").iterdir():
        leftover.unlink()  # the Actions cache expired
    code, out = sync(capsys)
    assert code == 0, out
    assert "dashboard #2:" in out and len(world.git.issues(REPO)) == 1
    listed = [r for r in world.gh.server.requests if r.method == "GET" and r.path == f"/repos/{REPO}/issues"]
    assert listed and listed[-1].query["labels"] == [LABEL] and listed[-1].query["state"] == ["open"]


def test_the_dashboard_needs_a_token_and_a_repository(world: World, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.delenv("GITHUB_TOKEN")
    code, out = sync(capsys)
    assert code == 2 and "GITHUB_TOKEN is not set" in out
    assert world.git.issues(REPO) == []


def test_recheck_bypasses_the_ok_cache_for_that_subject_only(world: World) -> None:
    cfg = config.load(".")
    host = world.web.hosts["docs.example"]

    def requests_to(path: str) -> int:
        return sum(1 for r in host.requests if r.path == path)

    check_list(cfg, CheckOptions(only="links"))
    assert requests_to("/ok") >= 1
    seen = requests_to("/ok")
    check_list(cfg, CheckOptions(only="links"))
    assert requests_to("/ok") == seen  # ok within the TTL: not requested again
    check_list(cfg, CheckOptions(only="links", recheck=frozenset({"url:https://docs.example/ok"})))
    assert requests_to("/ok") > seen
