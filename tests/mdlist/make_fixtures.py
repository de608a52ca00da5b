"""Generate Markdown lists shaped like large real awesome lists, and the findings the golden tests apply to them.

Run ``python -m tests.mdlist.make_fixtures`` to rewrite tests/fixtures/mdlist/{papers-crlf.md, awesome.md,
findings.json}; the tests check that the committed files are what this script makes (same seed, same bytes).

* ``papers-crlf.md`` (CRLF line endings): a paper table per year, arXiv in every row, a code link and a GitHub star
  badge (shields.io ``github/stars/OWNER/NAME``) in every row, centred/right-aligned columns, trailing spaces,
  non-ASCII and emoji titles, repeated repositories (duplicate URLs).
* ``awesome.md`` (LF): nested bullets three deep, reference-style links and definitions, raw HTML blocks with
  ``<a href>``/``<img src>``, a Hugging Face model table, fenced and indented code and code spans holding the very
  URLs that move (never touched), empty links ``[x]()``, autolinks, bare URLs, blockquotes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "mdlist"
SEED = 20261205
WORDS = [
    "Vision",
    "Language",
    "Model",
    "Grounded",
    "Multimodal",
    "Instruction",
    "Tuning",
    "Münchhausen",
    "Zéro-shot",
    "视觉",
    "言語",
    "Agents",
    "🦙",
    "Scaling",
    "Efficient",
]


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7)))


def _repo(i: int) -> str:
    return f"lab{i % 97}/model-{i}"


def papers(rng: random.Random) -> str:
    lines = ["# Awesome Vision-Language Papers 📚", "", "A list kept by hand. Stars are live badges.", ""]
    row = 0
    for year in (2023, 2024, 2025):
        lines += [f"## {year}", "", "| Title | Venue | Paper | Code | Stars |", "|:---|:---:|:---:|---|--:|"]
        for _ in range(110):
            row += 1
            repo = _repo(row if row % 13 else row - 1)  # every 13th row repeats the previous repo
            arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(0, 29999):05d}"
            trailing = "  " if row % 17 == 0 else ""
            lines.append(
                f"| {_title(rng)} | {rng.choice(['CVPR', 'NeurIPS', 'arXiv', 'ICLR'])} "
                f"| [arXiv](https://arxiv.org/abs/{arxiv}) "
                f"| [Code](https://github.com/{repo}) "
                f"| [![Star](https://img.shields.io/github/stars/{repo}.svg?style=social&label=Star)]"
                f"(https://github.com/{repo}) |{trailing}"
            )
        lines.append("")
    lines += ["## Tools", "", "- [Old tracker](https://old.example/tracker#usage) — moved, keeps its anchor", ""]
    return "\r\n".join(lines) + "\r\n"


def awesome(rng: random.Random) -> str:
    out = [
        "# Awesome VLM Resources [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)",
        "",
        "> Curated with ❤️. See also <https://docs.example/guide> and https://docs.example/faq.",
        "",
        "## Models",
        "",
        "| Model | Size | Checkpoint | Org |",
        "|---|--:|:--|:-:|",
    ]
    for i in range(200):
        org = "THUDM" if i % 10 == 0 else f"org{i % 23}"
        out.append(
            f"| Model-{i} | {rng.choice(['7B', '13B', '34B'])} | "
            f"[🤗 {org}/vlm-{i}](https://huggingface.co/{org}/vlm-{i}) | "
            f"[![HF](https://img.shields.io/badge/%F0%9F%A4%97-{org}%2Fvlm--{i}-yellow)]"
            f"(https://huggingface.co/{org}/vlm-{i}) |"
        )
    out += ["", "## Papers by topic", ""]
    for topic in range(60):
        out.append(f"- **Topic {topic}** — {_title(rng)}")
        for paper in range(3):
            n = topic * 3 + paper
            out.append(f"  - [{_title(rng)}](https://arxiv.org/abs/24{n % 12 + 1:02d}.{n:05d}) [code][c{n}]")
            if paper == 0:
                out.append(f"    - Project page: https://pages.example/p{n}/ , slides <https://slides.example/{n}>")
        out.append("")
    out += ["## HTML blocks", ""]
    for i in range(30):
        out += [
            '<p align="center">',
            f'  <a href="https://github.com/{_repo(i)}"><img src="https://pages.example/fig{i}.png" alt="fig {i}"></a>',
            f'  <a href="https://docs.example/html/{i}?a=1&amp;b=2">docs {i}</a>',
            "</p>",
            "",
        ]
    out += [
        "## Code (never touched)",
        "",
        "```bash",
        "git clone https://github.com/lab1/model-1",
        "curl https://docs.example/gone",
        "```",
        "",
        "    https://github.com/lab2/model-2 in an indented block",
        "",
        "Inline `https://github.com/lab1/model-1` stays, the link [lab1](https://github.com/lab1/model-1) moves.",
        "",
        "## Odd links",
        "",
        "- [to be written]() and [also empty]()",
        "- Duplicate: [gone](https://docs.example/gone), again [gone](https://docs.example/gone)",
        "- Gone from a reference: [the guide][gone-ref]",
        "- Badge naming its repo: [![lab2/model-2](https://img.shields.io/github/stars/lab2/model-2?style=flat)]"
        "(https://github.com/lab2/model-2)",
        '- <a href="https://github.com/lab1/model-1"><img alt="lab1/model-1 stars" '
        'src="https://img.shields.io/github/stars/lab1/model-1"></a> stays one line  ',
        "",
    ]
    for n in range(180):
        out.append(f"[c{n}]: https://github.com/{_repo(n)}")
    out += ["[gone-ref]: https://docs.example/gone 'Gone'", ""]
    return "\n".join(out)


def findings() -> list[dict[str, object]]:
    def moved(old: str, new: str, message: str = "renamed") -> dict[str, object]:
        return {"kind": "moved", "subject": old, "new_subject": new, "message": message, "source": "github"}

    def dead(subject: str) -> dict[str, object]:
        return {
            "kind": "dead",
            "subject": subject,
            "message": "HTTP 404",
            "evidence": {"status": 404, "memory": {"first_seen": "2026-11-28T02:00:00+00:00"}},
            "source": "links",
        }

    return [
        moved("gh:lab1/model-1", "gh:lab1-ai/model-1"),  # in both files: table rows, badges, reference, HTML, code
        moved("gh:lab12/model-12", "gh:new-lab/Model-12"),  # a row whose repo repeats in the next row
        moved("gh:lab2/model-2", "gh:lab2/model-two"),
        moved("hf:model/THUDM/vlm-10", "hf:model/zai-org/vlm-10", "org renamed"),
        moved("hf:model/THUDM/vlm-20", "hf:model/zai-org/vlm-20", "org renamed"),
        moved("url:https://old.example/tracker", "url:https://tracker.example/", "permanent redirect"),
        moved("url:https://docs.example/html/3?a=1&b=2", "url:https://docs.example/v2/html/3?a=1&b=2", "301"),
        dead("url:https://docs.example/gone"),
        dead("url:https://pages.example/p6/"),
        dead("gh:lab40/model-40"),
        dead("hf:model/org5/vlm-5"),
        {"kind": "suspect", "subject": "url:https://slides.example/3", "message": "404 once", "source": "links"},
    ]


def main() -> None:
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "papers-crlf.md").write_bytes(papers(rng).encode("utf-8"))
    (OUT / "awesome.md").write_bytes(awesome(rng).encode("utf-8"))
    (OUT / "findings.json").write_text(json.dumps({"findings": findings()}, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
