"""Search: latency of `scrape search` queries (scraper.search.search, FTS5 with bm25 ranking
and the CLI's filters) on an archive of N reviews, built with plain inserts through the
archive's own schema and triggers. Median and 95th percentile over a fixed query mix."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from scraper import schema, search

# Review-like text: a few very common words, a long tail of rare ones (Zipf, as in real text).
COMMON = [
    "film",
    "the",
    "a",
    "and",
    "of",
    "story",
    "ending",
    "actor",
    "camera",
    "score",
    "family",
    "war",
    "love",
    "city",
    "night",
]
VOCABULARY = [f"w{n}" for n in range(50_000)]
# From very common to rare words, phrases, prefixes, OR, and the CLI's filters.
QUERIES = [
    ("film", {}),
    ("camera ending", {}),
    ('"the ending"', {}),
    ("w12", {}),
    ("w150 OR w151", {}),
    ("w1234", {"min_rating": 8.0}),
    ("w40*", {}),
    ("love", {"year": 2019}),
    ("w9876 war", {"site": "bench"}),
    ("zebra", {}),
]


def build(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    db = schema.open_archive(path)
    conn = db.conn
    batch = 10_000
    with conn:
        conn.executemany(
            "INSERT INTO films (id, site, title, year, kind) VALUES (?,?,?,?,?)",
            [(f"bench:m/{i}", "bench", f"Film {i}", 1950 + i % 70, "movie") for i in range(5000)],
        )
    for start in range(0, count, batch):
        rows = []
        for i in range(start, min(count, start + batch)):
            words = [rng.choice(COMMON) for _ in range(rng.randint(2, 8))]
            words += [
                VOCABULARY[min(int(rng.paretovariate(1.1)) - 1, len(VOCABULARY) - 1)]
                for _ in range(rng.randint(10, 60))
            ]
            rng.shuffle(words)
            text = " ".join(words)
            rows.append(
                (
                    f"bench:{i}",
                    "bench",
                    f"bench:m/{i % 5000}",
                    f"Film {i % 5000}",
                    float(i % 11),
                    text,
                    f"{2000 + i % 25}-05-01T00:00:00Z",
                )
            )
        with conn:
            conn.executemany(
                "INSERT INTO reviews (id, site, film_id, film_title, rating, text, created_at) "
                "VALUES (?,?,?,?,?,?,?)",
                rows,
            )
    conn.execute("ANALYZE")
    conn.close()


def run(count: int, rounds: int = 20) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.db"
        started = time.perf_counter()
        build(path, count)
        built = time.perf_counter() - started
        db = schema.open_archive(path, write=False)
        timings = []
        for _ in range(rounds):
            for query, filters in QUERIES:
                t0 = time.perf_counter()
                search.search(db, query, **filters)
                timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {
        "reviews": count,
        "build_s": round(built, 1),
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
    }
