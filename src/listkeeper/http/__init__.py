"""One HTTP policy for every client listkeeper runs (links, the Hub, arXiv, GitHub).

* :mod:`listkeeper.http.retry`: which answers are worth a retry and how long to wait (``retry_after`` reads
  ``Retry-After`` in seconds or as an HTTP-date, ``RateLimit``/``RateLimit-Reset`` and ``X-RateLimit-Reset``),
  with the time passed in;
* :mod:`listkeeper.http.origin`: the cross-origin token guard (a token goes to its own origin only, per hop);
* :mod:`listkeeper.http.github`: the one githubkit client factory (sources and publishing).

Each library's own hook adapts onto these: githubkit's ``auto_retry`` and event hooks, the Hub's client factory
and transport, the link checker's per-host rate controller, and arXiv's request wrapper.
"""
