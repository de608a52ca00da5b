"""Markdown mode: a list whose Markdown files are the list (no catalog), edited in place byte-exactly."""
