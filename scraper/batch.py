"""Statements a page writes, sent to SQLite in runs: one `executemany` per run of the same
statement, in the order they were made.

A statement per row cost most of an export's import time (the call, not SQLite's work). The
order is kept exactly, so a run of inserts then an update of one of them means the same as
before; whoever reads the tables first calls `flush` (see lookup.Known's before_read)."""

from __future__ import annotations

import sqlite3


class Batch:
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
