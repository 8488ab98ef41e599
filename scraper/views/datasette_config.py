"""How the archive presents itself in Datasette: titles, descriptions with units, facets, sort
order, the search box and canned queries. Declared once here, and written out two ways:

- Datasette 0.65 reads all of it from one metadata file (config/datasette-metadata.json);
- Datasette 1.x keeps titles and descriptions in metadata (config/datasette-1-metadata.json)
  and facets, sorting, search and canned queries in a config file (config/datasette.yaml,
  written as JSON, which YAML reads).

`scrape serve` writes the pair its installed Datasette wants, for whatever the archive file is
called; the shipped files are for an archive named archive.db."""

from __future__ import annotations

import json
from typing import Any

SEARCH = {"fts_table": "reviews_fts"}
RATING = "0 to 10 (3.5 stars = 7.0; B+ = 7.5; 3/4 = 7.5); empty when the site showed none"
DATE = "ISO 8601, UTC; the best estimate (see date_precision and the bounds)"

TABLES: dict[str, dict[str, Any]] = {
    "review_list": {
        "title": "Reviews",
        "description": "One row per review or rating, newest first, with its film. Search "
        "looks in review text and film titles.",
        **SEARCH,
        "fts_pk": "review_rowid",
        "sort_desc": "date",
        "facets": ["site", "year_reviewed", "stars", "kind", "status"],
        # Short facet lists, so that the first reviews show without scrolling.
        "facet_size": 6,
        "label_column": "film",
        "columns": {
            "film": "Film or TV season title",
            "year": "Release year of the film (empty where the source does not say)",
            "rating_shown": "The rating as the site shows it: 3.5/5, B+, 3/4, fresh",
            "rating": f"Rating on a scale of {RATING}",
            "stars": "The rating on a 0.5 to 5 star scale (rating / 2), as text",
            "sentiment": "fresh or rotten, for critics",
            "text": "The review as plain text (HTML removed, mojibake repaired)",
            "date": f"When the review was written: {DATE}; empty when only date_latest is "
            "known (an age like '2 years ago' in a saved page imported without --captured-at)",
            "year_reviewed": "The year the review was written (empty when unknown, as date)",
            "date_precision": "exact (a timestamp), day (a calendar date) or relative "
            "('5 years ago', narrowed over runs)",
            "date_earliest": "The earliest the review can have been written (UTC)",
            "date_latest": "The latest the review can have been written (UTC)",
            "status": "current; missing (a full crawl did not find it); deleted (missing twice)",
            "review_rowid": "Internal row number (links the search index)",
        },
    },
    "reviews": {
        "description": "The archived reviews as stored; review_list is the readable view.",
        **SEARCH,
        "sort_desc": "created_at",
        "label_column": "film_title",
        "facets": ["site", "created_at_precision"],
        "columns": {
            "rating": f"Rating on a scale of {RATING}",
            "rating_raw": "The rating as the site shows it",
            "text": "Plain text for reading and search",
            "text_original": "The text exactly as the site gave it",
            "created_at": DATE,
            "created_at_earliest": "Lower bound of created_at (UTC)",
            "created_at_latest": "Upper bound of created_at (UTC)",
            "missing_since": "When a full crawl first no longer found it",
            "deleted_at": "When it was missing from two full crawls in a row",
        },
    },
    "films": {
        "description": "Films and TV seasons, keyed by site and the site's own page path.",
        "label_column": "title",
        "facets": ["site", "kind", "year"],
    },
    "profiles": {
        "description": "The people whose reviews are archived.",
        "label_column": "display_name",
    },
    "reviews_per_year": {
        "title": "Reviews per year",
        "description": "How many reviews each person wrote each year, and "
        f"their average rating ({RATING}).",
    },
    "reviews_per_rating": {
        "title": "Reviews per rating",
        "description": "How often each rating was given (0-10 scale, and stars).",
    },
    "changed_reviews": {
        "title": "Changed reviews",
        "description": "Reviews edited on the site: the previous text and "
        "rating beside the current ones.",
        "sort_desc": "replaced_at",
    },
    "deleted_reviews": {
        "title": "Deleted reviews",
        "description": "Reviews a full crawl no longer found. Nothing is "
        "deleted from the archive; deleted_at is set after two such crawls.",
    },
    "films_across_sites": {
        "title": "Films across sites",
        "description": "The same film rated on several sites. match_kind id: "
        "joined by an IMDb or TMDB id; title: by title (ignoring case) and release year.",
    },
    "film_links": {
        "title": "Film links",
        "description": "Every name a film goes by: site keys, IMDb/TMDB ids, title + year.",
    },
    "list_films": {
        "title": "Lists",
        "description": "The films on each list a person made (Letterboxd's export), in the "
        "list's order, with their notes. Facet by list.",
        "facets": ["list", "status", "person"],
        "label_column": "film",
        "columns": {
            "position": "The film's place on the list",
            "notes": "What the list says of the film",
            "status": "current; removed (a later export of the list no longer has the film); "
            "list deleted (the member deleted the list); list removed (a later export has no "
            "such list)",
            "last_captured_at": "When the newest export that had the film on the list was made",
        },
    },
    "list_summary": {
        "title": "Lists, one row each",
        "description": "Each list with its description and how many films it has now.",
        "facets": ["status", "person"],
        "label_column": "list",
    },
    "watchlist_films": {
        "title": "Watchlist",
        "description": "The films on a person's watchlist (Letterboxd's export), latest added "
        "first.",
        "facets": ["status", "person", "year"],
        "sort_desc": "added_on",
        "label_column": "film",
        "columns": {
            "added_on": "The day the film was added to the watchlist",
            "status": "current; removed (a later export's watchlist no longer has it: watched, "
            "or taken off)",
        },
    },
    "lists": {
        "description": "The lists as stored (list_summary is the readable view), keyed by the "
        "site's own link to each.",
        "label_column": "name",
    },
    "list_entries": {"description": "The films on each list as stored (see list_films)."},
    "watchlist": {"description": "The watchlist as stored (see watchlist_films)."},
    "review_keys": {"hidden": True},
    "raw_pages": {"hidden": True},
    "fetches": {"description": "Every page fetched and parsed, with its raw body's sha256."},
    "runs": {"description": "Every run of scrape on this archive.", "sort_desc": "id"},
    "profile_runs": {
        "description": "Each profile in each run: full or incremental, and what it found.",
        "sort_desc": "id",
    },
    "checkpoints": {
        "description": "Where a refusal stopped a profile's crawl part-way: its next run "
        "reads on from there first."
    },
}

