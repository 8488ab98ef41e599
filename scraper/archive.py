"""The archive: one SQLite file whose schema is public (people query it in Datasette).

`ensure_schema` is safe to run every time. `save_page` writes one parsed page in one
transaction, so an interrupted run leaves whole pages behind and nothing half-written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from scraper import timeparse
from scraper.errors import ScrapeError, UsageError
from scraper.models import Film, Page, Profile, Review

PROFILE_COLUMNS = {
    "id": str,
    "site": str,
    "handle": str,
    "kind": str,
    "display_name": str,
    "url": str,
    "first_seen_at": str,
    "last_seen_at": str,
}
FILM_COLUMNS = {
    "id": str,
    "site": str,
    "title": str,
    "year": int,
    "kind": str,
    "url": str,
    "site_film_id": str,
    "first_seen_at": str,
    "last_seen_at": str,
}
REVIEW_COLUMNS = {
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
}
# What a review says. A change in any of these is an edit on the site.
CONTENT = (
    "profile_id",
    "film_id",
    "rating",
    "rating_raw",
    "sentiment",
    "text",
    "text_original",
    "url",
    "reviewer_name",
    "publication",
)
TIME = ("created_at", "created_at_earliest", "created_at_latest", "created_at_precision")

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


@dataclass(slots=True)
class SaveCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0

    def add(self, other: SaveCounts) -> None:
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged


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


def ensure_schema(db: sqlite_utils.Database) -> None:
    db["profiles"].create(PROFILE_COLUMNS, pk="id", if_not_exists=True, not_null={"site"})
    db["films"].create(FILM_COLUMNS, pk="id", if_not_exists=True, not_null={"site", "title"})
    db["reviews"].create(
        REVIEW_COLUMNS,
        pk="id",
        if_not_exists=True,
        not_null={"site", "film_id"},
        foreign_keys=[("profile_id", "profiles", "id"), ("film_id", "films", "id")],
    )
    for table, columns in (
        ("profiles", PROFILE_COLUMNS),
        ("films", FILM_COLUMNS),
        ("reviews", REVIEW_COLUMNS),
    ):
        missing = set(columns) - set(db[table].columns_dict)
        for name in sorted(missing):
            db[table].add_column(name, columns[name])
    for column in ("profile_id", "film_id", "created_at"):
        db["reviews"].create_index([column], if_not_exists=True)
    db.executescript(FTS_SQL)


def save_page(
    db: sqlite_utils.Database, page: Page, *, seen_at: datetime | None = None
) -> SaveCounts:
    """Write a page's profiles, films and reviews atomically; say what was new or changed."""
    now = timeparse.to_iso(seen_at or datetime.now(UTC))
    counts = SaveCounts()
    conn = db.conn
    titles = {film.id: film.title for film in page.films}
    with conn:
        for profile in page.profiles:
            _save_profile(conn, profile, now)
        for film in page.films:
            _save_film(conn, film, now)
        for review in page.reviews:
            outcome = _save_review(conn, review, titles.get(review.film_id), now)
            setattr(counts, outcome, getattr(counts, outcome) + 1)
    return counts


def _save_profile(conn: sqlite3.Connection, profile: Profile, now: str) -> None:
    row = asdict(profile) | {"first_seen_at": now, "last_seen_at": now}
    conn.execute(
        f"INSERT INTO profiles ({_cols(row)}) VALUES ({_marks(row)}) ON CONFLICT(id) DO UPDATE SET "
        "display_name = coalesce(excluded.display_name, display_name), "
        "url = coalesce(excluded.url, url), kind = excluded.kind, "
        "last_seen_at = excluded.last_seen_at",
        tuple(row.values()),
    )


def _save_film(conn: sqlite3.Connection, film: Film, now: str) -> None:
    # Sources differ in what they know (the 2023 API has no years): never forget a known value.
    row = asdict(film) | {"first_seen_at": now, "last_seen_at": now}
    conn.execute(
        f"INSERT INTO films ({_cols(row)}) VALUES ({_marks(row)}) ON CONFLICT(id) DO UPDATE SET "
        "title = coalesce(nullif(excluded.title, ''), title), "
        "year = coalesce(excluded.year, year), "
        "kind = excluded.kind, url = coalesce(excluded.url, url), "
        "site_film_id = coalesce(excluded.site_film_id, site_film_id), "
        "last_seen_at = excluded.last_seen_at",
        tuple(row.values()),
    )


def _save_review(conn: sqlite3.Connection, review: Review, title: str | None, now: str) -> str:
    cursor = conn.execute("SELECT * FROM reviews WHERE id = ?", (review.id,))
    found = cursor.fetchone()
    old = dict(zip([d[0] for d in cursor.description], found, strict=True)) if found else None
    row = _review_row(review)
    if old is None:
        row |= {"film_title": title, "first_seen_at": now, "last_seen_at": now, "updated_at": now}
        conn.execute(
            f"INSERT INTO reviews ({_cols(row)}) VALUES ({_marks(row)})", tuple(row.values())
        )
        return "new"
    merged = timeparse.intersect(timeparse.from_row(*(old[c] for c in TIME)), review.when)
    row |= _time_columns(merged)
    changed = any(old[c] != row[c] for c in CONTENT)
    updates = {c: row[c] for c in (*CONTENT, *TIME) if old[c] != row[c]}
    if title and old["film_title"] != title:
        updates["film_title"] = title
    updates["last_seen_at"] = now
    if changed:
        updates["updated_at"] = now
    assignments = ", ".join(f"{c} = ?" for c in updates)
    conn.execute(f"UPDATE reviews SET {assignments} WHERE id = ?", (*updates.values(), review.id))
    return "changed" if changed else "unchanged"


def _review_row(review: Review) -> dict:
    row = {c: getattr(review, c) for c in ("id", "site", *CONTENT, "source")}
    return row | _time_columns(review.when)


def _time_columns(when: timeparse.When) -> dict:
    return {
        "created_at": timeparse.to_iso(when.at),
        "created_at_earliest": timeparse.to_iso(when.earliest),
        "created_at_latest": timeparse.to_iso(when.latest),
        "created_at_precision": when.precision,
    }


def _cols(row: dict) -> str:
    return ", ".join(row)


def _marks(row: dict) -> str:
    return ", ".join("?" for _ in row)
