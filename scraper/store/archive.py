"""What a page's profiles, films and reviews become in the archive's rows (see schema.py for
the tables), written by the page's writer (writer.PageWriter) inside its transaction. A source
never erases what another one stored and it cannot show; an edited review keeps its previous
text and rating in `review_versions`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal

import sqlite_utils

from scraper import timeparse
from scraper.models import Film, Profile, Review
from scraper.store import archive_lists

if TYPE_CHECKING:
    from scraper.store.lookup import Batch, Known

# What a review says. A change in any of these is an edit on the site.
CONTENT = (
    "profile_id",
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
# Facts that are updated in place, not versioned: the film a review is attached to (two sources
# may name one film differently until their keys meet) and diary flags. None never erases.
QUIET = ("film_id", "watched_on", "liked", "liked_on", "rewatch", "spoiler", "likes")
FILM_COLUMNS = ("site", "title", "year", "kind", "url", "site_film_id")
# Read in one call each: a big import reads them for every row.
_REVIEW_COLUMNS = ("id", "site", *CONTENT, "source")
_FILM_VALUES = attrgetter(*FILM_COLUMNS)
_REVIEW_VALUES = attrgetter(*_REVIEW_COLUMNS)
_QUIET_VALUES = attrgetter(*QUIET)


# What saving did to one review.
Outcome = Literal["new", "changed", "completed", "unchanged"]


@dataclass(slots=True)
class SaveCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    returned: int = 0  # seen again after a full crawl had marked them missing
    # Gained what an earlier source could not show (text, a link) without being edited.
    completed: int = 0

    def count(self, outcome: Outcome) -> None:
        """One more review of this outcome of save_review."""
        if outcome == "new":
            self.new += 1
        elif outcome == "changed":
            self.changed += 1
        elif outcome == "completed":
            self.completed += 1
        elif outcome == "unchanged":
            self.unchanged += 1
        else:
            raise ValueError(f"not an outcome of saving a review: {outcome!r}")

    def add(self, other: SaveCounts) -> None:
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.returned += other.returned
        self.completed += other.completed


@dataclass(slots=True)
class Saved:
    counts: SaveCounts = field(default_factory=SaveCounts)
    review_ids: set[str] = field(default_factory=set)
    new_ids: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    listed: archive_lists.ListCounts = field(default_factory=archive_lists.ListCounts)


def has_reviews(db: sqlite_utils.Database, profile_id: str, source: str | None) -> bool:
    """Whether the profile has any review archived (from that listing `source`, when given)."""
    row = db.execute(
        "SELECT 1 FROM reviews WHERE profile_id = ? AND (? IS NULL OR source = ?) LIMIT 1",
        [profile_id, source, source],
    ).fetchone()
    return row is not None


def incomplete_texts(db: sqlite_utils.Database, profile_id: str) -> list[str]:
    """The ids of the profile's live reviews whose stored text is still an excerpt, newest
    first."""
    return [
        row[0]
        for row in db.execute(
            "SELECT id FROM reviews WHERE profile_id = ? AND text_incomplete = 1 "
            "AND deleted_at IS NULL ORDER BY created_at DESC, id",
            [profile_id],
        )
    ]


def save_profile(conn: sqlite3.Connection, profile: Profile, now: str) -> None:
    row = asdict(profile) | {"first_seen_at": now, "last_seen_at": now}
    conn.execute(
        f"INSERT INTO profiles ({_cols(row)}) VALUES ({_marks(row)}) ON CONFLICT(id) DO UPDATE SET "
        "display_name = coalesce(excluded.display_name, display_name), "
        "url = coalesce(excluded.url, url), kind = excluded.kind, "
        "last_seen_at = max(last_seen_at, excluded.last_seen_at)",
        tuple(row.values()),
    )


def film_key_kind(key: str, film: Film) -> str:
    """'site' keys name a film within its own site; 'id' keys (another site's id for it, or
    one its site shares: Film.shared_keys) and 'title' keys join films across sites."""
    if key.startswith(f"{film.site}:") and key not in film.shared_keys:
        return "site"
    return "title" if key.startswith("title:") else "id"


def title_key(title: str | None, year: int | None) -> str | None:
    """The cross-site key of last resort: lower-cased title and release year."""
    if not title or not year:
        return None
    return f"title:{' '.join(title.lower().split())}|{year}"


def save_film(batch: Batch, known: Known, film: Film, now: str) -> str:
    """Store the film and its keys; returns the id it is stored under, which is an older row's
    when one of the film's site keys already names that row."""
    keys = [film.id, *film.keys]
    if title := title_key(film.title, film.year):
        keys.append(title)
    film_id = known.film(film) or film.id
    # Sources differ in what they know (the 2023 API has no years): never forget a known value.
    row = dict(zip(FILM_COLUMNS, _FILM_VALUES(film), strict=True)) | {
        "year_source": "listing" if film.year is not None else None,
        "id": film_id,
        "first_seen_at": now,
        "last_seen_at": now,
    }
    batch.add(_film_upsert(tuple(row)), tuple(row.values()))
    known.film_saved(film_id, {key: film_key_kind(key, film) for key in keys})
    return film_id


