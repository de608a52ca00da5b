"""Run listkeeper's link engine on a Markdown file, as its own process (so its peak RSS is measured alone).

    python benchmarks/links/run_listkeeper.py LIST.md CONFIG.json RESULTS.json

CONFIG.json holds a ``CheckConfig`` (``[check]`` section) as JSON. Links are extracted with listkeeper's own
extractor (:func:`listkeeper.links.extract.extract_markdown`), deduplicated, and checked with
:func:`listkeeper.links.check.run_check`. RESULTS.json gets ``{"results": {url: {...}}, "stats": {...}}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from listkeeper.config import CheckConfig
from listkeeper.links.check import run_check
from listkeeper.links.extract import extract_markdown, is_checkable


def main(md: str, config_path: str, out: str) -> int:
    config = CheckConfig.model_validate_json(Path(config_path).read_text(encoding="utf-8"))
    links = extract_markdown(Path(md).read_text(encoding="utf-8"), md)
    urls = list(dict.fromkeys(link.url for link in links if is_checkable(link.url)))
    results, stats = run_check(urls, config)
    payload = {
        "results": {
            url: {"verdict": str(r.verdict), "status": r.status, "final_url": r.final_url, "detail": r.detail}
            for url, r in results.items()
        },
        "stats": {
            "requests": stats.requests,
            "retries": stats.retries,
            "rate_limited": stats.rate_limited,
            "max_in_flight": max(stats.max_in_flight.values(), default=0),
            "wall": stats.wall,
            "by_host": dict(stats.by_host.most_common()),
            "host_time": {h: round(t, 2) for h, t in stats.host_time.most_common()},
            "max_in_flight_by_host": dict(stats.max_in_flight),
        },
    }
    Path(out).write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
