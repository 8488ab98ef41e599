"""Crawl: a critic's whole history served by a local Rotten Tomatoes stand-in with added
latency per response and no politeness delay, through the real `scrape user` process; then an
incremental run with nothing new, and one with 5 new reviews.

Two bounds for the full crawl: pages x latency (the issue's), and plain httpx sending the same
requests one after another with nothing else done (what a page costs on this machine before
scrape does anything: the server's own work and the loopback round trip). The listing's next
cursor is in each page, so no client can have two of its requests in flight at once."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.fake_rottentomatoes import FakeRottenTomatoes, Site, make_ratings

PAGE = 50


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


def run(count: int, latency: float = 0.02) -> dict:
    site = Site(critics={"bench": make_ratings("bench", count)}, latency=latency, robots=None)
    with FakeRottenTomatoes(site) as server, tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "archive.db"
        startup = _startup()
        full = _run(server.root, db)
        sent = server.site.requests()
        pages = len(sent)
        bound = pages * latency
        plain = _replay(server.root, sent)
        server.site.log.clear()
        quiet = _run(server.root, db)
        quiet_requests = len(server.site.requests())
        server.site.critics["bench"][0:0] = make_ratings("fresh", 5)
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


DELAY_TARGET = 1.05


def at_delay(count: int, delay: float = 1.0, latency: float = 0.02) -> dict:
    """A full crawl at the default politeness delay, whole process, against pages x delay:
    what a user's first `scrape user` costs."""
    site = Site(critics={"bench": make_ratings("bench", count)}, latency=latency, robots=None)
    with FakeRottenTomatoes(site) as server, tempfile.TemporaryDirectory() as folder:
        wall = _run(server.root, Path(folder) / "archive.db", delay)
        pages = len(server.site.requests())
    ratio = wall / (pages * delay)
    return {
        "figure": f"full crawl of {pages} pages at delay {delay:g} s, over pages x delay "
        f"({wall:.1f} s vs {pages * delay:.0f} s)",
        "value": round(ratio, 3),
        "target": f"<= {DELAY_TARGET}",
        "met": ratio <= DELAY_TARGET,
    }
