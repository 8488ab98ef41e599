"""Parse: pages per second of each of scrape's parsers over every corpus file, beside the
selectolax floor (decoding and building the tree, no extraction) and, for the HTML formats,
a BeautifulSoup + lxml baseline extracting the same fields."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from bench.baselines import BASELINES
from scraper import sites, timeparse
from scraper.sites import common, letterboxd

FETCHED = datetime(2026, 7, 1, tzinfo=UTC)
BS4_TARGET = 20  # times faster than BeautifulSoup + lxml doing the same extraction
FLOOR_TARGET = 1.5  # times the floor: the tree as every parser gets it (nesting pass included)
# Files whose format does not name its owner or title are parsed as from these addresses.
URLS = {
    "title-reviews-fragment-2025.html": "https://www.imdb.com/title/tt1213663/reviews/",
    "ratings-export-2023-old-format.csv": "https://www.imdb.com/user/ur1/ratings",
    "ratings-export-2026-new-format.csv": "https://www.imdb.com/user/ur1/ratings",
    "export-2026": "https://letterboxd.com/benchuser/",
}


def rate(work: Callable[[], object], seconds: float) -> float:
    """Calls per second of `work`, run for at least `seconds` (and at least 3 times)."""
    calls, started = 0, time.perf_counter()
    while True:
        work()
        calls += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds and calls >= 3:
            return calls / elapsed


def corpus_files(corpus: Path) -> list[tuple[str, bytes]]:
    files = []
    for site_dir in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for path in sorted(site_dir.iterdir()):
            body = letterboxd.pack_export(path) if path.is_dir() else path.read_bytes()
            if body:
                files.append((path.name, body))
    return files


def measure(name: str, body: bytes, seconds: float) -> dict | None:
    found = sites.sniff(body)
    if found is None:
        return None
    site, parser = found
    url = URLS.get(name, f"file:///corpus/{name}")

    def parse() -> None:
        # Each call starts as a fresh process would: the date cache would otherwise make every
        # call after the first skip the dates of a page parsed again and again.
        timeparse.clear_caches()
        sites.parse(site, parser, body, url, FETCHED)

    ours = rate(parse, seconds)
    row = {"file": name, "site": site, "parser": parser, "scrape_pages_s": round(ours, 1)}
    if body.lstrip()[:1] == b"<" and parser != "rss":
        floor = rate(lambda: common.html_tree(body).root, seconds)
        row["floor_pages_s"] = round(floor, 1)
        row["floor_over_scrape"] = round(floor / ours, 2)
        # The tree alone, without the nesting pass every page must pass first (issue 15):
        # what selectolax costs by itself.
        bare = rate(lambda: LexborHTMLParser(body).root, seconds)
        row["bare_floor_pages_s"] = round(bare, 1)
        row["bare_floor_over_scrape"] = round(bare / ours, 2)
        row["floor_met"] = floor / ours <= FLOOR_TARGET
    if (site, parser) in BASELINES:
        baseline = rate(lambda: BASELINES[(site, parser)](body), seconds)
        row["bs4_pages_s"] = round(baseline, 1)
        row["scrape_over_bs4"] = round(ours / baseline, 1)
        row["bs4_met"] = ours / baseline >= BS4_TARGET
    return row


def run(corpus: Path, seconds: float = 0.3) -> list[dict]:
    rows = [measure(name, body, seconds) for name, body in corpus_files(corpus)]
    return [row for row in rows if row is not None]
