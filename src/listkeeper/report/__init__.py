"""The output of a check run, in the four shapes people read it: JSON for tools, Markdown for humans (and the
GitHub step summary), GitHub workflow commands for annotations on the diff, and a terminal summary.

Every formatter is pure (report in, text out) except :func:`~listkeeper.report.terminal.print_terminal`, which
writes to the console it is given. Text that comes from the catalog or a third party (URLs, messages, HTTP details)
is escaped for the target format: Markdown with :mod:`listkeeper.render.escape`, workflow commands with GitHub's
percent-encoding, the terminal with rich ``Text`` objects (never parsed as console markup).

What fails a run is decided by *findings*, never by raw link results: a single 404 is a ``dead`` result but only a
``suspect`` finding until the memory rule (:mod:`listkeeper.memory`) confirms it, and only confirmed ``dead``
findings (plus the kinds named in ``--fail-on``) make :func:`~listkeeper.report.exit.exit_code` return 1.

One module per concern: :mod:`~listkeeper.report.model` (the report), :mod:`~listkeeper.report.summary` (levels,
titles, order and counts every format shares), :mod:`~listkeeper.report.json` (schema in ``docs/check-report.md``),
:mod:`~listkeeper.report.markdown`, :mod:`~listkeeper.report.workflow` (GitHub workflow commands),
:mod:`~listkeeper.report.terminal` and :mod:`~listkeeper.report.exit` (the exit code and ``--fail-on``).
"""
