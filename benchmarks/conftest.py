"""Benchmarks run on purpose (``python benchmarks/links/bench_links.py``), never as part of the test suite."""

collect_ignore_glob = ["*"]
