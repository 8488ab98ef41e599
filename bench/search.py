"""Search: latency of `scrape search` queries (scraper.views.search.search, FTS5 with bm25 ranking
and the CLI's filters) on an archive of N reviews, built with plain inserts through the
archive's own schema and triggers. Median and 95th percentile over a fixed query mix."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scraper.store import schema
from scraper.views import search

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


def build(path: Path, count: int, seed: int = 7, texts: Callable[[], str] | None = None) -> None:
    """An archive of `count` reviews; their texts from `texts` (a Markov chain over real
    reviews, see markov) or, by default, the fixed Zipf vocabulary above. No ANALYZE: scrape
    never runs it on a user's archive."""
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
            if texts is not None:
                text = texts()
            else:
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
    conn.close()


def corpus_texts(corpus: Path) -> list[str]:
    """The review texts of the corpus (Rotten Tomatoes, Letterboxd, Metacritic), imported
    through scrape itself into a scratch archive."""
    import sqlite3
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "corpus.db"
        for args in (
            [str(corpus / "rottentomatoes"), "--captured-at", "2023-06-01T00:00:00Z"],
            [str(corpus / "metacritic"), "--captured-at", "2026-08-20T00:00:00Z"],
            [str(corpus / "letterboxd" / "export-2026"), "--profile", "letterboxd:bench"],
        ):
            subprocess.run(
                [sys.executable, "-m", "scraper", "import", *args, "--db", str(db)],
                capture_output=True,
                check=True,
            )
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT text FROM reviews WHERE length(text) > 20").fetchall()
    return [text for (text,) in rows]


def markov(texts: list[str], seed: int = 11) -> Callable[[], str]:
    """A word-level chain (each word's followers as the corpus has them) that writes reviews
    of the corpus's own lengths: its vocabulary and word frequencies, not a made-up Zipf."""
    rng = random.Random(seed)
    followers: dict[str, list[str]] = {}
    starts, lengths = [], []
    for text in texts:
        words = text.split()
        lengths.append(len(words))
        starts.append(words[0])
        for here, after in zip(words, words[1:], strict=False):
            followers.setdefault(here, []).append(after)
    choice = rng.choice

    def review() -> str:
        word, out = choice(starts), []
        for _ in range(choice(lengths)):
            out.append(word)
            nexts = followers.get(word)
            word = choice(nexts) if nexts else choice(starts)
        return " ".join(out)

    return review


def real_queries(texts: list[str]) -> list[tuple[str, dict]]:
    """The query mix in the corpus's words: very common, mid, rare, a phrase, OR, a prefix,
    and the CLI's filters."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in text.lower().split():
            if word.isalpha() and len(word) > 3:
                counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=counts.get, reverse=True)
    common, mid, rare = ranked[0], ranked[50], ranked[min(2000, len(ranked) - 1)]
    return [
        ("film", {}),
        (f"{common} {mid}", {}),
        ('"the ending"', {}),
        (rare, {}),
        (f"{ranked[100]} OR {ranked[101]}", {}),
        (mid, {"min_rating": 8.0}),
        (ranked[20][:4] + "*", {}),
        ("love", {"year": 2019}),
        (f"{rare} {common}", {"site": "bench"}),
        ("zebra", {}),
    ]


def run(count: int, rounds: int = 20, corpus: Path | None = None) -> dict:
    """p50/p95 in process. With the corpus, texts come from a Markov chain over its reviews
    and the queries use its words; without it, the fixed vocabulary."""
    texts = corpus_texts(corpus) if corpus and corpus.is_dir() else None
    queries = real_queries(texts) if texts else QUERIES
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive.db"
        started = time.perf_counter()
        build(path, count, texts=markov(texts) if texts else None)
        built = time.perf_counter() - started
        db = schema.open_archive(path, write=False)
        timings = []
        for _ in range(rounds):
            for query, filters in queries:
                t0 = time.perf_counter()
                search.search(db, query, **filters)
                timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    return {
        "reviews": count,
        "text": "markov" if texts else "zipf",
        "build_s": round(built, 1),
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(timings[-1], 2),
        "target_p95_ms": 30,
        "met": p95 < 30,
    }
