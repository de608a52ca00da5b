"""End to end: a catalog in a real git repository, every service faked on 127.0.0.1, ``listkeeper sync --pr``.

The fakes: FakeWeb (plain links, through ``check.remap``), FakeHub (HF_ENDPOINT), FakeArxiv
(LISTKEEPER_ARXIV_API_URL) and FakeGitHub with its Git Data + pulls extension (GITHUB_API_URL) holding the same
base commit as the local repository. ``--strict`` makes a 404 dead at once.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.cli import run
from listkeeper.publish import body as body_module
from listkeeper.render.markdown import render_catalog
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.github import FakeGitHub
from tests.fakes.github_git import FakeGitData
from tests.fakes.hub import FakeHub
from tests.fakes.web import FakeWeb, Ok, Status

REPO = "acme/awesome-vlms"
TOKEN = "ghs_end_to_end"
TITLE = "CogVLM: Visual Expert for Pretrained Language Models"

COG = f"""\
# The Cog series, kept by hand: comments and layout survive.
id: cogvlm
name: CogVLM
entries:
  - id: cogvlm
    name: CogVLM
    papers:
      - {{arxiv: "2311.03079", title: "{TITLE}"}}
    code: [THUDM/CogVLM]
    checkpoints:
      - {{hf: zai-org/cogvlm-chat-hf}}
    links:
      - {{title: Docs, url: "https://docs.example/ok"}}
      - {{title: Old blog, url: "https://docs.example/gone"}}
"""

BUNNY = """\
id: bunny
name: Bunny
entries:
  - id: bunny
    name: Bunny
    code:
      - BAAI-DCAI/Bunny
    checkpoints:
      - {hf: BAAI/Bunny-v1_0-3B}
