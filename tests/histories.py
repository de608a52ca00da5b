"""A generated run history in a real state store: N nightly runs over a set of links, and the findings of the last
run (with hostile text in them), for the report, badge and dashboard tests."""

from __future__ import annotations

from collections import Counter

from listkeeper import history
from listkeeper.findings import Finding, Kind, Location
from listkeeper.state import State
from listkeeper.subjects import Subject

DAY = 86_400.0
START = 1_780_000_000.0  # 2026-05-28T20:26:40Z
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
HOSTILE_URL = 'https://evil.example/"><script>alert(1)</script>?a=1&b=<2>'


def link_verdict(index: int, night: int) -> tuple[str, int | None]:
    if index % 10 == 9:
        return ("dead", 404) if night >= 80 else ("ok", 200)  # died ten nights ago
    if index % 10 == 8:
        return "blocked", 403
    if index % 10 == 7 and night % 3 == 0:
        return "timeout", None
    return "ok", 200


def urls(links: int) -> list[str]:
    return [f"https://host{i % 4}.example/page-{i}" for i in range(links)] + [HOSTILE_URL]


def findings() -> list[Finding]:
    where = (Location("catalog/cogvlm.yaml", 12, "entries[0].links[1]"),)
    memory = {"first_seen": "2026-08-16T20:26Z", "note": "dead 3 checks, first seen 2026-08-16T20:26Z"}

    def at(kind: Kind, subject: str, message: str, evidence: dict[str, object], new: str | None = None) -> Finding:
        return Finding(kind, Subject.parse(subject), message, evidence, where, Subject.parse(new) if new else None)

    return [
        at(Kind.DEAD, "url:https://host1.example/page-9", "HTTP 404", {"status": 404, "memory": memory}),
        at(Kind.SUSPECT, f"url:{HOSTILE_URL}", HOSTILE, {"status": 404}),
        at(Kind.SUSPECT, "url:javascript:alert(1)", "not a web link", {}),
        at(Kind.MOVED, "gh:THUDM/CogVLM", "renamed on GitHub", {}, "gh:zai-org/CogVLM"),
        at(Kind.NEW_RELEASE, "hf:model/zai-org/cogvlm2-llama3-chat-19B", f"new model {HOSTILE}", {}),
        at(Kind.BLOCKED, "url:https://host0.example/page-8", "HTTP 403 (bot wall)", {"status": 403}),
    ]


def generate(state: State, *, nights: int = 90, links: int = 40, failed: tuple[int, ...] = (30,)) -> None:
    """``nights`` nightly runs of ``links`` links (plus one hostile URL), night ``n`` at ``START + n`` days; the
    nights in ``failed`` could check nothing (exit 3). Leaves :func:`findings` as the last run's findings."""
    addresses = urls(links)
    for night in range(nights):
        at = START + night * DAY
        if night in failed:
            history.record_run(
                state, command="sync", started=at, finished=at + 60, exit_code=3, verdicts={}, kinds={}, requests={}
            )
            continue
        verdicts = {url: link_verdict(index, night) for index, url in enumerate(addresses)}
        counts = Counter(verdict for verdict, _ in verdicts.values())
        history.record_run(
            state,
            command="sync",
            started=at,
            finished=at + 240,
            exit_code=0,
            verdicts=counts,
            kinds={"dead": 1 if night >= 82 else 0, "suspect": 2, "blocked": counts["blocked"]},
            requests={"links": len(addresses), "hf": 2, "github": 1},
            links=verdicts,
        )
    with state.transaction():
        state.put("runs", "last-findings", [f.to_json() for f in findings()])
