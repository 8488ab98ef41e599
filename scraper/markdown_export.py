"""Reviews as Markdown files with YAML front matter, for a static site generator (Hugo, Jekyll,
Eleventy read the front matter as is): one file a review, named stably, rewritten only when its
review changed, and never a file this export did not write deleted.

The files this export wrote are listed in DIR/.scrape-export.json: --prune removes those whose
review is no longer in the export set, and nothing else (see export_files.py).
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

from scraper import shown
from scraper.export_files import Written, write_files

if TYPE_CHECKING:
    pass

_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def write_folder(rows: Iterator[dict[str, Any]], folder: Path, *, prune: bool = False) -> Written:
    """Write one file per row into `folder` (made if missing), only where its content changed."""
    entries = list(rows)
    stems = names(entries)
    pages = {f"{stems[row['id']]}.md": document(row) for row in entries}
    return write_files(folder, pages, reviews=len(entries), prune=prune)


def document(row: dict[str, Any]) -> str:
    """The file: YAML front matter, then the review's text as Markdown paragraphs."""
    front = front_matter(row)
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{dumped}---\n\n{body(row.get('text_original'))}"


def front_matter(row: dict[str, Any]) -> dict[str, Any]:
    kind = "review" if (row.get("text_original") or "").strip() else "rating"
    return {
        "title": title(row),
        "film": row["film"] or row["id"],
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
        converted = "\n\n".join(shown.paragraphs(text))
    return re.sub(r"\n{3,}", "\n\n", converted).strip() + "\n"


def title(row: dict[str, Any]) -> str:
    """'The Matrix (1999)', or the film alone when its year is unknown."""
    film = str(row["film"] or row["id"])
    return f"{film} ({row['year']})" if row["year"] else film


def names(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each review's file name, without its suffix: its day and its film ("2024-05-01-the-
    matrix"). A name two reviews would share (the same film and day: a rewatch, two people)
    takes a short hash of the review's id, so it stays the same from one export to the next;
    and as a film may be called "Heat 2ebcae", every name that still clashes takes a longer
    one, until none does."""
    bases = {
        r["id"]: f"{(r['date'] or '')[:10] or 'undated'}-{slug(r['film'] or r['id'])}" for r in rows
    }
    shared = Counter(bases.values())
    digits = {rid: 0 if shared[base] == 1 else 6 for rid, base in bases.items()}

    def name(rid: str) -> str:
        tail = sha1(str(rid).encode()).hexdigest()[: digits[rid]]
        return f"{bases[rid]}-{tail}" if tail else bases[rid]

    while True:
        chosen = {rid: name(rid) for rid in bases}
        taken = Counter(chosen.values())
        clashing = [rid for rid, stem in chosen.items() if taken[stem] > 1]
        if not clashing:
            return chosen
        # Distinct ids differ within sha1's 40 digits, and a name only grows: this ends.
        for rid in clashing:
            digits[rid] = min(40, digits[rid] + 6) if digits[rid] else 6


def slug(text: str) -> str:
    """'Amélie (2001)' -> 'amelie-2001'."""
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:80].rstrip("-") or "film"


def stars_of(row: dict[str, Any]) -> float | None:
    """The rating on 0-5 (review_list shows it as text, "3.5")."""
    return float(row["stars"]) if row["stars"] not in (None, "") else None
