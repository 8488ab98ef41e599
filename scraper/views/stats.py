"""What an archive says of itself: the counts that summarise it (per site and profile, per
rating, per year; `scrape stats`) and how its runs went (`scrape status`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scraper.store import lock, runs
from scraper.store.schema import open_archive
from scraper.store.sql_views import FILM_RATING, FOLDED

if TYPE_CHECKING:
    import sqlite_utils

    from scraper.store.reader import Reader

# A film's page (Letterboxd's film reviews, an IMDb title's reviews, a Metacritic or Rotten
# Tomatoes product page) brings along one review from each of many strangers. They are told
# from the people archived on purpose by what the archive knows of them: never a crawl's target
# (no profile_runs row) nor the owner of a fetched or imported page, one review, and that review
# shares its film with someone else's, as reviews read off one film's page do.
PROFILES_SQL = (
    """
WITH per AS (
    SELECT site, profile_id, count(*) AS reviews, count(text) AS with_text,
           round(avg("""
    + FILM_RATING.format(r="reviews.")
    + """), 2) AS avg_rating,
           min(film_id) AS film_id
    FROM reviews WHERE deleted_at IS NULL AND NOT """
    + FOLDED.format(r="reviews.")
    + """
    GROUP BY site, profile_id
), owners AS (
    SELECT profile_id FROM profile_runs WHERE profile_id IS NOT NULL
    UNION SELECT profile_id FROM fetches WHERE profile_id IS NOT NULL
    UNION SELECT keep_profile FROM fetches WHERE keep_profile IS NOT NULL
)
SELECT site, profile_id, reviews, with_text, avg_rating,
       (reviews = 1 AND profile_id IS NOT NULL
        AND profile_id NOT IN (SELECT profile_id FROM owners)
        AND EXISTS (SELECT 1 FROM reviews o WHERE o.film_id = per.film_id
                    AND o.deleted_at IS NULL AND o.profile_id IS NOT per.profile_id))
           AS from_film_pages
FROM per ORDER BY reviews DESC, site, profile_id
"""
)

# The widest profile column; longer ids (Rotten Tomatoes' 100-character handles) are shortened
# in the middle, where an id says least: its site and its end tell profiles apart.
PROFILE_WIDTH = 48


def summary_of(path: Path) -> dict[str, Any]:
    """summary, of the archive at `path` read-only."""
    return summary(open_archive(path, write=False))


def summary(db: sqlite_utils.Database | Reader) -> dict[str, Any]:
    """Every profile (each marked whether it is a stranger from film pages), the ratings
    histogram and reviews per year."""
    return {
        "profiles": [
            row | {"from_film_pages": bool(row["from_film_pages"])}
            for row in db.query(PROFILES_SQL)
        ],
        "ratings": list(
            db.query(
                f"SELECT round({FILM_RATING.format(r='reviews.')} / 2, 1) AS stars, "
                "count(*) AS reviews FROM reviews "
                f"WHERE deleted_at IS NULL AND NOT {FOLDED.format(r='reviews.')} "
                "GROUP BY stars ORDER BY stars"
            )
        ),
        "years": list(
            db.query(
                "SELECT year_reviewed AS year, sum(reviews) AS reviews FROM reviews_per_year "
                "GROUP BY year_reviewed ORDER BY year_reviewed"
            )
        ),
    }


def render(stats: dict[str, Any], width: int = 40) -> str:
    """The summary as tables a person reads in a terminal, histograms drawn with bars."""
    lines = ["Reviews per profile"]
    listed = [row for row in stats["profiles"] if not row.get("from_film_pages")]
    strangers = len(stats["profiles"]) - len(listed)
    names = [row["profile_id"] or "(reviewers with no profile id)" for row in listed]
    column = min(max(map(len, names), default=0), PROFILE_WIDTH)
    for who, row in zip(names, listed, strict=True):
        # No average for a profile with no 0-10 rating (a critic's sentiments only).
        average = "" if row["avg_rating"] is None else f", average {row['avg_rating']}/10"
        lines.append(
            f"  {shorten_middle(who, column):<{column}} {row['reviews']:>7}  "
            f"({row['with_text']} with text{average})"
        )
    if strangers:
        other = " other" if listed else ""
        each = "1 review each" if strangers > 1 else "1 review"
        s = "s" if strangers > 1 else ""
        lines.append(f"  + {strangers}{other} reviewer{s} with {each} (from film pages)")
    lines += ["", "Ratings (stars out of 5)"]
    lines += _bars(
        [
            ("none" if r["stars"] is None else f"{r['stars']:g}", r["reviews"])
            for r in stats["ratings"]
        ],
        width,
    )
    lines += ["", "Reviews per year"]
    lines += _bars([(r["year"] or "unknown", r["reviews"]) for r in stats["years"]], width)
    return "\n".join(lines)


def shorten_middle(text: str, width: int) -> str:
    """`text` in at most `width` characters: its start and end, an ellipsis between."""
    if len(text) <= width:
        return text
    head = width // 2
    tail = width - 1 - head
    return f"{text[:head]}…{text[len(text) - tail :]}"


def _bars(pairs: list[tuple[str, int]], width: int) -> list[str]:
    top = max((count for _, count in pairs), default=0) or 1
    return [
        f"  {label:>7} {count:>7} {'█' * max(1, round(count * width / top))}"
        for label, count in pairs
    ]


@dataclass(frozen=True, slots=True)
class Status:
    # runs.report's, with "writer": the lock's holder as JSON (None when no run holds it).
    report: dict[str, Any]
    writer: lock.Holder | None

    @property
    def failing(self) -> bool:
        """A profile's last run did not succeed, or the run writing now is stuck."""
        return bool(self.report["failing"] or (self.writer and self.writer.stuck))


def status(path: Path, *, limit: int = 10) -> Status:
    writer = lock.holder(path)
    # A run past its time limit is stuck, not in progress: its profiles count as failing.
    report = runs.report(
        open_archive(path, write=False), limit=limit, writing=bool(writer and not writer.stuck)
    )
    report["writer"] = writer and {
        "pid": writer.pid,
        "started": writer.started and writer.started.isoformat(),
        "until": writer.until and writer.until.isoformat(),
        "stuck": writer.stuck,
    }
    return Status(report, writer)
