"""What the reading room's own pages show, read from the archive's views: one review with its
earlier versions, a person's counts and latest reviews, and the data of each chart.

Every function takes a Datasette Database and awaits its `execute`, so the pages read the file
the way the rest of Datasette does (read-only, on its thread pool)."""

from __future__ import annotations

from typing import Any

from scraper.store.sql_views import SHORT_HANDLE, SHORT_NAME
from scraper.wording import half_stars

# Half-star buckets of the 0-10 scale: 0.5 stars is bucket 1, 5 stars bucket 10.
BUCKETS = range(1, 11)
LIVE = "status != 'deleted'"
# Only well-formed years count in a chart (an axis from year 1 would be 2,000 bars wide).
YEAR = "[12][0-9][0-9][0-9]"


async def rows(db: Any, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    result = await db.execute(sql, params or {})
    return [dict(row) for row in result.rows]


async def review(db: Any, rowid: int) -> dict[str, Any] | None:
    found = await rows(db, "SELECT * FROM review_list WHERE review_rowid = :r", {"r": rowid})
    if not found:
        return None
    page = found[0]
    page["versions"] = await rows(
        db,
        "SELECT replaced_at, rating_raw, rating, text, seen_from FROM review_versions "
        "WHERE review_id = :id ORDER BY replaced_at DESC",
        {"id": page["id"]},
    )
    return page


async def person(db: Any, profile_id: str) -> dict[str, Any] | None:
    found = await rows(
        db,
        f"SELECT *, {SHORT_NAME.format(p='')} AS name, {SHORT_HANDLE.format(p='')} AS "
        "short_handle FROM profiles WHERE id = :p",
        {"p": profile_id},
    )
    if not found:
        return None
    page = found[0]
    where = f"profile_id = :p AND {LIVE}"
    page["counts"] = (
        await rows(
            db,
            "SELECT count(*) AS entries, count(text) AS with_text, count(rating) AS rated, "
            "count(DISTINCT film_id) AS films, min(date) AS first, max(date) AS last "
            f"FROM review_list WHERE {where}",
            {"p": profile_id},
        )
    )[0]
    page["latest"] = await rows(
        db,
        "SELECT review_rowid, film, year, stars, rating_shown, date, text FROM review_list "
        f"WHERE {where} ORDER BY date IS NULL, date DESC LIMIT 20",
        {"p": profile_id},
    )
    return page


async def people(db: Any) -> list[dict[str, Any]]:
    return await rows(
        db,
        f"SELECT p.id, p.site, {SHORT_NAME.format(p='p.')} AS name, "
        "count(l.review_rowid) AS entries, count(l.text) AS with_text, max(l.date) AS last "
        f"FROM profiles p LEFT JOIN review_list l ON l.profile_id = p.id AND l.{LIVE} "
        "GROUP BY p.id ORDER BY entries DESC, name",
    )


async def charts(db: Any, profile_id: str | None = None) -> dict[str, dict[str, Any]]:
    """Chart specs (labels, datasets) for the rating distribution, reviews per year by site,
    and the month-by-month timeline; one person's when `profile_id` is given."""
    where = LIVE + (" AND profile_id = :p" if profile_id else "")
    params = {"p": profile_id} if profile_id else {}
    ratings = await rows(
        db,
        "SELECT CAST(round(rating) AS INTEGER) AS bucket, count(*) AS n FROM review_list "
        f"WHERE {where} AND rating IS NOT NULL GROUP BY bucket",
        params,
    )
    counted = {r["bucket"]: r["n"] for r in ratings}
    per_year = await rows(
        db,
        "SELECT year_reviewed AS reviewed, site, count(*) AS n FROM review_list "
        f"WHERE {where} AND year_reviewed GLOB '{YEAR}' GROUP BY reviewed, site ORDER BY reviewed",
        params,
    )
    months = await rows(
        db,
        "SELECT substr(date, 1, 7) AS month, count(*) AS n FROM review_list "
        f"WHERE {where} AND date GLOB '{YEAR}-[01][0-9]*' GROUP BY month ORDER BY month",
        params,
    )
    return {
        "ratings": {
            "type": "bar",
            "title": "Ratings given",
            "labels": [half_stars(b) for b in BUCKETS],
            "datasets": [
                {"label": "reviews", "data": [counted.get(b, 0) for b in BUCKETS]},
            ],
        },
        "years": _by_site("Reviews per year", per_year),
        "timeline": {
            "type": "line",
            "title": "When reviews were written, month by month",
            "labels": _every_month(months),
            "datasets": [{"label": "reviews", "data": _filled_months(months)}],
        },
    }


def _by_site(title: str, counts: list[dict[str, Any]]) -> dict[str, Any]:
    if counts:
        first, last = int(counts[0]["reviewed"]), int(counts[-1]["reviewed"])
        years = [str(y) for y in range(first, last + 1)]
    else:
        years = []
    sites = sorted({c["site"] for c in counts})
    table = {(c["reviewed"], c["site"]): c["n"] for c in counts}
    return {
        "type": "bar",
        "stacked": True,
        "title": title,
        "labels": years,
        "datasets": [
            {"label": site, "data": [table.get((y, site), 0) for y in years]} for site in sites
        ],
    }


def _every_month(months: list[dict[str, Any]]) -> list[str]:
    """Every month from the first to the last (a gap is a month of no reviews, not skipped)."""
    if not months:
        return []
    year, month = map(int, months[0]["month"].split("-"))
    last = months[-1]["month"]
    labels = []
    while True:
        label = f"{year:04d}-{month:02d}"
        labels.append(label)
        if label >= last:
            return labels
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _filled_months(months: list[dict[str, Any]]) -> list[int]:
    counted = {m["month"]: m["n"] for m in months}
    return [counted.get(label, 0) for label in _every_month(months)]


async def listed(db: Any) -> dict[str, int]:
    """How many lists and watchlist films are current (none in an archive made before them,
    whose views a read-only serve cannot add)."""
    views = await db.view_names()
    if not {"list_summary", "watchlist_films"} <= set(views):
        return {"lists": 0, "watchlist": 0}
    found = await rows(
        db,
        "SELECT (SELECT count(*) FROM list_summary WHERE status = 'current') AS lists, "
        "(SELECT count(*) FROM watchlist_films WHERE status = 'current') AS watchlist",
    )
    return dict(found[0])
