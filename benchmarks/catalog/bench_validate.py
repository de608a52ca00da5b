"""Benchmark: ``listkeeper validate`` on a generated catalog of 100,000 entries (issue 10 §6: ≤ 15 s, ≤ 500 MB).

    python benchmarks/catalog/bench_validate.py [--entries 100000] [--files 100] [--keep DIR] [--profile]

Generates ``--entries`` valid entries spread evenly over ``--files`` family files (each entry: a paper, a GitHub
repository, two Hugging Face checkpoints with a size and a note, and one plain link; every id unique, so the
cross-file rules have full sets to compare), then runs ``python -m listkeeper validate --catalog DIR`` as a child
process and measures it from the outside: wall time and peak RSS (``os.wait4`` rusage). ``--profile`` runs the child
under ``cProfile`` instead and prints the 25 most expensive functions (cumulative), for finding the cause.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def entry(n: int) -> str:
    month = n % 12 + 1
    return (
        f"  - id: model-{n}\n"
        f"    name: Model {n}\n"
        f"    released: 2024-{month:02d}-{n % 28 + 1:02d}\n"
        f"    summary: A generated model number {n} with two checkpoints.\n"
        f"    papers:\n"
        f'      - arxiv: "24{month:02d}.{n // 12 + 1:05d}"\n'
        f'        title: "Paper {n}"\n'
        f"    code: [org{n % 97}/repo-{n}]\n"
        f"    checkpoints:\n"
        f"      - hf: org{n % 89}/model-{n}-7b\n"
        f"        size: 7B\n"
        f"        note: chat model {n}\n"
        f"      - {{hf: org{n % 89}/model-{n}-13b, size: 13B}}\n"
        f"    links:\n"
        f"      - {{title: Project page, url: 'https://example.org/models/{n}'}}\n"
    )


def generate(directory: Path, entries: int, files: int) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    per_file = -(-entries // files)
    size = 0
    for f in range(files):
        numbers = range(f * per_file, min(entries, (f + 1) * per_file))
        if not numbers:
            break
        text = f"id: family-{f}\nname: Family {f}\nentries:\n" + "".join(entry(n) for n in numbers)
        (directory / f"family-{f:04d}.yaml").write_text(text, encoding="utf-8")
        size += len(text)
    return size


def measure(catalog: Path, profile: bool) -> tuple[float, float, int, str]:
    args = [sys.executable, "-m", "listkeeper", "validate", "--catalog", str(catalog)]
    if profile:
        args = [sys.executable, "-m", "cProfile", "-s", "cumulative", "-m", "listkeeper", "validate", "--catalog"]
        args.append(str(catalog))
    started = time.monotonic()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=catalog.parent, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--keep", type=Path, help="generate the catalog here and keep it")
    parser.add_argument("--profile", action="store_true", help="run the child under cProfile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        catalog = (args.keep or Path(tmp)) / "catalog"
        size = generate(catalog, args.entries, args.files)
        print(f"catalog: {args.entries:,} entries in {args.files} files, {size / 1e6:.1f} MB of YAML")
        wall, rss, code, output = measure(catalog, args.profile)
        lines = output.splitlines()
        print("\n".join(lines[:40] if args.profile else lines[-3:]))
        print(f"validate: exit {code}, {wall:.1f} s wall, peak RSS {rss:.0f} MB")
        return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
