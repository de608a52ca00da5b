"""A fake arXiv API (``/api/query``) on 127.0.0.1 that answers with real Atom feeds.

    fake = FakeArxiv().start()
    fake.add("2311.03079", "CogVLM: Visual Expert for Pretrained Language Models")
    fake.new_version("2311.03079")
    config = SourcesConfig(arxiv_api_url=fake.api_url, arxiv_delay=0.2)

What it reproduces from the real service (API notes, section B):

* ``id_list`` (comma-separated; a version suffix selects that version), ``search_query`` (``all:``/``ti:``/``abs:``
  terms, quoted phrases, ``AND``), ``start``, ``max_results``, ``sortBy``/``sortOrder``;
  ``opensearch:totalResults`` counts every match, the page holds at most ``max_results`` entries.
* Entries come back in arXiv's order (newest id first), not in request order.
* A malformed id anywhere in ``id_list`` makes the whole request fail with HTTP 400.
* ``down``: answer every request with that status (503, 429 ...) and ``retry_after`` as ``Retry-After``;
  ``latency``: wait before answering; ``html``: answer 200 with an HTML page instead of a feed; ``empty``: answer
  200 with a valid feed without entries (arXiv does this now and then for queries that do match), while
  ``opensearch:totalResults`` still counts the matches (lukasschwab/arxiv.py#43). Ids arXiv does not know are
  simply absent, and not counted in ``totalResults`` (api-notes B4).

Every request is recorded on :attr:`server` (``server.requests[i].started`` is a monotonic time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from tests.fakes.server import FakeServer, Request, Response

_NEW = re.compile(r"^\d{4}\.\d{4,5}(v\d+)?$")
_OLD = re.compile(r"^[a-z][a-z-]*(\.[A-Z]{2})?/\d{7}(v\d+)?$")
_TERM = re.compile(r'(?:(all|ti|abs|au):)?(?:"([^"]*)"|(\S+))')


@dataclass
class Version:
    updated: datetime
    title: str
    summary: str
    comment: str | None = None


@dataclass
class Paper:
    id: str  # without version
    authors: list[str]
    published: datetime
    versions: list[Version] = field(default_factory=list)
    journal_ref: str | None = None
    doi: str | None = None
    category: str = "cs.CV"

    @property
    def latest(self) -> Version:
        return self.versions[-1]


class FakeArxiv:
    """The papers it knows, how it behaves, and the HTTP server that serves them."""

    def __init__(self) -> None:
        self.papers: dict[str, Paper] = {}
        self.down: int | None = None  # status for every request (503, 429 ...), or None
        self.retry_after: str | None = None
        self.latency = 0.0  # seconds before each answer (timeouts)
        self.html = False  # answer 200 with an HTML page (a captive portal or error page), not Atom
        self.empty = False  # answer 200 with a valid feed holding no entries (a known transient fault of arXiv)
        self.clock = datetime(2024, 1, 1, tzinfo=UTC)
        self.server = FakeServer(self.handle)

    # -- lifecycle --------------------------------------------------------------------------------------------

    def start(self) -> FakeArxiv:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> FakeArxiv:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        return f"{self.server.url}/api/query"

    @property
    def times(self) -> list[float]:
        """Start time (monotonic) of every request, in arrival order."""
        return [r.started for r in self.server.requests]

    # -- the papers -------------------------------------------------------------------------------------------

    def _tick(self) -> datetime:
        self.clock += timedelta(hours=1)
        return self.clock

    def add(
        self,
        paper_id: str,
        title: str,
        *,
        authors: list[str] | None = None,
        summary: str = "We present a model.",
        versions: int = 1,
        comment: str | None = None,
        journal_ref: str | None = None,
        doi: str | None = None,
        published: datetime | None = None,
    ) -> Paper:
        published = published or self._tick()
        paper = Paper(paper_id, authors or ["A. Author", "B. Author"], published, journal_ref=journal_ref, doi=doi)
        paper.versions.append(Version(published, title, summary, comment))
        self.papers[paper_id] = paper
        for _ in range(versions - 1):
            self.new_version(paper_id)
        return paper

    def new_version(self, paper_id: str, *, title: str | None = None, comment: str | None = None) -> Paper:
        paper = self.papers[paper_id]
        last = paper.latest
        paper.versions.append(Version(self._tick(), title or last.title, last.summary, comment))
        return paper

    def withdraw(self, paper_id: str, reason: str = "This paper has been withdrawn by the authors.") -> Paper:
        """Withdrawal is a new version whose comment gives the reason (arxiv.org/help/versions)."""
        return self.new_version(paper_id, comment=reason)

    # -- HTTP -------------------------------------------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        response = self._answer(req)
        response.delay = self.latency
        return response

    def _answer(self, req: Request) -> Response:
        if self.html:
            return Response(200, {"Content-Type": "text/html"}, b"<html><body>Please wait...</body></html>")
        if self.down is not None:
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return Response.text("Rate exceeded." if self.down == 429 else "Service Unavailable", self.down, headers)
        if req.path != "/api/query":
            return Response.text("Not Found", 404)
        q = {k: v[-1] for k, v in req.query.items()}
        try:
            start = int(q.get("start", "0") or 0)
            max_results = min(int(q.get("max_results", "10") or 10), 2000)
        except ValueError:
            return Response.text("start and max_results must be integers", 400)
        ids = [i for i in (q.get("id_list") or "").split(",") if i]
        bad = [i for i in ids if not _valid(i)]
        if bad:
            return Response.text(f"incorrect id format for {bad[0]}", 400)
        if ids:
            matches = self._by_ids(ids)
        elif q.get("search_query"):
            matches = self._search(q["search_query"])
        else:
            matches = []
        if q.get("sortBy") in ("submittedDate", "lastUpdatedDate"):
            key = (lambda pv: pv[0].published) if q["sortBy"] == "submittedDate" else (lambda pv: pv[1].updated)
            matches.sort(key=key, reverse=q.get("sortOrder", "descending") == "descending")
        page = matches[start : start + max_results]
        if self.empty:  # the page is empty, opensearch:totalResults still counts the matches (arxiv.py#43)
            page = []
        body = _feed(req.target, page, total=len(matches), start=start, per_page=max_results)
        return Response(200, {"Content-Type": "application/atom+xml; charset=utf-8"}, body.encode())

    def _by_ids(self, ids: list[str]) -> list[tuple[Paper, int]]:
        """(paper, version number) for each known id, in arXiv's order (newest id first), not request order."""
        found: dict[str, tuple[Paper, int]] = {}
        for raw in ids:
            match = re.search(r"v(\d+)$", raw)
            base = raw[: match.start()] if match else raw
            paper = self.papers.get(base)
            if paper is None:
                continue
            number = int(match.group(1)) if match else len(paper.versions)
            if 1 <= number <= len(paper.versions):
                found[raw] = (paper, number)
        return sorted(found.values(), key=lambda pv: pv[0].id, reverse=True)

    def _search(self, query: str) -> list[tuple[Paper, int]]:
        """arXiv's query syntax as far as we use it: field-prefixed terms and phrases, AND within a group, OR
        between groups."""
        groups = [
            [
                (fld or "all", (phrase if phrase is not None else word).lower())
                for fld, phrase, word in _TERM.findall(group)
                if (phrase if phrase is not None else word) not in ("AND", "")
            ]
            for group in re.split(r"\s+OR\s+", query)
        ]
        out = []
        for paper in self.papers.values():
            v = paper.latest
            fields = {"ti": v.title.lower(), "abs": v.summary.lower(), "au": " ".join(paper.authors).lower()}
            fields["all"] = " ".join(fields.values())
            if any(terms and all(text in fields[fld] for fld, text in terms) for terms in groups):
                out.append((paper, len(paper.versions)))
        return out