"""


@dataclass
class World:
    root: Path
    web: FakeWeb
    hub: FakeHub
    arxiv: FakeArxiv
    gh: FakeGitHub
    git: FakeGitData

    def sync(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
        code = run(["sync", "--pr", "--strict", "--format", "none", *args])
        out, err = capsys.readouterr()
        return code, out + err


def sh(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Human Maintainer")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "human@example.org")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    with FakeWeb() as web, FakeHub() as hub, FakeArxiv() as arxiv, FakeGitHub(token=TOKEN) as gh:
        docs = web.host("docs.example")
        docs.route("/ok", Ok())
        docs.route("/gone", Status(404))
        hub.add_model("zai-org/cogvlm-chat-hf")
        hub.add_model("BAAI/Bunny-v1_0-3B")
        arxiv.add("2311.03079", TITLE)
        gh.add_repo("THUDM/CogVLM")
        gh.add_repo("BAAI-DCAI/Bunny")
        gh.transfer("THUDM/CogVLM", "zai-org")  # the catalog's repo moved
        git = FakeGitData(gh)

        catalog = tmp_path / "catalog"
        catalog.mkdir()
        (catalog / "cogvlm.yaml").write_text(COG)
        (catalog / "bunny.yaml").write_text(BUNNY)
        (catalog / "README.md").write_text(render_catalog(load_catalog(catalog).catalog))
        remap = [*web.remap(), (r"^https://huggingface\.co/", hub.url + "/")]
        (tmp_path / "listkeeper.toml").write_text(
            "\n".join(
                [
                    "[check]",
                    "allow_loopback = true",
                    f"remap = {json.dumps(remap)}",
                    "max_retries = 0",
                    "request_timeout = 2",
                    "deadline = 30",
                    "[sources]",
                    "arxiv_delay = 0.01",
                    "timeout = 5",
                    "max_retries = 0",
                    "ttl_hours = 0",
                    "[pr]",
                    f'repo = "{REPO}"',
                    "write_interval = 0",
                    'labels = ["listkeeper"]',
                ]
            )
            + "\n"
        )
        (tmp_path / ".gitignore").write_text(".listkeeper/\n")
        sh(tmp_path, "init", "--quiet", "-b", "main")
        sh(tmp_path, "add", ".")
        sh(tmp_path, "commit", "--quiet", "-m", "catalog")
        tracked = sh(tmp_path, "ls-files").splitlines()
        git.init(REPO, {path: (tmp_path / path).read_text() for path in tracked})

        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("GITHUB_API_URL", gh.url)
        monkeypatch.setenv("LISTKEEPER_ARXIV_API_URL", arxiv.api_url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
        monkeypatch.chdir(tmp_path)
        yield World(tmp_path, web, hub, arxiv, gh, git)


def yaml_diff(world: World, path: str) -> list[str]:
    base = world.git.files(REPO, "main")[path].splitlines()
    head = world.git.files(REPO, "listkeeper/update")[path].splitlines()
    return [
        line
        for line in difflib.unified_diff(base, head, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_sync_pr_creates_one_pr_then_idles_then_updates(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = world.sync(capsys)

    assert code == 0, out
    assert "opened #1" in out
    diff = yaml_diff(world, "catalog/cogvlm.yaml")
    assert diff[:3] == [
        "-    code: [THUDM/CogVLM]",
        "+    code: [zai-org/CogVLM]",
        '-      - {title: Old blog, url: "https://docs.example/gone"}',
    ]
    assert len(diff) == 4 and re.fullmatch(
        r'\+      - \{title: Old blog, url: "https://docs\.example/gone", '
        r"mark: \{state: dead, since: \d{4}-\d\d-\d\d, evidence: .*404.*\}\}",
        diff[3],
    ), diff
    head = world.git.branch(REPO, "listkeeper/update")
    assert world.git.commit(REPO, head).parents == [world.git.branch(REPO, "main")]  # type: ignore[arg-type]
    changed = {
        p for p, t in world.git.files(REPO, "listkeeper/update").items() if world.git.files(REPO, "main")[p] != t
    }
    assert changed == {"catalog/cogvlm.yaml", "catalog/README.md"}
    assert world.git.files(REPO, "listkeeper/update")["catalog/bunny.yaml"] == BUNNY
    (pull,) = world.git.pulls(REPO)
    assert pull.labels == ["listkeeper"] and pull.state == "open"
    assert "### Moved" in pull.body and "### Dead" in pull.body
    marker = body_module.parse_marker(pull.body)
    assert marker is not None and set(marker.subjects) == {"gh:THUDM/CogVLM", "url:https://docs.example/gone"}
    assert sh(world.root, "status", "--porcelain") == ""  # the working tree is untouched in PR mode

    # Run again: same findings → no new PR, not a single write.
    writes = len(world.git.writes())
    code, out = world.sync(capsys)
    assert code == 0, out
    assert "is up to date" in out and "0 writes" in out
    assert len(world.git.writes()) == writes
    assert len(world.git.pulls(REPO)) == 1

    # A new finding (another repo moved) → the same PR is updated.
    world.gh.transfer("BAAI-DCAI/Bunny", "BAAI")
    code, out = world.sync(capsys)
    assert code == 0, out
    assert "updated #1" in out
    assert len(world.git.pulls(REPO)) == 1
    assert yaml_diff(world, "catalog/bunny.yaml") == ["-      - BAAI-DCAI/Bunny", "+      - BAAI/Bunny"]
    assert [(r.method, r.path.rsplit("/", 2)[-2:]) for r in world.git.writes()[writes:]] == [
        ("POST", ["git", "trees"]),
        ("POST", ["git", "commits"]),
        ("PATCH", ["listkeeper", "update"]),
        ("PATCH", ["pulls", "1"]),
    ]


def test_sync_pr_local_makes_the_branch_without_touching_the_user(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (sh(world.root, "rev-parse", "HEAD"), sh(world.root, "status", "--porcelain"))
    code, out = world.sync(capsys, "--local")
    assert code == 0, out
    assert "created listkeeper/update" in out
    assert (sh(world.root, "rev-parse", "HEAD"), sh(world.root, "status", "--porcelain")) == before
    assert sh(world.root, "rev-list", "--count", "main..listkeeper/update") == "1"
    assert world.git.writes() == []  # local mode never writes to GitHub


def test_pr_needs_a_repository(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    (world.root / "listkeeper.toml").write_text(
        (world.root / "listkeeper.toml").read_text().replace(f'repo = "{REPO}"\n', "")
    )
    code = run(["pr", "--findings", str(write_findings(world.root))])
    _, err = capsys.readouterr()
    assert code == 2 and "--repo OWNER/NAME" in err


def test_pr_from_a_findings_file_dry_run_writes_nothing(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["pr", "--dry-run", "--findings", str(write_findings(world.root))])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "+    code: [zai-org/CogVLM]" in out and "dry run: nothing written" in out
    assert world.git.writes() == []


def test_sync_without_pr_writes_the_working_tree(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["sync", "--strict", "--format", "none"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "code: [zai-org/CogVLM]" in (world.root / "catalog" / "cogvlm.yaml").read_text()
    assert sh(world.root, "diff", "--name-only").splitlines() == ["catalog/README.md", "catalog/cogvlm.yaml"]
    assert world.git.writes() == []


def write_findings(root: Path) -> Path:
    path = root / "findings.json"
    path.write_text(
        json.dumps(
            [
                {
                    "kind": "moved",
                    "subject": "gh:THUDM/CogVLM",
                    "new_subject": "gh:zai-org/CogVLM",
                    "message": "moved",
                    "evidence": {},
                    "locations": [],
                    "source": "github",
                }
            ]
        )
    )
    return path
