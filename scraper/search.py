"""Full-text search over review text and film titles, forgiving of whatever a user types."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from scraper.schema import FOLDED

if TYPE_CHECKING:
    import sqlite_utils

    from scraper.reader import Reader

_SQL = """
SELECT r.id, r.site, r.profile_id, r.film_id, f.title, f.year, f.kind, r.rating, r.rating_raw,
       r.created_at, r.created_at_precision, r.url,
       snippet(reviews_fts, -1, '[', ']', '…', 16) AS snippet
FROM reviews_fts
JOIN reviews r ON r.rowid = reviews_fts.rowid
JOIN films f ON f.id = r.film_id
WHERE reviews_fts MATCH :query
  AND (:site IS NULL OR r.site = :site)
  AND (:profile IS NULL OR r.profile_id = :profile)
  AND (:min_rating IS NULL OR r.rating >= :min_rating)
  AND (:year IS NULL OR substr(r.created_at, 1, 4) = :year)
  AND NOT {folded}
ORDER BY {order}
LIMIT :limit
"""
# Past this many matches (a word in most reviews, like "film"), ranking by relevance says
# little and costs a bm25 score per match (seconds on a million reviews): such a query lists
# the most recently archived matches first, which FTS5 streams without sorting.
RANK_LIMIT = 5000
_RANKED = "bm25(reviews_fts), r.created_at DESC"
_NEWEST = "reviews_fts.rowid DESC"
_COUNT = (
    "SELECT count(*) FROM (SELECT 1 FROM reviews_fts WHERE reviews_fts MATCH :query LIMIT :cap)"
)


def search(
    db: sqlite_utils.Database | Reader,
    query: str,
    *,
    limit: int = 20,
    site: str | None = None,
    profile: str | None = None,
    min_rating: float | None = None,
    year: int | None = None,
) -> list[dict]:
    """Best matches first (most recently archived first for a query that matches more than
    RANK_LIMIT reviews). FTS syntax works ("exact phrase", OR, prefix*); a query that is not
    valid FTS (an unbalanced quote, a lone "-") is searched as plain words instead.

    `min_rating` is on the 0-10 scale; `year` is the year the review was written."""
    if not query.strip():
        return []
    filters = {
        "limit": limit,
        "site": site,
        "profile": profile,
        "min_rating": min_rating,
        "year": str(year) if year is not None else None,
    }
    try:
        return _run(db, query, filters)
    except sqlite3.OperationalError:
        pass
    try:
        return _run(db, as_plain_words(query), filters)
    except sqlite3.OperationalError:  # only words no tokenizer keeps, such as a lone quote
        return []


def as_plain_words(query: str) -> str:
    """Each word as an FTS5 string, so no character in it can be read as syntax."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def _run(db: sqlite_utils.Database | Reader, query: str, filters: dict) -> list[dict]:
    matches = db.execute(_COUNT, {"query": query, "cap": RANK_LIMIT + 1}).fetchone()[0]
    order = _RANKED if matches <= RANK_LIMIT else _NEWEST
    sql = _SQL.format(order=order, folded=FOLDED.format(r="r."))
    return list(db.query(sql, {"query": query, **filters}))
