"""The loop that joins fetch, parse and archive for one profile, page by page.

A profile has one or more listings (RT's 2023 profiles: movies, then TV), each read newest
first. A full crawl reads every page of every listing. An incremental crawl leaves a listing as
soon as one whole page holds only reviews already archived and unchanged: everything older was
archived by the earlier complete crawls.

A listing whose first page answers 404 (or 410) does not exist for this profile: the first
listing's means the profile does not exist; a later one's (a critic with no TV reviews) is
skipped with a note, and its reviews are never marked missing. A 404 past a listing's first
page cuts the listing short: the crawl is incomplete. A refusal past a listing's first page
leaves a checkpoint the next run resumes from (checkpoints.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import sqlite_utils

from scraper import sites
from scraper.errors import Incomplete
from scraper.jobs.crawl_result import CrawlResult
from scraper.jobs.listing_reader import Expired, ListingReader
from scraper.models import Request
from scraper.net.fetch import Fetcher
from scraper.store.checkpoints import Checkpoint


def crawl(
    db: sqlite_utils.Database,
    fetcher: Fetcher,
    result: CrawlResult,
    *,
    run_id: int | None = None,
    progress: Callable[[CrawlResult], None] | None = None,
    stop: threading.Event | None = None,
    options: object | None = None,
    resume: Checkpoint | None = None,
    catch_up: bool = False,
) -> CrawlResult:
    """Read `result.target`'s listings into the archive, updating `result` as pages arrive;
    from `resume` first, when the last run left a checkpoint. With `catch_up` (the run is full
    only because the one that left the checkpoint stopped), a resume that reads on to the end
    is followed by an incremental pass from the top, not a full one.

    Stops with an error, keeping the pages already saved, when the pagination loops, leaves the
    site, or runs past the page ceiling; with Interrupted when `stop` is set between pages.
    """

    def crawler(incremental: bool) -> ListingReader:
        return ListingReader(db, fetcher, result, run_id, progress, stop, incremental)

    site = sites.SITES[result.target.site]
    # The site's own settings, as the config asked (None: its defaults).
    settings = site.settings() if options is None else options
    listings = site.listings(result.target.handle, settings)
    if resume is not None:
        _resume(crawler(False), listings, resume)
        # The run that stopped read every page before its checkpoint, and the resume every
        # page after it: what is new since lies at the top, where an incremental pass finds
        # it. Reading the whole profile again would meet a site that refuses us after so many
        # pages (Letterboxd's 403 waves) at the same place every night, never finishing.
        if result.resumed == "done":
            then = ""
            if catch_up:
                result.incremental = True
                then = ", then from the top to what was archived before"
            result.notes.append(f"resumed at {resume.shown()} and read on to the end{then}")
    # From the top, as the run's mode says: what a full run marks missing rests on a pass of
    # its own over every page, never on pages only the resume read.
    main = crawler(result.incremental)
    quick = site.incremental_listings
    # A site with a cheap feed of recent entries (Letterboxd's RSS) is read through it first;
    # when the feed reaches back to entries already archived, it held all that is new. A feed
    # that answers 404 is skipped with a note: the first listing then says whether the
    # profile exists.
    if result.incremental and quick is not None:
        archived_before = result.counts.unchanged
        for listing in quick(result.target.handle):
            main.read(listing, resumable=False)
        if result.counts.unchanged > archived_before:
            listings = []
    for number, listing in enumerate(listings):
        main.read(listing, first_listing=number == 0)
    main.complete_texts()
    if result.unfinished:
        raise Incomplete(
            f"{result.target.profile_id}: {'; '.join(result.unfinished)}; the crawl is "
            "incomplete, so nothing was marked missing (the pages read are kept)"
        )
    result.listings_complete = True
    return result


def _resume(crawler: ListingReader, listings: list[Request], point: Checkpoint) -> None:
    """Read from where the last run was stopped to the end of that listing, then the listings
    after it, each to its end. A checkpoint whose listing is gone, or whose request now
    answers 404, another 4xx or a page that does not parse, is dropped with a note."""
    result = crawler.result
    placed = point.placed(listings)
    if placed is None:
        result.resumed = "dropped"
        result.notes.append(
            f"dropped the checkpoint at {point.shown()}: the profile has no such listing now; "
            "started over"
        )
        return
    try:
        crawler.read(placed.listing, start=placed.request, number=placed.page)
    except Expired as expired:
        result.resumed = "dropped"
        result.notes.append(f"dropped the checkpoint at {point.shown()}: {expired}; started over")
        return
    for listing in listings[listings.index(placed.listing) + 1 :]:
        crawler.read(listing)
    result.resumed = "done"
