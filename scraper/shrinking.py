"""A listing that suddenly answers far fewer reviews than the archive holds from it: a layout
change, a block page let through or a private profile far more often than a person deleting
hundreds of reviews at once. It is a warning and a note on the run, the next run is full, and
its reviews are marked missing only once a second full run finds the listing as short
(confirming it); a listing that answers nothing marks nothing missing at all (tombstones.py).
"""

from __future__ import annotations

import sqlite_utils

from scraper.wording import plural


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
