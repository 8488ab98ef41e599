"""The one writer of parsed pages into the archive: it owns the transaction.

A page is written whole or not at all: its raw body, the record of its fetch, its profiles,
films and reviews (archive.py), its lists and watchlist (archive_lists.py). An interrupted run
therefore leaves whole pages behind and nothing half-written. A file read as a stream (a big
export's batches of rows) is written in one transaction too, all its pages or none.

The writer holds the connection, the statements a page holds back (Batch) and what the archive
already holds under the page's keys (Known, which asks the writer to flush before it reads).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import BinaryIO

import sqlite_utils

from scraper import timeparse
from scraper.errors import DiskFull
from scraper.models import Fetched, Page
from scraper.store import archive, archive_lists, rawpages
from scraper.store.archive import Saved
from scraper.store.lookup import Batch, Known


class PageWriter:
    """Writes pages into one archive, each page (or stream of pages) in one transaction."""

    def __init__(self, db: sqlite_utils.Database, *, entry_kinds: frozenset[str]) -> None:
        """`entry_kinds`: the kinds of review id that name one entry each (sites.entry_kinds()):
        two records under two such ids are two entries, whatever keys they share."""
        self.conn = db.conn
        self.batch = Batch(self.conn)
        self.known = Known(self.batch, entry_kinds)

    def save_page(
        self, page: Page, *, seen_at: datetime | None = None, fetched: Fetched | None = None
    ) -> Saved:
        """Write a page (and, when given, the raw body it came from) atomically. A full disk
        ends it with DiskFull, the page rolled back whole."""
        now = _seen(seen_at)
        with self._whole(fetched.url if fetched else "a page", "page"):
            if fetched is not None:
                self._save_fetch(fetched)
            return self._write(page, now)

    def save_stream(
        self,
        pages: Iterable[Page],
        *,
        seen_at: datetime | None = None,
        fetched: Fetched | None = None,
        open_body: Callable[[], BinaryIO] | None = None,
    ) -> Iterator[tuple[Page, Saved]]:
        """Write a file's pages (a big export's batches) and, when given, its fetch record and
        raw body (read from `open_body`), in ONE transaction, yielding each page as it is
        written: whatever fails before the last (a bad row late in the file, a full disk,
        Ctrl-C) rolls the whole file back."""
        now = _seen(seen_at)
        # An import writes a file; a reparse writes a stored page again, as it always has.
        what, unit = (fetched.url, "file") if fetched else ("a page", "page")
        with self._whole(what, unit):
            if fetched is not None:
                self._save_fetch(fetched, open_body)
            for page in pages:
                yield page, self._write(page, now)

    def flush(self) -> None:
        """Send what is held back to SQLite: a read of the tables must see it."""
        self.batch.flush()

    @contextlib.contextmanager
    def _whole(self, what: str, unit: str) -> Iterator[None]:
        """One transaction, committed at its end or rolled back by anything that stops it
        (Ctrl-C too); a full disk ends it with DiskFull."""
        try:
            with self.conn:
                try:
                    yield
                except BaseException:
                    self.batch.discard()  # rolled back: nothing held belongs to the next page
                    raise
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) != sqlite3.SQLITE_FULL:
                raise
            # Stored URLs carry no credentials.
            raise DiskFull(
                f"disk full while writing {what} to {_archive_file(self.conn)}; nothing of "
                f"this {unit} was kept: free some space and run again"
            ) from None

    def _save_fetch(
        self, fetched: Fetched, open_body: Callable[[], BinaryIO] | None = None
    ) -> None:
        """The raw body (`fetched.body`, or read as a stream from `open_body`) and the record
        of its fetch."""
        row = asdict(fetched)
        body = row.pop("body")
        row["sha256"] = (
            rawpages.store(self.conn, body)
            if open_body is None
            else rawpages.store_stream(self.conn, open_body)
        )
        row["fetched_at"] = timeparse.to_iso(fetched.fetched_at)
        row["exact_capture"] = int(row["exact_capture"])
        self.conn.execute(
            f"INSERT INTO fetches ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )

    def _write(self, page: Page, now: str) -> Saved:
        """A page's profiles, films, reviews and lists, inside the open transaction."""
        saved = Saved()
        for profile in page.profiles:
            archive.save_profile(self.conn, profile, now)
        self.known.load(page.films, page.reviews)
        batch, known = self.batch, self.known
        film_ids = {film.id: archive.save_film(batch, known, film, now) for film in page.films}
        titles = {film_ids[film.id]: film.title for film in page.films}
        self.flush()  # reviews name their films: the films are in before them
        for review in page.reviews:
            film_id = film_ids.get(review.film_id, review.film_id)
            if film_id != review.film_id:
                review = replace(review, film_id=film_id)
            outcome, returned, review_id = archive.save_review(
                batch, known, review, titles.get(film_id), now
            )
            saved.counts.count(outcome)
            saved.counts.returned += returned
            saved.review_ids.add(review_id)
            if outcome == "new":
                saved.new_ids.add(review_id)
            if review.source:
                saved.sources.add(review.source)
        saved.listed = archive_lists.write(self.batch, page, film_ids)
        self.flush()
        self.known.save_keys()
        return saved


def _seen(seen_at: datetime | None) -> str:
    """When a page's records were seen: a page seen when it was fetched is seen as the fetch's
    stored time reads back (to the millisecond), which is also what a reparse of it sees."""
    return timeparse.to_iso(timeparse.to_millisecond(seen_at) if seen_at else datetime.now(UTC))


def _archive_file(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA database_list").fetchone()[2] or "the archive"
