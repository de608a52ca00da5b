"""``listkeeper check`` as a pipeline: catalog → sources and links → findings (with memory) → report.

Sources answer for the typed subjects they know (Hub repos, arXiv papers, GitHub repos) in batches; the link
checker requests only what no source covers (plain URLs, Markdown files given on the command line, and, with
``--only links``, every canonical URL). Every verdict is recorded in the state store, then the memory rule turns
dead evidence into DEAD findings only when confirmed over time.

:func:`check_list` (:mod:`~listkeeper.pipeline.run`) is the one entry point. Its parts, one concern each:
:mod:`~listkeeper.pipeline.documents` (the catalog and the Markdown files read for a run),
:mod:`~listkeeper.pipeline.targets` (who answers each link: a source, or the link checker),
:mod:`~listkeeper.pipeline.link_findings` (link results → findings),
:mod:`~listkeeper.pipeline.answered` (what "nothing checked" means), and
:mod:`~listkeeper.pipeline.record` (what the state store records and what it answers without a request).

Badges (:mod:`listkeeper.links.badges`, pure, no request) are checked in the Markdown files given *and* in the
rendered list (``config.output``, e.g. ``catalog/README.md``) when it exists, since that file's badges are the ones
the renderer promises to keep right. A badge whose target subject has a ``dead`` finding (confirmed, or ``--strict``)
is a ``badge-mismatch`` at the badge's line too. The rendered list's *links* are requested only when the file is
given on the command line (its typed links are the catalog's own subjects; its badge images are plain links then).

``--no-cache`` re-asks everything: links found ok within ``check.ok_ttl_hours`` and the sources' facts within
``sources.ttl_hours``.
"""

from listkeeper.pipeline.run import CheckOptions, check_list

__all__ = ["CheckOptions", "check_list"]
