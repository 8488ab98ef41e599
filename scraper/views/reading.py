"""The archive opened for a reading command (search, export), read-only."""

from __future__ import annotations

from pathlib import Path

from scraper.store.reader import Reader, held_profile
from scraper.store.schema import open_archive


def opened(path: Path, profile: str | None = None) -> Reader:
    """The archive at `path`, once a --profile it does not hold is refused (before anything is
    written or shown: a typo must not read as "this person wrote nothing")."""
    db = open_archive(path, write=False)
    held_profile(db, profile)
    return db
