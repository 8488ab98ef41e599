"""Full-text search over review text and film titles, forgiving of whatever a user types."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scraper.errors import UsageError
from scraper.store.schema import open_to_read
from scraper.store.sql_views import FOLDED

if TYPE_CHECKING:
    import sqlite_utils

    from scraper.store.reader import Reader

# One pass over the matches, in the order they are shown. A row's filters and its snippet
# (both read the review's record, whose long text makes that the costly part) are evaluated
# only while the page still has room: the gate functions below keep that count, so the pass
# costs FTS5's own stepping past the page. The same pass counts the matches, so a prefix
# query (whose terms' doclists FTS5 merges once per statement, ~15 ms for 270k matches) runs
# one statement, not a count and then a page.
_SCAN = """
SELECT reviews_fts.rowid,
  CASE WHEN scrape_search_full() THEN NULL
       WHEN EXISTS (
         SELECT 1 FROM reviews r
         WHERE r.rowid = reviews_fts.rowid
           AND (:site IS NULL OR r.site = :site)
           AND (:profile IS NULL OR r.profile_id = :profile)
           AND (:min_rating IS NULL OR r.rating >= :min_rating)
           AND (:year IS NULL OR substr(r.created_at, 1, 4) = :year)
           AND NOT {folded})
       THEN scrape_search_keep(snippet(reviews_fts, -1, '[', ']', '…', 16))
  END
FROM reviews_fts
WHERE reviews_fts MATCH :query
ORDER BY {order}
"""
# FTS5 sorts by rank (bm25) itself and hands the rows over best first.
_RANKED = "rank"
_NEWEST = "reviews_fts.rowid DESC"
_DETAILS = """
SELECT r.rowid AS rowid, r.id, r.site, r.profile_id, r.film_id, f.title, f.year, f.kind,
       r.rating, r.rating_raw, r.created_at, r.created_at_precision, r.url
FROM reviews r JOIN films f ON f.id = r.film_id
WHERE r.rowid IN ({marks})
"""
# Past this many matches (a word in most reviews, like "film"), ranking by relevance says
# little and costs a bm25 score per match (seconds on a million reviews): such a query lists
# the most recently archived matches first, which FTS5 streams without sorting.
RANK_LIMIT = 5000

# FTS5's snippets and ranking cost more than linearly in a query's terms (on 842 reviews, the
# snippets of 400 words took 9 s, of 800 a* 26 s), and each prefix term merges the doclists of
# every word it starts (a*: 0.06 s a term on 50,000 reviews). Real searches are a few words:
# these bound the rest before FTS5 sees them.
MAX_QUERY_CHARS = 1_000
MAX_TERMS = 32
MAX_PREFIXES = 4
# What FTS5's unicode61 tokenizer makes a token (letters and digits; "_" separates). Counting
# these, not spaces, also counts the words of a phrase and of "a.b.c", which plain-word
# searching turns into a phrase.
_TOKEN = re.compile(r"[^\W_]+")
_PREFIX = re.compile(r"(?:[^\W_]|\")\*")


class _Page:
    """The gate of _SCAN: room for `limit` rows."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept = 0

    def full(self) -> bool:
        return self.kept >= self.limit

    def keep(self, snippet: str | None) -> str:
        self.kept += 1
        return snippet or ""


def search(
    archive: sqlite_utils.Database | Reader | Path,
    query: str,
    *,
    limit: int = 20,
    site: str | None = None,
    profile: str | None = None,
    min_rating: float | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """Best matches first (most recently archived first for a query that matches more than
    RANK_LIMIT reviews). FTS syntax works ("exact phrase", OR, prefix*); a query that is not
    valid FTS (an unbalanced quote, a lone "-") is searched as plain words instead.

    `min_rating` is on the 0-10 scale; `year` is the year the review was written. A query
    past MAX_QUERY_CHARS, MAX_TERMS or MAX_PREFIXES is a UsageError. An archive given by its
    path is opened read-only, once `profile` is known to be in it."""
    check_query(query)
    db = open_to_read(archive, profile) if isinstance(archive, Path) else archive
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


def check_query(query: str) -> None:
    """A UsageError, in one line that does not echo the query, for one too costly to run."""
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(
            f"search query too long: {len(query):,} characters, at most {MAX_QUERY_CHARS:,}"
        )
    terms = len(_TOKEN.findall(query))
    if terms > MAX_TERMS:
        raise UsageError(f"search query too long: {terms:,} words, at most {MAX_TERMS}")
    prefixes = len(_PREFIX.findall(query))
    if prefixes > MAX_PREFIXES:
        raise UsageError(
            f"search query too costly: {prefixes:,} prefix terms (word*), at most {MAX_PREFIXES}"
        )


def as_plain_words(query: str) -> str:
    """Each word as an FTS5 string, so no character in it can be read as syntax."""
    return " ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def _run(
    db: sqlite_utils.Database | Reader, query: str, filters: dict[str, Any]
) -> list[dict[str, Any]]:
    params = {"query": query, **filters}
    folded = FOLDED.format(r="r.")
    kept = _scan(db, _SCAN.format(folded=folded, order=_NEWEST), params, RANK_LIMIT + 1)
    if kept is None:  # every match seen, few enough for ranking them to be cheap
        kept = _scan(db, _SCAN.format(folded=folded, order=_RANKED), params, None)
    if not kept:
        return []
    marks = ",".join("?" * len(kept))
    details = {row.pop("rowid"): row for row in db.query(_DETAILS.format(marks=marks), list(kept))}
    return [{**details[r], "snippet": snippet} for r, snippet in kept.items() if r in details]


def _scan(
    db: sqlite_utils.Database | Reader, sql: str, params: dict[str, Any], enough: int | None
) -> dict[int, str] | None:
    """The page's rows (rowid: snippet, in order). With `enough`, the scan goes on until that
    many matches are seen, and gives None when the matches run out first."""
    page = _Page(params["limit"])
    db.conn.create_function("scrape_search_full", 0, page.full)
    db.conn.create_function("scrape_search_keep", 1, page.keep)
    kept: dict[int, str] = {}
    seen = 0
    for rowid, snippet in db.execute(sql, params):
        seen += 1
        if snippet is not None:
            kept[rowid] = snippet
        # (Not page.full(): the cursor steps one row ahead, so the gate may have kept a row
        # this loop has yet to see.)
        if len(kept) >= page.limit and (enough is None or seen >= enough):
            break
    return None if enough is not None and seen < enough else kept
