"""Whether the archive holds a profile a command was asked to filter by."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from scraper.errors import UsageError

if TYPE_CHECKING:
    import sqlite_utils

    from scraper.reader import Reader


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
