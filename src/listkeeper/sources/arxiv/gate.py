"""arXiv's pace: at most one request in flight and ``arxiv_delay`` seconds between requests, process-wide.

The ``arxiv`` library only spaces the pages and retries of one ``Client``; every request of this adapter passes
:data:`GATE`, so several clients, batches and search terms together still keep the pace.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

from listkeeper import deadline
from listkeeper.errors import SourceUnavailable


class Unavailable(SourceUnavailable):
    """arXiv did not answer usefully (not Atom, a Retry-After longer than we may wait, the run deadline). Not a
    ``requests`` error, so the library never retries it."""

    service = "arXiv"


class Gate:
    """At most one arXiv request in flight, and ``delay`` seconds between the end of one and the start of the next.

    Process-wide on purpose: arXiv's limit is per client machine, not per ``arxiv.Client``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0  # time.monotonic() before which no request may start

    @contextlib.contextmanager
    def slot(self, delay: float) -> Iterator[None]:
        with self._lock:
            wait = self._next - time.monotonic()
            if wait > 0 and not deadline.fits(wait):
                raise Unavailable(f"the next request ({wait:.3g} s away) would start past the run deadline")
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._next = max(self._next, time.monotonic() + delay)

    def defer(self, seconds: float) -> None:
        """Push the next request back (a ``Retry-After`` from arXiv)."""
        self._next = max(self._next, time.monotonic() + seconds)


GATE = Gate()
