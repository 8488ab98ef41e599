"""Maps kept on disk, for the joins a big export needs (Letterboxd's diary with its reviews,
rows with the films other files name): a private temporary SQLite database that SQLite deletes
when it is closed, with a small page cache, so that what a join holds in memory does not grow
with the file. Values are pickled: they are this process's own records, read back by it."""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Hashable, Iterator
from typing import Any

# Pages SQLite may cache (KiB, as PRAGMA cache_size counts negative values).
_CACHE_KIB = 8 * 1024
_MISSING = object()


class Spill:
    """Named maps of hashable keys to picklable values, in insertion order."""

    def __init__(self) -> None:
        # "" is SQLite's private temporary database: a file of its own, removed on close.
        self._conn = sqlite3.connect("", isolation_level=None)
        self._conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        self._conn.execute("PRAGMA journal_mode = OFF")
        self._conn.execute("PRAGMA synchronous = OFF")
        self._tables: set[str] = set()
        self._conn.execute("BEGIN")

    def close(self) -> None:
        self._conn.close()

    def _table(self, name: str) -> str:
        if name not in self._tables:
            self._conn.execute(
                f"CREATE TABLE IF NOT EXISTS {name} "
                "(seq INTEGER PRIMARY KEY, k TEXT UNIQUE NOT NULL, key BLOB, v BLOB)"
            )
            self._tables.add(name)
        return name

    def get(self, name: str, key: Hashable, default: Any = None) -> Any:
        found = self._conn.execute(
            f"SELECT v FROM {self._table(name)} WHERE k = ?", (_key(key),)
        ).fetchone()
        return default if found is None else pickle.loads(found[0])

    def __contains__(self, item: tuple[str, Hashable]) -> bool:
        return self.get(*item, default=_MISSING) is not _MISSING

    def put(self, name: str, key: Hashable, value: Any) -> None:
        """Set the value; a key already there keeps its place in the order."""
        row = (_dump(value), _key(key))
        cursor = self._conn.execute(f"UPDATE {self._table(name)} SET v = ? WHERE k = ?", row)
        if not cursor.rowcount:
            self._conn.execute(
                f"INSERT INTO {name} (v, k, key) VALUES (?, ?, ?)", (*row, _dump(key))
            )

    def setdefault(self, name: str, key: Hashable, value: Any) -> Any:
        found = self.get(name, key, _MISSING)
        if found is _MISSING:
            self.put(name, key, value)
            return value
        return found

    def items(self, name: str) -> Iterator[tuple[Any, Any]]:
        """Every (key, value), in the order the keys were first put, read a row at a time."""
        last = 0
        while True:
            rows = self._conn.execute(
                f"SELECT seq, key, v FROM {self._table(name)} WHERE seq > ? ORDER BY seq LIMIT 500",
                (last,),
            ).fetchall()
            if not rows:
                return
            for last, key, value in rows:  # noqa: B007 (the last seq read is the next start)
                yield pickle.loads(key), pickle.loads(value)

    def clear(self, name: str) -> None:
        self._conn.execute(f"DELETE FROM {self._table(name)}")


def _key(key: Hashable) -> str:
    # Keys are strings, numbers, None and tuples of them, whose reprs are equal when they are
    # (their pickles may not be: pickle shares objects that happen to be one).
    return repr(key)


def _dump(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