# A search term as FTS5 terms: each word quoted (a stray " doubled), so that no input is an
# FTS5 syntax error; words are ANDed, as in Datasette's own search box.
FTS_TERMS = (
    """'"' || replace(replace(replace(trim(:q), '"', '""'), '  ', ' '), ' ', '" "') || '"'"""
)
# Canned queries treat an empty (or absent) parameter as "no filter".
EMPTY = "trim(coalesce(:{name}, '')) = ''"
# A rating bound a reader typed that is no plain number (abc, 7,5, 1e1): SQLite's CAST reads
# it as 0, which silently matched every rating; such a bound matches nothing and the answer is
# one row whose film says why.
NUMBER_OR_EMPTY = (
    "(trim(coalesce(:{name}, '')) = '' OR (trim(:{name}) NOT GLOB '*[^0-9.]*' "
    "AND trim(:{name}) GLOB '*[0-9]*' AND trim(:{name}) NOT GLOB '*.*.*'))"
)


def _bad_bound(name: str, columns: int) -> str:
    said = f"'{name} ' || quote(substr(trim(:{name}), 1, 40)) || ' is not a number: give a "
    said += "rating from 0 to 10 (3.5 stars = 7), or leave it empty'"
    nulls = ", NULL" * (columns - 1)
    return f"SELECT {said} AS film{nulls} WHERE NOT {NUMBER_OR_EMPTY.format(name=name)}"


# Hidden by the reading room; there to link the film to its review and the person to theirs.
LINKS = "review_rowid, profile_id"

