"""Write: reviews per second through PageWriter.save_page (upserts, versions check, FTS triggers,
raw body and fetch record per page of 50) against plain sqlite3 executemany of the same rows
into the same tables of a fresh archive (reviews, films, the keys they are found by, raw
pages, fetches), one transaction per page for both.

And the same end to end as users run it: a whole `scrape import` process of a folder of critic
API pages of real size (bench/critic_pages.py) against a whole plain process that reads the
same files and executemany's what scrape writes, one transaction per file for both
(python -m bench.write --baseline FOLDER DB is that process)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

from bench import critic_pages, importing
from scraper import sites, timeparse
from scraper.models import Fetched, Film, Page, Review
from scraper.store import archive, schema
from scraper.store.writer import PageWriter

PAGE = 50
WHEN = timeparse.exact(datetime(2024, 5, 1, tzinfo=UTC))
FETCHED_AT = "2024-05-01T00:00:00Z"


def pages(count: int):
    for start in range(0, count, PAGE):
        page = Page()
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
        yield page, body, f"https://example.test/p/{start}"


def _fetched(url: str, body: bytes) -> Fetched:
    return Fetched(body, url, "bench", "bench", 1, timeparse.instant(FETCHED_AT))


def through_scrape(db_path: Path, count: int) -> float:
    writer = PageWriter(schema.open_archive(db_path), entry_kinds=sites.entry_kinds())
    started = time.perf_counter()
    for page, body, url in pages(count):
        writer.save_page(page, fetched=_fetched(url, body))
    return count / (time.perf_counter() - started)


def raw_executemany(db_path: Path, count: int) -> float:
    db = schema.open_archive(db_path)
    conn = db.conn
    started = time.perf_counter()
    for page, body, url in pages(count):
        digest = hashlib.sha256(body).hexdigest()
        with conn:
            conn.execute(
                "INSERT OR IGNORE INTO raw_pages (sha256, encoding, size, body) VALUES (?,?,?,?)",
                (digest, "zlib", len(body), zlib.compress(body)),
            )
            conn.execute(
                "INSERT INTO fetches (url, site, parser, parser_version, fetched_at, sha256) "
                "VALUES (?,?,?,?,?,?)",
                (url, "bench", "bench", 1, FETCHED_AT, digest),
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


def folder_baseline(folder: Path, db_path: Path) -> None:
    """What `scrape import` of a folder of critic API pages writes, done plainly."""
    conn = schema.open_archive(db_path).conn
    now, critic = "2026-11-28T00:00:00Z", "rottentomatoes:critic/bench"
    with conn:
        conn.execute(
            "INSERT INTO profiles (id, site, handle, kind, url, first_seen_at, last_seen_at) "
            "VALUES (?, 'rottentomatoes', 'critic/bench', 'critic', ?, ?, ?)",
            (critic, critic_pages.URL, now, now),
        )
    for path in sorted(folder.iterdir()):
        body = path.read_bytes()
        films, links, reviews, keys = [], [], [], []
        for item in json.loads(body)["reviews"]:
            said, media = item["critic"], item["media"]
            film_id = "rottentomatoes:" + media["url"].strip("/")
            review_id = f"{critic}/{media['emsId']}"
            when = said["reviewCreateDate"][:19] + "Z"
            url = "https://www.rottentomatoes.com" + media["url"]
            films.append((film_id, media["title"], url, media["emsId"], now, now))
            links.append((film_id, film_id, "site"))
            reviews.append(
                (review_id, critic, film_id, media["title"], said["originalScore"],
                 said["reviewQuote"].strip(), said["reviewQuote"], when, when, when,
                 said["reviewUrl"], said["publicationName"], now, now, now)
            )  # fmt: skip
            keys.append((review_id, review_id))
        with conn:
            importing.plain_file(conn, body, critic_pages.URL, "rottentomatoes", "critic_api", now)
            conn.executemany(
                "INSERT INTO films (id, site, title, kind, url, site_film_id, first_seen_at, "
                "last_seen_at) VALUES (?, 'rottentomatoes', ?, 'movie', ?, ?, ?, ?)",
                films,
            )
            conn.executemany("INSERT OR IGNORE INTO film_links VALUES (?,?,?)", links)
            conn.executemany(
                "INSERT INTO reviews (id, site, profile_id, film_id, film_title, rating_raw, "
                "text, text_original, created_at, created_at_earliest, created_at_latest, "
                "created_at_precision, url, publication, source, first_seen_at, last_seen_at, "
                "updated_at) VALUES (?, 'rottentomatoes', ?,?,?,?,?,?,?,?,?, 'exact', ?,?, "
                "'critic-reviews', ?,?,?)",
                reviews,
            )
            conn.executemany("INSERT OR IGNORE INTO review_keys VALUES (?,?)", keys)


def end_to_end(count: int) -> dict:
    """`scrape import` of `count` reviews in critic API pages, whole process, over the plain
    one: the issue's target is >= 0.6x."""
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        (here / "pages").mkdir()
        critic_pages.write(here / "pages", count)
        db = here / "scrape.db"
        code, _, ours, error = importing.scrape_import(
            here / "pages", db, "--url", critic_pages.URL
        )
        critic_pages.dated(db)
        baseline = [sys.executable, "-m", "bench.write", "--baseline", str(here / "pages")]
        raw_code, _, raw, raw_error = importing._run([*baseline, str(here / "raw.db")])
    if code or raw_code:
        raise RuntimeError(error or raw_error)
    return importing._figure(
        f"import of {count:,} reviews in critic API pages end to end, over plain executemany "
        f"({ours:.1f} s vs {raw:.1f} s)",
        round(raw / ours, 2),
        f">= {importing.SPEED_TARGET}",
        raw / ours >= importing.SPEED_TARGET,
    )


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


if __name__ == "__main__":
    options = argparse.ArgumentParser(prog="python -m bench.write", description=__doc__)
    options.add_argument("--baseline", nargs=2, type=Path, help=argparse.SUPPRESS)
    options.add_argument("--count", type=int, default=100_000)
    args = options.parse_args()
    if args.baseline:
        folder_baseline(*args.baseline)
    else:
        print(run(args.count))
        row = end_to_end(args.count)
        print(f"{row['figure']}: {row['value']} (target {row['target']})")
