"""Importing one big export: peak RSS of the whole `scrape import` process at 100k and 1M rows
(an IMDb ratings CSV in the 2026 format, a Letterboxd export zip), and its time end to end
against a plain process that reads the same CSV and `executemany`s the same rows into the same
schema (films, their keys, reviews, their keys, the raw file, the fetch), one transaction.

python -m bench.importing [--sizes 100000,1000000] prints each figure beside its target."""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import random
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

RSS_TARGET_MB = 150
SPEED_TARGET = 0.6
_IMDB_COLUMNS = (
    "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,"
    "Runtime (mins),Year,Genres,Num Votes,Release Date,Directors\n"
)
_TYPES = ("Movie", "TV Series", "TV Mini Series", "TV Episode", "Short", "TV Movie", "Video")
_GENRES = ("Drama", "Action, Adventure, Sci-Fi", "Comedy, Romance", "Horror, Thriller")
_MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
    "t = time.perf_counter() - t; "
    "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, t); "
    "sys.stderr.write(done.stderr.decode()[-2000:])"
)


def imdb_csv(path: Path, rows: int) -> Path:
    """An IMDb ratings export of `rows` titles, with the 2026 columns and realistic values."""
    pick = random.Random(rows)
    with path.open("w", newline="") as file:
        file.write(_IMDB_COLUMNS)
        for i in range(rows):
            const, year = f"tt{1_000_000 + i:07d}", pick.randint(1920, 2025)
            rated = f"{pick.randint(1, 12)}/{pick.randint(1, 28)}/{pick.randint(2005, 2026)}"
            released = f"{pick.randint(1, 12)}/{pick.randint(13, 28)}/{year}"
            file.write(
                f"{const},{pick.randint(1, 10)},{rated},Film Number {i},Film Number {i},"
                f"https://www.imdb.com/title/{const},{pick.choice(_TYPES)},"
                f"{pick.randint(10, 99) / 10},{pick.randint(70, 200)},{year},"
                f'"{pick.choice(_GENRES)}",{pick.randint(100, 2_000_000)},{released},'
                "Some Director\n"
            )
    return path


