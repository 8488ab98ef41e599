"""Reviews out of the archive as JSON lines, CSV, or the CSV Letterboxd's importer reads; the
films on lists and watchlists as JSON lines or CSV.

Rows are streamed from one query, so memory stays flat however long the history is, and the
columns come in a fixed order so exports diff cleanly from one night to the next.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scraper import timeparse
from scraper.errors import ScrapeError, UsageError

if TYPE_CHECKING:
    import sqlite_utils

    from scraper.store.reader import Reader

COLUMNS = (
    "id",
    "site",
    "profile_id",
    "reviewer",
    "film",
    "year",
    "kind",
    "rating_shown",
    "rating",
    "stars",
    "sentiment",
    "text",
    "date",
    "date_precision",
    "date_earliest",
    "date_latest",
    "status",
    "publication",
    "film_url",
    "review_url",
    "watched_on",
    "liked",
    "liked_on",
    # 1 for a watched mark: a film the person saw, with no rating or words.
    "watched_only",
)
# Letterboxd's import format, as its "Importing data" page documents it
# (https://letterboxd.com/about/importing-data/; tools that write it in 2025-26 emit the same
# header): a film named by LetterboxdURI (a letterboxd.com or boxd.it film link), tmdbID or
# imdbID where known, else by Title and Year; Rating on 0.5-5 in half stars and Rating10 on
# 1-10; WatchedDate (YYYY-MM-DD) makes a diary entry, so only a known watched day fills it.
# Directors is left out: the archive does not hold them. TMDb ids are not archived either.
LETTERBOXD = (
    "LetterboxdURI",
    "tmdbID",
    "imdbID",
    "Title",
    "Year",
    "Rating",
    "Rating10",
    "WatchedDate",
    "Rewatch",
    "Tags",
    "Review",
)
# What the Letterboxd format reads beside COLUMNS (rows(..., ids=True)).
IDS = """, (SELECT substr(k.key, 6) FROM film_links k WHERE k.film_id = l.film_id
    AND k.key GLOB 'imdb:tt[0-9]*' LIMIT 1) AS imdb_id,
    (SELECT r2.rewatch FROM reviews r2 WHERE r2.id = l.id) AS rewatch"""
_LETTERBOXD_FILM = re.compile(r"^https://(?:letterboxd\.com/film/[^/]+/|boxd\.it/[A-Za-z0-9]+)$")
# The films on people's lists, in each list's order, and on their watchlists (Letterboxd's
# export): their own exports, in jsonl or csv.
LISTED = {
    "lists": (
        "list_films",
        (
            "list",
            "position",
            "film",
            "year",
            "notes",
            "status",
            "person",
            "site",
            "film_url",
            "list_url",
            "profile_id",
            "list_id",
            "film_id",
        ),
        "profile_id, list, position IS NULL, position, film",
    ),
    "watchlist": (
        "watchlist_films",
        (
            "film",
            "year",
            "added_on",
            "status",
            "person",
            "site",
            "film_url",
            "profile_id",
            "film_id",
        ),
        "profile_id, added_on, film",
    ),
}
WHAT = ("reviews", *LISTED)
FORMATS = ("jsonl", "csv", "letterboxd", "markdown", "html")
# Formats written as a folder of files (markdown_export.py, static_site.py), not as a stream.
FOLDER_FORMATS = ("markdown", "html")
# The files SQLite and scrape keep beside an archive (ARCHIVE-journal, ...).
COMPANIONS = ("-journal", "-wal", "-shm", ".lock")


def rows(
    db: sqlite_utils.Database | Reader,
    *,
    site: str | None = None,
    profile: str | None = None,
    since: datetime | None = None,
    only: str | None = None,
    current: bool = False,
    original: bool = False,
    ids: bool = False,
) -> Iterator[dict[str, Any]]:
    """Every archived review (deleted ones too: see `status`), oldest first, filtered as asked:
    `only` "reviews" (with text) or "ratings" (without), `current` leaves deleted ones out,
    `original` adds `text_original`, the text as the site gave it (HTML where it gave HTML),
    `ids` the film's IMDb id and the rewatch flag (for the Letterboxd format)."""
    columns = ", ".join(f"l.{c}" for c in COLUMNS) + (IDS if ids else "")
    source = "review_list l"
    if original:
        columns += ", r.text_original"
        source += " JOIN reviews r ON r.id = l.id"
    sql = (
        f"SELECT {columns} FROM {source} WHERE "
        "(:site IS NULL OR l.site = :site) AND (:profile IS NULL OR l.profile_id = :profile) "
        "AND (:since IS NULL OR l.date >= :since) AND (:current = 0 OR l.status != 'deleted') "
        "AND (:only IS NULL OR (:only = 'reviews') = (coalesce(l.text, '') != '')) "
        "ORDER BY l.date, l.id"
    )
    yield from db.query(
        sql,
        {
            "site": site,
            "profile": profile,
            "since": timeparse.to_iso(since) if since else None,
            "only": only,
            "current": int(current),
        },
    )


