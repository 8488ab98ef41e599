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
from scraper.store.reader import Reader, held_profile
from scraper.store.sql_views import VIEWS

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
            # An import's --date-order ("dmy", "mdy"), for reparse to read the file the same way.
            "date_order": str,
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
"""

# Triggers that an UPDATE setting a column to the value it already holds must not fire: "UPDATE
# OF col" fires on any SET of col, and every upsert sets the film's title and the review's text
# again, so without WHEN a no-op re-import rewrote each film's reviews and their FTS entries
# (issue 34: 252 rows changed by one unchanged 33-review film). Re-made on open when an archive
# holds an older definition (ensure_schema), since CREATE ... IF NOT EXISTS would keep it.
TRIGGERS = {
    "reviews_au": """CREATE TRIGGER reviews_au AFTER UPDATE OF film_title, text ON reviews
WHEN old.film_title IS NOT new.film_title OR old.text IS NOT new.text BEGIN
    INSERT INTO reviews_fts(reviews_fts, rowid, film_title, text)
    VALUES ('delete', old.rowid, old.film_title, old.text);
    INSERT INTO reviews_fts(rowid, film_title, text) VALUES (new.rowid, new.film_title, new.text);
END""",
    "films_title_to_reviews": """CREATE TRIGGER films_title_to_reviews
AFTER UPDATE OF title ON films WHEN old.title IS NOT new.title BEGIN
    UPDATE reviews SET film_title = new.title WHERE film_id = new.id;
END""",
}


# Stamped in the file's header ("scrp"), so that another application's SQLite file given as
# --db is told apart before anything is written to it. user_version counts schema changes that
# an older scrape could misread; it is 1 for every archive so far (columns are only added).
APPLICATION_ID = 0x73637270
SCHEMA_VERSION = 1
# What an archive made before the stamp existed always holds.
# What every archive holds; also how the reading room tells an archive from another database.
OWN_TABLES = {"reviews", "reviews_fts", "films", "profiles", "runs"}


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
    if app_id == 0 and (empty and writing or tables >= OWN_TABLES):
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
        held = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        for name, sql in TRIGGERS.items():
            if held.get(name) != sql:
                db.execute(f"DROP TRIGGER IF EXISTS {name}")
                db.execute(sql)
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


def open_to_read(path: Path, profile: str | None = None) -> Reader:
    """The archive at `path` for a reading command, once a --profile it does not hold is
    refused (before anything is shown: a typo must not read as "this person wrote nothing")."""
    db = open_archive(path, write=False)
    held_profile(db, profile)
    return db


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