# One statement per shape of row, made once (an export writes a million rows of one shape).
@lru_cache(maxsize=64)
def _film_upsert(columns: tuple[str, ...]) -> str:
    return (
        f"{_insert('films', columns)} ON CONFLICT(id) DO UPDATE SET "
        "title = coalesce(nullif(excluded.title, ''), title), "
        "year = coalesce(excluded.year, year), "
        # A year a listing gives is the listing's, whatever a film page said before.
        "year_source = CASE WHEN excluded.year IS NOT NULL THEN 'listing' ELSE year_source END, "
        "year_source_url = CASE WHEN excluded.year IS NOT NULL THEN NULL "
        "ELSE year_source_url END, "
        "kind = coalesce(excluded.kind, kind), url = coalesce(excluded.url, url), "
        "site_film_id = coalesce(excluded.site_film_id, site_film_id), "
        "last_seen_at = max(last_seen_at, excluded.last_seen_at)"
    )


@lru_cache(maxsize=64)
def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({_joined(columns)}) VALUES ({_questions(len(columns))})"


def _excerpt_of(short: str | None, whole: str | None) -> bool:
    """Whether `short` is a listing's excerpt ("…" at its end) of `whole`."""
    if not short or not whole or not short.endswith("…") or len(whole) <= len(short):
        return False
    start = short.rstrip(" .…")
    return whole.startswith(start[: max(len(start) - 1, 1)])


def _kept_text(review: Review, old: dict[str, Any]) -> bool:
    """Whether the stored text stays: the source shows none, or only an excerpt of it."""
    if not review.text_known:
        return True
    if review.truncated and old["text"] and review.text:
        # Compared as plain text: the excerpt's "…" sits inside its markup. The last character
        # may be cut mid-word, so it is left out.
        excerpt = review.text.rstrip(" .…")
        return bool(old["text"].startswith(excerpt[: max(len(excerpt) - 1, 1)]))
    return False


def save_review(
    batch: Batch, known: Known, review: Review, title: str | None, now: str
) -> tuple[Outcome, bool, str]:
    """Store the review (a new row, or what changed of its stored one); returns what saving did
    to it, whether it returned after a full crawl had marked it missing, and its stored id."""
    old = known.review(review, title)
    if old is None and review.only_text:
        # The whole text of a review the archive does not hold: nothing to complete.
        return "unchanged", False, review.id
    if old is not None and old["id"] != review.id:
        # Stored under another source's id: this source's id becomes one of its keys.
        review = replace(review, id=old["id"], keys=(review.id, *review.keys))
    row = dict(zip(_REVIEW_COLUMNS, _REVIEW_VALUES(review), strict=True))
    row |= zip(QUIET, map(_flag, _QUIET_VALUES(review)), strict=True)
    row |= _time_columns(review.when)
    if old is None:
        row["text_incomplete"] = 1 if review.truncated and review.text else None
        row |= {
            "film_title": title,
            "first_seen_at": now,
            "last_seen_at": now,
            "updated_at": now,
            "missing_count": 0,
        }
        if review.deleted:
            row |= {"missing_since": now, "deleted_at": now}
        batch.add(_insert("reviews", tuple(row)), tuple(row.values()))
        known.review_saved(review.id, (review.id, *review.keys))
        return "new", False, review.id
    filled = _merge(review, old, row)
    row["text_incomplete"] = _incomplete(review, old, row)
    edited = any(old[c] != row[c] for c in CONTENT if c not in filled)
    changed = edited or any(old[c] != row[c] for c in CONTENT)
    updates = {c: row[c] for c in (*CONTENT, *TIME) if old[c] != row[c]}
    updates |= {c: row[c] for c in QUIET if row[c] is not None and old[c] != row[c]}
    if old["text_incomplete"] != row["text_incomplete"]:
        updates["text_incomplete"] = row["text_incomplete"]
    if title and old["film_title"] != title:
        updates["film_title"] = title
    updates["last_seen_at"] = max(now, old["last_seen_at"] or now)
    returned = old["missing_since"] is not None and not review.deleted
    if review.deleted and old["deleted_at"] is None:
        updates |= {"missing_since": old["missing_since"] or now, "deleted_at": now}
    if returned:
        updates |= {"missing_since": None, "missing_count": 0, "deleted_at": None}
    if changed:
        updates["updated_at"] = now
    if edited:
        version = {c: old[c] for c in VERSIONED}
        version |= {"review_id": review.id, "seen_from": old["updated_at"], "replaced_at": now}
        batch.add(
            f"INSERT INTO review_versions ({_cols(version)}) VALUES ({_marks(version)})",
            tuple(version.values()),
        )
    assignments = ", ".join(f"{c} = ?" for c in updates)
    batch.add(f"UPDATE reviews SET {assignments} WHERE id = ?", (*updates.values(), review.id))
    known.review_saved(review.id, (review.id, *review.keys))
    outcome: Outcome = "changed" if edited else "completed" if changed else "unchanged"
    return outcome, returned, review.id


