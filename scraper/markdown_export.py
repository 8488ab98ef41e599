"""Reviews as Markdown files with YAML front matter, for a static site generator (Hugo, Jekyll,
Eleventy read the front matter as is): one file a review, named stably, rewritten only when its
review changed, and never a file this export did not write deleted.

The files this export wrote are listed in DIR/.scrape-export.json: --prune removes those whose
review is no longer in the export set, and nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from markdownify import markdownify

from scraper.export import COLUMNS
from scraper.export_files import Written, make_folder, save_manifest, write_if_changed

if TYPE_CHECKING:
    import sqlite_utils

    from scraper.reader import Reader

_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def records(
    db: sqlite_utils.Database | Reader,
    *,
    site: str | None = None,
    profile: str | None = None,
    since: str | None = None,
    only: str | None = None,
) -> Iterator[dict[str, Any]]:
    """The export's rows with the text as the site gave it (HTML where it gave HTML); deleted
    reviews left out; `only` "reviews" (with text) or "ratings" (without)."""
    sql = (
        f"SELECT {', '.join('l.' + c for c in COLUMNS)}, r.text_original "
        "FROM review_list l JOIN reviews r ON r.id = l.id WHERE l.status != 'deleted' "
        "AND (:site IS NULL OR l.site = :site) AND (:profile IS NULL OR l.profile_id = :profile) "
        "AND (:since IS NULL OR l.date >= :since) "
        "AND (:only IS NULL OR (:only = 'reviews') = (coalesce(r.text_original, '') != '')) "
        "ORDER BY l.date, l.id"
    )
    yield from db.query(sql, {"site": site, "profile": profile, "since": since, "only": only})


def write_folder(rows: Iterator[dict[str, Any]], folder: Path, *, prune: bool = False) -> Written:
    """Write one file per row into `folder` (made if missing), only where its content changed."""
    make_folder(folder)
    entries = [(row, _base_name(row)) for row in rows]
    # A name two reviews would share (the same film and day) is told apart by the review's id.
    shared = Counter(name for _, name in entries)
    done = Written(reviews=len(entries))
    files = set()
    for row, name in entries:
        if shared[name] > 1:
            name = f"{name}-{sha1(str(row['id']).encode()).hexdigest()[:6]}"
        name += ".md"
        if write_if_changed(folder / name, document(row)):
            done.written += 1
        else:
            done.unchanged += 1
        files.add(name)
    done.pruned = save_manifest(folder, files, prune=prune)
    return done


def document(row: dict[str, Any]) -> str:
    """The file: YAML front matter, then the review's text as Markdown paragraphs."""
    front = front_matter(row)
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{dumped}---\n\n{body(row.get('text_original'))}"


def front_matter(row: dict[str, Any]) -> dict[str, Any]:
    film = row["film"] or row["id"]
    kind = "review" if (row.get("text_original") or "").strip() else "rating"
    return {
        "title": f"{film} ({row['year']})" if row["year"] else str(film),
        "film": film,
        "year": row["year"],
        "site": row["site"],
        "rating": row["rating"],
        "stars": stars_of(row),
        "rating_shown": row["rating_shown"],
        "date": row["date"],
        "date_precision": row["date_precision"],
        "url": row["review_url"] or row["film_url"],
        "person": row["reviewer"] or row["profile_id"],
        "profile": row["profile_id"],
        "review_id": row["id"],
        "tags": [row["site"], kind],
    }


def body(text: str | None) -> str:
    """The text as Markdown: converted from the HTML the site gave, else its own paragraphs."""
    if not text or not text.strip():
        return ""
    if _TAG.search(text):
        converted = markdownify(text, heading_style="ATX", bullets="-", escape_underscores=False)
    else:
        converted = "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
    return re.sub(r"\n{3,}", "\n\n", converted).strip() + "\n"


def _base_name(row: dict[str, Any]) -> str:
    day = (row["date"] or "")[:10] or "undated"
    return f"{day}-{slug(row['film'] or row['id'])}"


def slug(text: str) -> str:
    """'Amélie (2001)' -> 'amelie-2001'."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].rstrip("-") or "film"


def stars_of(row: dict[str, Any]) -> float | None:
    """The rating on 0-5 (review_list shows it as text, "3.5")."""
    return float(row["stars"]) if row["stars"] not in (None, "") else None
