"""The health report (HTML), the status badge and ``listkeeper report``, from a generated 90-night history in a
real state store; the HTML page is also opened in headless Chromium (Debian's package, see .ci/install-chromium)."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from listkeeper import health
from listkeeper.cli import run
from listkeeper.state import State, open_state
from tests import histories

NOW = histories.START + 90 * histories.DAY


@pytest.fixture
def state(tmp_path: Path) -> Iterator[State]:
    with open_state(tmp_path / "state.sqlite") as opened:
        histories.generate(opened)
        yield opened


class Dom(HTMLParser):
    """Elements by tag with their attributes and text, enough to check a page's structure."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text_by_id: dict[str, list[str]] = {}
        self._ids: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("br", "meta", "line", "rect", "img", "input", "link"):
            return
        self.stack.append(tag)
        self._ids.append(dict(attrs).get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "meta", "line", "rect", "img", "input", "link"):
            return
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self._ids.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._ids:
            if element_id:
                self.text_by_id.setdefault(element_id, []).append(data)

    def tags(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def text(self, element_id: str) -> str:
        return " ".join(" ".join(self.text_by_id.get(element_id, [])).split())


def test_the_html_report_shows_history_hosts_problems_and_facts(state: State) -> None:
    page = health.render_html(health.gather(state, now=NOW))
    dom = Dom(page)

    assert "http" not in "".join(a.get("src") or "" for _, a in dom.elements)  # nothing loaded from anywhere
    assert not dom.tags("script") and not dom.tags("link")
    cards = {a["data-key"]: a for a in dom.tags("div") if a.get("data-key")}
    assert set(cards) >= {"links", "ok", "suspect", "dead", "inconclusive", "failed_runs"}
    summary = dom.text("summary")
    assert "41 links" in summary and "1 dead" in summary and "2 suspect" in summary and "1 failed runs" in summary
    # The chart: one group per run, bars stacked per verdict; night 30 checked nothing and is marked as failed.
    assert len(dom.tags("g", **{"class": "run"})) == 90 and len(dom.tags("rect", **{"class": "v-ok"})) == 89
    assert [a["data-exit"] for a in dom.tags("g", **{"class": "run"})].count("3") == 1
    assert len(dom.tags("rect", **{"class": "failed-run"})) == 1
    assert len(dom.tags("rect", **{"class": "v-dead"})) == 10  # nights 80-89
    assert dom.tags("svg", id="verdict-chart")
    # Suspect and dead, with evidence and first-seen dates; the dead one first.
    problems = dom.text("problems")
    assert problems.index("dead") < problems.index("suspect")
    assert "2026-08-16" in problems and "dead 3 checks" in problems
    # Hosts: the four generated hosts and the hostile one, the unhealthiest first.
    hosts = dom.text("hosts")
    assert all(f"host{i}.example" in hosts for i in range(4)) and "evil.example" in hosts
    assert "facts" in page and "THUDM/CogVLM" in dom.text("facts") and "zai-org/CogVLM" in dom.text("facts")
    changes = dom.text("changes")
    assert "ok dead" not in changes  # the deaths happened 10 nights ago, outside the 7-day window
    assert "exit 3" not in dom.text("job") and "exit 0" in dom.text("job")


def test_every_text_and_url_is_escaped(state: State) -> None:
    page = health.render_html(health.gather(state, now=NOW))
    dom = Dom(page)
    assert "<script>" not in page and "onerror=alert(1)>" not in page
    assert histories.HOSTILE in dom.text("problems")  # shown as text, exactly
    hrefs = [a.get("href") or "" for a in dom.tags("a")]
    assert histories.HOSTILE_URL in hrefs  # an http(s) URL stays a working link (attribute-escaped)
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    assert "javascript:alert(1)" in dom.text("problems")  # shown, never a link


def test_the_badge_is_a_shields_endpoint(state: State) -> None:
    badge = health.badge(health.gather(state, now=NOW))
    assert badge == {"schemaVersion": 1, "label": "links", "message": "33 ok · 1 dead · 2 suspect", "color": "red"}


def test_badge_colours_and_numbers(tmp_path: Path) -> None:
    with open_state(tmp_path / "s.sqlite") as state:
        assert health.badge(health.gather(state, now=NOW))["message"] == "no data"
        histories.generate(state, nights=3, links=2000, failed=())
        first = health.badge(health.gather(state, now=NOW))
        assert first["message"] == "1,801 ok · 0 dead · 2 suspect" and first["color"] == "yellow"
        health.history.record_run(
            state, command="sync", started=NOW, finished=NOW, exit_code=3, verdicts={}, kinds={}, requests={}
        )
        failed = health.badge(health.gather(state, now=NOW))
        assert failed["message"].endswith("· last run failed") and failed["color"] == "orange"


def test_report_command_writes_both_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "listkeeper.toml").write_text('state_path = "state.sqlite"\n')
    with open_state(tmp_path / "state.sqlite") as state:
        histories.generate(state)
    assert run(["report"]) == 2
    assert run(["report", "--html", "out/report.html", "--badge", "out/badge.json", "--title", "Awesome <VLMs>"]) == 0
    assert json.loads((tmp_path / "out/badge.json").read_text())["schemaVersion"] == 1
    page = (tmp_path / "out/report.html").read_text()
    assert "<title>Awesome &lt;VLMs&gt;</title>" in page


# -- in a real browser -------------------------------------------------------------------------------------------


def _chromium() -> str | None:
    return next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)


def _browser(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run([binary, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(_chromium() is None, reason="no Chromium installed (.ci/install-chromium installs Debian's)")
def test_the_report_renders_in_headless_chromium(state: State, tmp_path: Path) -> None:
    binary = _chromium()
    assert binary is not None
    page = tmp_path / "report.html"
    page.write_text(health.render_html(health.gather(state, now=NOW)), encoding="utf-8")

    done = _browser(binary, tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Dom(done.stdout)  # the DOM the browser built, not our text
    assert len(dom.tags("g", **{"class": "run"})) == 90 and len(dom.tags("rect", **{"class": "v-ok"})) == 89
    assert not dom.tags("script")  # the hostile text did not become an element
    assert histories.HOSTILE in dom.text("problems")
    assert len(dom.tags("tr")) > 10

    shot = tmp_path / "shot.png"
    done = _browser(binary, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,1600", page.as_uri())
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    assert _png_size(shot) == (1280, 1600)
    blank = tmp_path / "blank.png"
    (tmp_path / "blank.html").write_text("<!DOCTYPE html><html><body></body></html>")
    _browser(binary, tmp_path / "profile-blank", f"--screenshot={blank}", "--window-size=1280,1600",
             (tmp_path / "blank.html").as_uri())  # fmt: skip
    assert shot.stat().st_size > 5 * blank.stat().st_size  # a drawn page, not an empty one
