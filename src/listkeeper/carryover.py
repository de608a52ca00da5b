"""Links a run could not reach before its deadline, carried over so the next run asks them first.

    left = carryover.pending(state)              # URLs, the longest-waiting first
    carryover.replace(state, unanswered, at=now) # after a run: exactly this run's unanswered URLs remain

One small table of its own in the state store (``link_carryover``), created on first use and independent of the
store's migrations: a store without it simply has nothing carried over.
"""

from __future__ import annotations

from collections.abc import Iterable

from listkeeper.state import State

_SCHEMA = "CREATE TABLE IF NOT EXISTS link_carryover (url TEXT PRIMARY KEY, since REAL NOT NULL)"


def pending(state: State) -> list[str]:
    """The URLs the last run left unanswered: those waiting longest first, then in the order they were asked."""
    state.conn.execute(_SCHEMA)
    return [row[0] for row in state.conn.execute("SELECT url FROM link_carryover ORDER BY since, rowid")]


def replace(state: State, unanswered: Iterable[str], *, at: float) -> None:
    """Record this run's unanswered URLs; URLs it answered are dropped. A URL left again keeps its first time."""
    urls = list(dict.fromkeys(unanswered))
    state.conn.execute(_SCHEMA)
    with state.transaction() as conn:
        since = dict(conn.execute("SELECT url, since FROM link_carryover").fetchall())
        conn.execute("DELETE FROM link_carryover")
        conn.executemany(
            "INSERT INTO link_carryover (url, since) VALUES (?, ?)", [(url, since.get(url, at)) for url in urls]
        )
