"""The statements a page writes, held back and sent to SQLite in runs (see Batch)."""

from __future__ import annotations

import sqlite3


class Batch:
    """Statements a page writes, sent to SQLite in runs: one `executemany` per run of the same
    statement, in the order they were made.

    A statement per row cost most of an export's import time (the call, not SQLite's work). The
    order is kept exactly, so a run of inserts then an update of one of them means the same as
    before; whoever reads the tables first calls `flush` (the PageWriter does, for Known)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._sql: str | None = None
        self._rows: list[tuple[object, ...]] = []

    def add(self, sql: str, row: tuple[object, ...]) -> None:
        if sql != self._sql:
            self.flush()
            self._sql = sql
        self._rows.append(row)

    def flush(self) -> None:
        if self._sql is not None and self._rows:
            self.conn.executemany(self._sql, self._rows)
        self._sql, self._rows = None, []

    def discard(self) -> None:
        """Forget what is held: its transaction was rolled back."""
        self._sql, self._rows = None, []
