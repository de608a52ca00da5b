"""What the tests of :mod:`listkeeper.changes` share: a catalog, findings, planning with a fixed day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from listkeeper import changes, subjects
from listkeeper.catalog.load import LoadedCatalog, load_catalog
from listkeeper.evidence import from_json
from listkeeper.findings import Finding, Kind

TODAY = date(2026, 11, 27)


COG = """\
# Cog series.
id: cogvlm
name: CogVLM
series: Cog series
entries:
  - id: cogvlm
    name: CogVLM
    papers:
      - {arxiv: "2311.03079", title: "CogVLM: Visual Expert for Pretrained Language Models"}
    code: [THUDM/CogVLM]   # renamed org
    demos:
      - {space: THUDM/CogVLM-CogAgent}
    checkpoints:
      - hf: THUDM/cogvlm-chat-hf
        size: 17B
      - {hf: zai-org/cogvlm-grounding-hf}
    collections: [THUDM/cogvlm-6603c50b9b43d044171d0854]
    links:
      - {title: SAT weights, url: "https://example.org/sat"}
    track:
      hf_authors: [{author: zai-org, include: ["cogvlm*"]}]
    dismissed: ["hf:model/zai-org/cogvlm-unwanted"]
  - id: cogagent
    name: CogAgent
    checkpoints:
      - {hf: zai-org/cogagent-chat-hf}
    track:
      hf_authors: [{author: zai-org, include: ["cogagent*"]}]
"""


def cog(root: Path) -> str:
    return (root / "cogvlm.yaml").as_posix()


def finding(kind: Kind, subject: str, **kw: object) -> Finding:
    new = kw.pop("new_subject", None)
    return Finding(
        kind=kind,
        subject=subjects.Subject.parse(subject),
        message=str(kw.pop("message", f"{kind} {subject}")),
        evidence=from_json(dict(kw.pop("evidence", {})), str(kind)),  # type: ignore[call-overload]  # as in a file
        locations=tuple(kw.pop("locations", ())),  # type: ignore[call-overload]
        new_subject=subjects.Subject.parse(str(new)) if new else None,
    )


def run(loaded: LoadedCatalog, *found: Finding, dead: changes.DeadAction = "mark") -> list[changes.Change]:
    return changes.plan(loaded, list(found), dead_action=dead, today=TODAY)


STATED = """\
id: mgm
name: MGM
entries:
  - id: mgm
    name: MGM
    papers:
      - {arxiv: "2403.18814v1", title: Mini-Gemini}
      - arxiv: "2311.03079"
        version: 1
    code:
      - {repo: dvlab-research/MGM, release: v1.1, license: Apache-2.0}
      - THUDM/CogVLM
    checkpoints:
      - {hf: THUDM/cogvlm-chat-hf, license: apache-2.0}
    track:
      hf_authors: [{author: THUDM, include: ["cog*"]}]
      github: [THUDM/CogVLM]
    dismissed: ["gh:thudm/cogvlm-old", "hf:model/other/x"]
"""


def stated(tmp_path: Path) -> LoadedCatalog:
    root = tmp_path / "stated"
    root.mkdir()
    (root / "mgm.yaml").write_text(STATED)
    return load_catalog(root)
