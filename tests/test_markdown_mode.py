"""End to end in Markdown mode: a list repository with no catalog, every service faked on 127.0.0.1.

The README (CRLF) and a glob of paper lists are the list. ``listkeeper sync --pr`` checks them, edits exactly the
URL bytes that moved and marks the dead link, and opens one pull request whose diff is exactly those lines; the
second run makes no API write. ``update FILE.md`` and ``sync`` without ``--pr`` edit the working tree.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from listkeeper.cli import run
from listkeeper.publish.marker import parse_marker
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.github import FakeGitHub
from tests.fakes.github_git import FakeGitData
from tests.fakes.hub import FakeHub
from tests.fakes.web import FakeWeb, Ok, Redirect, Status
from tests.fakes.world import fast_config, human_git, sh

REPO = "acme/awesome-list"
TOKEN = "ghs_markdown_mode"

README = (
    "# Awesome VLMs 🦙\r\n"
    "\r\n"
    "| Model | Paper | Code | Stars |\r\n"
    "|:--|:-:|--:|---|\r\n"
    "| CogVLM | [arXiv](https://arxiv.org/abs/2311.03079) | [code](https://github.com/THUDM/CogVLM) "
    "| [![stars](https://img.shields.io/github/stars/THUDM/CogVLM?style=social)]"
    "(https://github.com/THUDM/CogVLM) |  \r\n"
    "| Bunny | [arXiv](https://arxiv.org/abs/2402.11530) | [code](https://github.com/BAAI-DCAI/Bunny) | - |\r\n"
    "\r\n"
    "- [Docs](https://docs.example/ok) — fine\r\n"
    "- [Old blog](https://docs.example/gone) — gone for good\r\n"
    "- [Tool](https://old.example/tool#install) — moved\r\n"
    "- Checkpoint: <https://huggingface.co/zai-org/cogvlm-chat-hf>\r\n"
    "\r\n"
    "```sh\r\n"
    "git clone https://github.com/THUDM/CogVLM\r\n"
    "```\r\n"
)
PAPERS = "# Papers\n\n* [CogVLM code](https://github.com/THUDM/CogVLM/tree/main/docs#setup)\n* [x]()\n"


@dataclass
class MdWorld:
    root: Path
    web: FakeWeb
    gh: FakeGitHub
    git: FakeGitData


@pytest.fixture
def md_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MdWorld]:
    human_git(monkeypatch)
    with FakeWeb() as web, FakeHub() as hub, FakeArxiv() as arxiv, FakeGitHub(token=TOKEN) as gh:
        docs = web.host("docs.example")
        docs.route("/ok", Ok())
        docs.route("/gone", Status(404))
        web.host("old.example").route("/tool", Redirect(301, "https://new.example/tool"))
        web.host("new.example").route("/tool", Ok())
        web.host("img.shields.io").route("/github/stars/THUDM/CogVLM", Ok())
        # A page inside the renamed repository is a plain link: GitHub redirects it to the new name.
        github_web = web.host("github.com")
        github_web.route(
            "/THUDM/CogVLM/tree/main/docs", Redirect(301, "https://github.com/zai-org/CogVLM/tree/main/docs")
        )
        github_web.route("/zai-org/CogVLM/tree/main/docs", Ok())
        hub.add_model("zai-org/cogvlm-chat-hf")
        arxiv.add("2311.03079", "CogVLM: Visual Expert for Pretrained Language Models")
        arxiv.add("2402.11530", "Efficient Multimodal Learning from Data-centric Perspective")
        gh.add_repo("THUDM/CogVLM")
        gh.add_repo("BAAI-DCAI/Bunny")
        gh.transfer("THUDM/CogVLM", "zai-org")
        git = FakeGitData(gh)
        (tmp_path / "README.md").write_bytes(README.encode("utf-8"))
        (tmp_path / "papers").mkdir()
        (tmp_path / "papers" / "2024.md").write_bytes(PAPERS.encode("utf-8"))
        config = ["[markdown]", 'files = ["README.md", "papers/*.md"]', *fast_config(web, hub, REPO)]
        (tmp_path / "listkeeper.toml").write_text("\n".join(config) + "\n")
        (tmp_path / ".gitignore").write_text(".listkeeper/\n")
        sh(tmp_path, "init", "--quiet", "-b", "main")
        sh(tmp_path, "add", ".")
        sh(tmp_path, "commit", "--quiet", "-m", "the list")
        tracked = sh(tmp_path, "ls-files").splitlines()
        git.init(REPO, {path: (tmp_path / path).read_bytes().decode("utf-8") for path in tracked})
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.setenv("GITHUB_API_URL", gh.url)
        monkeypatch.setenv("LISTKEEPER_ARXIV_API_URL", arxiv.api_url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
        monkeypatch.chdir(tmp_path)
        yield MdWorld(tmp_path, web, gh, git)


def changed_lines(world: MdWorld, path: str) -> list[str]:
    base = world.git.files(REPO, "main")[path].split("\n")
    head = world.git.files(REPO, "listkeeper/update")[path].split("\n")
    return [
        line
        for line in difflib.unified_diff(base, head, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def sync(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run(["sync", "--strict", "--format", "none", *args])
    out, err = capsys.readouterr()
    return code, out + err


def test_sync_pr_opens_one_pr_with_exactly_the_expected_lines_then_writes_nothing(
    md_world: MdWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = sync(capsys, "--pr")
    assert code == 0, out
    assert "opened #1" in out, out
    assert changed_lines(md_world, "README.md") == [
        "-| CogVLM | [arXiv](https://arxiv.org/abs/2311.03079) | [code](https://github.com/THUDM/CogVLM) "
        "| [![stars](https://img.shields.io/github/stars/THUDM/CogVLM?style=social)]"
        "(https://github.com/THUDM/CogVLM) |  \r",
        "+| CogVLM | [arXiv](https://arxiv.org/abs/2311.03079) | [code](https://github.com/zai-org/CogVLM) "
        "| [![stars](https://img.shields.io/github/stars/zai-org/CogVLM?style=social)]"
        "(https://github.com/zai-org/CogVLM) |  \r",
        "-- [Old blog](https://docs.example/gone) — gone for good\r",
        "-- [Tool](https://old.example/tool#install) — moved\r",
        "+- ~~[Old blog](https://docs.example/gone)~~ (dead since " + _today() + ") — gone for good\r",
        "+- [Tool](https://new.example/tool#install) — moved\r",
    ]
    assert changed_lines(md_world, "papers/2024.md") == [
        "-* [CogVLM code](https://github.com/THUDM/CogVLM/tree/main/docs#setup)",
        "+* [CogVLM code](https://github.com/zai-org/CogVLM/tree/main/docs#setup)",
    ]
    files = md_world.git.files(REPO, "listkeeper/update")
    assert "git clone https://github.com/THUDM/CogVLM\r\n" in files["README.md"]  # code is never touched
    assert set(files) == set(md_world.git.files(REPO, "main"))
    (pull,) = md_world.git.pulls(REPO)
    assert pull.title == "listkeeper: update the list (4 moved, 1 dead)"
    assert "| README.md:5 | https://github.com/THUDM/CogVLM → https://github.com/zai-org/CogVLM |" in pull.body
    assert "| papers/2024.md:3 |" in pull.body and "### Dead" in pull.body
    assert "verified by re-extracting the links" in pull.body
    marker = parse_marker(pull.body)
    assert marker is not None and "gh:THUDM/CogVLM" in marker.subjects
    assert sh(md_world.root, "status", "--porcelain") == ""  # PR mode leaves the working tree alone

    writes = len(md_world.git.writes())
    code, out = sync(capsys, "--pr")
    assert code == 0, out
    assert "is up to date" in out and "0 writes" in out
    assert len(md_world.git.writes()) == writes


def test_sync_without_pr_and_update_edit_the_working_tree(
    md_world: MdWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = sync(capsys, "--dead", "remove")
    assert code == 0, out
    readme = (md_world.root / "README.md").read_bytes().decode("utf-8")
    assert "docs.example/gone" not in readme and "[Docs](https://docs.example/ok) — fine\r\n" in readme
    assert "https://github.com/zai-org/CogVLM) |  \r\n" in readme
    assert readme.count("\r\n") == readme.count("\n")
    assert "README.md:9: https://docs.example/gone: remove (dead)" in out
    # The findings are in the state store: update applies them again and finds nothing left to do.
    code = run(["update", "README.md"])
    out = capsys.readouterr().out
    assert code == 0 and "nothing to change" in out, out


def test_update_with_a_findings_file_on_any_markdown_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list.md").write_bytes(b"- [a](https://gone.example/a)\r\n- [b](https://ok.example/b)\r\n")
    findings = [{"kind": "dead", "subject": "url:https://gone.example/a", "message": "404", "evidence": {}}]
    (tmp_path / "f.json").write_text(json.dumps(findings))
    assert run(["update", "list.md", "--findings", "f.json", "--dead", "comment", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+- [a](https://gone.example/a) <!-- listkeeper: dead since" in out and "dry run" in out
    assert (tmp_path / "list.md").read_bytes().startswith(b"- [a](https://gone.example/a)\r\n")
    assert run(["update", "list.md", "--findings", "f.json", "--dead", "comment"]) == 0
    assert b"<!-- listkeeper: dead since " in (tmp_path / "list.md").read_bytes()


def _today() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).date().isoformat()


def test_sync_pr_local_builds_the_branch_from_the_base_files(
    md_world: MdWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = sync(capsys, "--pr", "--local")
    assert code == 0, out
    show = sh(md_world.root, "show", "--format=", "--unified=0", "listkeeper/update")
    changed = [line for line in show.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert len(changed) == 8 and all(
        "THUDM" in line or "gone" in line or "old.example" in line for line in changed[::2]
    )
    assert sh(md_world.root, "status", "--porcelain") == ""


def test_check_without_files_checks_the_configured_list(md_world: MdWorld, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--offline"]) == 1  # papers/2024.md has an empty link
    captured = capsys.readouterr()
    assert "papers/2024.md:4: empty link target" in captured.err
    assert "in 2 file(s)" in captured.out


def test_a_list_without_catalog_is_in_markdown_mode(tmp_path: Path) -> None:
    from listkeeper import config
    from listkeeper.mdlist import files

    (tmp_path / "README.md").write_text("# list\n")
    assert files.patterns(config.load(tmp_path, env={})) == ["README.md"]
    (tmp_path / "catalog").mkdir()
    assert files.patterns(config.load(tmp_path, env={})) is None
    (tmp_path / "listkeeper.toml").write_text('[markdown]\nfiles = ["docs/*.md"]\n')
    assert files.patterns(config.load(tmp_path, env={})) == ["docs/*.md"]
    assert files.resolve(tmp_path, ["docs/*.md"]) == []
    with pytest.raises(Exception, match="no such Markdown file"):
        files.resolve(tmp_path, ["docs/list.md"])
    (tmp_path / "listkeeper.toml").write_text('[markdown]\nfiles = ["*/x.md"]\n')
    with pytest.raises(Exception, match="a glob may only be in the file name"):
        config.load(tmp_path, env={})


def test_update_on_a_file_that_is_not_utf8_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list.md").write_bytes(b"- [a](https://gone.example/a) caf\xe9\n")
    (tmp_path / "f.json").write_text("[]")
    assert run(["update", "list.md", "--findings", "f.json"]) == 2
    assert "list.md: not UTF-8 text" in capsys.readouterr().err


def test_update_reads_the_list_with_the_configured_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Markdown mode's edits extracted links with the default ``[limits]``: a list that ``check`` refuses under
    the configured ``links_per_file`` was edited anyway."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "listkeeper.toml").write_text("[limits]\nlinks_per_file = 2\n")
    text = b"- [a](https://gone.example/a)\n- [b](https://ok.example/b)\n- [c](https://ok.example/c)\n"
    (tmp_path / "list.md").write_bytes(text)
    findings = [{"kind": "dead", "subject": "url:https://gone.example/a", "message": "404", "evidence": {}}]
    (tmp_path / "f.json").write_text(json.dumps(findings))
    assert run(["check", "list.md", "--offline"]) == 2
    assert "[limits] links_per_file" in capsys.readouterr().err
    assert run(["update", "list.md", "--findings", "f.json"]) == 2
    assert "list.md: more than 2 links, the limit ([limits] links_per_file)" in capsys.readouterr().err
    assert (tmp_path / "list.md").read_bytes() == text