def listed_rows(
    db: sqlite_utils.Database | Reader,
    what: str,
    *,
    site: str | None = None,
    profile: str | None = None,
) -> tuple[tuple[str, ...], Iterator[dict[str, Any]]]:
    """The columns of `what` ("lists" or "watchlist": LISTED) and its rows, removed ones too
    (see `status`), in a fixed order."""
    view, columns, order = LISTED[what]
    sql = (
        f"SELECT {', '.join(columns)} FROM {view} WHERE (:site IS NULL OR site = :site) "
        f"AND (:profile IS NULL OR profile_id = :profile) ORDER BY {order}"
    )
    return columns, db.query(sql, {"site": site, "profile": profile})


def check_output(output: Path, archive: Path) -> None:
    """Refuse to write over the archive itself or one of its companion files: SQLite takes a
    file beside the archive with one of these names for its own (a rollback journal there is
    played back into the archive, or makes every reader fail)."""
    target = output.expanduser().resolve()
    base = archive.expanduser().resolve()
    own = {base, *(base.with_name(base.name + suffix) for suffix in COMPANIONS)}
    if target in own:
        raise UsageError(f"-o {output} is the archive (or one of its files); choose another path")


def write_file(
    records: Iterator[dict[str, Any]],
    output: Path,
    fmt: str,
    columns: tuple[str, ...] = COLUMNS,
) -> int:
    """Write to a temporary file beside `output`, then move it into place: a failed export
    leaves whatever was at `output` as it was."""
    target = output.expanduser()
    if target.exists() and not target.is_file():
        # A device or a pipe (/dev/stdout, a fifo): written in place; never replaced.
        try:
            with target.open("w", encoding="utf-8", newline="") as stream:
                return write(records, stream, fmt, columns)
        except OSError as exc:
            raise ScrapeError(f"-o {output}: cannot write it ({exc.strerror})") from None
    folder = target.resolve().parent
    try:
        # Closed by the `with` below, before it is renamed; kept past it on purpose.
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w", encoding="utf-8", newline="", dir=folder, prefix=".scrape-export-", delete=False
        )
    except OSError as exc:
        raise UsageError(f"-o {output}: cannot write in {folder} ({exc.strerror})") from None
    try:
        with handle:
            count = write(records, handle, fmt, columns)
        os.replace(handle.name, target)
    except OSError as exc:
        Path(handle.name).unlink(missing_ok=True)
        raise ScrapeError(
            f"-o {output}: cannot write it ({exc.strerror}); left as it was"
        ) from None
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return count


def write(
    records: Iterator[dict[str, Any]], out: IO[str], fmt: str, columns: tuple[str, ...] = COLUMNS
) -> int:
    """Write `records` (of `columns`) in `fmt` to `out`; returns how many were written."""
    if fmt == "jsonl":
        numbered = (_stars_as_number(r) for r in records)
        return _count(out.write(json.dumps(r, ensure_ascii=False) + "\n") for r in numbered)
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        return _count(writer.writerow(r) for r in records)
    writer = csv.DictWriter(out, fieldnames=LETTERBOXD, lineterminator="\n")
    writer.writeheader()
    # Letterboxd gets what is on the reviewer's profile today: not reviews deleted since.
    current = (letterboxd_row(r) for r in records if r["status"] != "deleted")
    return _count(writer.writerow(r) for r in current)


def _stars_as_number(record: dict[str, Any]) -> dict[str, Any]:
    """The view's stars are text ("3.5", for Datasette's facets); JSON has numbers, as for
    rating. CSV keeps the view's text: it has no types to give."""
    if isinstance(record.get("stars"), str):
        record["stars"] = float(record["stars"])
    return record


def letterboxd_row(record: dict[str, Any]) -> dict[str, Any]:
    rating = record["rating"]
    # 0-10 to Letterboxd's half stars, halves rounded up (4.5 -> 5 halves, 2.5 stars; Python's
    # round() would give 2): anything below half a star becomes half a star.
    halves = min(10, max(1, math.floor(rating + 0.5))) if rating is not None else None
    film_url = record.get("film_url") or ""
    return {
        "LetterboxdURI": film_url if _LETTERBOXD_FILM.match(film_url) else "",
        "tmdbID": "",
        "imdbID": record.get("imdb_id") or "",
        "Title": record["film"],
        "Year": record["year"] or "",
        "Rating": f"{halves / 2:g}" if halves else "",
        "Rating10": halves or "",
        # The day the film was watched (a diary's): a review's own date is when it was
        # written, and would put a diary entry on a day nobody watched it.
        "WatchedDate": (record.get("watched_on") or "")[:10],
        "Rewatch": "true" if record.get("rewatch") else "",
        "Tags": "",
        "Review": record["text"] or "",
    }


def _count(writes: Iterator[object]) -> int:
    """Run the writes one by one (never all in memory) and say how many there were."""
    return sum(1 for _ in writes)
