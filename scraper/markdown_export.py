"""Reviews as Markdown files with YAML front matter, for a static site generator (Hugo, Jekyll,
Eleventy read the front matter as is): one file a review, named stably, rewritten only when its
review changed, and never a file this export did not write deleted.

The files this export wrote are listed in DIR/.scrape-export.json: --prune removes those whose
review is no longer in the export set, and nothing else.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from markdownify import markdownify

from scraper.errors import ScrapeError, UsageError
from scraper.export import COLUMNS

if TYPE_CHECKING:
    import sqlite_utils

    from scraper.reader import Reader

MANIFEST = ".scrape-export.json"
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


@dataclass(slots=True)
class Written:
    written: int = 0
    unchanged: int = 0
    pruned: int = 0
    files: list[str] = field(default_factory=list)


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
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"-o {folder}: a Markdown export goes into a folder, and this is a file")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScrapeError(f"-o {folder}: cannot make the folder ({exc.strerror})") from None
    entries = [(row, _base_name(row)) for row in rows]
    # A name two reviews would share (the same film and day) is told apart by the review's id.
    shared = Counter(name for _, name in entries)
    done = Written()
    for row, name in entries:
        if shared[name] > 1:
            name = f"{name}-{sha1(str(row['id']).encode()).hexdigest()[:6]}"
        name += ".md"
        if _write_if_changed(folder / name, document(row)):
            done.written += 1
        else:
            done.unchanged += 1
        done.files.append(name)
    ours = _manifest(folder)
    if prune:
        for stale in sorted(ours - set(done.files)):
            (folder / stale).unlink(missing_ok=True)
            done.pruned += 1
        ours = set(done.files)
    _save_manifest(folder, ours | set(done.files))
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
        "stars": row["stars"],
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


def _write_if_changed(path: Path, content: str) -> bool:
    data = content.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ScrapeError(f"{path}: cannot read it ({exc.strerror})") from None
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ScrapeError(f"{path}: cannot write it ({exc.strerror})") from None
    return True


def _manifest(folder: Path) -> set[str]:
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        raise ScrapeError(f"{folder / MANIFEST}: cannot read it ({exc})") from None
    files = listed.get("files") if isinstance(listed, dict) else None
    # Only plain names of Markdown files in this folder: a hand-edited list deletes nothing else.
    return {
        name
        for name in files or []
        if isinstance(name, str)
        and name.endswith(".md")
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
    }


def _save_manifest(folder: Path, names: set[str]) -> None:
    listed = {"written_by": "scrape export --format markdown", "files": sorted(names)}
    _write_if_changed(folder / MANIFEST, json.dumps(listed, indent=1) + "\n")
