"""The list's health, read from the state store, in three shapes: a self-contained HTML report, a shields.io endpoint
badge, and the numbers the dashboard issue shows (:mod:`listkeeper.publish.dashboard`).

:func:`gather` reads everything once (runs, every link's current verdict, the last run's findings, recent verdict
changes, dismissals); :func:`render_html` and :func:`badge` are pure. The HTML page needs no network: its CSS is
inline and its chart is an SVG drawn here. Every URL and text from the list or a third party is escaped with
:func:`html.escape`, and only ``http(s)`` URLs become links.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from listkeeper import history
from listkeeper.evidence import dead_memory, http_status
from listkeeper.evidence import url as evidence_url
from listkeeper.findings import Finding, Kind
from listkeeper.state import State

#: Verdicts in the order they are stacked in the chart, with their colours.
VERDICT_COLORS: dict[str, str] = {
    "ok": "#2da44e",
    "redirected": "#54aeff",
    "blocked": "#bf8700",
    "rate-limited": "#d4a72c",
    "timeout": "#fb8f44",
    "error": "#8c959f",
    "dead": "#cf222e",
    "excluded": "#d0d7de",
    "forbidden": "#d0d7de",
    "invalid": "#6e7781",
}
INCONCLUSIVE = frozenset({"blocked", "rate-limited", "timeout", "error"})
#: Finding kinds that are facts from the sources (and moves), shown in their own table.
FACT_KINDS = (Kind.MOVED, Kind.NEW_RELEASE, Kind.NEW_VERSION, Kind.CHANGED, Kind.WITHDRAWN, Kind.ARCHIVED)
CHANGES_DAYS = 7.0
_MAX_ROWS = 500  # rows per table before "… and N more"


@dataclass
class Health:
    generated: float
    runs: list[history.Run]
    links: list[history.LinkState]
    findings: list[Finding]
    changes: list[history.Change]
    dismissed: set[str] = field(default_factory=set)

    @property
    def latest(self) -> history.Run | None:
        return self.runs[-1] if self.runs else None

    @property
    def latest_links_run(self) -> history.Run | None:
        """The most recent run that has link verdicts (a ``check --only sources`` run has none)."""
        return next((run for run in reversed(self.runs) if run.links), None)

    def count(self, kind: Kind) -> int:
        return sum(1 for f in self.findings if f.kind is kind and str(f.subject) not in self.dismissed)

    def verdicts(self) -> Counter[str]:
        """Current verdict of every link."""
        return Counter(link.verdict for link in self.links)

    def summary(self) -> dict[str, int]:
        verdicts = self.verdicts()
        return {
            "links": len(self.links),
            "ok": verdicts["ok"] + verdicts["redirected"],
            "inconclusive": sum(verdicts[v] for v in INCONCLUSIVE),
            "suspect": self.count(Kind.SUSPECT),
            "dead": self.count(Kind.DEAD),
            "moved": self.count(Kind.MOVED),
            "runs": len(self.runs),
            "failed_runs": sum(1 for run in self.runs if not run.healthy),
        }


def gather(state: State, *, now: float) -> Health:
    """Everything the report, the badge and the dashboard show, read from the state store."""
    findings = state.load_last_findings() or []
    return Health(
        generated=now,
        runs=history.runs(state),
        links=history.current_links(state),
        findings=findings,
        changes=history.changes(state, since=now - CHANGES_DAYS * history.DAY),
        dismissed=state.dismissed(),
    )


# -- badge ---------------------------------------------------------------------------------------------------------


def badge(health: Health, label: str = "links") -> dict[str, Any]:
    """A shields.io endpoint badge: ``{"schemaVersion": 1, "label": "links", "message": "1,204 ok · 3 dead", ...}``.

    Counts come from the latest run that checked links; red when something is dead, yellow when something is
    suspect, green otherwise; grey when there is no run yet, orange when the latest run failed (exit 2 or more).
    """
    run = health.latest_links_run
    if run is None:
        return {"schemaVersion": 1, "label": label, "message": "no data", "color": "lightgrey"}
    ok = run.verdicts.get("ok", 0) + run.verdicts.get("redirected", 0)
    dead, suspect = run.kinds.get("dead", 0), run.kinds.get("suspect", 0)
    message = f"{ok:,} ok · {dead:,} dead" + (f" · {suspect:,} suspect" if suspect else "")
    color = "red" if dead else "yellow" if suspect else "brightgreen"
    latest = health.latest
    if latest is not None and not latest.healthy:
        message += " · last run failed"
        color = "orange"
    return {"schemaVersion": 1, "label": label, "message": message, "color": color}


# -- HTML ----------------------------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def _time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _a(url: str, text: str | None = None) -> str:
    """A link when ``url`` is http(s), else the escaped text alone (no ``javascript:`` or ``data:`` hrefs)."""
    label = _e(text if text is not None else url)
    if url.strip().lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url.strip())}" rel="noopener noreferrer">{label}</a>'
    return label


def _subject_cell(subject: Any) -> str:
    if subject is None:
        return ""
    text = str(subject)
    url = subject.id if subject.kind == "url" else subject.url()
    return _a(url, text)


def chart(runs: Sequence[history.Run], width: int = 960, height: int = 280) -> str:
    """Stacked bars of link verdict counts per run, as an inline SVG; a failed run is a red mark under the axis."""
    left, right, top, bottom = 56, 16, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    shown = list(runs)
    peak = max((run.links for run in shown), default=0) or 1
    out = [
        f'<svg id="verdict-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Link verdicts per run">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#57606a"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#57606a"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{peak:,}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    if not any(run.links for run in shown):
        out.append(f'<text x="{left + 12}" y="{top + plot_h / 2}" font-size="14">No run has checked links yet.</text>')
    slot = plot_w / max(len(shown), 1)
    bar = max(slot * 0.8, 1.0)
    for index, run in enumerate(shown):
        x = left + index * slot + (slot - bar) / 2
        y = float(top + plot_h)
        out.append(f'<g class="run" data-started="{_e(_day(run.started))}" data-exit="{run.exit_code}">')
        if not run.healthy:  # a run that failed (checked nothing, bad config ...): a red mark under the axis
            out.append(
                f'<rect class="failed-run" x="{x:.2f}" y="{top + plot_h + 2}" width="{bar:.2f}" height="4" '
                f'fill="#cf222e"><title>{_e(_day(run.started))}: {_e(run.command)} failed, exit {run.exit_code}'
                "</title></rect>"
            )
        for verdict, color in VERDICT_COLORS.items():
            n = run.verdicts.get(verdict, 0)
            if not n:
                continue
            h = n / peak * plot_h
            y -= h
            out.append(
                f'<rect class="v-{verdict}" x="{x:.2f}" y="{y:.2f}" width="{bar:.2f}" height="{h:.2f}" '
                f'fill="{color}"><title>{_e(_day(run.started))}: {n:,} {verdict}</title></rect>'
            )
        out.append("</g>")
    for index in sorted({0, len(shown) // 2, len(shown) - 1} if shown else set()):
        x = left + index * slot + slot / 2
        anchor = "start" if index == 0 else "end" if index == len(shown) - 1 else "middle"
        x = left if anchor == "start" else left + plot_w if anchor == "end" else x
        out.append(
            f'<text x="{x:.2f}" y="{top + plot_h + 18}" text-anchor="{anchor}" font-size="11">'
            f"{_e(_day(shown[index].started))}</text>"
        )
    x = float(left)
    for verdict, color in VERDICT_COLORS.items():
        out.append(f'<rect x="{x:.0f}" y="{height - 18}" width="10" height="10" fill="{color}"/>')
        out.append(f'<text x="{x + 14:.0f}" y="{height - 9}" font-size="11">{verdict}</text>')
        x += 16 + 7 * len(verdict) + 12
    out.append("</svg>")
    return "\n".join(out)


def _table(table_id: str, headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f'<p id="{table_id}" class="empty">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows[:_MAX_ROWS])
    more = f'<p class="more">… and {len(rows) - _MAX_ROWS:,} more</p>' if len(rows) > _MAX_ROWS else ""
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>{more}'


def _evidence(finding: Finding) -> str:
    parts = [finding.message]
    status = http_status(finding.evidence)
    if status is not None and str(status) not in finding.message:
        parts.append(f"HTTP {status}")
    memory = dead_memory(finding.evidence)
    if memory is not None and memory.note not in finding.message:
        parts.append(memory.note)
    return _e(" · ".join(p for p in parts if p))


def _first_seen(finding: Finding, links: Mapping[str, history.LinkState]) -> str:
    memory = dead_memory(finding.evidence)
    if memory is not None and memory.first_seen is not None:
        return _e(memory.first_seen[:10])
    url = evidence_url(finding.evidence)
    if url is not None and url in links:
        return _e(_day(links[url].since))
    return ""


def _where(finding: Finding) -> str:
    return "<br>".join(_e(str(loc)) for loc in finding.locations[:3])


def _summary_html(numbers: Mapping[str, int]) -> str:
    labels = {
        "links": "links",
        "ok": "ok",
        "inconclusive": "inconclusive",
        "suspect": "suspect",
        "dead": "dead",
        "moved": "moved",
        "runs": "runs kept",
        "failed_runs": "failed runs",
    }
    cards = "".join(
        f'<div class="card {key}" data-key="{key}"><span class="n">{numbers[key]:,}</span>'
        f'<span class="l">{_e(label)}</span></div>'
        for key, label in labels.items()
    )
    return f'<section id="summary">{cards}</section>'


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}
#summary{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px;min-width:90px}
.card .n{display:block;font-size:22px;font-weight:600}.card .l{color:#57606a}
.card.dead .n{color:#cf222e}.card.suspect .n{color:#9a6700}.card.ok .n{color:#1a7f37}
table{border-collapse:collapse;margin:8px 0;max-width:100%}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f8fa}.bad{color:#cf222e}.muted,.empty,.more{color:#57606a}
"""