QUERIES = {
    "recent_reviews": {
        "title": "Recent reviews",
        "description": "What was written last: the 100 most recent reviews and ratings, "
        "newest first.",
        "sql": "SELECT film, year, stars, date, reviewer, text, rating_shown, site, "
        f"{LINKS} FROM review_list WHERE status != 'deleted' ORDER BY date DESC LIMIT 100",
    },
    "search_by_rating": {
        "title": "Search reviews within a rating range",
        "description": "Which reviews mention these words and were rated within this range? "
        "Words are searched in film titles and review text; ratings are on the 0-10 scale "
        "(3.5 stars = 7). Leave any field empty for no limit; a bound that is no number "
        "(abc) matches nothing, and the one row says so.",
        "sql": "SELECT film, year, stars, date, reviewer, text, rating_shown, rating, site, "
        f"{LINKS} FROM review_list WHERE status != 'deleted' "
        f"AND ({EMPTY.format(name='q')} OR review_rowid IN "
        f"(SELECT rowid FROM reviews_fts WHERE reviews_fts MATCH {FTS_TERMS})) "
        f"AND ({EMPTY.format(name='min_rating')} OR rating >= CAST(:min_rating AS REAL)) "
        f"AND ({EMPTY.format(name='max_rating')} OR rating <= CAST(:max_rating AS REAL)) "
        f"AND {NUMBER_OR_EMPTY.format(name='min_rating')} "
        f"AND {NUMBER_OR_EMPTY.format(name='max_rating')} "
        f"UNION ALL {_bad_bound('min_rating', 11)} UNION ALL {_bad_bound('max_rating', 11)} "
        "ORDER BY date DESC LIMIT 200",
    },
    "changed": {
        "title": "Reviews that changed",
        "description": "Which reviews were edited on the site after they were archived, "
        "latest edit first, with the text before and after.",
        "sql": "SELECT * FROM changed_reviews ORDER BY replaced_at DESC",
    },
    "year_in_review": {
        "title": "What a year looked like",
        "description": "What did I review in a given year (e.g. 2019), best rated first? "
        "Leave the year empty for every year.",
        "sql": "SELECT film, year, stars, date, reviewer, text, rating_shown, site, "
        f"{LINKS} FROM review_list WHERE status != 'deleted' "
        f"AND ({EMPTY.format(name='year')} OR year_reviewed = trim(:year)) "
        "ORDER BY rating IS NULL, rating DESC, date",
    },
}


# Table settings that Datasette 1.x reads from its config file rather than from metadata.
CONFIG_KEYS = {
    "sort",
    "sort_desc",
    "facets",
    "label_column",
    "fts_table",
    "fts_pk",
    "hidden",
    "size",
    "searchmode",
    "facet_size",
}
TITLE = {
    "title": "Film reviews archive",
    "description": "Reviews and ratings backed up from review sites by scrape. Start with "
    "Reviews (review_list): search it, or facet by site, year and stars.",
}
# Long cells are cut (the reading room folds review text itself); facets are the declared ones
# only: the suggestions (liked_on, first_seen_at, ...) pushed the reviews below the fold.
SETTINGS = {"truncate_cells_html": 400, "suggest_facets": False}


def setting_args() -> list[str]:
    """SETTINGS as Datasette 0.65 takes them on its command line (1.x reads its config file)."""
    args = []
    for name, value in SETTINGS.items():
        shown = ("on" if value else "off") if isinstance(value, bool) else str(value)
        args += ["--setting", name, shown]
    return args


def installed_major() -> int:
    """The installed Datasette's major version (0 without one), read without importing it:
    Datasette's import takes a second, and importlib.metadata's is left to the commands that
    ask (scrape's quick commands stay light)."""
    import importlib.metadata

    try:
        return int(importlib.metadata.version("datasette").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return 0


def metadata(database: str = "archive") -> dict[str, Any]:
    """Datasette 0.65 metadata (everything) for an archive Datasette calls `database`."""
    return TITLE | {"databases": {database: {"tables": TABLES, "queries": QUERIES}}}


def metadata_1x(database: str = "archive") -> dict[str, Any]:
    """Datasette 1.x metadata: only what describes the tables."""
    tables = {
        name: {k: v for k, v in spec.items() if k not in CONFIG_KEYS}
        for name, spec in TABLES.items()
    }
    return TITLE | {"databases": {database: {"tables": {k: v for k, v in tables.items() if v}}}}


def config_1x(database: str = "archive") -> dict[str, Any]:
    """Datasette 1.x configuration: how tables behave, canned queries, settings."""
    tables = {
        name: {k: v for k, v in spec.items() if k in CONFIG_KEYS} for name, spec in TABLES.items()
    }
    return {
        "settings": SETTINGS,
        "databases": {
            database: {"tables": {k: v for k, v in tables.items() if v}, "queries": QUERIES}
        },
    }


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def files_for(major: int, database: str) -> dict[str, str]:
    """{"metadata": text, and for 1.x "config": text} for a Datasette `major` version."""
    if major >= 1:
        return {"metadata": as_json(metadata_1x(database)), "config": as_json(config_1x(database))}
    return {"metadata": as_json(metadata(database))}


def shipped() -> dict[str, str]:
    """The files in config/, by their names there, for an archive called archive.db."""
    return {
        "datasette-metadata.json": as_json(metadata()),
        "datasette-1-metadata.json": as_json(metadata_1x()),
        "datasette.yaml": as_json(config_1x()),
    }