def letterboxd_zip(path: Path, rows: int) -> Path:
    """A Letterboxd export zip of `rows` CSV rows in all: diary entries (a fifth of them
    reviewed), ratings, watched and liked films, with the real files and columns."""
    pick = random.Random(rows)
    films = max(1, rows // 3)

    def film(i: int) -> str:
        return f"Film Number {i},{1950 + i % 75},https://boxd.it/f{i:x}"

    diary, reviews = io.StringIO(), io.StringIO()
    diary.write("Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n")
    reviews.write("Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n")
    entries = rows * 4 // 10
    for i in range(entries):
        name, year, _ = film(i % films).split(",")
        day = f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        stars = pick.choice(("", "2.5", "3", "3.5", "4", "4.5", "5"))
        diary.write(f"{day},{name},{year},https://boxd.it/e{i:x},{stars},,,{day}\n")
        if i % 5 == 0:
            text = "A patient film about a lighthouse and the sea. " * pick.randint(1, 8)
            reviews.write(f'{day},{name},{year},https://boxd.it/e{i:x},{stars},,"{text}",,{day}\n')
    header = "Date,Name,Year,Letterboxd URI"
    ratings = [f"{header},Rating\n"] + [f"2024-01-02,{film(i)},3.5\n" for i in range(rows // 5)]
    watched = [f"{header}\n"] + [f"2024-01-02,{film(i)}\n" for i in range(rows * 3 // 10)]
    likes = [f"{header}\n"] + [f"2024-01-03,{film(i)}\n" for i in range(rows // 20)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("profile.csv", "Date Joined,Username\n2020-01-01,benchmember\n")
        packed.writestr("diary.csv", diary.getvalue())
        packed.writestr("reviews.csv", reviews.getvalue())
        packed.writestr("ratings.csv", "".join(ratings))
        packed.writestr("watched.csv", "".join(watched))
        packed.writestr("likes/films.csv", "".join(likes))
    return path


def _run(args: list[str]) -> tuple[int, float, float, str]:
    """(exit code, peak RSS in MB, seconds) of one process, measured from a child of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, env=env
    )
    code, peak_kb, seconds = done.stdout.split()
    return int(code), int(peak_kb) / 1024, float(seconds), done.stderr.strip()


def scrape_import(path: Path, db: Path, *extra: str) -> tuple[int, float, float, str]:
    return _run([sys.executable, "-m", "scraper", "import", str(path), "--db", str(db), *extra])


def baseline(csv_path: Path, db_path: Path) -> None:
    """What `scrape import` of an IMDb export writes, done plainly: csv.reader, tuples,
    executemany into a fresh archive of the same schema, the raw file, one transaction."""
    from scraper.store import schema

    conn = schema.open_archive(db_path).conn
    body = csv_path.read_bytes()
    now = "2026-11-28T00:00:00Z"
    films, links, reviews, keys = [], [], [], []
    rows = csv.reader(io.StringIO(body.decode("utf-8-sig")))
    next(rows)
    for row in rows:
        const, score, rated, title, year = row[0], row[1], row[2], row[3], row[9]
        film_id, review_id = f"imdb:{const}", f"imdb:ur1/{const}"
        month, day, yyyy = rated.split("/")
        created = f"{yyyy}-{int(month):02d}-{int(day):02d}T12:00:00Z"
        films.append((film_id, "imdb", title, int(year), "movie", row[5] + "/", const, now, now))
        links.append((film_id, film_id, "id"))
        links.append((film_id, f"title:{title.lower()}|{year}", "title"))
        reviews.append(
            (
                review_id,
                "imdb",
                "imdb:ur1",
                film_id,
                float(score),
                f"{score}/10",
                created,
                created,
                created,
                "day",
                row[5] + "/",
                "imdb-ratings-export",
                title,
                now,
                now,
                now,
            )
        )
        keys.append((review_id, review_id))
    with conn:
        url = "https://www.imdb.com/user/ur1/ratings"
        plain_file(conn, body, url, "imdb", "ratings_export", now)
        conn.execute(
            "INSERT INTO profiles (id, site, handle, kind, first_seen_at, last_seen_at) "
            "VALUES ('imdb:ur1', 'imdb', 'ur1', 'member', ?, ?)",
            (now, now),
        )
        conn.executemany(
            "INSERT INTO films (id, site, title, year, kind, url, site_film_id, first_seen_at, "
            "last_seen_at) VALUES (?,?,?,?,?,?,?,?,?)",
            films,
        )
        conn.executemany("INSERT OR IGNORE INTO film_links VALUES (?,?,?)", links)
        conn.executemany(
            "INSERT INTO reviews (id, site, profile_id, film_id, rating, rating_raw, created_at, "
            "created_at_earliest, created_at_latest, created_at_precision, url, source, "
            "film_title, first_seen_at, last_seen_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            reviews,
        )
        conn.executemany("INSERT OR IGNORE INTO review_keys VALUES (?,?)", keys)


def plain_file(conn, body: bytes, url: str, site: str, parser: str, now: str) -> None:
    """The raw file and its fetch record, as scrape keeps them, written plainly."""
    digest = hashlib.sha256(body).hexdigest()
    conn.execute(
        "INSERT INTO raw_pages (sha256, encoding, size, body) VALUES (?, 'zlib', ?, ?)",
        (digest, len(body), zlib.compress(body, 6)),
    )
    conn.execute(
        "INSERT INTO fetches (url, site, parser, parser_version, fetched_at, sha256) "
        "VALUES (?, ?, ?, 1, ?, ?)",
        (url, site, parser, now, digest),
    )


def _figure(figure: str, value: float, target: str, met: bool) -> dict:
    return {"figure": figure, "value": value, "target": target, "met": met}


def run(sizes: tuple[int, ...] = (100_000, 1_000_000), speed_rows: int = 100_000) -> list[dict]:
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        for rows in sizes:
            for kind, make, extra in (
                ("IMDb CSV", imdb_csv, ("--profile", "imdb:ur1")),
                ("Letterboxd zip", letterboxd_zip, ()),
            ):
                path = make(here / f"{rows}.{'csv' if kind == 'IMDb CSV' else 'zip'}", rows)
                code, peak, _, error = scrape_import(path, here / f"{rows}-{kind[0]}.db", *extra)
                value = round(peak, 1) if code == 0 else float("nan")
                figures.append(
                    _figure(
                        f"peak RSS, import of a {kind} of {rows:,} rows (MB)"
                        + ("" if code == 0 else f" [refused: {error.splitlines()[-1][:120]}]"),
                        value,
                        f"< {RSS_TARGET_MB}",
                        code == 0 and peak < RSS_TARGET_MB,
                    )
                )
                path.unlink()
        path = imdb_csv(here / "speed.csv", speed_rows)
        code, _, ours, error = scrape_import(path, here / "speed.db", "--profile", "imdb:ur1")
        bench = [sys.executable, "-m", "bench.importing", "--baseline", str(path)]
        raw_code, _, raw, raw_error = _run([*bench, str(here / "raw.db")])
        if code or raw_code:
            raise RuntimeError(error or raw_error)
        figures.append(
            _figure(
                f"import of an IMDb CSV of {speed_rows:,} rows end to end, over plain "
                f"executemany ({ours:.1f} s vs {raw:.1f} s)",
                round(raw / ours, 2),
                f">= {SPEED_TARGET}",
                raw / ours >= SPEED_TARGET,
            )
        )
    return figures


def main() -> None:
    options = argparse.ArgumentParser(prog="python -m bench.importing", description=__doc__)
    options.add_argument("--sizes", default="100000,1000000")
    options.add_argument("--baseline", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = options.parse_args()
    if args.baseline:
        baseline(*args.baseline)
        return
    for row in run(tuple(int(n) for n in args.sizes.split(","))):
        verdict = "met" if row["met"] else "MISSED"
        print(f"{row['figure']}: {row['value']} (target {row['target']}) {verdict}")


if __name__ == "__main__":
    main()
