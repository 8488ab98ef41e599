"""Rebuild reviews from the raw pages kept in the archive, without the network: after a parser
fix, `scrape reparse` repairs old data. Pages are replayed in the order they were fetched, so
versions, first/last-seen times and narrowed dates come out as the original runs made them.
A stored export is read as a stream and written in one transaction, as `scrape import` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from scraper import sites, timeparse
from scraper.errors import ParseError
from scraper.jobs.importer import apply_import_rules
from scraper.models import Page, ParseContext
from scraper.store import archive, rawpages, runs
from scraper.store.writer import PageWriter


@dataclass(slots=True)
class ReparseResult:
    pages: int = 0
    reviews: int = 0
    counts: archive.SaveCounts = field(default_factory=archive.SaveCounts)
    failures: list[str] = field(default_factory=list)
    # Whose reviews were saved again: `scrape status` counts them as the profiles touched.
    profiles: set[str] = field(default_factory=set)

    def tallies(self) -> dict[str, int]:
        """What the runs table records of this reparse."""
        return {
            "pages": self.pages,
            "reviews": self.reviews,
            "new": self.counts.new,
            "changed": self.counts.changed,
            "profiles": len(self.profiles),
        }


def reparse(
    db_path: str | Path, *, site: str | None = None, since: datetime | None = None
) -> ReparseResult:
    result = ReparseResult()
    with runs.recorded(db_path, "reparse", tallies=result.tallies) as run:
        db = run.db
        fetches = list(
            db.query(
                "SELECT * FROM fetches WHERE (:site IS NULL OR site = :site) "
                "AND (:since IS NULL OR fetched_at >= :since) ORDER BY fetched_at, id",
                {"site": site, "since": timeparse.to_iso(since) if since else None},
            )
        )
        writer = PageWriter(db, entry_kinds=sites.entry_kinds())
        for row in fetches:
            if row["site"] not in sites.SITES:
                continue
            try:
                # Counted once the whole stored page is written: a failure leaves nothing.
                tally = ReparseResult()
                for page, saved in _saved_pages(db, writer, row):
                    tally.reviews += len(page.reviews)
                    tally.profiles.update(r.profile_id for r in page.reviews if r.profile_id)
                    tally.counts.add(saved.counts)
            except ParseError as error:  # a page today's parser rejects: say so, keep going
                result.failures.append(str(error))
                continue
            result.pages += 1
            result.reviews += tally.reviews
            result.profiles |= tally.profiles
            result.counts.add(tally.counts)
        run.status = "failed" if result.failures else "ok"
        run.error = "; ".join(result.failures) or None
    return result


def _saved_pages(
    db: sqlite_utils.Database, writer: PageWriter, row: dict[str, Any]
) -> Iterator[tuple[Page, archive.Saved]]:
    """The pages of one stored body, parsed again and written: a page in its own transaction,
    a stored export (a parser the site reads as a stream) read as a stream and written in one."""
    site, parser, url = row["site"], row["parser"], row["url"]
    fetched_at = timeparse.instant(row["fetched_at"])
    keep, exact = row["keep_profile"], bool(row["exact_capture"])
    # What the import was told of the file (--date-order), as its fetch record keeps it.
    context = ParseContext.of_record(row)
    if parser not in sites.SITES[site].streams():
        body = rawpages.load(db.conn, row["sha256"])
        page = sites.parse(site, parser, body, url, fetched_at, context=context)
        apply_import_rules(page, keep_profile=keep, exact_capture=exact)
        yield page, writer.save_page(page, seen_at=fetched_at)
        return
    with rawpages.unpacked(db.conn, row["sha256"]) as open_body:
        stream = sites.stream(site, parser, open_body, url, fetched_at, context=context)
        pages = (
            apply_import_rules(page, keep_profile=keep, exact_capture=exact) for page in stream
        )
        yield from writer.save_stream(pages, seen_at=fetched_at)