def _merge(review: Review, old: dict[str, Any], row: dict[str, Any]) -> set[str]:
    """Which source wins (see docs/sites.md, Letterboxd): adjust `row` in place so that
    what a source cannot show never erases what another one stored; return the columns whose
    change only fills a gap (completion, not an edit)."""
    if _kept_text(review, old):
        row |= {"text": old["text"], "text_original": old["text_original"]}
    if review.only_text:
        row |= {c: old[c] for c in CONTENT if c not in ("text", "text_original")}
        row["film_id"] = old["film_id"]
    if row["url"] is None:
        row["url"] = old["url"]  # a source that shows no link does not unlink the review
    if row["text"] == old["text"]:
        # The same words marked up differently (an export's plain paragraphs, a page's <p>s)
        # are not an edit: the stored original stays.
        row["text_original"] = old["text_original"]
    row |= _time_columns(
        timeparse.intersect(timeparse.from_row(*(old[c] for c in TIME)), review.when)
    )
    # Text or a link arriving where none was stored (a diary row, then its review from another
    # listing), or the whole text of a stored excerpt, completes the row: not an edit, and
    # there is nothing earlier worth keeping.
    filled = set()
    if old["text"] is None or _excerpt_of(old["text"], row["text"]):
        filled |= {"text", "text_original"}
    if old["text_original"] is not None and row["text_original"] == old["text_original"]:
        filled.add("text")  # the same words, cleaned anew by a better cleaner: not an edit
    if old["url"] is None:
        filled.add("url")
    return filled


def _incomplete(review: Review, old: dict[str, Any], row: dict[str, Any]) -> int | None:
    """Whether the stored text stays an excerpt awaiting its whole text: a source that shows
    the whole text (a feed, an export, the full-text fragment) settles it; one that shows no
    text, or only the excerpt of a text already kept, leaves it as it was."""
    if not review.text_known or row["text"] == old["text"] and not review.only_text:
        return old["text_incomplete"] if row["text"] is not None else None
    if review.truncated:
        return 1 if row["text"] else None
    return None


def _flag(value: object) -> object:
    return int(value) if isinstance(value, bool) else value


# Dates repeat across a file's rows; the returned dict is only ever read.
@lru_cache(maxsize=8192)
def _time_columns(when: timeparse.When) -> dict[str, Any]:
    return {
        "created_at": timeparse.to_iso(when.at),
        "created_at_earliest": timeparse.to_iso(when.earliest),
        "created_at_latest": timeparse.to_iso(when.latest),
        "created_at_precision": when.precision,
    }


def _cols(row: dict[str, Any]) -> str:
    return _joined(tuple(row))


def _marks(row: dict[str, Any]) -> str:
    return _questions(len(row))


# A page of an export makes the same few statements thousands of times.
@lru_cache(maxsize=256)
def _joined(columns: tuple[str, ...]) -> str:
    return ", ".join(columns)


@lru_cache(maxsize=64)
def _questions(count: int) -> str:
    return ", ".join("?" * count)
