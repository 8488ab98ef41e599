"""Marking reviews a full crawl no longer finds. Nothing is ever deleted from the archive.

A review missing from one complete full crawl gets `missing_since`; missing from a second in a
row it gets `deleted_at`. Seen again, both are cleared (archive.save_page does that). Only the
listings the crawl actually read count: a review is a candidate only when its `source` is one
the crawl produced reviews from, so a listing that parsed to nothing (a layout change, a block
page let through) can never make its reviews look deleted.
"""

from __future__ import annotations

import sqlite3

DELETE_AFTER = 2


def mark_missing(
    conn: sqlite3.Connection, profile_id: str, sources: set[str], seen: set[str], now: str
) -> tuple[int, int]:
    """(newly missing, newly deleted) for `profile_id` after a complete full crawl."""
    if not sources:
        return 0, 0
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
