"""Generated awesome lists of any size (for the streaming test and benchmarks/importer), with known contents."""

from __future__ import annotations


def _arxiv(i: int) -> str:
    return f"24{i % 12 + 1:02d}.{i % 100000:05d}"


def link_list(links: int, per_section: int = 1000) -> str:
    """``links`` links in bullets of three (repo, paper, weights or a plain page), ``per_section`` per heading."""
    out = ["# Generated list\n\nA list made for measuring the importer.\n"]
    written = 0
    i = 0
    while written < links:
        if written % per_section < 3:
            out.append(f"\n## Section {written // per_section + 1}\n\n")
        urls = [f"https://github.com/org{i % 97}/repo-{i}", f"https://arxiv.org/abs/{_arxiv(i)}"]
        urls.append(f"https://huggingface.co/org{i % 89}/model-{i}" if i % 2 else f"https://example.org/p/{i}?x=1")
        urls = urls[: links - written]
        parts = [f"[Model {i}]({urls[0]}) - a model number {i}."]
        parts += [f"[{kind}]({url})" for kind, url in zip(("paper", "weights"), urls[1:], strict=False)]
        out.append("- " + " ".join(parts) + "\n")
        written += len(urls)
        i += 1
    return "".join(out)


def table_list(rows: int) -> str:
    """One paper table of ``rows`` rows: date, title, org, licence, paper, code (some deep links), weights."""
    out = ["# Generated paper table\n\n## Papers\n\n"]
    out.append("| Date | Title | Org | License | Paper | Code | Weights |\n|---|---|---|---|---|---|---|\n")
    for i in range(rows):
        code = f"https://github.com/org{i % 97}/repo-{i}" + ("/tree/main/projects/x" if i % 5 == 0 else "")
        out.append(
            f"| 2024-{i % 12 + 1:02d}-{i % 28 + 1:02d} | Paper number {i}: a title | Org {i % 13} | Apache-2.0 "
            f"| [arXiv](https://arxiv.org/abs/{_arxiv(i)}) | [Code]({code}) "
            f"| [HF](https://huggingface.co/org{i % 89}/model-{i}) |\n"
        )
    return "".join(out)
