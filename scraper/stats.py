"""Counts that summarise an archive: per site and profile, per rating, per year."""

from __future__ import annotations

import sqlite_utils


def summary(db: sqlite_utils.Database) -> dict:
    return {
        "profiles": list(
            db.query(
                "SELECT site, profile_id, count(*) AS reviews, count(text) AS with_text, "
                "round(avg(rating), 2) AS avg_rating FROM reviews WHERE deleted_at IS NULL "
                "GROUP BY site, profile_id ORDER BY reviews DESC"
            )
        ),
        "ratings": list(
            db.query(
                "SELECT round(rating / 2, 1) AS stars, count(*) AS reviews FROM reviews "
                "WHERE deleted_at IS NULL GROUP BY stars ORDER BY stars"
            )
        ),
        "years": list(
            db.query(
                "SELECT year_reviewed AS year, sum(reviews) AS reviews FROM reviews_per_year "
                "GROUP BY year_reviewed ORDER BY year_reviewed"
            )
        ),
    }


def render(stats: dict, width: int = 40) -> str:
    """The summary as tables a person reads in a terminal, histograms drawn with bars."""
    lines = ["Reviews per profile"]
    for row in stats["profiles"]:
        who = row["profile_id"] or "(reviewers with no profile id)"
        average = "-" if row["avg_rating"] is None else row["avg_rating"]
        lines.append(
            f"  {who:<50} {row['reviews']:>7}  ({row['with_text']} with text, average {average}/10)"
        )
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


def _bars(pairs: list[tuple[str, int]], width: int) -> list[str]:
    top = max((count for _, count in pairs), default=0) or 1
    return [
        f"  {label:>7} {count:>7} {'█' * max(1, round(count * width / top))}"
        for label, count in pairs
    ]
