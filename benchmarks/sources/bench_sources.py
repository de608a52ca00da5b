"""Benchmark: how many requests the source adapters send for a 300-entity catalog (issue 4 §9).

    python benchmarks/sources/bench_sources.py [--seed 4] [--write-readme]

What it does, in one process, against the fakes on 127.0.0.1 (tests/fakes: Hub, arXiv, GitHub, web):
1. Generates catalogs of 300 entities in three worlds:
   * **issue shape** (as issue 4 §9 states it): 140 Hub models over 15 orgs, 100 arXiv papers, 60 GitHub repos
     (5 tracked for releases), every subject alive;
   * **issue shape, with faults**: the same, but one Hub org renamed, two models deleted, one paper id unknown to
     arXiv, two GitHub repos renamed and one deleted: the answers a real nightly run gets;
   * **real-catalog shape, with faults**: like the committed catalog, Hub repos are models, datasets *and*
     Spaces (110 over 15 owners, 27 owner×kind pairs, some owners holding one repo), 100 papers, 60 repos and 30
     plain URLs; the same kinds of faults.
   Entities are dealt round-robin into 30 entries in 5 family files.
2. Runs ``listkeeper check --only sources`` (:func:`listkeeper.pipeline.check_list`, so the clock can be set) and
   counts requests per service from the fakes' own request logs:
   * with a GitHub token (GraphQL batches): a first run, and a second run one hour later (within the TTL);
   * without a token (REST + ETag): first run, second run within the TTL, and a third run 21 hours later (after
     the TTL) whose conditional requests come back 304 and cost no rate limit;
   * URL by URL (``--only links`` on the same catalog): what checking each canonical URL costs.
3. Prints requests per service, per entity, and the second run's share of the first; ``--write-readme`` puts
   the tables into benchmarks/README.md (its own section, between markers).
4. Issue 13 (``--only-stated`` measures just this): a 300-entity catalog with 15 Hub orgs and 5 collections that
   *states* what it knows (paper versions, code releases, licenses; a tracking rule on a renamed org, a tracked
   GitHub org), with known changes planted in the fakes: recall of the first run against them, unexpected change
   findings, negative subjects touched, requests per entity, and the share of later runs (dead and unknown
   subjects included).

Targets: at most 0.1 requests per entity on a first run; a second run within the TTL at most 10% of the first.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")  # before huggingface_hub is imported
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

import yaml  # noqa: E402
from tests.fakes.arxiv import FakeArxiv  # noqa: E402
from tests.fakes.github import FakeGitHub  # noqa: E402
from tests.fakes.hub import FakeHub  # noqa: E402
from tests.fakes.web import FakeWeb, Ok  # noqa: E402

from listkeeper.config import CheckConfig, Config, SourcesConfig  # noqa: E402
from listkeeper.pipeline import CheckOptions, check_list  # noqa: E402
from listkeeper.report.model import CheckReport  # noqa: E402

TOKEN = "bench-token"
#: arXiv's 3 s spacing shortened: it changes wall time only, never how many requests are sent.
ARXIV_DELAY = 0.05
T0 = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
README = ROOT / "benchmarks" / "README.md"
START, END = "<!-- sources-benchmark:start -->", "<!-- sources-benchmark:end -->"


@dataclass(frozen=True)
class Shape:
    name: str
    models: list[int]  # models per Hub owner
    datasets: dict[int, int]  # owner index → datasets
    spaces: dict[int, int]  # owner index → Spaces
    urls: int
    faults: bool


#: As issue 4 §9 states it: Hub repos over ~15 orgs (each holding several), ~100 papers, ~60 GitHub repos.
ISSUE = Shape("issue shape", [20, 16, 14, 12, 11, 10, 9, 9, 8, 8, 7, 6, 4, 3, 3], {}, {}, 0, faults=False)
ISSUE_FAULTS = Shape("issue shape, with faults", ISSUE.models, {}, {}, 0, faults=True)
#: Like the committed catalog (its Hub repos fall into 22 owner×kind pairs, 9 of them a single repo, plus 10
#: collections): a few orgs hold most checkpoints, datasets and Spaces are spread, some owners hold one repo.
REAL = Shape(
    "real-catalog shape, with faults",
    [18, 14, 11, 9, 8, 7, 6, 5, 4, 3, 1, 1, 1, 1, 1],
    {0: 3, 1: 3, 3: 2, 10: 1, 11: 1},
    {0: 2, 2: 2, 4: 2, 12: 1, 13: 1, 14: 1, 5: 1},
    30,
    faults=True,
)
SHAPES = (ISSUE, ISSUE_FAULTS, REAL)


@dataclass
class World:
    models: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    spaces: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    repos: list[str] = field(default_factory=list)
    tracked: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    renamed_org: tuple[str, str] = ("", "")
    deleted_hf: list[tuple[str, str]] = field(default_factory=list)  # (kind, id)
    unknown_paper: str = ""
    renamed_repos: list[tuple[str, str]] = field(default_factory=list)  # (old full name, new name)
    deleted_repo: str = ""
    collections: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # arXiv id → title (else "Paper ID")
    catalog: Path | None = None  # an existing catalog to check instead of a generated one

    @property
    def entities(self) -> int:
        hf = len(self.models) + len(self.datasets) + len(self.spaces) + len(self.collections)
        return hf + len(self.papers) + len(self.repos) + len(self.urls)


def generate(seed: int, shape: Shape) -> World:
    rng = random.Random(seed)
    owners = [f"{rng.choice(['lab', 'ai', 'vision', 'mm'])}-org{i:02d}" for i in range(len(shape.models))]
    world = World()
    for index, (owner, count) in enumerate(zip(owners, shape.models, strict=True)):
        world.models += [f"{owner}/vlm-{index:02d}-{n:02d}-hf" for n in range(count)]
        world.datasets += [f"{owner}/data-{n}" for n in range(shape.datasets.get(index, 0))]
        world.spaces += [f"{owner}/demo-{n}" for n in range(shape.spaces.get(index, 0))]
    papers = set()
    while len(papers) < 100:
        yymm = rng.choice([2304, 2310, 2311, 2312, 2401, 2403, 2405, 2407, 2410, 2412, 2501, 2504])
        papers.add(f"{yymm}.{rng.randrange(1, 99999):05d}")
    world.papers = sorted(papers)
    gh_owners = [f"team{i:02d}" for i in range(20)]
    world.repos = [f"{gh_owners[i % 20]}/project-{i:02d}" for i in range(60)]
    world.tracked = world.repos[:5]
    world.urls = [f"https://docs{i % 6}.example/page/{i}" for i in range(shape.urls)]
    if shape.faults:
        world.renamed_org = (owners[2], f"{owners[2]}-ai")
        world.deleted_hf = [("model", world.models[5]), ("model", world.models[40])]
        world.deleted_hf += [("dataset", world.datasets[-1])] if world.datasets else []
        world.unknown_paper = world.papers[50]
        world.renamed_repos = [(world.repos[10], "project-10-v2"), (world.repos[30], "project-30-next")]
        world.deleted_repo = world.repos[45]
    return world


def committed() -> World:
    """The committed catalog (catalog/*.yaml) with every subject it names alive in the fakes."""
    from listkeeper.catalog.load import load_catalog
    from listkeeper.catalog.refs import catalog_refs

    loaded = load_catalog(ROOT / "catalog")
    world = World(catalog=ROOT / "catalog")
    by_kind = {
        "hf-model": world.models,
        "hf-dataset": world.datasets,
        "hf-space": world.spaces,
        "hf-collection": world.collections,
        "arxiv": world.papers,
        "github": world.repos,
        "url": world.urls,
    }
    for subject in dict.fromkeys(ref.subject for ref in catalog_refs(loaded)):
        by_kind[subject.kind].append(subject.id)
    for _, _, entry in loaded.catalog.entries():
        world.tracked += [repo for repo in entry.track.github if repo not in world.tracked]
        world.titles |= {paper.arxiv: paper.title for paper in entry.papers if paper.arxiv and paper.title}
    world.repos += [repo for repo in world.tracked if repo not in world.repos]
    return world


def write_catalog(world: World, folder: Path) -> None:
    """30 entries in 5 family files; the entities are dealt round-robin so every entry mixes kinds."""
    folder.mkdir(parents=True, exist_ok=True)
    if world.catalog is not None:
        for path in world.catalog.glob("*.yaml"):
            (folder / path.name).write_bytes(path.read_bytes())
        return
    entries: list[dict[str, Any]] = [{"id": f"e{i:02d}", "name": f"Model {i:02d}"} for i in range(30)]

    def deal(key: str, items: list[Any]) -> None:
        for i, item in enumerate(items):
            entries[i % 30].setdefault(key, []).append(item)

    deal("checkpoints", [{"hf": m} for m in world.models])
    deal("datasets", world.datasets)
    deal("demos", [{"space": s} for s in world.spaces])
    deal("papers", [{"arxiv": p} for p in world.papers])
    deal("code", world.repos)
    deal("links", [{"title": f"page {i}", "url": u} for i, u in enumerate(world.urls)])
    for i, repo in enumerate(world.tracked):
        entries[i]["track"] = {"github": [repo]}
    for f in range(5):
        family = {"id": f"fam{f}", "name": f"Family {f}", "entries": entries[f * 6 : (f + 1) * 6]}
        (folder / f"fam{f}.yaml").write_text(yaml.safe_dump(family, sort_keys=False), encoding="utf-8")


@dataclass
class Fakes:
    hub: FakeHub
    arxiv: FakeArxiv
    gh: FakeGitHub
    web: FakeWeb

    def counts(self) -> dict[str, int]:
        return {
            "hf": len(self.hub.requests),
            "arxiv": len(self.arxiv.server.requests),
            "github": len(self.gh.server.requests),
            "web": self.web.requests,
        }

    def reset(self) -> None:
        self.hub.reset_requests()
        self.arxiv.server.reset()
        self.gh.server.reset()
        self.gh.log.clear()
        self.web.reset()


@contextmanager
def serve(world: World) -> Iterator[Fakes]:
    with ExitStack() as stack:
        hub = stack.enter_context(FakeHub())
        arxiv = stack.enter_context(FakeArxiv())
        gh = stack.enter_context(FakeGitHub(token=None))
        web = stack.enter_context(FakeWeb())
        for model in world.models:
            hub.add_model(model)
        for dataset in world.datasets:
            hub.add_dataset(dataset)
        for space in world.spaces:
            hub.add_space(space)
        for slug in world.collections:
            hub.add_collection(slug, slug.split("/", 1)[1], [])
        for kind, repo_id in world.deleted_hf:
            hub.delete(kind, repo_id)  # type: ignore[arg-type]
        if world.renamed_org[0]:
            hub.rename_org(*world.renamed_org)
        for paper in world.papers:
            if paper != world.unknown_paper:
                arxiv.add(paper, world.titles.get(paper, f"Paper {paper}"))
        for repo in world.repos:
            gh.add_repo(repo)
        for repo in world.tracked:
            gh.add_release(repo, "v1.0")
        for old, new in world.renamed_repos:
            gh.rename(old, new)
        if world.deleted_repo:
            gh.delete(world.deleted_repo)
        # Web pages for the URL-by-URL baseline (Hub pages are served by the fake Hub itself).
        github_web, arxiv_web = web.host("github.com"), web.host("arxiv.org")
        for repo in world.repos:
            github_web.route(f"/{repo}", Ok())
        for paper in world.papers:
            arxiv_web.route(f"/abs/{paper}", Ok())
        for url in world.urls:
            parts = urlsplit(url)
            host = parts.hostname or ""
            if host != "huggingface.co":  # Hub pages: the fake Hub's own web pages answer them
                (web.hosts.get(host) or web.host(host)).route(parts.path or "/", Ok())
        yield Fakes(hub, arxiv, gh, web)


def config(fakes: Fakes, root: Path, state: str) -> Config:
    remap = [*fakes.web.remap(), (r"^https://huggingface\.co/", fakes.hub.url + "/")]
    return Config(
        root=root,
        state_path=Path(state),
        check=CheckConfig(allow_loopback=True, remap=remap, max_retries=0, deadline=120),
        sources=SourcesConfig(
            hf_endpoint=fakes.hub.url,
            github_api_url=fakes.gh.url,
            arxiv_api_url=fakes.arxiv.api_url,
            timeout=10,
            arxiv_delay=ARXIV_DELAY,
        ),
    )


@dataclass
class Run:
    label: str
    requests: dict[str, int]
    reported: dict[str, int]  # what the adapters counted (SourceResult.requests)
    seconds: float
    findings: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def run_once(fakes: Fakes, cfg: Config, label: str, now: datetime, env: dict[str, str], only: str) -> Run:
    fakes.reset()
    started = time.monotonic()
    result: CheckReport = check_list(cfg, CheckOptions(only=only), env=env, now=now)  # type: ignore[arg-type]
    seconds = time.monotonic() - started
    counts = fakes.counts()
    if only == "sources":
        counts.pop("web")
    else:
        counts = {"web pages": counts["web"] + counts.pop("hf")}
    reported = {name: int(info["requests"]) for name, info in result.sources.items()}
    kinds: dict[str, int] = {}
    for finding in result.findings:
        kinds[str(finding.kind)] = kinds.get(str(finding.kind), 0) + 1
    return Run(label, counts, reported, seconds, kinds)


def table(runs: list[Run], entities: int) -> list[str]:
    lines = [
        "| run | Hub | arXiv | GitHub | total | per entity | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        services = [str(run.requests.get(s, "")) for s in ("hf", "arxiv", "github")]
        lines.append(
            f"| {run.label} | {' | '.join(services)} | {run.total} | {run.total / entities:.3f} | {run.seconds:.1f} |"
        )
    return lines


@dataclass
class Measured:
    name: str
    world: World
    runs: list[Run]
    rest_first_points: int
    etag_points: int
    not_modified: int

    def run(self, prefix: str) -> Run:
        return next(r for r in self.runs if r.label.startswith(prefix))


def measure(name: str, world: World) -> Measured:
    token_env = {"GITHUB_TOKEN": TOKEN, "HF_HUB_DISABLE_TELEMETRY": "1"}
    rest_env = {"HF_HUB_DISABLE_TELEMETRY": "1"}
    hour, day = T0 + timedelta(hours=1), T0 + timedelta(hours=21)
    with tempfile.TemporaryDirectory(prefix="lk-bench-sources-") as tmp, serve(world) as fakes:
        root = Path(tmp)
        write_catalog(world, root / "catalog")
        graphql_cfg = config(fakes, root, ".state/graphql.sqlite")
        rest_cfg = config(fakes, root, ".state/rest.sqlite")
        runs = [
            run_once(fakes, graphql_cfg, "token (GraphQL): first run", T0, token_env, "sources"),
            run_once(fakes, graphql_cfg, "token (GraphQL): second run, +1 h", hour, token_env, "sources"),
        ]
        spent = fakes.gh.rest_limit - fakes.gh.rest_remaining
        runs.append(run_once(fakes, rest_cfg, "no token (REST): first run", T0, rest_env, "sources"))
        rest_first_points = fakes.gh.rest_limit - fakes.gh.rest_remaining - spent
        runs.append(run_once(fakes, rest_cfg, "no token (REST): second run, +1 h", hour, rest_env, "sources"))
        spent = fakes.gh.rest_limit - fakes.gh.rest_remaining
        runs.append(run_once(fakes, rest_cfg, "no token (REST+ETag): after the TTL, +21 h", day, rest_env, "sources"))
        etag_points = fakes.gh.rest_limit - fakes.gh.rest_remaining - spent
        not_modified = sum(1 for _, _, status in fakes.gh.log if status == 304)
        links_cfg = config(fakes, root, ".state/links.sqlite")
        runs.append(run_once(fakes, links_cfg, "URL by URL (--only links): first run", T0, rest_env, "links"))
    for run in runs:
        if "web pages" not in run.requests:  # the adapters' own counts agree with the servers' logs
            assert run.requests == run.reported, (run.label, run.requests, run.reported)
    return Measured(name, world, runs, rest_first_points, etag_points, not_modified)


def owner_kind_pairs(world: World) -> int:
    """How many Hub listings (one per owner and kind) the catalog's repos fall into."""
    return len(
        {("model", m.split("/")[0].lower()) for m in world.models}
        | {("dataset", d.split("/")[0].lower()) for d in world.datasets}
        | {("space", s.split("/")[0].lower()) for s in world.spaces}
    )


def describe(world: World) -> str:
    hub = len(world.models) + len(world.datasets) + len(world.spaces)
    collections = f", {len(world.collections)} collections" if world.collections else ""
    text = (
        f"{world.entities} entities: {hub} Hub repos ({len(world.models)} models, {len(world.datasets)} datasets, "
        f"{len(world.spaces)} Spaces; {owner_kind_pairs(world)} owner×kind pairs){collections}, "
        f"{len(world.papers)} arXiv papers, {len(world.repos)} GitHub repos ({len(world.tracked)} tracked for "
        f"releases), {len(world.urls)} plain URLs"
    )
    if world.renamed_org[0]:
        missing = len(world.deleted_hf) + 2
        text += (
            f". Faults: 1 Hub org renamed, {len(world.deleted_hf)} Hub repos deleted, 1 unknown paper, "
            f"2 GitHub repos renamed, 1 deleted ({missing} missing subjects)"
        )
    return text + "."


def report_lines(measured: list[Measured]) -> list[str]:
    lines: list[str] = []
    for m in measured:
        first, second = m.run("token (GraphQL): first"), m.run("token (GraphQL): second")
        rest_first, rest_second = m.run("no token (REST): first"), m.run("no token (REST): second")
        after, baseline = m.run("no token (REST+ETag)"), m.run("URL by URL")
        entities = m.world.entities
        lines += [
            f"### {m.name}",
            "",
            describe(m.world),
            "",
            *table(m.runs, entities),
            "",
            f"- First run with a token: **{first.total / entities:.3f} requests per entity** (target ≤ 0.1; "
            f"URL by URL: {baseline.total / entities:.2f}).",
            f"- Second run within the TTL: **{second.total} of {first.total} = {second.total / first.total:.0%}** "
            f"(target ≤ 10%); without a token {rest_second.total} of {rest_first.total} = "
            f"{rest_second.total / rest_first.total:.0%}.",
            f"- No token: GitHub costs {rest_first.requests['github']} REST requests on a first run "
            f"({m.rest_first_points} rate-limit points; 60/h without a token). After the TTL the sweep sends "
            f"{after.requests['github']} conditional requests, {m.not_modified} answered 304, costing "
            f"{m.etag_points} points.",
            f"- Findings of the first run: {dict(sorted(first.findings.items())) or 'none'}.",
            "",
        ]
    return lines


def analysis(measured: list[Measured]) -> list[str]:
    """Why the numbers are what they are (the figures are taken from the runs above)."""
    issue, faults, real, ours = measured
    pairs = [owner_kind_pairs(m.world) for m in (issue, real, ours)]
    first = {m.name: m.run("token (GraphQL): first") for m in measured}
    second = [m.run("token (GraphQL): second").total for m in (faults, real)]
    return [
        "### Why",
        "",
        "- **First run.** The Hub lists one owner's repos of one kind per request (`/api/models?author=`, "
        "`/api/datasets?author=`, `/api/spaces?author=`); there is no request for several owners or several kinds, "
        f"so the floor is one request per owner×kind pair: {pairs[0]} in the issue shape, {pairs[1]} in the "
        f"real-catalog shape, {pairs[2]} (plus {len(ours.world.collections)} collections at one request each) in "
        "the committed catalog. On top of that, each "
        "repo missing from its owner's listing costs one lookup (to tell deleted from renamed), and an org rename "
        "costs its discovery once (the old owner's empty listing, one redirected lookup, the new owner's listing). "
        "arXiv answers all 100 papers in one `id_list` request; GitHub in two GraphQL requests of 50 aliases. "
        f"So the issue shape stays under 0.1 per entity ({first[issue.name].total} requests); the real-catalog "
        f"shape ({first[real.name].total}, {first[real.name].requests['hf']} of them for the Hub) and the committed "
        f"catalog ({first[ours.name].total} for {ours.world.entities} entities, "
        f"{first[ours.name].requests['hf']} of them for the Hub; arXiv needs {first[ours.name].requests['arxiv']}: "
        "one `id_list` batch and one OR query for all the entries' `arxiv_terms`) do not.",
        "- **Second run within the TTL.** Facts of subjects that exist are reused within the TTL. A missing or "
        "unknowable subject is asked again on a backoff schedule kept in the state store (dead: after the TTL, so "
        "the memory rule gets independent evidence hours apart; unknown: after 2 h, doubling up to the TTL); "
        "meanwhile its last findings are repeated, marked as such, and the memory rule does not count them as new "
        f"evidence. So the second runs above send {second[0]} and {second[1]} requests. After the TTL, an org "
        "rename learned earlier is remembered: the old org's empty listing and the redirected lookup are not "
        "sent again.",
        "- **No token.** GitHub REST is one request per repo plus `releases/latest` for tracked repos; 60 repos "
        "exceed the unauthenticated limit of 60 per hour (the adapter then stops and reports the rest unknown), so "
        "a real catalog needs `GITHUB_TOKEN`. After the TTL the ETags make the sweep free of rate-limit cost (304s).",
        "- **Fixed while measuring** (Hub adapter): an org rename learned from the models was rediscovered for the "
        "org's datasets and Spaces (an empty listing plus 307 + 200 per repo), and the last repo left after a "
        "rename was looked up through a redirect (2 requests) instead of the new owner's listing (1). The "
        "real-catalog shape went from 36 to 32 Hub requests.",
        "",
    ]


# --- issue 13: a catalog that states what it knows -----------------------------------------------------------


@dataclass
class Stated:
    """A 300-entity catalog that states versions, releases and licenses, and the changes a run must find."""

    setup: list[Any] = field(default_factory=list)  # callables (hub, arxiv, gh) -> None
    families: list[dict[str, Any]] = field(default_factory=list)
    expected: set[tuple[str, str]] = field(default_factory=set)  # (kind, subject) the first run must report
    negatives: set[str] = field(default_factory=set)  # subjects that must not get a change finding
    entities: int = 0


CHANGE_KINDS = {"moved", "new-version", "new-release", "archived", "withdrawn", "changed", "suspect", "dead"}


def stated_world(seed: int) -> Stated:
    """15 Hub orgs (one renamed, one tracked by a rule on its old name), 5 collections, 100 papers (stating
    their version; 10 have a newer one, 1 withdrawn, 1 unknown to arXiv), 60 repos (10 stating a release: 5 have
    a newer one, 2 only a newer prerelease or draft; 2 archived, 1 deleted, 1 renamed; 1 tracked org with a new
    repo and an older one), licenses stated on 10 checkpoints (1 changed)."""
    rng = random.Random(seed)
    world = Stated()
    owners = [f"{rng.choice(['lab', 'ai', 'vision', 'mm'])}-org{i:02d}" for i in range(15)]
    counts = [18, 14, 12, 11, 10, 9, 9, 8, 8, 8, 8, 7, 5, 4, 4]  # 135 models
    models = [
        f"{owner}/vlm-{i:02d}-{n:02d}"
        for i, (owner, c) in enumerate(zip(owners, counts, strict=True))
        for n in range(c)
    ]
    renamed_old, renamed_new = owners[2], f"{owners[2]}-ai"
    deleted = [models[5], models[60]]
    license_changed = models[1]
    collections = [f"{owners[i]}/picks-{i}-{rng.randrange(16**24):024x}" for i in range(5)]
    papers: list[str] = []
    while len(papers) < 100:
        candidate = (
            f"{rng.choice([2310, 2311, 2312, 2401, 2403, 2405, 2407, 2410, 2501, 2504])}.{rng.randrange(1, 99999):05d}"
        )
        if candidate not in papers:
            papers.append(candidate)
    newer_papers, withdrawn, unknown_paper = papers[:10], papers[10], papers[50]
    repos = [f"team{i % 20:02d}/project-{i:02d}" for i in range(60)]
    with_release = repos[:10]
    newer_release, prerelease_only = repos[:5], repos[5:7]
    archived, deleted_repo, renamed_repo, unknowable_repo = repos[20:22], repos[45], repos[30], repos[50]
    new_hub_repo = f"{renamed_new}/vlm-next-hf"
    tracked_org, new_org_repo, old_org_repo = "glm-lab", "glm-lab/GLM-5V", "glm-lab/GLM-4V"

    def hub_setup(hub: FakeHub, arxiv: FakeArxiv, gh: FakeGitHub) -> None:
        for model in models:
            hub.add_model(model, license="mit" if model == license_changed else "apache-2.0")
        for index, slug in enumerate(collections):
            hub.add_collection(
                slug, f"picks {index}", [("model", m) for m in models if m.startswith(owners[index])][:3]
            )
        for model in deleted:
            hub.delete("model", model)
        hub.add_model(f"{renamed_old}/vlm-next-hf", created_at="2026-02-20T00:00:00.000Z")
        hub.rename_org(renamed_old, renamed_new)
        for paper in papers:
            if paper == unknown_paper:
                continue
            arxiv.add(paper, f"Paper {paper}", versions=2 if paper in newer_papers else 1)
        arxiv.withdraw(withdrawn, "This paper has been withdrawn by the authors due to an error in the evaluation.")
        for repo in repos:
            gh.add_repo(repo, license="Apache-2.0")
        for repo in with_release:
            gh.add_release(repo, "v1.0")
        for repo in newer_release:
            gh.add_release(repo, "v1.1")
        gh.add_release(prerelease_only[0], "v1.1-rc1", prerelease=True)
        gh.add_release(prerelease_only[1], "v2.0", draft=True)
        for repo in archived:
            gh.archive(repo)
        gh.delete(deleted_repo)
        gh.graphql_errors[unknowable_repo] = ("FORBIDDEN", "Resource protected by organization SAML enforcement.")
        gh.rename(renamed_repo, "project-30-next")
        gh.add_repo(old_org_repo, created_at="2024-06-01T00:00:00Z")
        gh.add_repo(new_org_repo, created_at="2026-02-25T00:00:00Z")

    world.setup.append(hub_setup)
    entries: list[dict[str, Any]] = [{"id": f"e{i:02d}", "name": f"Model {i:02d}"} for i in range(30)]

    def deal(key: str, items: list[Any]) -> None:
        for i, item in enumerate(items):
            entries[i % 30].setdefault(key, []).append(item)

    deal("checkpoints", [{"hf": m, **({"license": "apache-2.0"} if i < 10 else {})} for i, m in enumerate(models)])
    deal("collections", collections)
    deal("papers", [{"arxiv": p, "version": 1} if i % 2 else {"arxiv": f"{p}v1"} for i, p in enumerate(papers)])
    deal("code", [{"repo": r, "release": "v1.0"} if r in with_release else r for r in repos])
    entries[0]["track"] = {"hf_authors": [{"author": renamed_old, "include": ["vlm-next*"], "since": date(2026, 1, 1)}]}
    entries[1]["track"] = {"github_orgs": [{"org": tracked_org, "include": ["GLM*"], "since": date(2026, 1, 1)}]}
    for f in range(5):
        world.families.append({"id": f"fam{f}", "name": f"Family {f}", "entries": entries[f * 6 : (f + 1) * 6]})
    world.entities = len(models) + len(collections) + len(papers) + len(repos)
    moved = [m for m in models if m.startswith(renamed_old + "/") and m not in deleted]
    world.expected = {
        # a withdrawal is a new version (v2) with the reason as comment: both findings
        *(("new-version", f"arxiv:{p}" if papers.index(p) % 2 else f"arxiv:{p}v1") for p in [*newer_papers, withdrawn]),
        ("moved", f"hf:collection/{collections[2]}"),  # the renamed org's collection moves with it
        ("withdrawn", f"arxiv:{withdrawn}" if papers.index(withdrawn) % 2 else f"arxiv:{withdrawn}v1"),
        ("suspect", f"arxiv:{unknown_paper}" if papers.index(unknown_paper) % 2 else f"arxiv:{unknown_paper}v1"),
        *(("new-release", f"gh:{r}") for r in newer_release),
        *(("archived", f"gh:{r}") for r in archived),
        ("suspect", f"gh:{deleted_repo}"),
        ("moved", f"gh:{renamed_repo}"),
        *(("moved", f"hf:model/{m}") for m in moved),
        *(("suspect", f"hf:model/{m}") for m in deleted),
        ("new-release", f"hf:model/{new_hub_repo}"),
        ("new-release", f"gh:{new_org_repo}"),
        ("changed", f"hf:model/{license_changed}"),
    }
    world.negatives = {f"gh:{r}" for r in prerelease_only} | {f"gh:{old_org_repo}"} | {f"gh:{r}" for r in repos[7:10]}
    return world


@dataclass
class StatedRun:
    label: str
    requests: dict[str, int]
    found: set[tuple[str, str]]

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def measure_stated(seed: int) -> tuple[Stated, list[StatedRun]]:
    world = stated_world(seed)
    env = {"GITHUB_TOKEN": TOKEN, "HF_HUB_DISABLE_TELEMETRY": "1"}
    runs: list[StatedRun] = []
    with tempfile.TemporaryDirectory(prefix="lk-bench-stated-") as tmp, ExitStack() as stack:
        hub = stack.enter_context(FakeHub())
        arxiv = stack.enter_context(FakeArxiv())
        gh = stack.enter_context(FakeGitHub(token=None))
        web = stack.enter_context(FakeWeb())
        for setup in world.setup:
            setup(hub, arxiv, gh)
        fakes = Fakes(hub, arxiv, gh, web)
        root = Path(tmp)
        (root / "catalog").mkdir()
        for family in world.families:
            (root / "catalog" / f"{family['id']}.yaml").write_text(yaml.safe_dump(family, sort_keys=False), "utf-8")
        cfg = config(fakes, root, ".state/stated.sqlite")
        for label, now in (
            ("first run", T0),
            ("second run, +1 h (within the TTL)", T0 + timedelta(hours=1)),
            ("third run, +3 h (the unknown repo's first backoff is over)", T0 + timedelta(hours=3)),
            ("fourth run, +21 h (after the TTL: everything asked again)", T0 + timedelta(hours=21)),
        ):
            fakes.reset()
            report: CheckReport = check_list(cfg, CheckOptions(only="sources"), env=env, now=now)
            counts = fakes.counts()
            counts.pop("web")
            found = {(str(f.kind), str(f.subject)) for f in report.findings}
            runs.append(StatedRun(label, counts, found))
    return world, runs


def stated_lines(world: Stated, runs: list[StatedRun]) -> list[str]:
    first, second = runs[0], runs[1]
    hits = world.expected & first.found
    missed = sorted(world.expected - first.found)
    changes = {(k, s) for k, s in first.found if k in CHANGE_KINDS}
    false_positives = sorted(changes - world.expected)
    touched = sorted(s for k, s in changes if s in world.negatives)
    lines = [
        "### issue 13 shape: a catalog that states what it knows",
        "",
        f"{world.entities} entities: 135 Hub models over 15 orgs (one renamed, tracked by a rule on its old name), "
        "5 collections, 100 arXiv papers stating their version (10 have a newer one, 1 withdrawn, 1 unknown to "
        "arXiv), 60 GitHub repos (10 stating `release: v1.0`: 5 have v1.1, 2 only a newer prerelease or draft; 2 "
        "archived, 1 renamed, 1 deleted, 1 unknowable: a GraphQL FORBIDDEN error), "
        "1 tracked GitHub org (`track.github_orgs`) with a new and an old repo, "
        "10 checkpoints stating a license (1 changed). With a GitHub token.",
        "",
        "| run | Hub | arXiv | GitHub | total | per entity | share of the first |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        services = " | ".join(str(run.requests.get(k, 0)) for k in ("hf", "arxiv", "github"))
        share = run.total / first.total if first.total else 0.0
        lines.append(f"| {run.label} | {services} | {run.total} | {run.total / world.entities:.3f} | {share:.0%} |")
    lines += [
        "",
        f"- Recall on the first run: **{len(hits)}/{len(world.expected)}** expected findings"
        + (f" (missed: {', '.join(f'{k} {s}' for k, s in missed)})" if missed else "")
        + f"; {len(false_positives)} unexpected change findings"
        + (f" ({', '.join(f'{k} {s}' for k, s in false_positives)})" if false_positives else "")
        + f"; {len(touched)} of {len(world.negatives)} negative subjects touched.",
        f"- Requests per entity on the first run: **{first.total / world.entities:.3f}** (target ≤ 0.1).",
        f"- Second run within the TTL: **{second.total} of {first.total} = {second.total / first.total:.0%}** "
        "(target ≤ 10%), with 4 subjects dead and 1 unknown and the rest cached: the dead ones are asked again "
        "after their backoff (the TTL), the unknown one after 2 h, doubling; not every run.",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--only-stated", action="store_true", help="measure only the issue 13 shape")
    parser.add_argument("--write-readme", action="store_true", help="update the section in benchmarks/README.md")
    args = parser.parse_args(argv)
    if args.only_stated:
        print("\n".join(stated_lines(*measure_stated(args.seed))))
        return 0
    worlds = [(shape.name, generate(args.seed, shape)) for shape in SHAPES]
    assert all(world.entities == 300 for _, world in worlds)
    worlds.append(("the committed catalog (catalog/*.yaml), every subject alive", committed()))
    measured = [measure(name, world) for name, world in worlds]
    lines = report_lines(measured) + analysis(measured) + stated_lines(*measure_stated(args.seed))
    print("\n".join(lines))
    if args.write_readme:
        write_readme(lines, args.seed)
    return 0


def write_readme(lines: list[str], seed: int) -> None:
    """Replace (or append) this benchmark's section of benchmarks/README.md, leaving other sections alone."""
    section = "\n".join(
        [
            START,
            "## Source adapters: request budget (issue 4 §9) and what changed since the list was written (issue 13)",
            "",
            f"`python benchmarks/sources/bench_sources.py --seed {seed} --write-readme` "
            f"(measured {datetime.now(UTC):%Y-%m-%d}, fakes on 127.0.0.1; request counts are deterministic).",
            "",
            *lines,
            END,
        ]
    )
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    README.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
