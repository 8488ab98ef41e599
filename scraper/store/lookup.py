"""What the archive already holds under a page's film and review keys, read in a few queries.

The page writer (writer.PageWriter) must find, for every film and review of a page, the row it
already is (by its id or any other key a source knows it by). Asking per item cost several
queries per review, most of a page's write time; one `IN (...)` query per table per page
answers the same. Rows the page itself writes are re-read from the archive when a later item
of the same page resolves to them, so an entry listed twice on one page still lands on one
row. The keys the page adds are written once, at the end of the page (`save_keys`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from scraper.models import Film, Review

# SQLite's default limit on bound parameters is far above this; chunks keep big imports safe.
CHUNK = 500
# The part of a review key that names its film by title and year (see sites' watch keys).
_TITLE_KEY = "/watch/title:"


class Known:
    """The stored rows behind one page's films and reviews (see load), and the keys the page
    adds."""

    def __init__(self, batch: Batch, entry_kinds: frozenset[str]) -> None:
        # The page's held-back statements: they must reach a table before it is read (_row).
        self._batch = batch
        # The kinds of id that name one entry each (see _distinct).
        self._entry_kinds = entry_kinds
        self.conn = batch.conn
        self._columns = [
            d[0] for d in self.conn.execute("SELECT * FROM reviews LIMIT 0").description
        ]
        self.load([], [])

    def load(self, films: list[Film], reviews: list[Review]) -> None:
        """Read what the archive holds under the keys of the page about to be written, in place
        of the last page's."""
        conn = self.conn
        self._film_ids: dict[str, list[str]] = {}
        for key, film_id in _rows(
            conn,
            "SELECT key, film_id FROM film_links WHERE key IN ({}) ORDER BY rowid",
            {k for film in films for k in (film.id, *film.keys)},
        ):
            self._film_ids.setdefault(key, []).append(film_id)
        self._review_ids: dict[str, str] = dict(
            _rows(
                conn,
                "SELECT key, review_id FROM review_keys WHERE key IN ({})",
                {k for review in reviews for k in (review.id, *review.keys)},
            )
        )
        # Archives from before review_keys have rows under their own id only.
        wanted = {r.id for r in reviews} | set(self._review_ids.values())
        self._rows: dict[str, dict[str, Any] | None] = dict.fromkeys(wanted)
        for row in _rows(conn, "SELECT * FROM reviews WHERE id IN ({})", wanted):
            stored = dict(zip(self._columns, row, strict=True))
            self._rows[stored["id"]] = stored
        self._written: set[str] = set()
        self._new_film_links: list[tuple[str, str, str]] = []
        self._new_review_keys: list[tuple[str, str]] = []

    def film(self, film: Film) -> str | None:
        """The id of the stored film one of this film's own-site keys names, if any."""
        prefix = f"{film.site}:"
        site_keys = [k for k in film.keys if k.startswith(prefix)]
        # Two films may share a title and year; the title names a film only for a source that
        # knows nothing better (an export row whose film has no link).
        sure = [k for k in site_keys if not k.startswith(f"{film.site}:title:")]
        for key in (film.id, *(sure or site_keys)):
            for film_id in self._film_ids.get(key, ()):
                if film_id.startswith(prefix):
                    return film_id
        return None

    def film_saved(self, film_id: str, keys: dict[str, str]) -> None:
        """Record the film's keys (key -> kind, see archive.film_key_kind) for save_keys."""
        for key, kind in keys.items():
            ids = self._film_ids.setdefault(key, [])
            if film_id not in ids:
                ids.append(film_id)
                self._new_film_links.append((film_id, key, kind))

    def review(self, review: Review, title: str | None = None) -> dict[str, Any] | None:
        """The stored row this review is, found by its id or any of its keys. A key made of a
        film's title (lower-cased, so "Rain" and "rain" share it) finds only a row of a film
        titled exactly `title`: case tells films apart when nothing else does."""
        # A deleted record (an export's deleted/ entry) is only ever the row of its own id.
        for key in (review.id,) if review.deleted else (review.id, *review.keys):
            review_id = self._review_ids.get(key) or (key if key == review.id else None)
            if review_id is None:
                continue
            if key != review.id and _distinct(review.id, review_id, self._entry_kinds):
                continue
            row = self._row(review_id)
            if row and _TITLE_KEY in key and title and row["film_title"] not in (title, None):
                continue
            if row:
                return row
        return None

    def review_saved(self, review_id: str, keys: Iterable[str]) -> None:
        for key in keys:
            if key not in self._review_ids:
                self._review_ids[key] = review_id
                self._new_review_keys.append((key, review_id))
        self._written.add(review_id)

    def save_keys(self) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO film_links (film_id, key, kind) VALUES (?, ?, ?)",
            self._new_film_links,
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO review_keys (key, review_id) VALUES (?, ?)",
            self._new_review_keys,
        )
        self._new_film_links, self._new_review_keys = [], []

    def _row(self, review_id: str) -> dict[str, Any] | None:
        if review_id in self._rows and review_id not in self._written:
            return self._rows[review_id]
        self._batch.flush()
        cursor = self.conn.execute("SELECT * FROM reviews WHERE id = ?", (review_id,))
        row = cursor.fetchone()
        return dict(zip(self._columns, row, strict=True)) if row else None


def _distinct(own_id: str, stored_id: str, entry_kinds: frozenset[str]) -> bool:
    """Whether two ids are two records: ids of the same kind that names one entry each (two
    export entries `<profile>/entry/<id>`, two viewings `<profile>/viewing/<id>`, as the sites
    declare in `entry_kinds`, the ids' next-to-last parts) that differ name two entries, however
    much else (film, watched day) they share. A key shared by a record and a row under another
    kind of id (an export's entry and a page's viewing) joins them."""
    own_kind, _, own = own_id.rpartition("/")
    stored_kind, _, stored = stored_id.rpartition("/")
    head, slash, kind = own_kind.rpartition("/")
    named = bool(head and slash) and kind in entry_kinds
    return own_kind == stored_kind and named and own != stored


def _rows(conn: sqlite3.Connection, sql: str, values: Iterable[str]) -> Iterator[tuple[Any, ...]]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        yield from conn.execute(sql.format(", ".join("?" * len(chunk))), chunk)


class Batch:
    """Statements a page writes, sent to SQLite in runs: one `executemany` per run of the same
    statement, in the order they were made.

    A statement per row cost most of an export's import time (the call, not SQLite's work). The
    order is kept exactly, so a run of inserts then an update of one of them means the same as
    before; whoever reads the tables first calls `flush` (Known does, before it reads)."""

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
