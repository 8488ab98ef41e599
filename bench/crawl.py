"""Crawl: a critic's whole history served by a local Rotten Tomatoes stand-in with added
latency per response and no politeness delay, through the real `scrape user` process; then an
incremental run with nothing new, and one with 5 new reviews.

Two bounds for the full crawl: pages x latency (the issue's), and plain httpx sending the same
requests one after another with nothing else done (what a page costs on this machine before
scrape does anything: the server's own work and the loopback round trip). The listing's next
cursor is in each page, so no client can have two of its requests in flight at once."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.fake_rottentomatoes import FakeRottenTomatoes, Site, make_ratings

PAGE = 50
# A real critic API page is ~33 KB for 50 reviews: ~650 bytes each, most of it the quote.
QUOTE = (
    "A patient, quietly devastating film that trusts its actors and its audience; the third "
    "act stumbles, but the lighthouse sequences alone are worth the price of admission. "
) * 3


def _ratings(prefix: str, count: int) -> list:
    return [
        dataclasses.replace(r, text=f"{r.text} {QUOTE}" if r.text else QUOTE[:200])
        for r in make_ratings(prefix, count)
    ]


def _dated(db: Path) -> None:
    """Fail loudly if the fake's field names drift from what the parser reads: no dates."""
    total, dated = (
        sqlite3.connect(db).execute("SELECT count(*), count(created_at) FROM reviews").fetchone()
    )
    assert total and dated == total, f"{total - dated} of {total} reviews have no date"


def _run(root: str, db: Path, delay: float = 0) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    env |= {"SCRAPE_ROTTENTOMATOES_ROOT": root, "SCRAPE_DELAY": str(delay)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "scraper", "user", "rottentomatoes:critic/bench", "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return time.perf_counter() - started


def _startup() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scraper", "--version"], capture_output=True)
    return time.perf_counter() - started


def _replay(root: str, requests: list[str]) -> float:
    """Wall time of plain httpx GETs of the logged requests ("GET /path?query"), in order."""
    with httpx.Client() as client:
        started = time.perf_counter()
        for line in requests:
            client.get(root + line.split(" ", 1)[1]).raise_for_status()
        return time.perf_counter() - started


def paced(count: int = 1500, delay: float = 1.0, latency: float = 0.02) -> list[dict]:
    """The full crawl at the default delay: target wall time <= 1.05 x pages x delay. 31 pages,
    so the process start and the last page weigh on the ratio as on a real history."""
    site = Site(critics={"bench": _ratings("bench", count)}, latency=latency, robots=None)
    with FakeRottenTomatoes(site) as server, tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "archive.db"
        wall = _run(server.root, db, delay)
        pages = len(server.site.requests())
        _dated(db)
    ratio = wall / (pages * delay)
    return [
        {
            "figure": f"crawl at {delay:g} s delay, {pages} pages (wall / pages x delay)",
            "value": round(ratio, 3),
            "target": "<= 1.05",
            "met": ratio <= 1.05,
        }
    ]


def run(count: int, latency: float = 0.02) -> dict:
    site = Site(critics={"bench": _ratings("bench", count)}, latency=latency, robots=None)
    with FakeRottenTomatoes(site) as server, tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "archive.db"
        startup = _startup()
        full = _run(server.root, db)
        _dated(db)
        sent = server.site.requests()
        pages = len(sent)
        bound = pages * latency
        plain = _replay(server.root, sent)
        server.site.log.clear()
        quiet = _run(server.root, db)
        quiet_requests = len(server.site.requests())
        server.site.critics["bench"][0:0] = _ratings("fresh", 5)
        server.site.log.clear()
        five = _run(server.root, db)
        five_requests = len(server.site.requests())
    return {
        "reviews": count,
        "pages": pages,
        "latency_ms": latency * 1000,
        "full_wall_s": round(full, 2),
        "process_startup_s": round(startup, 2),
        "latency_bound_s": round(bound, 2),
        "full_over_bound": round(full / bound, 2),
        "full_minus_startup_over_bound": round((full - startup) / bound, 2),
        "plain_httpx_s": round(plain, 2),
        "full_over_plain_httpx": round(full / plain, 2),
        "full_minus_startup_over_plain_httpx": round((full - startup) / plain, 2),
        "incremental_nothing_new_requests": quiet_requests,
        "incremental_nothing_new_wall_s": round(quiet, 2),
        "incremental_5_new_requests": five_requests,
        "incremental_5_new_wall_s": round(five, 2),
    }
