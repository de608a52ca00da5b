"""Markdown mode at scale: apply the golden fixtures' findings to lists of 2,500 to 25,000 links.

    python benchmarks/mdlist/bench_edit.py [--scale 1 10]

Each scale repeats the generated lists (tests/mdlist/make_fixtures.py: a CRLF paper table with star badges and a
nested-bullet/reference/HTML list) ``scale`` times in one file each, applies the findings once per dead policy and
then again (which must change nothing), and prints links, changes and wall times; last, the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.mdlist import make_fixtures  # noqa: E402

from listkeeper.findings import findings_from_json as parse_findings  # noqa: E402
from listkeeper.links.extract import extract_markdown  # noqa: E402
from listkeeper.mdlist.edit import edit_markdown  # noqa: E402
from listkeeper.mdlist.policy import Policy  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10])
    args = parser.parse_args()
    import random

    rng = random.Random(make_fixtures.SEED)
    base = {"papers.md": make_fixtures.papers(rng), "awesome.md": make_fixtures.awesome(rng)}
    findings = parse_findings({"findings": make_fixtures.findings()}, "fixtures")
    print("| scale | links | policy | changes | first run (s) | second run (s) |")
    print("|---:|---:|---|---:|---:|---:|")
    for scale in args.scale:
        texts = {name: text * scale for name, text in base.items()}
        links = sum(len(extract_markdown(text, name)) for name, text in texts.items())
        for policy in ("mark", "comment", "remove"):
            start = time.perf_counter()
            out, changes = edit_markdown(texts, findings, policy=Policy(dead=policy), today=date(2026, 12, 5))  # type: ignore[arg-type]
            first = time.perf_counter() - start
            start = time.perf_counter()
            again, more = edit_markdown({**texts, **out}, findings, policy=Policy(dead=policy), today=date(2026, 12, 5))  # type: ignore[arg-type]
            second = time.perf_counter() - start
            assert again == {} and more == [], "applying twice changed something"
            print(f"| {scale} | {links} | {policy} | {len(changes)} | {first:.2f} | {second:.2f} |")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
