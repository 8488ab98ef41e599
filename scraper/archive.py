"""Writing parsed pages into the archive (see schema.py for the tables).

`save_page` writes one page in one transaction: its raw body, the record of its fetch, its
profiles, films and reviews. An interrupted run therefore leaves whole pages behind and nothing
half-written. An edited review keeps its previous text and rating in `review_versions`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from scraper import rawpages, timeparse
from scraper.models import Fetched, Film, Page, Profile, Review

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
VERSIONED = ("rating", "rating_raw", "sentiment", "text", "text_original", "url")


@dataclass(slots=True)
class SaveCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    returned: int = 0  # seen again after a full crawl had marked them missing

    def add(self, other: SaveCounts) -> None:
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.returned += other.returned


@dataclass(slots=True)
class Saved:
    counts: SaveCounts = field(default_factory=SaveCounts)
    review_ids: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


def save_page(
    db: sqlite_utils.Database,
    page: Page,
    *,
    seen_at: datetime | None = None,
    fetched: Fetched | None = None,
) -> Saved:
    """Write a page (and, when given, the raw body it came from) atomically."""
    now = timeparse.to_iso(seen_at or datetime.now(UTC))
    saved = Saved()
    conn = db.conn
    titles = {film.id: film.title for film in page.films}
    with conn:
        if fetched is not None:
            _save_fetch(conn, fetched)
        for profile in page.profiles:
            _save_profile(conn, profile, now)
        for film in page.films:
            _save_film(conn, film, now)
        for review in page.reviews:
            outcome, returned = _save_review(conn, review, titles.get(review.film_id), now)
            setattr(saved.counts, outcome, getattr(saved.counts, outcome) + 1)
            saved.counts.returned += returned
            saved.review_ids.add(review.id)
            if review.source:
                saved.sources.add(review.source)
    return saved


def _save_fetch(conn: sqlite3.Connection, fetched: Fetched) -> None:
    row = asdict(fetched)
    row["sha256"] = rawpages.store(conn, row.pop("body"))
    row["exact_capture"] = int(row["exact_capture"])
    conn.execute(f"INSERT INTO fetches ({_cols(row)}) VALUES ({_marks(row)})", tuple(row.values()))


def _save_profile(conn: sqlite3.Connection, profile: Profile, now: str) -> None:
    row = asdict(profile) | {"first_seen_at": now, "last_seen_at": now}
    conn.execute(
        f"INSERT INTO profiles ({_cols(row)}) VALUES ({_marks(row)}) ON CONFLICT(id) DO UPDATE SET "
        "display_name = coalesce(excluded.display_name, display_name), "
        "url = coalesce(excluded.url, url), kind = excluded.kind, "
        "last_seen_at = max(last_seen_at, excluded.last_seen_at)",
        tuple(row.values()),
    )


def _save_film(conn: sqlite3.Connection, film: Film, now: str) -> None:
    # Sources differ in what they know (the 2023 API has no years): never forget a known value.
    row = asdict(film) | {"first_seen_at": now, "last_seen_at": now}
    conn.execute(
        f"INSERT INTO films ({_cols(row)}) VALUES ({_marks(row)}) ON CONFLICT(id) DO UPDATE SET "
        "title = coalesce(nullif(excluded.title, ''), title), "
        "year = coalesce(excluded.year, year), "
        "kind = coalesce(excluded.kind, kind), url = coalesce(excluded.url, url), "
        "site_film_id = coalesce(excluded.site_film_id, site_film_id), "
        "last_seen_at = max(last_seen_at, excluded.last_seen_at)",
        tuple(row.values()),
    )


def _save_review(
    conn: sqlite3.Connection, review: Review, title: str | None, now: str
) -> tuple[str, bool]:
    cursor = conn.execute("SELECT * FROM reviews WHERE id = ?", (review.id,))
    found = cursor.fetchone()
    old = dict(zip([d[0] for d in cursor.description], found, strict=True)) if found else None
    row = {c: getattr(review, c) for c in ("id", "site", *CONTENT, "source")}
    row |= _time_columns(review.when)
    if old is None:
        row |= {
            "film_title": title,
            "first_seen_at": now,
            "last_seen_at": now,
            "updated_at": now,
            "missing_count": 0,
        }
        conn.execute(
            f"INSERT INTO reviews ({_cols(row)}) VALUES ({_marks(row)})", tuple(row.values())
        )
        return "new", False
    row |= _time_columns(
        timeparse.intersect(timeparse.from_row(*(old[c] for c in TIME)), review.when)
    )
    changed = any(old[c] != row[c] for c in CONTENT)
    updates = {c: row[c] for c in (*CONTENT, *TIME) if old[c] != row[c]}
    if title and old["film_title"] != title:
        updates["film_title"] = title
    updates["last_seen_at"] = max(now, old["last_seen_at"] or now)
    returned = old["missing_since"] is not None
    if returned:
        updates |= {"missing_since": None, "missing_count": 0, "deleted_at": None}
    if changed:
        updates["updated_at"] = now
        version = {c: old[c] for c in VERSIONED}
        version |= {"review_id": review.id, "seen_from": old["updated_at"], "replaced_at": now}
        conn.execute(
            f"INSERT INTO review_versions ({_cols(version)}) VALUES ({_marks(version)})",
            tuple(version.values()),
        )
    assignments = ", ".join(f"{c} = ?" for c in updates)
    conn.execute(f"UPDATE reviews SET {assignments} WHERE id = ?", (*updates.values(), review.id))
    return ("changed" if changed else "unchanged"), returned


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
