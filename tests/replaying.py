"""Helpers of the replay tests (tests/test_replay_*.py): reading one listing of a replay
stand-in in-process, through the crawl's own code, and querying the archive it wrote.

The crawl asks a profile's listings only; a capture of any other page (a film's reviews, a
profile page, a product's review page) goes through the same path here: scraper.net.fetch.Fetcher
against the stand-in (robots.txt, pacing, the block check), then the crawl's ListingReader
(the site's parser, writer.PageWriter, the next page the parser names), into a real SQLite
file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scraper import sites
from scraper.jobs.crawl_result import CrawlResult
from scraper.jobs.listing_reader import ListingReader
from scraper.models import Request, Target
from scraper.net.fetch import Fetcher, FetchSettings
from scraper.store import schema


def read_listing(
    db: Path,
    target: Target,
    url: str,
    parser: str,
    *,
    source: str | None = None,
    robots: bool = True,
) -> CrawlResult:
    """Read one listing from `url` page by page into the archive at `db`, fetching as a crawl
    of `target`'s site does (its browser fingerprint, if it has one)."""
    site = sites.SITES[target.site]
    settings = FetchSettings(
        delay=0, tries=1, robots=robots, impersonate=site.impersonate, advice=site.block_advice
    )
    archive = schema.open_archive(db)
    result = CrawlResult(target)
    try:
        with Fetcher(settings) as fetcher:
            reader = ListingReader(archive, fetcher, result, None, None, None, incremental=False)
            reader.read(Request(url, parser, source=source), first_listing=True, resumable=False)
    finally:
        archive.close()
    return result


def complete_texts(db: Path, target: Target) -> CrawlResult:
    """What a crawl of `target` does after its listings: fetch the whole text of each of its
    reviews the archive holds only as a listing's excerpt (ListingReader.complete_texts)."""
    site = sites.SITES[target.site]
    settings = FetchSettings(delay=0, tries=1, impersonate=site.impersonate)
    archive = schema.open_archive(db)
    result = CrawlResult(target)
    try:
        with Fetcher(settings) as fetcher:
            reader = ListingReader(archive, fetcher, result, None, None, None, incremental=False)
            reader.complete_texts()
    finally:
        archive.close()
    return result


def query(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def count(db: Path, sql: str, *args: object) -> int:
    return query(db, sql, *args)[0][0]
