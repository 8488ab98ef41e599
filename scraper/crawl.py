"""The loop that joins fetch, parse and archive for one profile, page by page.

A profile has one or more listings (RT's 2023 profiles: movies, then TV), each read newest
first. A full crawl reads every page of every listing. An incremental crawl leaves a listing as
soon as one whole page holds only reviews already archived and unchanged: everything older was
archived by the earlier complete crawls.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

import sqlite_utils

from scraper import archive, sites, timeparse
from scraper.blocks import is_login_page
from scraper.errors import Blocked, FetchError, Incomplete, Interrupted, NotFound, ParseError
from scraper.fetch import Fetcher, Response, redact, without_userinfo
from scraper.models import Fetched, Page, Request, RequestKey, Target
from scraper.wording import plural

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CrawlResult:
    """What a crawl did so far; filled in page by page, so a failed crawl still tells."""

    target: Target
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
    complete: bool = False
    # What went wrong without failing the crawl (a review's whole text that could not be read).
    notes: list[str] = field(default_factory=list)
    # Films' own pages read after the listings for their years (see film_details.py).
    film_pages: int = 0


def crawl(
    db: sqlite_utils.Database,
    fetcher: Fetcher,
    result: CrawlResult,
    *,
    run_id: int | None = None,
    progress: Callable[[CrawlResult], None] | None = None,
    stop: threading.Event | None = None,
    options: dict[str, object] | None = None,
) -> CrawlResult:
    """Read `result.target`'s listings into the archive, updating `result` as pages arrive.

    Stops with an error, keeping the pages already saved, when the pagination loops, leaves the
    site, or runs past the page ceiling; with Interrupted when `stop` is set between pages.
    """
    crawler = _Crawler(db, fetcher, result, run_id, progress, stop)
    site = sites.SITES[result.target.site]
    listings = site.listings(result.target.handle, **(options or {}))
    quick = site.incremental_listings
    # A site with a cheap feed of recent entries (Letterboxd's RSS) is read through it first;
    # when the feed reaches back to entries already archived, it held all that is new.
    if result.incremental and quick is not None:
        archived_before = result.counts.unchanged
        for listing in quick(result.target.handle):
            crawler.read(listing)
        if result.counts.unchanged > archived_before:
            listings = []
    for listing in listings:
        crawler.read(listing)
    crawler.complete_texts()
    if result.unfinished:
        raise Incomplete(
            f"{result.target.profile_id}: {'; '.join(result.unfinished)}; the crawl is "
            "incomplete, so nothing was marked missing (the pages read are kept)"
        )
    result.complete = True
    return result


@dataclass(slots=True)
class _Crawler:
    db: sqlite_utils.Database
    fetcher: Fetcher
    result: CrawlResult
    run_id: int | None
    progress: Callable[[CrawlResult], None] | None
    stop: threading.Event | None
    seen_requests: set[RequestKey] = field(default_factory=set)
    fetched_pages: int = 0
    stopped: bool = False
    # Listing pages are fetched in a thread of their own during full crawls (see read).

    def read(self, listing: Request) -> None:
        """Read one listing page by page, to its last page or (incremental) to the first page
        that holds nothing new."""
        result, target = self.result, self.result.target
        # Page by page, in one thread: fetching the next page while this one was written
        # (a read-ahead thread) saved nothing at the default 1 s delay, where the pause
        # between requests already covers the write (issue 18: 21 pages, 21.9 s either way).
        pages = self.pages(listing)
        first = True
        for page, fetched in pages:
            saved = archive.save_page(self.db, page, seen_at=page_time(fetched), fetched=fetched)
            result.pages += 1
            result.reviews += len(page.reviews)
            result.counts.add(saved.counts)
            result.seen |= saved.review_ids
            result.sources |= saved.sources
            reached_old = not (saved.review_ids & result.fresh)
            result.fresh |= saved.new_ids
            expected = not first or archive.has_reviews(self.db, target.profile_id, listing.source)
            if not page.reviews and not page.past_end and expected:
                result.suspicious_empty += 1
            if self.progress:
                self.progress(result)
            if page.unfinished:
                result.unfinished.append(f"{redact(fetched.url)} {page.unfinished}")
                break
            if result.incremental and page.reviews and _nothing_new(saved.counts) and reached_old:
                break
            first = False
        if self.stopped:
            raise Interrupted(f"interrupted after {plural(result.pages, 'page')}")

    def pages(self, listing: Request) -> Iterator[tuple[Page, Fetched]]:
        """The listing's pages, parsed, each fetched once the one before it named it."""
        request: Request | None = listing
        while request is not None:
            if self.stop is not None and self.stop.is_set():
                self.stopped = True  # raised by read, once the pages before are saved
                return
            page, fetched = self.fetch_page(request, listing)
            yield page, fetched
            request = page.next

    def fetch_page(self, request: Request, listing: Request) -> tuple[Page, Fetched]:
        result, target = self.result, self.result.target
        ceiling = self.fetcher.settings.max_pages
        _check_next(request, listing, self.seen_requests, result, self.fetched_pages, ceiling)
        self.seen_requests.add(request.key)
        self.fetched_pages += 1
        try:
            response = _fetch(self.fetcher, request, target, self.fetched_pages - 1)
        except Blocked as error:
            if request.refusal and error.refused:
                raise Blocked(f"{target.profile_id}: {request.refusal}") from None
            raise
        try:
            page = sites.parse(
                target.site, request.parser, response.body, response.url, response.fetched_at
            )
        except ParseError as error:
            if is_login_page(response.body, response.url):
                raise Blocked(
                    f"{target.profile_id}: {request.refusal}"
                    if request.refusal
                    else f"{redact(response.url)} answered with a login page: this "
                    "listing needs your logged-in session; export your browser's "
                    "cookies to a cookies.txt file and pass --cookies FILE"
                ) from None
            raise ParseError(error.site, redact(error.url), error.missing) from None
        # Links the page made from its own address carry no credentials into the archive.
        page.reviews = [
            replace(r, url=without_userinfo(r.url)) if r.url and "@" in r.url else r
            for r in page.reviews
        ]
        fetched = Fetched(
            body=response.body,
            url=without_userinfo(response.url),
            site=target.site,
            parser=request.parser,
            parser_version=sites.SITES[target.site].parser_version,
            fetched_at=timeparse.to_iso(response.fetched_at),
            method=request.method,
            params=json.dumps(request.params) if request.params else None,
            status=response.status,
            content_type=response.content_type,
            profile_id=target.profile_id,
            run_id=self.run_id,
        )
        return page, fetched

    def complete_texts(self) -> None:
        """Fetch the whole text of every review of the profile whose stored text is still a
        listing's excerpt: those this crawl saved, and those an earlier run could not complete.
        A text that cannot be had stays an excerpt, marked, for the next run; it is noted, and
        never fails the crawl. Three failures in a row (the site refusing us) stop the attempt.
        """
        request_for = sites.SITES[self.result.target.site].full_text_request
        if request_for is None:
            return
        pending = archive.incomplete_texts(self.db, self.result.target.profile_id)
        failed: list[str] = []
        last_error: Exception | None = None
        in_a_row = 0
        for review_id in pending:
            request = request_for(review_id)
            if request is None or in_a_row >= FULL_TEXT_FAILURES_IN_A_ROW:
                failed.append(review_id)
                continue
            if self.stop is not None and self.stop.is_set():
                failed.append(review_id)
                continue
            try:
                page, fetched = self.fetch_page(request, request)
            except (NotFound, ParseError, Blocked, FetchError) as error:
                log.info("%s: whole text not read: %s", review_id, error)
                failed.append(review_id)
                in_a_row += 1
                last_error = error
                continue
            in_a_row = 0
            saved = archive.save_page(self.db, page, seen_at=page_time(fetched), fetched=fetched)
            self.result.pages += 1
            self.result.counts.completed += saved.counts.completed
            if self.progress:
                self.progress(self.result)
        if failed:
            why = f" (last error: {last_error})" if last_error else ""
            self.result.notes.append(
                f"{len(failed)} review(s) kept as excerpts; their whole text is fetched "
                f"again next run{why}"
            )


