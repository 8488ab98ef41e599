"""Critic API pages as the site serves them in 2026 (the shape the stand-in in
tests/fakes/rottentomatoes.py serves: `critic{...reviewCreateDate, reviewQuote, reviewUrl}`,
`media{title, emsId, url}`), ~33 KB per page of 50 as the real pages are, written as a folder
of files for `scrape import`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

PAGE = 50
URL = "https://www.rottentomatoes.com/napi/critics/bench/movies"
# ~650 bytes of a real page's review are the quote.
QUOTE = (
    "A patient, quietly devastating film that trusts its actors and its audience; the third "
    "act stumbles, but the lighthouse sequences alone are worth the price of admission. "
) * 3


def review(i: int) -> dict:
    return {
        "critic": {
            "scoreSentiment": "POSITIVE" if i % 3 else "NEGATIVE",
            "originalScore": f"{i % 5}/5",
            "publicationName": "Bench Gazette",
            "reviewCreateDate": f"20{10 + i % 15}-07-24T16:00:00.000Z",
            "reviewQuote": f"Review {i}: {QUOTE}",
            "reviewUrl": f"https://gazette.test/{i}",
        },
        "media": {
            "title": f"Film {i}",
            "emsId": f"00000000-0000-0000-0000-{i:012d}",
            "url": f"/m/film_{i}",
        },
    }


def write(folder: Path, count: int) -> list[Path]:
    """`count` reviews in files of PAGE, in the order a crawl would have saved them."""
    files = []
    for start in range(0, count, PAGE):
        more = start + PAGE < count
        body = {
            "pageInfo": {"hasNextPage": more, "endCursor": str(start + PAGE) if more else None},
            "reviews": [review(i) for i in range(start, min(count, start + PAGE))],
        }
        files.append(folder / f"page-{start:07d}.json")
        files[-1].write_text(json.dumps(body))
    return files


def dated(db: Path) -> None:
    """Fail loudly if these pages' field names drift from what the parser reads: no dates."""
    with sqlite3.connect(db) as conn:
        total, have = conn.execute("SELECT count(*), count(created_at) FROM reviews").fetchone()
    assert total and have == total, f"{total - have} of {total} reviews have no date"
