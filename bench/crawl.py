"""Crawl: a critic's whole history served by a local Rotten Tomatoes stand-in with added
latency per response and no politeness delay, through the real `scrape user` process; then an
incremental run with nothing new, and one with 5 new reviews; and an audience profile's whole
history (its ratings API). Pages are of real size (critic ~35 KB, profile ~47 KB per 50).

Two bounds for the full crawl: pages x latency (the issue's), and plain httpx sending the same
requests one after another with nothing else done (what a page costs on this machine before
scrape does anything: the server's own work and the loopback round trip). The listing's next
cursor is in each page, so no client can have two of its requests in flight at once."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench import critic_pages
from bench.critic_pages import PAGE, QUOTE
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings


def _ratings(prefix: str, count: int) -> list:
    return [
        dataclasses.replace(r, text=f"{r.text} {QUOTE}" if r.text else QUOTE[:200])
        for r in make_ratings(prefix, count)
    ]


def _audience(count: int) -> list:
    """An audience profile as the corpus's 2023 one: 72% of ratings with a review of ~350
    characters, so that with the API's other fields a page of 50 is ~46 KB."""
    return [
        dataclasses.replace(r, text=QUOTE[:348] if i % 7 < 5 else "")
        for i, r in enumerate(make_ratings("fan", count))
    ]


def _page_kb(root: str) -> dict:
    """The size of the first critic and profile API pages the stand-in serves."""
    with httpx.Client() as client:
        critic = client.get(f"{root}/napi/critics/bench/movies", params={"pageCount": PAGE})
        profile = client.post(f"{root}/napi/profiles/ratings/bench-fan/movie?pagecount={PAGE}")
    return {
        "critic_page_kb": round(len(critic.content) / 1024, 1),
        "profile_page_kb": round(len(profile.content) / 1024, 1),
    }


def _run(root: str, db: Path, delay: float = 0, who: str = "critic/bench") -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    env |= {"SCRAPE_ROTTENTOMATOES_ROOT": root, "SCRAPE_DELAY": str(delay)}
    started = time.perf_counter()
    done = subprocess.run(
        # The listings' crawl: each film's own page is a one-off request per film (issue 20),
        # one delay each, paid on a film's first crawl only; it would swamp the per-page ratio.
        [
            *(sys.executable, "-m", "scraper", "user", f"rottentomatoes:{who}"),
            *("--no-film-details", "--db", str(db)),
        ],
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
        critic_pages.dated(db)
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
    site = Site(
        critics={"bench": _ratings("bench", count)},
        profiles={"bench-fan": _audience(count)},
        latency=latency,
        robots=None,
    )
    with FakeRottenTomatoes(site) as server, tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "archive.db"
        sizes = _page_kb(server.root)
        server.site.log.clear()
        audience_db = Path(folder) / "audience.db"
        audience = _run(server.root, audience_db, who="bench-fan")
        audience_pages = len(server.site.requests())
        critic_pages.dated(audience_db)
        server.site.log.clear()
        startup = _startup()
        full = _run(server.root, db)
        critic_pages.dated(db)
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
        **sizes,
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
        "profile_pages": audience_pages,
        "profile_full_wall_s": round(audience, 2),
        "profile_full_over_bound": round(audience / (audience_pages * latency), 2),
    }
