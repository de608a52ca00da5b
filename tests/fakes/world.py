"""The end-to-end world: a catalog in a real git repository and every service faked on 127.0.0.1.

FakeWeb (plain links, through ``check.remap``), FakeHub (HF_ENDPOINT), FakeArxiv (LISTKEEPER_ARXIV_API_URL) and
FakeGitHub with its Git Data + pulls extension (GITHUB_API_URL) holding the same base commit as the local
repository. The ``world`` fixture (tests/conftest.py) builds it and points the process environment at it.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from listkeeper.catalog.load import load_catalog
from listkeeper.cli import run
from listkeeper.render.markdown import render_catalog
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.github import FakeGitHub
from tests.fakes.github_git import FakeGitData
from tests.fakes.hub import FakeHub
from tests.fakes.web import FakeWeb, Ok, Status
from tests.samples import BUNNY

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


def fast_config(web: FakeWeb, hub: FakeHub, repo: str = REPO) -> list[str]:
    """listkeeper.toml lines pointing every service at the fakes, fast and without retries; ends in ``[pr]``."""
    remap = [*web.remap(), (r"^https://huggingface\.co/", hub.url + "/")]
    return [
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
        f'repo = "{repo}"',
        "write_interval = 0",
    ]


def human_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """git as a maintainer's machine has it: a human identity, and no global or system configuration."""
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Human Maintainer")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "human@example.org")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def make_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    human_git(monkeypatch)
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
        config = fast_config(web, hub)
        (tmp_path / "listkeeper.toml").write_text("\n".join([*config, 'labels = ["listkeeper"]']) + "\n")
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