def _valid(paper_id: str) -> bool:
    """arXiv's own id rules: old style, or YYMM.NNNN up to 1412 and YYMM.NNNNN from 1501."""
    if _OLD.match(paper_id):
        return True
    if not _NEW.match(paper_id):
        return False
    yymm, number = re.sub(r"v\d+$", "", paper_id).split(".")
    return 1 <= int(yymm[2:]) <= 12 and len(number) == (5 if int(yymm) >= 1501 else 4)


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(paper: Paper, number: int) -> str:
    version = paper.versions[number - 1]
    abs_url = f"http://arxiv.org/abs/{paper.id}v{number}"
    authors = "".join(f"\n    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in paper.authors)
    extra = ""
    if version.comment:
        extra += f"\n    <arxiv:comment>{escape(version.comment)}</arxiv:comment>"
    if paper.journal_ref:
        extra += f"\n    <arxiv:journal_ref>{escape(paper.journal_ref)}</arxiv:journal_ref>"
    if paper.doi:
        extra += f"\n    <arxiv:doi>{escape(paper.doi)}</arxiv:doi>"
        extra += f'\n    <link title="doi" href={quoteattr("http://dx.doi.org/" + paper.doi)} rel="related"/>'
    return f"""
  <entry>
    <id>{abs_url}</id>
    <updated>{_ts(version.updated)}</updated>
    <published>{_ts(paper.published)}</published>
    <title>{escape(version.title)}</title>
    <summary>  {escape(version.summary)}
</summary>{authors}{extra}
    <link href="{abs_url}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{paper.id}v{number}" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="{paper.category}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="{paper.category}" scheme="http://arxiv.org/schemas/atom"/>
  </entry>"""


def _feed(target: str, page: list[tuple[Paper, int]], *, total: int, start: int, per_page: int) -> str:
    self_url = escape("http://arxiv.org/api/query?" + target.partition("?")[2], {'"': "&quot;"})
    entries = "".join(_entry(paper, number) for paper, number in page)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" \
xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="{self_url}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: {self_url}</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>{_ts(datetime.now(UTC))}</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>{entries}
</feed>
"""
