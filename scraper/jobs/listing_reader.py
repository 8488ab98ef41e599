"""Reading one listing of a profile page by page: each request checked (on the site, not
looping, under the page ceiling), fetched, parsed and saved with its raw body; a listing left
at its end, or (incremental) at the first page with nothing new. Then the whole texts of the
excerpts the listings gave.

What a 404 means depends on where it comes (see crawl.py); a refusal past a listing's first
page leaves a checkpoint on the result, for the next run to resume from (checkpoints.py).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import sqlite_utils

from scraper import sites
from scraper.errors import (
    Blocked,
    FetchError,
    Incomplete,
    Interrupted,
    NotFound,
    ParseError,
    Rejected,
    ScrapeError,
)
from scraper.models import Fetched, Page, Request, RequestKey
from scraper.net.blocks import is_login_page
from scraper.net.fetch import Fetcher
from scraper.store import archive
from scraper.store.checkpoints import Checkpoint, reason
from scraper.store.writer import PageWriter
from scraper.weblinks import redact, without_userinfo
from scraper.wording import plural

if TYPE_CHECKING:
    from scraper.jobs.crawl_result import CrawlResult

log = logging.getLogger(__name__)


class Expired(Exception):
    """The request a checkpoint resumes from answers 404, another 4xx or a page its parser
    rejects: no longer a place to go on from (an expired cursor)."""

    def __init__(self, error: ScrapeError) -> None:
        super().__init__(str(error))


@dataclass(slots=True)
class ListingReader:
    """Reads listings into the archive for one crawl, filling in its result."""

    db: sqlite_utils.Database
    fetcher: Fetcher
    result: CrawlResult
    run_id: int | None
    progress: Callable[[CrawlResult], None] | None
    stop: threading.Event | None
    # Leave a listing at the first page with nothing new (the resume reads to the end).
    incremental: bool
    seen_requests: set[RequestKey] = field(default_factory=set)
    fetched_pages: int = 0
    writer: PageWriter = field(init=False)

    def __post_init__(self) -> None:
        self.writer = PageWriter(self.db, entry_kinds=sites.entry_kinds())

    def read(
        self,
        listing: Request,
        *,
        first_listing: bool = False,
        resumable: bool = True,
        start: Request | None = None,
        number: int = 1,
    ) -> None:
        """Read one listing page by page, to its last page or (incremental) to the first page
        that holds nothing new; from `start`, its page `number`, when resuming. A refusal past
        the listing's first page leaves a checkpoint there, when `resumable`."""
        # Page by page, in one thread: fetching the next page while this one was written
        # (a read-ahead thread) saved nothing at the default 1 s delay, where the pause
        # between requests already covers the write (issue 18: 21 pages, 21.9 s either way).
        request: Request | None = start or listing
        first = start is None  # the listing's own first page
        while request is not None:
            # Where the next run would resume, should this request be refused.
            here = (listing, request, number) if resumable and not first else None
            if self.stop is not None and self.stop.is_set():
                # Raised once the pages before are saved.
                self.leave_checkpoint(here, "interrupted")
                raise Interrupted(f"interrupted after {plural(self.result.pages, 'page')}")
            self.check(request, listing)
            try:
                page, fetched = self.fetch_parse(request)
            except (NotFound, Rejected, ParseError) as error:
                if request is start:
                    raise Expired(error) from None
                if not isinstance(error, NotFound):
                    raise
                if first and not first_listing:
                    self.skip(listing, error)
                    return
                raise self.not_found(error, listing, request, number, first) from None
            except (Blocked, FetchError) as error:
                self.leave_checkpoint(here, reason(error))
                raise
            if self.save(page, fetched, listing, first):
                return
            request, number, first = page.next, number + 1, False

    def leave_checkpoint(self, here: tuple[Request, Request, int] | None, why: str) -> None:
        if here is not None:
            self.result.checkpoint = Checkpoint(*here, why, datetime.now(UTC))

    def skip(self, listing: Request, error: NotFound) -> None:
        """A later listing that does not exist for this profile (a critic with no TV reviews):
        a note, and its reviews are not tombstones' to judge."""
        self.result.notes.append(f"no such listing: {redact(listing.url)} answered {error.status}")
        self.result.skipped.add(listing.source or listing.url)

    def not_found(
        self, error: NotFound, listing: Request, request: Request, number: int, first: bool
    ) -> ScrapeError:
        target = self.result.target
        if first:
            return NotFound(
                f"{target.profile_id} does not exist on {target.site} "
                f"({redact(request.url)} answered {error.status}); check the spelling",
                status=error.status,
            )
        return Incomplete(
            f"{target.profile_id}: {redact(request.url)} answered {error.status} at page "
            f"{number} of {urlsplit(without_userinfo(listing.url)).path}, cutting the listing "
            "short; the crawl is incomplete, so nothing was marked missing (the pages read are "
            "kept)"
        )

    def save(self, page: Page, fetched: Fetched, listing: Request, first: bool) -> bool:
        """Write one page of a listing; True when the listing ends here."""
        result, target = self.result, self.result.target
        saved = self.writer.save_page(page, seen_at=fetched.fetched_at, fetched=fetched)
        result.pages += 1
        result.reviews += len(page.reviews)
        if listing.source and (first or listing.source in result.listed):
            result.listed[listing.source] = result.listed.get(listing.source, 0) + len(page.reviews)
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
            return True
        return bool(
            self.incremental and page.reviews and _nothing_new(saved.counts) and reached_old
        )

    def fetch_page(self, request: Request, listing: Request) -> tuple[Page, Fetched]:
        self.check(request, listing)
        return self.fetch_parse(request)

    def check(self, request: Request, listing: Request) -> None:
        """Refuse a request that leaves the site, loops or passes the page ceiling."""
        ceiling = self.fetcher.settings.max_pages
        _check_next(request, listing, self.seen_requests, self.result, self.fetched_pages, ceiling)
        self.seen_requests.add(request.key)
        self.fetched_pages += 1

    def fetch_parse(self, request: Request) -> tuple[Page, Fetched]:
        target = self.result.target
        try:
            response = self.fetcher.fetch(request)
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
            fetched_at=response.fetched_at,
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
        full_text = sites.SITES[self.result.target.site].full_text
        if full_text is None:
            return
        request_for = full_text.request
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
            saved = self.writer.save_page(page, seen_at=fetched.fetched_at, fetched=fetched)
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


def _nothing_new(counts: archive.SaveCounts) -> bool:
    return counts.new == counts.changed == counts.returned == counts.completed == 0
