"""Marking reviews a full crawl no longer finds. Nothing is ever deleted from the archive.

A review missing from one complete full crawl gets `missing_since`; missing from a second in a
row it gets `deleted_at`. Seen again, both are cleared (writer.PageWriter does that). Only the
listings the crawl actually read count: a review is a candidate only when its `source` is one
the crawl produced reviews from, so a listing that parsed to nothing (a layout change, a block
page let through) can never make its reviews look deleted.

A listing that suddenly answers far fewer reviews than the archive holds from it: a layout
change, a block page let through or a private profile far more often than a person deleting
hundreds of reviews at once. It is a warning and a note on the run, the next run is full, and
its reviews are marked missing only once a second full run finds the listing as short
(confirming it); a listing that answers nothing marks nothing missing at all (above).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

import sqlite_utils

from scraper import timeparse
from scraper.wording import plural

DELETE_AFTER = 2


def mark_missing(
    conn: sqlite3.Connection, profile_id: str, sources: set[str], seen: set[str], at: datetime
) -> tuple[int, int]:
    """(newly missing, newly deleted) for `profile_id` after a complete full crawl `at`."""
    if not sources:
        return 0, 0
    now = timeparse.to_iso(at)
    marks = ", ".join("?" for _ in sources)
    rows = conn.execute(
        f"SELECT id, missing_count FROM reviews WHERE profile_id = ? AND source IN ({marks}) "
        "AND deleted_at IS NULL",
        (profile_id, *sorted(sources)),
    ).fetchall()
    missing = deleted = 0
    for review_id, count in rows:
        if review_id in seen:
            continue
        count = (count or 0) + 1
        gone = count >= DELETE_AFTER
        conn.execute(
            "UPDATE reviews SET missing_count = ?, missing_since = coalesce(missing_since, ?), "
            "deleted_at = ? WHERE id = ?",
            (count, now, now if gone else None, review_id),
        )
        missing += count == 1
        deleted += gone
    return missing, deleted


def held(db: sqlite_utils.Database, profile_id: str) -> dict[str, int]:
    """How many live reviews of the profile the archive holds from each listing source."""
    rows = db.execute(
        "SELECT source, count(*) FROM reviews WHERE profile_id = ? AND deleted_at IS NULL "
        "AND source IS NOT NULL GROUP BY source",
        [profile_id],
    )
    return {source: count for source, count in rows}


def shrunk(before: dict[str, int], listed: dict[str, int], *, whole: bool) -> dict[str, str]:
    """The listings that shrank, each with its warning: to nothing, or (read `whole`, as a
    complete full crawl reads them) to less than half of what the archive held."""
    said = {}
    for source, answered in sorted(listed.items()):
        had = before.get(source, 0)
        if had and (answered == 0 or (whole and answered < had / 2)):
            said[source] = (
                f"the {source} listing answered {plural(answered, 'review')} where the archive "
                f"holds {had}: nothing was marked missing until a full run confirms it"
            )
    return said
