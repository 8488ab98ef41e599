"""A read-only archive connection on the standard library alone.

The reading commands (search, stats, status, export) use only execute and query; opening the
archive through sqlite_utils.Database would import sqlite_utils (~40 ms, a third of the start
budget of `scrape search`) to run a few SELECTs.
"""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from scraper.errors import UsageError

if TYPE_CHECKING:
    import sqlite_utils

Params = Sequence[Any] | Mapping[str, Any] | None


class Reader:
    """The slice of sqlite_utils.Database that reading needs, with the same results."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Params = None) -> sqlite3.Cursor:
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        cursor = self.execute(sql, params)
        keys = [d[0] for d in cursor.description or ()]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    def table_names(self) -> list[str]:
        return [
            row[0]
            for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]

    def close(self) -> None:
        self.conn.close()


def held_profile(db: sqlite_utils.Database | Reader, profile: str | None) -> None:
    """Refuse a --profile the archive does not hold, naming the closest ones it does: a typo
    must not read as "this person wrote nothing"."""
    if profile is None:
        return
    known = [row[0] for row in db.execute("SELECT id FROM profiles")]
    known += [row[0] for row in db.execute("SELECT DISTINCT profile_id FROM reviews")]
    if profile in known:
        return
    close = difflib.get_close_matches(profile, sorted(set(filter(None, known))), n=3, cutoff=0.6)
    hint = f"; closest: {', '.join(close)}" if close else "; `scrape stats` lists them"
    raise UsageError(f"no such profile in the archive: {profile!r}{hint}")
