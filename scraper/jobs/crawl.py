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
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from scraper import sites
from scraper.errors import Incomplete, ScrapeError
from scraper.jobs.listing_reader import Expired, ListingReader
from scraper.models import Request, Target
from scraper.net.fetch import Fetcher
from scraper.store import archive
from scraper.store.checkpoints import Checkpoint

# What `scrape backup --json` prints of each profile, in this order.
REPORTED = (
    "profile_id",
    "mode",
    "status",
    "pages",
    "requests",
    "reviews",
    "new",
    "changed",
    "missing",
    "deleted",
    "film_pages",
    "note",
    "resumes_at",
    "warnings",
    "error",
)


@dataclass(slots=True)
class CrawlResult:
    """What a profile's crawl did so far; filled in page by page, so a failed crawl still
    tells. Its run's end fills in the rest: it is the profile's `profile_runs` row (written by
    the names of its columns: runs.finish_profile), the line the command prints and its JSON."""

    target: Target
    # "full" or "incremental" as the run ends (a resumed run may catch up incrementally);
    # "unknown" when the profile failed before its crawl began.
    mode: str = "unknown"
    status: str = "running"
    incremental: bool = False
    pages: int = 0
    reviews: int = 0
    counts: archive.SaveCounts = field(default_factory=archive.SaveCounts)
    seen: set[str] = field(default_factory=set)
    # Listings that ended without their own end signal (see Page.unfinished).
    unfinished: list[str] = field(default_factory=list)
    # Reviews this crawl archived first: a later listing showing them has not reached old ground.
    fresh: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    # Pages that parsed to no reviews where reviews were expected (see tombstones.py).
    suspicious_empty: int = 0
    # Reviews each listing (by source) answered, of those read from their first page on.
    listed: dict[str, int] = field(default_factory=dict)
    # Every listing was read to its end (a run then stopped in the films' own pages leaves
    # nothing for a full run to catch up on).
    listings_complete: bool = False
    # What went wrong without failing the crawl (a review's whole text that could not be read).
    notes: list[str] = field(default_factory=list)
    # Films' own pages read after the listings for their years (see film_details.py), of how
    # many, and about how long the rest take (seconds; None before the first is read).
    film_pages: int = 0
    film_total: int = 0
    film_left: float | None = None
    # The sources of listings that answered 404 on their first page: none for this profile,
    # so their reviews are not candidates for tombstones.
    skipped: set[str] = field(default_factory=set)
    # Where a refusal stopped this crawl mid-listing: the next run resumes there.
    checkpoint: Checkpoint | None = None
    # How the resume from the last run's checkpoint went: "done" (read to the end of its
    # listings), "dropped" (no longer valid); None when there was none or it stopped again.
    resumed: str | None = None
    # The HTTP requests the profile's run made, listings and films' pages alike.
    requests: int = 0
    # Reviews marked missing, and deleted, by tombstones after a complete full crawl.
    missing: int = 0
    deleted: int = 0
    # The run's notes joined, and the listing sources (space-separated) found shrunk, as the
    # run ends.
    note: str | None = None
    shrunk: str | None = None
    error: ScrapeError | None = None
    # Where the next run resumes ("letterboxd-reviews page 3"): a refusal stopped this one.
    resumes_at: str | None = None
    # What the user should look at though nothing failed (a listing that shrank).
    warnings: list[str] = field(default_factory=list)

    @property
    def profile_id(self) -> str:
        return self.target.profile_id

    @property
    def new(self) -> int:
        return self.counts.new

    @property
    def changed(self) -> int:
        return self.counts.changed

    @property
    def read_sources(self) -> set[str]:
        """The sources whose listings this crawl read: what tombstones may judge."""
        return self.sources - self.skipped

    def as_dict(self) -> dict[str, Any]:
        shown = {name: getattr(self, name) for name in REPORTED}
        return shown | {"error": str(self.error) if self.error else None}


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
