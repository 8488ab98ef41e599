"""Write: reviews per second through archive.save_page (upserts, versions check, FTS triggers,
raw body and fetch record per page of 50) against plain sqlite3 executemany of the same rows
into the same tables of a fresh archive (reviews, films, the keys they are found by, raw
pages, fetches), one transaction per page for both."""

from __future__ import annotations

import hashlib
import tempfile
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

from scraper import archive, schema, timeparse
from scraper.models import Fetched, Film, Page, Review

PAGE = 50
WHEN = timeparse.exact(datetime(2024, 5, 1, tzinfo=UTC))


def pages(count: int):
    for start in range(0, count, PAGE):
        page = Page(url=f"https://example.test/p/{start}", fetched_at="2024-05-01T00:00:00Z")
        for i in range(start, min(count, start + PAGE)):
            film = Film(f"bench:m/film_{i}", "bench", f"Film {i}", 1950 + i % 70, "movie")
            page.films.append(film)
            page.reviews.append(
                Review(
                    id=f"bench:critic/x/{i}",
                    site="bench",
                    profile_id=None,
                    film_id=film.id,
                    rating=float(i % 11),
                    rating_raw=f"{i % 11}/10",
                    text=f"Review {i}: a patient film about a lighthouse and the sea, {i % 97}.",
                    text_original=None,
                    when=WHEN,
                    source="bench",
                )
            )
        body = ("x" * 200 + str(start)).encode() * 50
        yield page, body


def _fetched(page: Page, body: bytes) -> Fetched:
    return Fetched(body, page.url, "bench", "bench", 1, page.fetched_at)


def through_scrape(db_path: Path, count: int) -> float:
    db = schema.open_archive(db_path)
    started = time.perf_counter()
    for page, body in pages(count):
        archive.save_page(db, page, fetched=_fetched(page, body))
    return count / (time.perf_counter() - started)


def raw_executemany(db_path: Path, count: int) -> float:
    db = schema.open_archive(db_path)
    conn = db.conn
    started = time.perf_counter()
    for page, body in pages(count):
        digest = hashlib.sha256(body).hexdigest()
        with conn:
            conn.execute(
                "INSERT OR IGNORE INTO raw_pages (sha256, encoding, size, body) VALUES (?,?,?,?)",
                (digest, "zlib", len(body), zlib.compress(body)),
            )
            conn.execute(
                "INSERT INTO fetches (url, site, parser, parser_version, fetched_at, sha256) "
                "VALUES (?,?,?,?,?,?)",
                (page.url, "bench", "bench", 1, page.fetched_at, digest),
            )
            conn.executemany(
                "INSERT INTO films (id, site, title, year, kind) VALUES (?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET title = excluded.title",
                [(f.id, f.site, f.title, f.year, f.kind) for f in page.films],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO film_links (film_id, key, kind) VALUES (?,?,?)",
                [(f.id, key, kind) for f in page.films for key, kind in _film_keys(f)],
            )
            conn.executemany(
                "INSERT INTO reviews (id, site, film_id, film_title, rating, rating_raw, text, "
                "created_at, source) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "text = excluded.text",
                [
                    (
                        r.id,
                        r.site,
                        r.film_id,
                        f"Film {i}",
                        r.rating,
                        r.rating_raw,
                        r.text,
                        "2024-05-01T00:00:00Z",
                        r.source,
                    )
                    for i, r in enumerate(page.reviews)
                ],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO review_keys (key, review_id) VALUES (?,?)",
                [(r.id, r.id) for r in page.reviews],
            )
    return count / (time.perf_counter() - started)


def _film_keys(film: Film) -> list[tuple[str, str]]:
    return [(film.id, "site"), (archive.title_key(film.title, film.year), "title")]


def run(count: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        ours = through_scrape(Path(folder) / "scrape.db", count)
        raw = raw_executemany(Path(folder) / "raw.db", count)
    return {
        "reviews": count,
        "scrape_reviews_s": round(ours),
        "executemany_reviews_s": round(raw),
        "scrape_over_executemany": round(ours / raw, 2),
    }
