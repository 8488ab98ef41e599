"""The archive's schema, declared once, and opening the file. The schema is public: people
write SQL against it in Datasette. Columns are only ever added (`ensure_schema` adds what an
older archive lacks), never renamed or dropped without a migration.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from scraper.errors import ScrapeError, UsageError

# What a run, and each profile in it, did. runs.finish sums the second into the first.
COUNTERS = {
    "pages": int,
    "requests": int,
    "new": int,
    "changed": int,
    "missing": int,
    "deleted": int,
}

TABLES: dict[str, dict] = {
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
        },
        "not_null": {"site", "film_id"},
        "foreign_keys": [("profile_id", "profiles", "id"), ("film_id", "films", "id")],
        "indexes": [["profile_id"], ["film_id"], ["created_at"]],
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
        },
        "foreign_keys": [("run_id", "runs", "id")],
        "indexes": [["profile_id", "id"]],
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


def open_archive(path: str | Path, *, write: bool = True) -> sqlite_utils.Database:
    """The archive at `path`, created if needed, in WAL mode so readers never block a backup.

    With write=False it is opened read-only and must already be an archive: reading commands
    never add tables to a file that is not one.
    """
    if not write:
        return _open_for_reading(Path(path))
    try:
        conn = sqlite3.connect(str(path), timeout=30)
        db = sqlite_utils.Database(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 30000")
        db.enable_wal()
        ensure_schema(db)
    except sqlite3.Error as exc:
        raise ScrapeError(f"{path}: cannot open it as an archive ({exc})") from None
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        columns = spec["columns"]
        db[name].create(
            columns,
            pk=spec.get("pk", "id"),
            if_not_exists=True,
            not_null=spec.get("not_null"),
            foreign_keys=spec.get("foreign_keys"),
        )
        for column in sorted(set(columns) - set(db[name].columns_dict)):
            db[name].add_column(column, columns[column])
        for index in spec.get("indexes", []):
            db[name].create_index(index, if_not_exists=True)
    db.executescript(FTS_SQL)


def _open_for_reading(path: Path) -> sqlite_utils.Database:
    if not path.is_file():
        raise UsageError(f"{path} does not exist; archive something first (scrape user ...)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        db = sqlite_utils.Database(conn)
        tables = set(db.table_names())
    except sqlite3.Error as exc:
        raise ScrapeError(f"{path}: cannot open it as an archive ({exc})") from None
    if not {"reviews", "reviews_fts", "films"} <= tables:
        raise ScrapeError(f"{path} is not a scrape archive (no reviews table)")
    return db
