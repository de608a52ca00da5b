"""State store size and speed after a generated history: N links, R nightly runs, through the real code paths.

    python benchmarks/state/bench_state.py [--links 10000] [--runs 90] [--seed 7] [--keep FILE]

Every night each link gets a verdict from a fixed mix (most ok, some redirected, bot walls, timeouts, a few dead
links that stay dead, a few flapping hosts) and is recorded exactly as ``check`` records it: ``memory.record`` for
the dead-link evidence (``link_results``), then ``history.record_run`` for the run and the verdict changes, with
the default 90-day retention. Then the HTML report and the badge are written from the file, and the store is
opened again cold (with its integrity check) to time what every command pays at start.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from listkeeper import health, history, memory
from listkeeper.state import open_state

DAY = 86_400.0
START = 1_780_000_000.0  # a fixed night, so runs are reproducible


def verdict_for(index: int, night: int, rng: random.Random) -> tuple[str, int | None]:
    kind = index % 100
    if kind < 85:
        return ("ok", 200) if rng.random() > 0.002 else ("timeout", None)
    if kind < 90:
        return "redirected", 301
    if kind < 94:
        return "blocked", 403
    if kind < 96:  # flapping: a host that is down on some nights
        return ("ok", 200) if rng.random() > 0.3 else ("error", 503)
    if kind < 98:  # died at some point in the window
        return ("dead", 404) if night > index % 90 else ("ok", 200)
    return ("rate-limited", 429) if rng.random() < 0.5 else ("ok", 200)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="keep the state file here (default: a temporary directory)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    urls = [f"https://host{i % 400}.example.org/models/vlm-{i:05d}/README.md" for i in range(args.links)]
    tmp = Path(tempfile.mkdtemp(prefix="lk-state-"))
    path = args.keep or tmp / "state.sqlite"
    record_times: list[float] = []
    with open_state(path) as state:
        for night in range(args.runs):
            at = START + night * DAY
            clock = time.perf_counter()
            verdicts = {url: verdict_for(i, night, rng) for i, url in enumerate(urls)}
            with state.transaction():
                for url, (verdict, status) in verdicts.items():
                    memory.record(state, url, verdict, status=status, detail=f"HTTP {status}" if status else "", at=at)
            counts = Counter(v for v, _ in verdicts.values())
            history.record_run(
                state,
                command="sync",
                started=at,
                finished=at + 300,
                exit_code=0,
                verdicts=counts,
                kinds={"suspect": counts["dead"], "blocked": counts["blocked"]},
                requests={"links": args.links - 100, "hf": 12, "arxiv": 2, "github": 3},
                links=verdicts,
            )
            record_times.append(time.perf_counter() - clock)
    size = path.stat().st_size + sum(p.stat().st_size for p in (path.with_name(path.name + "-wal"),) if p.exists())
    clock = time.perf_counter()
    with open_state(path) as state:
        opened = time.perf_counter() - clock
        clock = time.perf_counter()
        gathered = health.gather(state, now=START + args.runs * DAY)
        html = health.render_html(gathered)
        html_time = time.perf_counter() - clock
        badge = health.badge(gathered)
        rows = {
            table: state.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("link_results", "runs", "history_links", "link_history")
        }
    (tmp / "report.html").write_text(html, encoding="utf-8")
    print(f"links {args.links}, nightly runs {args.runs}, seed {args.seed}")
    print(f"state file: {size / 1e6:.2f} MB ({path})")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    record_times.sort()
    print(f"record one night (memory + history): median {record_times[len(record_times) // 2]:.2f} s")
    print(f"open with integrity check: {opened * 1000:.0f} ms")
    print(f"HTML report: {len(html) / 1e3:.0f} kB in {html_time:.2f} s ({tmp / 'report.html'})")
    print(f"badge: {badge}")
    return 0 if size <= 20e6 else 1


if __name__ == "__main__":
    sys.exit(main())
