"""``listkeeper check`` end to end: the CLI on a temporary project, against the real fakes on 127.0.0.1.

Every public URL in the catalog points at a fake through ``check.remap`` (FakeWeb virtual hosts; huggingface.co web
pages at the fake Hub), and the services' base URLs come from HF_ENDPOINT, GITHUB_API_URL and
LISTKEEPER_ARXIV_API_URL. The fakes' own request logs prove what was (and was not) sent.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from listkeeper import config as config_module
from listkeeper.cli import run
from listkeeper.findings import Kind
from listkeeper.pipeline import CheckOptions, check_list
from listkeeper.report.exit import exit_code
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.github import FakeGitHub
from tests.fakes.hub import FakeHub
from tests.fakes.web import BotWall, FakeWeb, Hang, Ok, RateLimited, Redirect, Status, VirtualHost

CATALOG_FILE = "catalog/fam.yaml"
TITLE = "CogVLM: Visual Expert for Pretrained Language Models"


@dataclass
class World:
    root: Path
    web: FakeWeb
    docs: VirtualHost  # docs.example: plain links with every behaviour
    github_web: VirtualHost  # github.com web pages (for --only links)
    arxiv_web: VirtualHost  # arxiv.org web pages (for --only links)
    shields: VirtualHost  # img.shields.io
    hub: FakeHub
    arxiv: FakeArxiv
    gh: FakeGitHub
    monkeypatch: pytest.MonkeyPatch

    @property
    def state(self) -> Path:
        return self.root / ".listkeeper" / "state.sqlite"

    def remap(self) -> list[tuple[str, str]]:
        return [*self.web.remap(), (r"^https://huggingface\.co/", self.hub.url + "/")]

    def write(self, entries: list[dict[str, Any]] | None = None, **check: Any) -> None:
        """The catalog (one family) and listkeeper.toml; ``check`` overrides [check] settings."""
        family = {"id": "fam", "name": "Family", "entries": entries if entries is not None else [default_entry()]}
        (self.root / "catalog").mkdir(exist_ok=True)
        (self.root / CATALOG_FILE).write_text(yaml.safe_dump(family, sort_keys=False), encoding="utf-8")
        settings: dict[str, Any] = {
            "allow_loopback": True,
            "remap": self.remap(),
            "max_retries": 0,
            "connect_timeout": 1,
            "read_timeout": 1,
            "request_timeout": 0.5,
            "deadline": 30,
            **check,
        }
        lines = ["[check]", *(f"{key} = {json.dumps(value)}" for key, value in settings.items())]
        lines += ["[sources]", "arxiv_delay = 0.01", "timeout = 2", "max_retries = 0", "max_retry_wait = 0.1"]
        (self.root / "listkeeper.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def endpoints(self, hub: str, github: str, arxiv: str) -> None:
        self.monkeypatch.setenv("HF_ENDPOINT", hub)
        self.monkeypatch.setenv("GITHUB_API_URL", github)
        self.monkeypatch.setenv("LISTKEEPER_ARXIV_API_URL", arxiv)

    def line(self, needle: str, file: str = CATALOG_FILE) -> int:
        lines = (self.root / file).read_text(encoding="utf-8").splitlines()
        return next(i for i, text in enumerate(lines, 1) if needle in text)

    def reset(self) -> None:
        self.web.reset()
        self.hub.reset_requests()
        self.arxiv.server.reset()
        self.gh.server.reset()

    def api_requests(self) -> dict[str, int]:
        return {
            "hf": sum(1 for r in self.hub.requests if r.path.startswith("/api/")),
            "arxiv": len(self.arxiv.server.requests),
            "github": len(self.gh.server.requests),
        }


def default_entry(**extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "cogvlm",
        "name": "CogVLM",
        "papers": [{"arxiv": "2311.03079", "title": TITLE}],
        "code": ["zai-org/CogVLM"],
        "checkpoints": [{"hf": "zai-org/cogvlm-chat-hf"}, {"hf": "zai-org/cogvlm-base-224-hf"}],
        "links": [{"title": "Docs", "url": "https://docs.example/ok"}],
    }
    for key, value in extra.items():
        entry[key] = entry.get(key, []) + value if isinstance(value, list) else value
    return entry


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with FakeWeb() as web, FakeHub() as hub, FakeArxiv() as arxiv, FakeGitHub() as gh:
        w = World(
            tmp_path,
            web,
            web.host("docs.example"),
            web.host("github.com"),
            web.host("arxiv.org"),
            web.host("img.shields.io"),
            hub,
            arxiv,
            gh,
            monkeypatch,
        )
        w.docs.route("/ok", Ok())
        hub.add_model("zai-org/cogvlm-chat-hf")
        hub.add_model("zai-org/cogvlm-base-224-hf")
        arxiv.add("2311.03079", TITLE)
        gh.add_repo("zai-org/CogVLM")
        w.endpoints(hub.url, gh.url, arxiv.api_url)
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
        monkeypatch.chdir(tmp_path)
        w.write()
        yield w


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = check(capsys, "--format", "json", *args)
    assert out.startswith("{"), (out, err)
    return code, json.loads(out)


def findings(data: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [f for f in data["findings"] if kind is None or f["kind"] == kind]


def one(data: dict[str, Any], kind: str, subject: str | None = None) -> dict[str, Any]:
    found = [f for f in findings(data, kind) if subject is None or f["subject"] == subject]
    assert len(found) == 1, data["findings"]
    return found[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# -- alive, dead, confirmed --------------------------------------------------------------------------------------


def test_all_alive_exits_0_with_no_findings(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = check_json(capsys)
    assert code == 0
    assert data["findings"] == []
    assert data["nothing_checked"] is False
    assert [(link["url"], link["verdict"]) for link in data["links"]] == [("https://docs.example/ok", "ok")]
    assert {name: info["unavailable"] for name, info in data["sources"].items()} == {
        "arxiv": None,
        "github": None,
        "hf": None,
    }
    # One listing answers both zai-org checkpoints; one id_list for the paper; one REST call for the repo.
    assert world.api_requests() == {"hf": 1, "arxiv": 1, "github": 1}
    assert world.docs.server.count("/ok") == 1
    assert world.github_web.requests == [] and world.arxiv_web.requests == []  # typed ids: the sources answered


def test_404_is_suspect_first_then_dead_when_confirmed_over_time(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.docs.route("/gone", Status(404))
    world.write([default_entry(links=[{"title": "Gone", "url": "https://docs.example/gone"}])])
    code, data = check_json(capsys)
    assert code == 0
    suspect = one(data, "suspect", "url:https://docs.example/gone")
    assert suspect["locations"] == [{"file": CATALOG_FILE, "line": world.line("docs.example/gone"), "path": ANY_PATH}]
    assert suspect["evidence"]["status"] == 404
    assert suspect["evidence"]["memory"]["confirmed"] is None
    assert findings(data, "dead") == []

    # 21 hours later the second 404 confirms it (defaults: 2 checks spanning 20 h).
    cfg = config_module.load(world.root)
    later = datetime.now(UTC) + timedelta(hours=21)
    result = check_list(cfg, CheckOptions(), now=later)
    dead = [f for f in result.findings if f.kind is Kind.DEAD]
    assert [str(f.subject) for f in dead] == ["url:https://docs.example/gone"]
    assert dead[0].evidence["memory"].confirmed == "over time"
    assert exit_code(result) == 1


class _AnyPath(str):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other.startswith("entries[0].links[")

    __hash__ = str.__hash__


ANY_PATH = _AnyPath()


def test_strict_reports_dead_at_once_for_links_and_sources(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.docs.route("/gone", Status(410))
    world.hub.delete("model", "zai-org/cogvlm-base-224-hf")
    world.write([default_entry(links=[{"title": "Gone", "url": "https://docs.example/gone"}])])
    code, data = check_json(capsys, "--strict")
    assert code == 1
    assert {f["subject"] for f in findings(data, "dead")} == {
        "url:https://docs.example/gone",
        "hf:model/zai-org/cogvlm-base-224-hf",
    }
    hf_dead = one(data, "dead", "hf:model/zai-org/cogvlm-base-224-hf")
    assert hf_dead["source"] == "hf"
    assert hf_dead["locations"][0]["line"] == world.line("zai-org/cogvlm-base-224-hf")
    assert hf_dead["evidence"]["memory"]["confirmed"] == "strict"


def test_bot_walls_429_timeouts_and_5xx_are_never_dead(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    behaviours = {
        "/wall": BotWall(),
        "/busy": RateLimited(retry_after=60, times=5),
        "/slow": Hang(delay=10),
        "/broken": Status(503),
        "/oops": Status(500),
    }
    busy = world.web.host("busy.example")  # its Retry-After closes its host: the others are on a host of their own
    for path, behaviour in behaviours.items():
        (busy if path == "/busy" else world.docs).route(path, behaviour)
    links = [
        {"title": path, "url": f"https://{'busy' if path == '/busy' else 'docs'}.example{path}"} for path in behaviours
    ]
    world.write([default_entry(links=links)])
    code, data = check_json(capsys, "--strict")
    assert code == 0
    verdicts = {link["url"].rsplit("/", 1)[1]: link["verdict"] for link in data["links"]}
    assert verdicts == {
        "ok": "ok",
        "wall": "blocked",
        "busy": "rate-limited",
        "slow": "timeout",
        "broken": "error",
        "oops": "error",
    }
    assert findings(data, "dead") == [] and findings(data, "suspect") == []
    assert sorted(f["kind"] for f in data["findings"]) == ["blocked", "error", "error", "rate-limited", "timeout"]

    # Neither does time confirm anything: inconclusive results are no dead evidence.
    result = check_list(config_module.load(world.root), CheckOptions(), now=datetime.now(UTC) + timedelta(hours=30))
    assert not [f for f in result.findings if f.kind in (Kind.DEAD, Kind.SUSPECT)]


# -- moved -------------------------------------------------------------------------------------------------------


def test_permanent_redirect_is_moved_with_the_final_url(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.docs.route("/old", Redirect(301, "/mid"))
    world.docs.route("/mid", Redirect(308, "https://docs.example/new"))
    world.docs.route("/new", Ok())
    world.docs.route("/temp", Redirect(302, "/ok"))
    links = [{"title": "Old", "url": "https://docs.example/old"}, {"title": "Temp", "url": "https://docs.example/temp"}]
    world.write([default_entry(links=links)])
    code, data = check_json(capsys)
    assert code == 0
    moved = one(data, "moved")
    assert moved["subject"] == "url:https://docs.example/old"
    assert moved["new_subject"] == "url:https://docs.example/new"
    assert moved["evidence"]["final_url"] == "https://docs.example/new"
    assert moved["evidence"]["chain"] == [[301, "https://docs.example/mid"], [308, "https://docs.example/new"]]
    assert moved["locations"][0]["line"] == world.line("docs.example/old")
    assert code == 0 and run(["check", "--fail-on", "moved", "--format", "json"]) == 1
    capsys.readouterr()


def test_typed_moves_propose_typed_subjects(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """A GitHub transfer (GitHub API) and a Hub org rename (the Hub's redirects) become moved findings whose
    new subject is a typed id, not a URL."""
    world.gh.add_repo("THUDM/CogAgent")
    world.gh.transfer("THUDM/CogAgent", "zai-org")
    world.hub.add_model("THUDM/cogagent-chat-hf")
    world.hub.add_model("THUDM/cogagent-vqa-hf")
    world.hub.rename_org("THUDM", "zai-org")
    entry = default_entry(
        code=["THUDM/CogAgent"], checkpoints=[{"hf": "THUDM/cogagent-chat-hf"}, {"hf": "THUDM/cogagent-vqa-hf"}]
    )
    world.write([entry])
    code, data = check_json(capsys)
    assert code == 0
    moved = {f["subject"]: f["new_subject"] for f in findings(data, "moved")}
    assert moved == {
        "gh:THUDM/CogAgent": "gh:zai-org/CogAgent",
        "hf:model/THUDM/cogagent-chat-hf": "hf:model/zai-org/cogagent-chat-hf",
        "hf:model/THUDM/cogagent-vqa-hf": "hf:model/zai-org/cogagent-vqa-hf",
    }


def test_only_links_requests_canonical_urls_and_types_a_moved_repo(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.github_web.route("/old-org/x", Redirect(301, "https://github.com/new-org/x"))
    world.github_web.route("/new-org/x", Ok())
    world.github_web.route("/zai-org/CogVLM", Ok())
    world.arxiv_web.route("/abs/2311.03079", Ok())
    world.write([default_entry(code=["old-org/x"])])
    code, data = check_json(capsys, "--only", "links")
    assert code == 0
    assert data["sources"] == {}
    assert world.api_requests() == {"hf": 0, "arxiv": 0, "github": 0}
    verdicts = {link["url"]: link["verdict"] for link in data["links"]}
    assert verdicts == {
        "https://arxiv.org/abs/2311.03079": "ok",
        "https://docs.example/ok": "ok",
        "https://github.com/old-org/x": "redirected",
        "https://github.com/zai-org/CogVLM": "ok",
        "https://huggingface.co/zai-org/cogvlm-base-224-hf": "ok",
        "https://huggingface.co/zai-org/cogvlm-chat-hf": "ok",
    }
    moved = one(data, "moved")
    assert (moved["subject"], moved["new_subject"]) == ("gh:old-org/x", "gh:new-org/x")
    assert moved["evidence"]["final_url"] == "https://github.com/new-org/x"
    assert sorted(r.path for r in world.hub.requests) == ["/zai-org/cogvlm-base-224-hf", "/zai-org/cogvlm-chat-hf"]


def test_only_sources_requests_no_link(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    (world.root / "list.md").write_text("[a](https://docs.example/other) [b](https://github.com/zai-org/CogVLM)\n")
    code, data = check_json(capsys, "--only", "sources", "list.md")
    assert code == 0
    assert data["links"] == [] and data["stats"]["requests"] == 0
    assert world.web.requests == 0
    assert world.api_requests() == {"hf": 1, "arxiv": 1, "github": 1}
    assert set(data["sources"]) == {"hf", "arxiv", "github"}


def test_private_addresses_are_reported_excluded_rules_are_silent(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.docs.route("/meta", Redirect(302, "http://169.254.169.254/latest/meta-data/"))
    world.docs.route("/skip", Ok())
    urls = ["https://docs.example/meta", "http://10.0.0.1/admin", "https://docs.example/skip"]
    world.write([default_entry(links=[{"title": u, "url": u} for u in urls])], exclude=["/skip$"])
    code, data = check_json(capsys)
    assert code == 0
    verdicts = {link["url"]: link["verdict"] for link in data["links"] if link["url"] in urls}
    assert verdicts == {urls[0]: "forbidden", urls[1]: "forbidden", urls[2]: "excluded"}
    blocked = {f["subject"]: f for f in findings(data, "blocked")}
    assert set(blocked) == {"url:https://docs.example/meta", "url:http://10.0.0.1/admin"}
    meta = blocked["url:https://docs.example/meta"]
    assert meta["message"] == "redirect to a private address: 169.254.169.254 (link-local), not contacted"
    assert meta["evidence"]["chain"] == [[302, "http://169.254.169.254/latest/meta-data/"]]
    assert meta["locations"][0]["line"] == world.line("url: https://docs.example/meta")
    assert world.docs.server.count("/skip") == 0


def test_tokens_go_to_their_apis_and_never_to_checked_links(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """GITHUB_TOKEN and HF_TOKEN are for the GitHub and Hub APIs; the link checker sends no token to any page, not
    even to the same hosts' web pages, nor after a redirect."""
    world.monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    world.monkeypatch.setenv("HF_TOKEN", "hf_secret")
    world.docs.route("/to-github", Redirect(302, "https://github.com/zai-org/CogVLM"))
    world.github_web.route("/zai-org/CogVLM", Ok())
    world.arxiv_web.route("/abs/2311.03079", Ok())
    world.write([default_entry(links=[{"title": "Hop", "url": "https://docs.example/to-github"}])])
    assert check_json(capsys)[0] == 0
    assert check_json(capsys, "--only", "links", "--no-cache")[0] == 0
    assert world.github_web.requests and world.hub.server.count("/zai-org/cogvlm-chat-hf") >= 1
    assert world.gh.server.requests and world.hub.api_requests()
    pages = [r for h in world.web.hosts.values() for r in h.requests]
    pages += [r for r in world.hub.requests if not r.path.startswith("/api/")]
    assert pages and all("authorization" not in r.headers for r in pages)
    assert {r.headers.get("authorization") for r in world.gh.server.requests} == {"token ghp_secret"}
    assert {r.headers.get("authorization") for r in world.hub.requests if r.path.startswith("/api/")} == {
        "Bearer hf_secret"
    }


# -- output formats ----------------------------------------------------------------------------------------------


def _problem_world(world: World) -> None:
    world.docs.route("/gone", Status(404))
    world.docs.route("/old", Redirect(301, "/ok"))
    links = [{"title": "Gone", "url": "https://docs.example/gone"}, {"title": "Old", "url": "https://docs.example/old"}]
    world.write([default_entry(links=links)])


def test_json_report_schema(world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _problem_world(world)
    code, out, _ = check(capsys, "--format", "json", "--output", "out/report.json")
    assert code == 0 and out == ""
    data = json.loads((world.root / "out" / "report.json").read_text(encoding="utf-8"))
    assert (data["schema"], data["version"]) == ("listkeeper/check-report", 1)
    assert set(data) >= {"started", "finished", "duration", "nothing_checked", "summary", "links", "findings"}
    assert set(data) >= {"stats", "sources"}
    assert data["summary"]["links"] == 3 and data["summary"]["verdicts"]["dead"] == 1
    assert data["summary"]["kinds"]["suspect"] == 1 and data["summary"]["kinds"]["moved"] == 1
    for finding in data["findings"]:
        assert set(finding) >= {"kind", "subject", "message", "evidence", "locations", "source"}
        assert all(set(loc) >= {"file", "line"} for loc in finding["locations"])
    link = next(link for link in data["links"] if link["url"] == "https://docs.example/gone")
    assert set(link) >= {"verdict", "status", "final_url", "chain", "detail", "attempts", "elapsed", "cached"}
    assert link["locations"] == [
        {"file": CATALOG_FILE, "line": world.line("docs.example/gone"), "path": "entries[0].links[1].url"}
    ]
    assert data["duration"] >= 0


def test_markdown_report(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _problem_world(world)
    code, out, _ = check(capsys, "--format", "markdown")
    assert code == 0
    assert out.startswith("## listkeeper check\n")
    assert "### Moved (1)" in out and "### Possibly dead (not confirmed yet) (1)" in out
    assert f"{CATALOG_FILE}:{world.line('docs.example/gone')}" in out
    assert "| Subject | Proposed | Where | Details |" in out


def test_github_annotations_and_step_summary(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _problem_world(world)
    summary = world.root / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    world.monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = check(capsys, "--format", "github", "--strict")
    assert code == 1
    lines = out.splitlines()
    gone, old = world.line("docs.example/gone"), world.line("docs.example/old")
    assert lines[0].startswith(f"::error file={CATALOG_FILE},line={gone},title=Dead link%3A url%3Ahttps%3A//docs")
    assert any(line.startswith(f"::warning file={CATALOG_FILE},line={old},title=Moved%3A") for line in lines)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n## listkeeper check\n")
    assert "### Dead link (1)" in text


def test_terminal_report(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _problem_world(world)
    code, out, _ = check(capsys, "--format", "terminal")
    assert code == 0
    assert "listkeeper check" in out and "Problems" in out
    assert f"{CATALOG_FILE}:{world.line('docs.example/gone')}  suspect  url:https://docs.example/gone" in out
    assert "moved" in out and "→ url:https://docs.example/ok" in out


def test_terminal_report_to_a_file_and_a_custom_state_path(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _problem_world(world)
    code, out, _ = check(capsys, "--format", "terminal", "--output", "out/report.txt", "--state", "elsewhere/s.db")
    assert code == 0 and out == ""
    text = (world.root / "out" / "report.txt").read_text(encoding="utf-8")
    assert f"{CATALOG_FILE}:{world.line('docs.example/gone')}  suspect  url:https://docs.example/gone" in text
    assert "\x1b[" not in text  # plain text, no colour codes
    assert (world.root / "elsewhere" / "s.db").is_file() and not world.state.exists()


# -- Markdown files ------------------------------------------------------------------------------------------------

LIST_MD = """\
# A list

- [ok](https://docs.example/ok), [again](https://docs.example/ok)
- [gone](https://docs.example/gone) and <https://docs.example/ok>
- [nothing]()
- [model](https://huggingface.co/zai-org/no-such-model)
- [tree](https://huggingface.co/zai-org/cogvlm-chat-hf/tree/main)

`[code](https://docs.example/in-code)`
"""


def test_markdown_files_are_extracted_and_checked(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.docs.route("/gone", Status(404))
    (world.root / "docs").mkdir()
    (world.root / "docs" / "list.md").write_text(LIST_MD, encoding="utf-8")
    code, data = check_json(capsys, "docs/list.md")
    assert code == 0
    # A URL used four times (three in the file, once in the catalog) is requested once; the two uses on line 3
    # are one location.
    assert world.docs.server.count("/ok") == 1
    link = next(link for link in data["links"] if link["url"] == "https://docs.example/ok")
    assert [(loc["file"], loc["line"]) for loc in link["locations"]] == [
        (CATALOG_FILE, world.line("docs.example/ok")),
        ("docs/list.md", 3),
        ("docs/list.md", 4),
    ]
    assert one(data, "suspect", "url:https://docs.example/gone")["locations"] == [{"file": "docs/list.md", "line": 4}]
    empty = one(data, "empty-link")
    assert empty["locations"] == [{"file": "docs/list.md", "line": 5}]
    assert world.docs.server.count("/in-code") == 0
    # A canonical Hub URL is asked of the Hub adapter (not requested as a page); a deeper page is a plain link.
    missing = one(data, "suspect", "hf:model/zai-org/no-such-model")
    assert missing["source"] == "hf" and missing["locations"] == [{"file": "docs/list.md", "line": 6}]
    assert world.hub.server.count("/zai-org/no-such-model") == 0
    assert world.hub.server.count("/api/models/zai-org/no-such-model") == 1
    assert world.hub.server.count("/zai-org/cogvlm-chat-hf/tree/main") >= 1


def test_missing_markdown_file_is_a_usage_error_before_any_request(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = check(capsys, "nope.md")
    assert code == 2 and "nope.md: no such file" in err
    assert world.web.requests == 0 and world.api_requests() == {"hf": 0, "arxiv": 0, "github": 0}
    assert not world.state.exists()


# -- badges --------------------------------------------------------------------------------------------------------

BADGES_MD = """\
# Badges

[![arXiv](https://img.shields.io/badge/arXiv-2311.03079-b31b1b)](https://arxiv.org/abs/2312.08914)
[![GitHub](https://img.shields.io/badge/GitHub-zai--org%2FCogVLM-181717?logo=github)](https://github.com/zai-org/CogVLM)
"""


def test_badge_mismatch_and_badge_to_a_missing_subject(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.shields.route("/badge/arXiv-2311.03079-b31b1b", Ok())
    world.shields.route("/badge/GitHub-zai--org%2FCogVLM-181717", Ok())
    (world.root / "badges.md").write_text(BADGES_MD, encoding="utf-8")
    code, data = check_json(capsys, "--strict", "badges.md")
    assert code == 1  # arXiv 2312.08914 is not known to arXiv: dead with --strict
    mismatches = findings(data, "badge-mismatch")
    assert {(f["subject"], f["locations"][0]["line"]) for f in mismatches} == {("arxiv:2312.08914", 3)}
    said = [f for f in mismatches if "says arXiv 2311.03079" in f["message"]]
    missing = [f for f in mismatches if "does not exist" in f["message"]]
    assert len(said) == 1 and len(missing) == 1
    assert one(data, "dead", "arxiv:2312.08914")["locations"] == [{"file": "badges.md", "line": 3}]
    # The badge images are ordinary links of the file.
    assert {link["url"]: link["verdict"] for link in data["links"] if "shields" in link["url"]} == {
        "https://img.shields.io/badge/arXiv-2311.03079-b31b1b": "ok",
        "https://img.shields.io/badge/GitHub-zai--org%2FCogVLM-181717?logo=github": "ok",
    }


def test_rendered_list_badges_are_checked_without_requesting_its_links(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["render"]) == 0
    readme = world.root / "catalog" / "README.md"
    assert "img.shields.io/badge/GitHub-zai--org" in readme.read_text(encoding="utf-8")
    world.gh.delete("zai-org/CogVLM")
    capsys.readouterr()
    code, data = check_json(capsys, "--strict")
    assert code == 1
    badge = one(data, "badge-mismatch")
    assert badge["subject"] == "gh:zai-org/CogVLM" and "does not exist" in badge["message"]
    line = world.line("GitHub-zai--org", "catalog/README.md")
    assert badge["locations"] == [{"file": "catalog/README.md", "line": line}]
    assert world.shields.requests == [] and world.github_web.requests == []


def test_offline_reports_badge_mismatches_and_empty_links_and_sends_nothing(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    (world.root / "badges.md").write_text(BADGES_MD + "[x]()\n", encoding="utf-8")
    code, out, err = check(capsys, "--offline", "badges.md")
    assert code == 1
    assert "badges.md:3: badge mismatch: badge says arXiv 2311.03079 but links to arXiv 2312.08914" in err
    assert "badges.md:5: empty link target" in err
    assert "no request sent" in out
    assert world.web.requests == 0 and world.api_requests() == {"hf": 0, "arxiv": 0, "github": 0}
    code, out, _ = check(capsys, "--offline")
    assert code == 0 and "catalog OK" in out
    assert world.web.requests == 0 and world.api_requests() == {"hf": 0, "arxiv": 0, "github": 0}


def test_offline_checks_a_markdown_file_without_any_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no catalog/, no configuration: "works on any Markdown list"
    (tmp_path / "list.md").write_text("# List\n\n- [a](https://a.example/)\n", encoding="utf-8")
    code, out, err = check(capsys, "--offline", "list.md")
    assert code == 0, err
    assert "offline: no catalog; 1 links in 1 file(s); 0 empty link(s)" in out
    (tmp_path / "bad.md").write_text(BADGES_MD + "[x]()\n", encoding="utf-8")
    code, out, err = check(capsys, "--offline", "bad.md")
    assert code == 1 and "bad.md:5: empty link target" in err
    assert not (tmp_path / "catalog").exists() and not (tmp_path / ".listkeeper").exists()


def test_offline_writes_the_report_in_the_format_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.md").write_text(BADGES_MD + "[x]()\n", encoding="utf-8")
    code, out, _ = check(capsys, "--offline", "--format", "json", "--output", "report.json", "bad.md")
    assert code == 1 and out == ""
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    kinds = sorted(f["kind"] for f in data["findings"])
    assert kinds == ["badge-mismatch", "empty-link"]
    empty = next(f for f in data["findings"] if f["kind"] == "empty-link")
    assert empty["locations"] == [{"file": "bad.md", "line": 5}]
    code, out, _ = check(capsys, "--offline", "--format", "markdown", "bad.md")
    assert code == 1 and "Empty link" in out


# -- nothing checked, cache, lock ----------------------------------------------------------------------------------


def test_nothing_checked_exits_3_and_writes_no_state(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.docs.route("/gone", Status(404))
    world.write([default_entry(links=[{"title": "Gone", "url": "https://docs.example/gone"}])])
    assert check_json(capsys)[0] == 0  # a first run leaves state behind
    before_rows = dump(world.state)

    dead = f"http://127.0.0.1:{closed_port()}"
    world.endpoints(dead, dead, f"{dead}/api/query")
    remap = [(pattern, f"{dead}/") for pattern, _ in world.remap()]
    world.write([default_entry(links=[{"title": "Gone", "url": "https://docs.example/gone"}])], remap=remap)
    # Within the TTL the sources answer from the state store and send nothing; the one link asked for is refused.
    # Facts reused from the store are no answer: still nothing checked.
    code, data = check_json(capsys)
    assert code == 3 and data["nothing_checked"] is True
    assert [(link["url"], link["verdict"], link["cached"]) for link in data["links"]] == [
        ("https://docs.example/gone", "error", False),
        ("https://docs.example/ok", "ok", True),
    ]
    # No evidence and no fact is written; only the run itself is logged (with its exit code) in the run history.
    after_rows = dump(world.state)
    assert [row for row in after_rows if not row.startswith('INSERT INTO "runs"')] == [
        row for row in before_rows if not row.startswith('INSERT INTO "runs"')
    ]
    logged = [row for row in after_rows if row.startswith('INSERT INTO "runs"') and row not in before_rows]
    assert len(logged) == 1 and "'check'" in logged[0] and ",3," in logged[0].replace(" ", "")

    code, data = check_json(capsys, "--no-cache", "--strict")
    assert code == 3
    assert data["nothing_checked"] is True
    assert findings(data, "dead") == [] and findings(data, "suspect") == []
    assert all(info["unavailable"] for info in data["sources"].values())
    assert {link["verdict"] for link in data["links"]} == {"error"}
    assert [row for row in dump(world.state) if not row.startswith('INSERT INTO "runs"')] == [
        row for row in before_rows if not row.startswith('INSERT INTO "runs"')
    ]

    code, out, _ = check(capsys, "--format", "markdown", "--no-cache")
    assert code == 3 and "**Nothing was checked**" in out


def test_hosts_that_answer_only_errors_were_checked(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """A 500 or a 429 after every retry is an answer: the network works, so the run is not "nothing checked"
    (exit 0, the outcomes recorded), and the status is part of the evidence."""
    world.docs.route("/broken", Status(500))
    world.docs.route("/busy", RateLimited(retry_after=0.01, times=100))
    links = [
        {"title": "Broken", "url": "https://docs.example/broken"},
        {"title": "Busy", "url": "https://docs.example/busy"},
    ]
    world.write([{"id": "plain", "name": "Plain", "links": links}])
    code, data = check_json(capsys, "--only", "links")
    assert code == 0 and data["nothing_checked"] is False
    assert {(f["kind"], f["evidence"]["status"]) for f in data["findings"]} == {("error", 500), ("rate-limited", 429)}
    rows = sqlite3.connect(world.state).execute("SELECT url, verdict, status FROM link_results ORDER BY url").fetchall()
    assert rows == [("https://docs.example/broken", "error", 500), ("https://docs.example/busy", "rate-limited", 429)]


def test_ttl_cache_skips_ok_links_and_cached_facts_unless_no_cache(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.docs.route("/gone", Status(404))
    world.write([default_entry(links=[{"title": "Gone", "url": "https://docs.example/gone"}])])
    assert check_json(capsys)[0] == 0
    first = world.api_requests()
    assert first == {"hf": 1, "arxiv": 1, "github": 1}

    world.reset()
    code, data = check_json(capsys)
    assert code == 0
    assert world.docs.server.count("/ok") == 0  # ok within the TTL: not requested
    assert world.docs.server.count("/gone") >= 1  # not ok: asked again
    assert world.api_requests() == {"hf": 0, "arxiv": 0, "github": 0}  # facts within the sources' TTL
    cached = {link["url"]: link["cached"] for link in data["links"]}
    assert cached == {"https://docs.example/ok": True, "https://docs.example/gone": False}
    assert data["summary"]["cached"] == 1

    world.reset()
    code, data = check_json(capsys, "--no-cache")
    assert code == 0
    assert world.docs.server.count("/ok") == 1
    assert world.api_requests() == first
    assert data["summary"]["cached"] == 0


def test_a_second_concurrent_run_exits_2(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.docs.route("/slow", Hang(delay=20))
    world.write([default_entry(links=[{"title": "Slow", "url": "https://docs.example/slow"}])], request_timeout=8)
    lock = world.state.with_name("state.sqlite.lock")
    proc = subprocess.Popen(
        [sys.executable, "-m", "listkeeper", "check", "--format", "json"],
        cwd=world.root,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while world.docs.server.count("/slow") == 0:  # the first run holds the lock while it waits for /slow
            assert proc.poll() is None and time.monotonic() < deadline, "the first run did not start"
            time.sleep(0.05)
        assert lock.read_text().strip() == str(proc.pid)
        code, out, err = check(capsys, "--format", "json")
        assert code == 2 and out == ""
        assert "is held by another listkeeper run" in err and "Tip:" in err
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_config_errors_exit_2(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    (world.root / "listkeeper.toml").write_text("[check]\nper_host = 0\n", encoding="utf-8")
    code, _, err = check(capsys)
    assert code == 2 and "check.per_host" in err
    world.write()
    code, _, err = check(capsys, "--fail-on", "nonsense")
    assert code == 2 and "unknown finding kind 'nonsense'" in err


def test_a_list_without_a_catalog_can_be_checked(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """``listkeeper check README.md`` works on any awesome list, catalog or not."""
    world.write()
    (world.root / CATALOG_FILE).unlink()
    (world.root / "catalog").rmdir()
    world.docs.route("/gone", Status(404))
    (world.root / "list.md").write_text("- [a](https://docs.example/ok)\n- [b](https://docs.example/gone)\n")
    code, data = check_json(capsys, "list.md", "--strict")
    assert code == 1
    assert one(data, "dead", "url:https://docs.example/gone")["locations"] == [{"file": "list.md", "line": 2}]
    # Without files there is nothing to check: the missing catalog is an error.
    assert run(["check", "--format", "json"]) == 2
    assert "catalog directory does not exist" in capsys.readouterr().err


def test_hostile_links_are_their_own_verdicts_and_the_run_completes(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """A link written as http://0177.0.0.1/ or with a broken host, and a page redirecting to one, used to raise out
    of the link checker's task group: no report, no state, exit 1 (issue 10 §1)."""
    world.docs.route("/to-empty-label", Redirect(302, "http://a..b/"))
    world.docs.route("/to-bad-alabel", Redirect(302, "http://xn--/"))
    listing = (
        "- [octal](http://0177.0.0.1/)\n- [label](http://a..b/)\n- [alabel](http://xn--/)\n"
        "- [r1](https://docs.example/to-empty-label)\n- [r2](https://docs.example/to-bad-alabel)\n"
        "- [fine](https://docs.example/ok)\n"
    )
    (world.root / "list.md").write_text(listing, encoding="utf-8")
    code, data = check_json(capsys, "list.md")
    assert code == 0, data
    verdicts = {link["url"]: link["verdict"] for link in data["links"]}
    assert verdicts == {
        "http://0177.0.0.1/": "invalid",
        "http://a..b/": "invalid",
        "http://xn--/": "invalid",
        "https://docs.example/to-empty-label": "error",
        "https://docs.example/to-bad-alabel": "error",
        "https://docs.example/ok": "ok",
    }
    assert one(data, "invalid", "url:http://0177.0.0.1/")["locations"] == [{"file": "list.md", "line": 1}]
    assert world.state.exists()  # the run finished and recorded what it saw


def _drip_setup(world: World, deadline: float) -> None:
    world.write(deadline=deadline)
    toml = world.root / "listkeeper.toml"
    sources = "[sources]\narxiv_delay = 0.01\ntimeout = 30\nmax_retries = 3\nmax_retry_wait = 120\n"
    toml.write_text(toml.read_text(encoding="utf-8").split("[sources]")[0] + sources, encoding="utf-8")
    world.monkeypatch.setenv("GITHUB_TOKEN", "ghp_test")  # GraphQL, then the REST fallback: both must stop


def test_dripping_sources_end_at_the_run_deadline(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """The Hub, arXiv and GitHub answer one byte every 0.5 s: a read timeout never fires (each byte restarts it),
    the library retries come on top, and the run used to go on for minutes past its deadline (issue 10 §2)."""
    deadline = 4.0
    _drip_setup(world, deadline)
    for server in (world.hub.server, world.arxiv.server, world.gh.server):
        server.drip = 0.5
    started = time.monotonic()
    code, data = check_json(capsys, "--only", "sources")
    elapsed = time.monotonic() - started
    assert elapsed <= deadline * 1.15, f"{elapsed:.1f} s for a {deadline:g} s deadline"
    assert code == 3 and data["nothing_checked"] is True
    assert all(info["unavailable"] for info in data["sources"].values()), data["sources"]
    assert findings(data, "dead") == [] and findings(data, "suspect") == []
    assert {f["subject"] for f in findings(data, "unknown")} == {
        "arxiv:2311.03079",
        "gh:zai-org/CogVLM",
        "hf:model/zai-org/cogvlm-chat-hf",
        "hf:model/zai-org/cogvlm-base-224-hf",
    }


def test_one_dripping_source_leaves_partial_findings_by_the_deadline(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """The Hub and arXiv answer, GitHub drips: the run stops at its deadline with what was answered, GitHub's
    subjects and the links not reached in time unknown, nothing dead."""
    deadline = 4.0
    _drip_setup(world, deadline)
    world.gh.server.drip = 0.5
    started = time.monotonic()
    code, data = check_json(capsys)
    elapsed = time.monotonic() - started
    assert elapsed <= deadline * 1.15, f"{elapsed:.1f} s for a {deadline:g} s deadline"
    assert code == 0 and data["nothing_checked"] is False
    assert data["sources"]["hf"]["unavailable"] is None and data["sources"]["arxiv"]["unavailable"] is None
    assert data["sources"]["github"]["unavailable"]
    assert one(data, "unknown", "gh:zai-org/CogVLM")
    (link,) = data["links"]
    assert link["verdict"] == "timeout" and "deadline" in link["detail"]
    assert findings(data, "dead") == [] and findings(data, "suspect") == []


def test_links_nested_too_deep_are_reported_and_checked(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """A link under 5,000 nested quotes was silently dropped by the parser (issue 10 §4)."""
    world.docs.route("/deep", Status(404))
    (world.root / "list.md").write_text("> " * 5000 + "[x](https://docs.example/deep)\n", encoding="utf-8")
    code, data = check_json(capsys, "list.md", "--strict")
    assert code == 1  # the link was requested: 404, dead with --strict
    assert one(data, "too-deep", "url:https://docs.example/deep")["locations"] == [{"file": "list.md", "line": 1}]
    assert one(data, "dead", "url:https://docs.example/deep")
    code, out, err = check(capsys, "--offline", "list.md")
    assert "list.md:1: link nested too deep for the Markdown parser: https://docs.example/deep" in err
    assert "1 links in 1 file(s)" in out


def test_more_links_than_the_limit_exits_2_before_any_request(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    toml = world.root / "listkeeper.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "[limits]\nlinks_per_file = 2\n", encoding="utf-8")
    (world.root / "list.md").write_text("".join(f"- <https://docs.example/{i}>\n" for i in range(3)))
    code, _, err = check(capsys, "list.md")
    assert code == 2 and "list.md: more than 2 links, the limit ([limits] links_per_file)" in err
    assert world.docs.server.requests == [] and world.api_requests() == {"hf": 0, "arxiv": 0, "github": 0}


def test_links_the_deadline_left_are_reported_and_asked_first_next_run(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """A host that asks for a minute's quiet in a run of one second: its links are timeout (never dead), the report
    says how many were left, and the next run asks them before anything else."""
    site = world.web.host("slow.example")
    site.route("/block", RateLimited(retry_after=60, times=1))
    for name in ("a0", "a1", "a2", "b0", "b1"):
        site.route(f"/{name}", Ok())
    links = ["b0", "b1", "block", "a0", "a1", "a2"]
    (world.root / "list.md").write_text("".join(f"- [{n}](https://slow.example/{n})\n" for n in links))
    world.write(deadline=1.0, per_host=1, max_retries=1)
    code, data = check_json(capsys, "--only", "links", "list.md")
    assert code == 0
    verdicts = {link["url"].rsplit("/", 1)[1]: link["verdict"] for link in data["links"] if "slow" in link["url"]}
    assert verdicts == {
        "b0": "ok",
        "b1": "ok",
        "block": "rate-limited",
        "a0": "timeout",
        "a1": "timeout",
        "a2": "timeout",
    }
    assert data["stats"]["unanswered"] == 4 and data["stats"]["carried_over"] == 0
    assert not [f for f in findings(data) if "slow.example" in f["subject"] and f["kind"] in ("dead", "suspect")]
    assert site.server.paths() == ["/b0", "/b1", "/block"]

    site.server.reset()
    code, out, _ = check(capsys, "--only", "links", "--no-cache", "--format", "markdown", "list.md")
    assert code == 0
    assert site.server.paths()[:4] == ["/block", "/a0", "/a1", "/a2"]  # what was left goes first
    assert sorted(site.server.paths()[4:]) == ["/b0", "/b1"]
    assert "left unanswered" not in out

    world.write(deadline=1.0, per_host=1, max_retries=1)
    site.route("/block", RateLimited(retry_after=60, times=1))  # refuses again: one left, said in the report
    code, out, _ = check(capsys, "--only", "links", "--no-cache", "--format", "markdown", "list.md")
    assert "4 links left unanswered by the run deadline (1 s)" in out