FULL_TEXT_FAILURES_IN_A_ROW = 3


def page_time(fetched: Fetched) -> datetime:
    return timeparse.instant(fetched.fetched_at)


def _check_next(
    request: Request,
    listing: Request,
    seen: set[RequestKey],
    result: CrawlResult,
    fetched: int,
    ceiling: int,
) -> None:
    if urlsplit(request.url).netloc != urlsplit(listing.url).netloc:
        raise Blocked(
            f"the next page of {result.target.profile_id} points off-site "
            f"({redact(request.url)}); refusing to follow"
        )
    if request.key in seen:
        raise FetchError(
            f"{redact(request.url)} sent us back to a page already read; "
            "stopping (the site's pagination is looping)"
        )
    if fetched >= ceiling:
        raise FetchError(
            f"{result.target.profile_id}: more than {ceiling} pages; stopping "
            "(raise max_pages in the config's [fetch] table if that is real)"
        )


def _fetch(fetcher: Fetcher, request: Request, target: Target, pages_read: int) -> Response:
    try:
        return fetcher.fetch(request)
    except NotFound:
        if pages_read:
            raise
        raise NotFound(
            f"{target.profile_id} does not exist on {target.site} "
            f"({redact(request.url)} answered 404); check the spelling"
        ) from None


def _nothing_new(counts: archive.SaveCounts) -> bool:
    return counts.new == counts.changed == counts.returned == counts.completed == 0