def render_html(health: Health, *, title: str = "Link health") -> str:
    """The whole report as one self-contained HTML page."""
    numbers = health.summary()
    by_url = {link.url: link for link in health.links}
    latest = health.latest
    if latest is None:
        job = '<p id="job">No run recorded yet: run <code>listkeeper check</code> or <code>sync</code>.</p>'
    else:
        requests = ", ".join(f"{_e(k)} {v:,}" for k, v in sorted(latest.requests.items())) or "none"
        state = "ok" if latest.healthy else "failed"
        job = (
            f'<p id="job">Last run: <b>{_e(latest.command)}</b> at {_e(_time(latest.started))}, '
            f"{latest.finished - latest.started:.0f} s, exit {latest.exit_code} "
            f'(<span class="{"muted" if latest.healthy else "bad"}">{state}</span>); requests: {requests}. '
            f"{numbers['failed_runs']} of {numbers['runs']} runs in the history failed.</p>"
        )
    hosts = sorted(
        history.host_health(health.links).items(),
        key=lambda item: (-(sum(item[1].values()) - item[1]["ok"] - item[1]["redirected"]), item[0]),
    )
    host_rows = [
        [
            _e(name),
            f"{sum(counts.values()):,}",
            f"{counts['ok'] + counts['redirected']:,}",
            f"{sum(counts[v] for v in INCONCLUSIVE):,}",
            f"{counts['dead']:,}",
            f"{(counts['ok'] + counts['redirected']) / max(sum(counts.values()), 1):.0%}",
        ]
        for name, counts in hosts
    ]
    problems = [
        f for f in health.findings if f.kind in (Kind.DEAD, Kind.SUSPECT) and str(f.subject) not in health.dismissed
    ]
    problems.sort(key=lambda f: (f.kind is not Kind.DEAD, str(f.subject)))
    problem_rows = [
        [_e(f.kind), _subject_cell(f.subject), _evidence(f), _first_seen(f, by_url), _where(f)] for f in problems
    ]
    facts = sorted(
        (f for f in health.findings if f.kind in FACT_KINDS), key=lambda f: (FACT_KINDS.index(f.kind), str(f.subject))
    )
    fact_rows = [
        [_e(f.kind), _subject_cell(f.subject), _subject_cell(f.new_subject), _e(f.message), _where(f)] for f in facts
    ]
    change_rows = [
        [_e(_time(c.at)), _a(c.url), _e(c.old or "(new)"), _e(c.new)] for c in health.changes if c.old is not None
    ]
    run_rows = [
        [
            _e(_time(run.started)),
            _e(run.command),
            f'<span class="{"muted" if run.healthy else "bad"}">{run.exit_code}</span>',
            f"{run.links:,}",
            f"{run.kinds.get('suspect', 0):,}",
            f"{run.kinds.get('dead', 0):,}",
            f"{sum(run.requests.values()):,}",
        ]
        for run in reversed(health.runs[-30:])
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">Generated {_e(_time(health.generated))} by listkeeper from its state store.</p>',
        _summary_html(numbers),
        job,
        "<h2>Link verdicts per run</h2>",
        chart(health.runs),
        "<h2>Suspect and dead</h2>",
        _table(
            "problems",
            ["kind", "subject", "evidence", "first seen", "where"],
            problem_rows,
            "Nothing suspect or dead.",
        ),
        "<h2>Hosts</h2>",
        _table("hosts", ["host", "links", "ok", "inconclusive", "dead", "healthy"], host_rows, "No links checked."),
        "<h2>Facts from the sources</h2>",
        _table("facts", ["kind", "subject", "new", "fact", "where"], fact_rows, "No moves, releases or changes."),
        f"<h2>Verdict changes in the last {CHANGES_DAYS:g} days</h2>",
        _table("changes", ["when", "link", "was", "now"], change_rows, "No link changed its verdict."),
        "<h2>Runs</h2>",
        _table("runs", ["started", "command", "exit", "links", "suspect", "dead", "requests"], run_rows, "No runs."),
        "</body></html>",
        "",
    ]
    return "\n".join(parts)
