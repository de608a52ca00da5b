"""Shared pieces for the publish tests: a small catalog, findings, and real git repositories."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from listkeeper.evidence import from_json as evidence_from_json
from listkeeper.findings import Finding, Kind, Location
from listkeeper.publish import proposal as proposal_module
from listkeeper.subjects import Subject
from tests.fakes.github import FakeGitHub
from tests.fakes.github_git import FakeGitData
from tests.samples import BUNNY

TODAY = date(2026, 11, 27)

COG = """\
# Cog series: comments survive every edit.
id: cogvlm
name: CogVLM
entries:
  - id: cogvlm
    name: CogVLM
    papers:
      - {arxiv: "2311.03079", title: "CogVLM: Visual Expert for Pretrained Language Models"}
    code: [THUDM/CogVLM]
    checkpoints:
      - hf: THUDM/cogvlm-chat-hf
        size: 17B
      - {hf: zai-org/cogvlm-grounding-hf}
    track:
      hf_authors: [{author: zai-org, include: ["cogvlm*"]}]
"""


BASE_FILES = {"catalog/cogvlm.yaml": COG, "catalog/bunny.yaml": BUNNY}


def finding(kind: Kind, subject: str, new: str | None = None, message: str = "", **evidence: object) -> Finding:
    """A finding as a check wrote it (evidence in its JSON shape, typed like a findings file is read)."""
    return Finding(
        kind,
        Subject.parse(subject),
        message or f"{kind} {subject}",
        evidence_from_json(evidence, str(kind)),
        (Location("catalog/cogvlm.yaml", 10, "entries[0].code[0]"),),
        Subject.parse(new) if new else None,
        source="github" if subject.startswith("gh:") else "hf",
    )


MOVED = finding(Kind.MOVED, "gh:THUDM/CogVLM", "gh:zai-org/CogVLM", "renamed on GitHub", status=301)
DEAD = finding(
    Kind.DEAD,
    "hf:model/zai-org/cogvlm-grounding-hf",
    message="404 on the Hub",
    status=404,
    first_dead="2026-11-20T00:00:00Z",
)
NEW = finding(Kind.NEW_RELEASE, "hf:model/zai-org/cogvlm2-llama3-chat-19B", created_at="2026-11-01T00:00:00Z")
SUSPECT = finding(Kind.SUSPECT, "gh:BAAI-DCAI/Bunny", message="404 once, not yet confirmed")
FINDINGS = [MOVED, DEAD, NEW, SUSPECT]


def build(findings: list[Finding], files: dict[str, str] | None = None, **kw: object) -> proposal_module.Proposal:
    return proposal_module.build_catalog(
        files or BASE_FILES, findings, catalog_dir="catalog", output="catalog/README.md", today=TODAY, **kw
    )


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Human Maintainer",
    "GIT_AUTHOR_EMAIL": "human@example.org",
    "GIT_COMMITTER_NAME": "Human Maintainer",
    "GIT_COMMITTER_EMAIL": "human@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, env_extra: dict[str, str] | None = None) -> str:
    env = {**os.environ, **GIT_ENV, **(env_extra or {})}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip()


def write_files(repo: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())


@pytest.fixture
def work_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A work repository on ``main`` with the catalog committed, and a bare ``origin``."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(origin)], check=True)
    repo = tmp_path / "work"
    repo.mkdir()
    git(repo, "init", "--quiet", "-b", "main")
    write_files(repo, BASE_FILES)
    git(repo, "add", "catalog")
    git(repo, "commit", "--quiet", "-m", "catalog")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "--quiet", "origin", "main")
    return repo


# -- the fake GitHub, holding the base branch of the list's repository ----------------------------------------------

REPO = "acme/awesome-vlms"
TOKEN = "ghs_publish_token"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def base_files() -> dict[str, str]:
    """The base branch's files (a test module overrides this fixture for other files)."""
    return BASE_FILES


@pytest.fixture(name="git")
def remote_git_data(gh: FakeGitHub, base_files: dict[str, str]) -> FakeGitData:
    """The repository on the fake GitHub, its main branch holding ``base_files``."""
    data = FakeGitData(gh)
    data.init(REPO, base_files)
    return data
