"""Issue 13 end to end (check → plan → apply): the first run compares with what the catalog states, and the edits
write what the services know, against the fakes of the Hub, arXiv and GitHub."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from listkeeper import changes
from listkeeper.catalog.load import load_catalog
from listkeeper.config import CheckConfig, Config, SourcesConfig
from listkeeper.pipeline import CheckOptions, check_list
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.github import FakeGitHub
from tests.fakes.hub import FakeHub

NOW = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
TOKEN = "ghp_stated"

GLM = """\
# Written by hand; the first run must compare with what it says.
id: glm
name: GLM-V
entries:
  - id: glm-4v
    name: GLM-4V
    papers:
      - {arxiv: "2311.03079v1", title: CogVLM}
    code:
      - {repo: THUDM/GLM-4V, release: v1.0}
      - THUDM/CogAgent
    checkpoints:
      - {hf: THUDM/glm-4v-9b, license: apache-2.0}
    track:
      hf_authors: [{author: THUDM, include: ["glm-4*"], since: 2025-01-01}]
      github: [THUDM/GLM-4V]
"""


@pytest.fixture
def fakes() -> Iterator[tuple[FakeHub, FakeArxiv, FakeGitHub]]:
    with FakeHub() as hub, FakeArxiv() as arxiv, FakeGitHub(token=TOKEN) as gh:
        hub.add_model("THUDM/glm-4v-9b", license="other")
        hub.add_model("THUDM/GLM-4.6V", created_at="2025-12-08T00:00:00.000Z")
        hub.rename_org("THUDM", "zai-org")
        arxiv.add("2311.03079", "CogVLM", versions=2)
        gh.add_repo("THUDM/GLM-4V")
        gh.add_release("THUDM/GLM-4V", "v1.0")
        gh.add_release("THUDM/GLM-4V", "v1.1")
        gh.add_release("THUDM/GLM-4V", "v1.2-rc1", prerelease=True)
        gh.transfer("THUDM/GLM-4V", "zai-org")
        gh.add_repo("THUDM/CogAgent")
        gh.archive("THUDM/CogAgent")
        yield hub, arxiv, gh


def test_first_run_compares_with_the_catalog_and_the_plan_writes_it(
    tmp_path: Path, fakes: tuple[FakeHub, FakeArxiv, FakeGitHub]
) -> None:
    hub, arxiv, gh = fakes
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "glm.yaml").write_text(GLM)
    cfg = Config(
        root=tmp_path,
        state_path=Path(".state.sqlite"),
        check=CheckConfig(allow_loopback=True, max_retries=0, deadline=60),
        sources=SourcesConfig(
            hf_endpoint=hub.url, github_api_url=gh.url, arxiv_api_url=arxiv.api_url, timeout=5, arxiv_delay=0.01
        ),
    )
    report = check_list(cfg, CheckOptions(only="sources"), env={"GITHUB_TOKEN": TOKEN}, now=NOW)
    found = {(str(f.kind), str(f.subject)) for f in report.findings}
    assert {
        ("new-version", "arxiv:2311.03079v1"),
        ("new-release", "gh:zai-org/GLM-4V"),  # named by its new id, the old one is the alias
        ("archived", "gh:THUDM/CogAgent"),
        ("moved", "gh:THUDM/GLM-4V"),
        ("moved", "hf:model/THUDM/glm-4v-9b"),
        ("new-release", "hf:model/zai-org/GLM-4.6V"),  # a rule on THUDM reads zai-org in this very run
        ("changed", "hf:model/zai-org/glm-4v-9b"),
    } <= found

    loaded = load_catalog(tmp_path / "catalog")
    planned = changes.plan(loaded, report.findings, today=date(2026, 3, 2))
    (text,) = changes.apply(loaded, planned).values()
    assert text.startswith("# Written by hand; the first run must compare with what it says.\n")
    assert '{arxiv: "2311.03079v2", title: CogVLM}' in text
    assert "{repo: zai-org/GLM-4V, release: v1.1}" in text  # moved and the new release, one PR
    assert "- {repo: THUDM/CogAgent, archived: true}" in text
    assert "{hf: zai-org/glm-4v-9b, license: other}" in text
    assert 'hf_authors: [{author: zai-org, include: ["glm-4*"], since: 2025-01-01}]' in text
    assert "github: [zai-org/GLM-4V]" in text
    assert "hf: zai-org/GLM-4.6V" in text and "state: new" in text
    (tmp_path / "catalog" / "glm.yaml").write_text(text)
    again = check_list(cfg, CheckOptions(only="sources"), env={"GITHUB_TOKEN": TOKEN}, now=NOW)
    assert changes.plan(load_catalog(tmp_path / "catalog"), again.findings, today=date(2026, 3, 2)) == []
