"""The archive's schema, declared once, and opening the file. The schema is public: people
write SQL against it in Datasette. Columns are only ever added (`ensure_schema` adds what an
older archive lacks), never renamed or dropped without a migration.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from scraper.errors import ScrapeError, UsageError
from scraper.store.reader import Reader

if TYPE_CHECKING:
    import sqlite_utils

# What a run, and each profile in it, did. runs.finish sums the second into the first.
COUNTERS = {
    "pages": int,
    "requests": int,
    "new": int,
    "changed": int,
    "missing": int,
    "deleted": int,
}

TABLES: dict[str, dict[str, Any]] = {
    "profiles": {
        "columns": {
            "id": str,
            "site": str,
            "handle": str,
            "kind": str,
            "display_name": str,
            "url": str,
            "first_seen_at": str,
            "last_seen_at": str,
            # When the newest export that held every list (lists_captured_at) or the whole
            # watchlist (watchlist_captured_at) of the person was made: a list or film an
            # earlier export had and that one did not was removed since (see the views).
            "lists_captured_at": str,
            "watchlist_captured_at": str,
        },
        "not_null": {"site"},
    },
    "films": {
        "columns": {
            "id": str,
            "site": str,
            "title": str,
            "year": int,
            "kind": str,
            "url": str,
            "site_film_id": str,
            "first_seen_at": str,
            "last_seen_at": str,
            # Where the year came from: 'listing' (the page that listed the review) or
            # 'film page' (the film's own page, read because the listing gave none: see
            # scraper/jobs/film_details.py), which page, and when that page was read or tried.
            "year_source": str,
            "year_source_url": str,
            "year_checked_at": str,
            # Why the film's own page gave no year (it answered 404, it states none...).
            "year_check_error": str,
        },
        "not_null": {"site", "title"},
    },
    "reviews": {
        "columns": {
            "id": str,
            "site": str,
            "profile_id": str,
            "film_id": str,
            "film_title": str,
            "rating": float,
            "rating_raw": str,
            "sentiment": str,
            "text": str,
            "text_original": str,
            "created_at": str,
            "created_at_earliest": str,
            "created_at_latest": str,
            "created_at_precision": str,
            "url": str,
            "reviewer_name": str,
            "publication": str,
            "source": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "updated_at": str,
            # Tombstones: a review a full crawl no longer finds is never deleted, only marked.
            "missing_since": str,
            "missing_count": int,
            "deleted_at": str,
            # Letterboxd-style diary facts; NULL where a site has no such thing.
            "watched_on": str,
            "liked": int,
            "liked_on": str,
            "rewatch": int,
            "spoiler": int,
            "likes": int,
            # 1 while `text` is a listing's excerpt whose whole text is still to be fetched
            # (a failed completion is retried by the next run); NULL otherwise.
            "text_incomplete": int,
        },
        "not_null": {"site", "film_id"},
        "foreign_keys": [("profile_id", "profiles", "id"), ("film_id", "films", "id")],
        # (profile_id, film_id): FOLDED looks up a person's other rows of one film per row.
        "indexes": [["profile_id"], ["film_id"], ["created_at"], ["profile_id", "film_id"]],
    },
    # Every name a film goes by (see archive.film_key_kind): "<site>:..." keys unite one site's
    # sources on one film row; "tmdb:", "imdb:" and "title:" keys join films across sites.
    "film_links": {
        "columns": {"film_id": str, "key": str, "kind": str},
        "pk": ("film_id", "key"),
        "foreign_keys": [("film_id", "films", "id")],
        "indexes": [["key"]],
    },
    # Every id under which a source knows a review; save_page finds the one row through them.
    "review_keys": {
        "columns": {"key": str, "review_id": str},
        "pk": "key",
        "foreign_keys": [("review_id", "reviews", "id")],
        "indexes": [["review_id"]],
    },
    # The text and rating a review had before an edit; `reviews` holds the current one.
    "review_versions": {
        "columns": {
            "id": int,
            "review_id": str,
            "rating": float,
            "rating_raw": str,
            "sentiment": str,
            "text": str,
            "text_original": str,
            "url": str,
            "seen_from": str,
            "replaced_at": str,
        },
        "foreign_keys": [("review_id", "reviews", "id")],
        "indexes": [["review_id"]],
    },
    # Every body that was parsed, zlib-compressed, stored once per distinct content.
    "raw_pages": {
        "columns": {"sha256": str, "encoding": str, "size": int, "body": bytes},
        "pk": "sha256",
    },
    "fetches": {
        "columns": {
            "id": int,
            "run_id": int,
            "site": str,
            "profile_id": str,
            "url": str,
            "method": str,
            "params": str,
            "status": int,
            "content_type": str,
            "fetched_at": str,
            "parser": str,
            "parser_version": int,
            "sha256": str,
            "exact_capture": int,
            "keep_profile": str,
        },
        "foreign_keys": [("sha256", "raw_pages", "sha256")],
        "indexes": [["fetched_at"], ["site", "fetched_at"]],
    },
    "runs": {
        "columns": {
            "id": int,
            "command": str,
            "pid": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "profiles": int,
            **COUNTERS,
            "error": str,
            # What an import or a reparse did; NULL for crawls, whose pages and profiles say it.
            "files": int,
            "reviews": int,
        },
    },
    "profile_runs": {
        "columns": {
            "id": int,
            "run_id": int,
            "profile_id": str,
            "site": str,
            "handle": str,
            "mode": str,
            "status": str,
            "started_at": str,
            "finished_at": str,
            **COUNTERS,
            "note": str,
            "error": str,
            # 1 when every listing was read to its end (a run stopped in the films' own pages
            # after that leaves nothing for a full run to catch up on).
            "listings_complete": int,
            # The listing sources (space-separated) this run found shrunk (tombstones.py).
            "shrunk": str,
        },
        "foreign_keys": [("run_id", "runs", "id")],
        "indexes": [["profile_id", "id"]],
    },
    # A person's lists (Letterboxd's export: lists/*.csv), keyed by the site's own link, as
    # the newest export that had them says; first/last_captured_at: the first and the last
    # export (by when it was made) that held it.
    "lists": {
        "columns": {
            "id": str,
            "site": str,
            "profile_id": str,
            "name": str,
            "url": str,
            "created_on": str,
            "description": str,
            "tags": str,
            # 1 for a list the member deleted (the export's deleted/lists/).
            "deleted": int,
            "first_captured_at": str,
            "last_captured_at": str,
        },
        "not_null": {"site", "profile_id"},
        "foreign_keys": [("profile_id", "profiles", "id")],
        "indexes": [["profile_id"]],
    },
    # The films on each list: where the list puts them, and the note each has there.
    "list_entries": {
        "columns": {
            "list_id": str,
            "film_id": str,
            "position": int,
            "notes": str,
            "first_captured_at": str,
            "last_captured_at": str,
        },
        "pk": ("list_id", "film_id"),
        "foreign_keys": [("list_id", "lists", "id"), ("film_id", "films", "id")],
        "indexes": [["film_id"]],
    },
    # The films on a person's watchlist, with the day each was added.
    "watchlist": {
        "columns": {
            "profile_id": str,
            "film_id": str,
            "added_on": str,
            "first_captured_at": str,
            "last_captured_at": str,
        },
        "pk": ("profile_id", "film_id"),
        "foreign_keys": [("profile_id", "profiles", "id"), ("film_id", "films", "id")],
        "indexes": [["film_id"]],
    },
    # Where a profile's crawl was stopped mid-listing by a refusal, read first by its next run
    # (scraper/store/checkpoints.py): one row per profile, gone once a run read on from there.
    "checkpoints": {
        "columns": {
            "profile_id": str,
            # The run that stopped there.
            "run_id": int,
            # The listing (the `source` its reviews carry) and its first request, as JSON.
            "listing_source": str,
            "listing": str,
            # The request that was refused, as JSON (the site's origin left out), its page
            # number in the listing, and the two as people read them: "letterboxd-reviews
            # page 3".
            "request": str,
            "page": int,
            "label": str,
            # Why it stopped ("403", "a Cloudflare challenge (HTTP 403)"), and when.
            "reason": str,
            "stopped_at": str,
        },
        "pk": "profile_id",
        "foreign_keys": [("run_id", "runs", "id")],
    },
}

# sqlite-utils' own FTS triggers fire on every UPDATE; these fire only when indexed text changes,
# so that a nightly run bumping last_seen_at does not rewrite the whole index. content="reviews"
# is spelled with double quotes because that is the form Datasette looks for to wire its search.
FTS_SQL = """
CREATE VIRTUAL TABLE IF NOT EXISTS reviews_fts USING fts5(
    film_title, text, content="reviews", content_rowid="rowid",
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS reviews_ai AFTER INSERT ON reviews BEGIN
    INSERT INTO reviews_fts(rowid, film_title, text) VALUES (new.rowid, new.film_title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS reviews_ad AFTER DELETE ON reviews BEGIN
    INSERT INTO reviews_fts(reviews_fts, rowid, film_title, text)
    VALUES ('delete', old.rowid, old.film_title, old.text);
END;
CREATE TRIGGER IF NOT EXISTS reviews_au AFTER UPDATE OF film_title, text ON reviews BEGIN
    INSERT INTO reviews_fts(reviews_fts, rowid, film_title, text)
    VALUES ('delete', old.rowid, old.film_title, old.text);
    INSERT INTO reviews_fts(rowid, film_title, text) VALUES (new.rowid, new.film_title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS films_title_to_reviews AFTER UPDATE OF title ON films BEGIN
    UPDATE reviews SET film_title = new.title WHERE film_id = new.id;
END;
"""


# When a review was written, as views show it: NULL for an age ("2 years ago") counted from a
# file's modification time, which bounds the date from above only (`date_latest`): such a date
# would put years-old reviews at the top of "newest first" and in this year's counts.
KNOWN_DATE = """CASE WHEN {r}created_at_precision = 'relative' AND {r}created_at_earliest IS NULL
    THEN NULL ELSE {r}created_at END"""

# A row that only repeats, for one person and film, what their viewings of it say (Letterboxd's
# rating of a film, from ratings.csv or the films grid, beside its diary entries): counted,
# listed and searched once, as the viewings, which take its rating when they have none of
# their own. A row with text of its own is never folded.
FOLDED = """({r}watched_on IS NULL AND {r}text IS NULL AND EXISTS (
    SELECT 1 FROM reviews v WHERE v.profile_id = {r}profile_id AND v.film_id = {r}film_id
      AND v.watched_on IS NOT NULL AND v.deleted_at IS NULL))"""
# A person as a reader knows them: their name, else the handle, shortened when it is a long
# opaque token (Rotten Tomatoes audience handles run to 100 characters).
SHORT_HANDLE = """CASE WHEN length({p}handle) > 24
    THEN substr({p}handle, 1, 12) || '…' || substr({p}handle, -6) ELSE {p}handle END"""
SHORT_NAME = "coalesce({p}display_name, " + SHORT_HANDLE + ")"
PERSON = "coalesce(p.display_name, r.reviewer_name, " + SHORT_NAME.format(p="p.") + ")"
FILM_RATING = """(CASE WHEN {r}rating IS NULL AND {r}watched_on IS NOT NULL THEN (
    SELECT o.rating FROM reviews o WHERE o.profile_id = {r}profile_id AND o.film_id = {r}film_id
      AND o.watched_on IS NULL AND o.rating IS NOT NULL AND o.deleted_at IS NULL LIMIT 1)
    ELSE {r}rating END)"""

# Views people query (in Datasette or SQL). Derived data only: dropped and made again by
# ensure_schema, so a new version of scrape can change them freely.
VIEWS = {
    # Reading order first (film, year, stars, date, person, text): Datasette shows a view's
    # columns in this order, and the reading room hides the internal ones at the end.
    "review_list": """
        SELECT f.title AS film, f.year,
               CASE WHEN """
    + FILM_RATING.format(r="r.")
    + """ IS NOT NULL
                   THEN printf('%g', round("""
    + FILM_RATING.format(r="r.")
    + """ / 2, 2)) END
                   AS stars,
               """
    + KNOWN_DATE.format(r="r.")
    + """ AS date, """
    + PERSON
    + """ AS reviewer, r.text, r.rating_raw AS rating_shown, r.sentiment, f.kind, r.site,
               """
    + FILM_RATING.format(r="r.")
    + """ AS rating,
               substr("""
    + KNOWN_DATE.format(r="r.")
    + """, 1, 4) AS year_reviewed,
               r.created_at_precision AS date_precision,
               r.created_at_earliest AS date_earliest, r.created_at_latest AS date_latest,
               CASE WHEN r.deleted_at IS NOT NULL THEN 'deleted'
                    WHEN r.missing_since IS NOT NULL THEN 'missing' ELSE 'current' END AS status,
               r.publication, f.url AS film_url, r.url AS review_url, r.first_seen_at,
               r.updated_at, r.watched_on, r.liked, r.liked_on,
               CASE WHEN r.rating IS NULL AND r.text IS NULL AND r.sentiment IS NULL
                    THEN 1 ELSE 0 END AS watched_only,
               r.rowid AS review_rowid, r.id, r.profile_id, r.film_id
        FROM reviews r JOIN films f ON f.id = r.film_id
        LEFT JOIN profiles p ON p.id = r.profile_id
        WHERE NOT """
    + FOLDED.format(r="r.")
    + """
    """,
    # (stars is text, "3.5": a view's computed column has no type, and Datasette's facet links
    # and filters pass values as text, which would never equal a number.)
    "reviews_per_year": """
        SELECT site, profile_id, substr("""
    + KNOWN_DATE.format(r="")
    + """, 1, 4) AS year_reviewed,
               count(*) AS reviews, count(text) AS with_text,
               round(avg("""
    + FILM_RATING.format(r="reviews.")
    + """), 2) AS avg_rating
        FROM reviews WHERE deleted_at IS NULL AND NOT """
    + FOLDED.format(r="reviews.")
    + """
        GROUP BY site, profile_id, year_reviewed
    """,
    "reviews_per_rating": """
        SELECT site, profile_id, """
    + FILM_RATING.format(r="reviews.")
    + """ AS rating,
               round("""
    + FILM_RATING.format(r="reviews.")
    + """ / 2, 1) AS stars,
               count(*) AS reviews
        FROM reviews WHERE deleted_at IS NULL AND NOT """
    + FOLDED.format(r="reviews.")
    + """
        GROUP BY site, profile_id, 3
    """,
    # What a reader compares first: the film, who, when, the ratings, then the two texts (the
    # reading room shows them one above the other with the changes marked).
    "changed_reviews": """
        SELECT f.title AS film, f.year, """
    + PERSON
    + """ AS reviewer, v.replaced_at,
               v.rating_raw AS previous_rating_shown, r.rating_raw AS rating_shown,
               v.text AS previous_text, r.text, r.site, v.rating AS previous_rating, r.rating,
               v.seen_from AS previous_seen_from, r.url AS review_url,
               r.rowid AS review_rowid, r.id, r.profile_id
        FROM review_versions v JOIN reviews r ON r.id = v.review_id
        JOIN films f ON f.id = r.film_id
        LEFT JOIN profiles p ON p.id = r.profile_id
    """,
    "deleted_reviews": """
        SELECT r.id, r.site, r.profile_id, f.title AS film, f.year, r.rating_raw AS rating_shown,
               r.rating, r.text, r.created_at AS date, r.missing_since, r.missing_count,
               r.deleted_at, r.url AS review_url
        FROM reviews r JOIN films f ON f.id = r.film_id
        WHERE r.missing_since IS NOT NULL OR r.deleted_at IS NOT NULL
    """,
    # The same film on several sites: films that share a film_links key with a film of another
    # site. match_kind is 'id' when an identifier joined them (an IMDb id in an export, a TMDB id
    # in a Letterboxd feed), else 'title' (lower-cased title + release year; no year, no match).
    "films_across_sites": """
        WITH shared AS (
            SELECT a.film_id, a.key, a.kind
            FROM film_links a JOIN film_links b ON b.key = a.key AND b.film_id != a.film_id
            JOIN films fa ON fa.id = a.film_id JOIN films fb ON fb.id = b.film_id
            WHERE a.kind IN ('id', 'title') AND fa.site != fb.site
        ), matched AS (
            SELECT film_id, min(kind) AS match_kind,
                   coalesce(min(CASE WHEN kind = 'title' THEN key END), min(key)) AS film_key
            FROM shared GROUP BY film_id
        )
        SELECT m.film_key, m.match_kind, f.title AS film, f.year, f.site, r.profile_id,
               r.rating_raw AS rating_shown, r.rating, r.created_at AS date, f.url AS film_url
        FROM matched m JOIN films f ON f.id = m.film_id
        JOIN reviews r ON r.film_id = f.id AND r.deleted_at IS NULL
    """,
    # The films of every list, in each list's order (what Datasette shows unsorted). status:
    # current; removed (a later export of the list no longer has the film); list deleted (the
    # export has it under deleted/lists/); list removed (a later export has no such list).
    "list_films": """
        SELECT l.name AS list, e.position, f.title AS film, f.year, e.notes,
               CASE WHEN e.last_captured_at < l.last_captured_at THEN 'removed'
                    WHEN l.deleted = 1 THEN 'list deleted'
                    WHEN l.last_captured_at < coalesce(p.lists_captured_at, '')
                    THEN 'list removed' ELSE 'current' END AS status,
               """
    + SHORT_NAME.format(p="p.")
    + """ AS person, l.site, f.url AS film_url, l.url AS list_url,
               e.first_captured_at, e.last_captured_at, l.profile_id, e.list_id, e.film_id
        FROM list_entries e JOIN lists l ON l.id = e.list_id JOIN films f ON f.id = e.film_id
        LEFT JOIN profiles p ON p.id = l.profile_id
        ORDER BY l.profile_id, l.name, l.id, e.position IS NULL, e.position, f.title
    """,
    # Each list with how many films it has now.
    "list_summary": """
        SELECT l.name AS list, l.description, l.tags, l.created_on,
               (SELECT count(*) FROM list_entries e WHERE e.list_id = l.id
                  AND e.last_captured_at = l.last_captured_at) AS films,
               CASE WHEN l.deleted = 1 THEN 'deleted'
                    WHEN l.last_captured_at < coalesce(p.lists_captured_at, '')
                    THEN 'removed' ELSE 'current' END AS status,
               """
    + SHORT_NAME.format(p="p.")
    + """ AS person, l.site, l.url AS list_url, l.first_captured_at, l.last_captured_at,
               l.profile_id, l.id AS list_id
        FROM lists l LEFT JOIN profiles p ON p.id = l.profile_id
        ORDER BY l.profile_id, l.name, l.id
    """,
    # The watchlist. status: current; removed (a later export's watchlist no longer has it).
    "watchlist_films": """
        SELECT f.title AS film, f.year, w.added_on,
               CASE WHEN w.last_captured_at < coalesce(p.watchlist_captured_at, '')
                    THEN 'removed' ELSE 'current' END AS status,
               """
    + SHORT_NAME.format(p="p.")
    + """ AS person, f.site, f.url AS film_url, w.first_captured_at, w.last_captured_at,
               w.profile_id, w.film_id
        FROM watchlist w JOIN films f ON f.id = w.film_id
        LEFT JOIN profiles p ON p.id = w.profile_id
    """,
}


# Stamped in the file's header ("scrp"), so that another application's SQLite file given as
# --db is told apart before anything is written to it. user_version counts schema changes that
# an older scrape could misread; it is 1 for every archive so far (columns are only added).
APPLICATION_ID = 0x73637270
SCHEMA_VERSION = 1
# What an archive made before the stamp existed always holds.
_OWN_TABLES = {"reviews", "reviews_fts", "films", "profiles", "runs"}


@overload
def open_archive(path: str | Path, *, write: Literal[True] = True) -> sqlite_utils.Database: ...
@overload
def open_archive(path: str | Path, *, write: Literal[False]) -> Reader: ...
@overload
def open_archive(path: str | Path, *, write: bool) -> sqlite_utils.Database | Reader: ...
def open_archive(path: str | Path, *, write: bool = True) -> sqlite_utils.Database | Reader:
    """The archive at `path`, created if needed, in WAL mode so readers never block a backup.

    A file that is not a scrape archive (another application's database) is refused untouched,
    by both readers and writers. With write=False it is opened read-only, as a Reader (execute,
    query and close, without importing sqlite_utils).
    """
    if not write:
        return _open_for_reading(Path(path))
    import sqlite_utils  # writers only: a reader needs no more than the standard library

    try:
        conn = sqlite3.connect(str(path), timeout=30)
        db = sqlite_utils.Database(conn)
        conn.execute("PRAGMA busy_timeout = 30000")
        # Before anything is written: a foreign file must leave here byte for byte as it came.
        _check_identity(db, path, writing=True)
        conn.execute("PRAGMA foreign_keys = ON")
        db.enable_wal()
        ensure_schema(db)
        with conn:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.Error as exc:
        raise ScrapeError(f"{path}: cannot open it as an archive ({exc})") from None
    return db


def _check_identity(db: sqlite_utils.Database | Reader, path: str | Path, *, writing: bool) -> None:
    """Refuse a database that is not a scrape archive, or one a newer scrape wrote."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = set(db.table_names())
    empty = not db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION and writing:
            raise ScrapeError(
                f"{path} was written by a newer scrape (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade scrape to write to it"
            )
        return
    if app_id == 0 and (empty and writing or tables >= _OWN_TABLES):
        return  # a new file, or an archive from before the stamp (stamped when next written)
    if empty and app_id == 0:
        raise UsageError(f"{path} is empty, not an archive yet; archive something first")
    what = f"application_id {app_id:#x}" if app_id else f"tables: {', '.join(sorted(tables))}"
    raise ScrapeError(
        f"{path} is a SQLite database of another application ({_shorten(what)}), not a "
        "scrape archive; left untouched: pass another --db"
    )


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def ensure_schema(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        columns = spec["columns"]
        table = db.table(name)
        table.create(
            columns,
            pk=spec.get("pk", "id"),
            if_not_exists=True,
            not_null=spec.get("not_null"),
            foreign_keys=spec.get("foreign_keys"),
        )
        for column in sorted(set(columns) - set(table.columns_dict)):
            table.add_column(column, columns[column])
        for index in spec.get("indexes", []):
            table.create_index(index, if_not_exists=True)
    db.executescript(FTS_SQL)
    with db.conn:
        # Letterboxd films were kind 'film' before one vocabulary (models.KINDS) was kept.
        db.execute("UPDATE films SET kind = 'movie' WHERE kind = 'film'")
        # Years archived before their source was kept all came from listings.
        db.execute(
            "UPDATE films SET year_source = 'listing' "
            "WHERE year IS NOT NULL AND year_source IS NULL"
        )
        for name, sql in VIEWS.items():
            db.execute(f"DROP VIEW IF EXISTS {name}")
            db.execute(f"CREATE VIEW {name} AS {sql}")


def _open_for_reading(path: Path) -> Reader:
    if not path.is_file():
        raise UsageError(f"{path} does not exist; archive something first (scrape user ...)")
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=30)
        db = Reader(conn)
        _check_identity(db, path, writing=False)
    except sqlite3.Error as exc:
        wal = path.with_name(path.name + "-wal")
        if not os.access(path.resolve().parent, os.W_OK) and wal.exists():
            raise ScrapeError(
                f"{path} is in a folder scrape cannot write, and {wal.name} holds changes not "
                "yet in it: run any scrape command where the folder is writable (or copy the "
                "three files elsewhere) first"
            ) from None
        raise ScrapeError(f"{path}: cannot open it as an archive ({exc})") from None
    return db


def _read_only_uri(path: Path) -> str:
    """mode=ro, and immutable=1 where the folder is read-only: there SQLite could not create the
    -shm it needs to read a WAL archive, and no writer can run either (it needs the lock file).
    Not when a -wal with unsaved pages is present: immutable would read past them."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    if not os.access(path.resolve().parent, os.W_OK) and not pending:
        uri += "&immutable=1"
    return uri
