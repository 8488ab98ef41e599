"""The loop that joins fetch, parse and archive for one profile, page by page.

A profile has one or more listings (RT's 2023 profiles: movies, then TV), each read newest
first. A full crawl reads every page of every listing. An incremental crawl leaves a listing as
soon as one whole page holds only reviews already archived and unchanged: everything older was
archived by the earlier complete crawls.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlite_utils

from scraper import archive, sites, timeparse
from scraper.blocks import is_login_page
from scraper.errors import Blocked, FetchError, Interrupted, NotFound, ParseError
from scraper.fetch import Fetcher, redact
from scraper.models import Fetched, Request
from scraper.sites import Target


@dataclass(slots=True)
class CrawlResult:
    """What a crawl did so far; filled in page by page, so a failed crawl still tells."""

    target: Target
    incremental: bool = False
    pages: int = 0
    reviews: int = 0
    counts: archive.SaveCounts = field(default_factory=archive.SaveCounts)
    seen: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    # Pages that parsed to no reviews where reviews were expected (see tombstones.py).
    suspicious_empty: int = 0
    complete: bool = False


def crawl(
    db: sqlite_utils.Database,
    fetcher: Fetcher,
    result: CrawlResult,
    *,
    run_id: int | None = None,
    progress: Callable[[CrawlResult], None] | None = None,
    stop: threading.Event | None = None,
) -> CrawlResult:
    """Read `result.target`'s listings into the archive, updating `result` as pages arrive.

    Stops with an error, keeping the pages already saved, when the pagination loops, leaves the
    site, or runs past the page ceiling; with Interrupted when `stop` is set between pages.
    """
    target = result.target
    module = sites.SITES[target.site]
    seen_requests: set[tuple] = set()
    for listing in module.listings(target.handle):
        request: Request | None = listing
        first = True
        while request is not None:
            if stop is not None and stop.is_set():
                raise Interrupted(f"{target.profile_id}: stopped after {result.pages} pages")
            _check_next(request, listing, seen_requests, result, fetcher.settings.max_pages)
            seen_requests.add(request.key)
            response = _fetch(fetcher, request, target, result.pages)
            try:
                page = sites.parse(
                    target.site, request.parser, response.body, response.url, response.fetched_at
                )
            except ParseError:
                if is_login_page(response.body):
                    raise Blocked(
                        f"{redact(response.url)} answered with a login page: this "
                        "listing needs your logged-in session; export your browser's "
                        "cookies to a cookies.txt file and pass --cookies FILE"
                    ) from None
                raise
            fetched = Fetched(
                body=response.body,
                url=response.url,
                site=target.site,
                parser=request.parser,
                parser_version=module.PARSER_VERSION,
                fetched_at=timeparse.to_iso(response.fetched_at),
                method=request.method,
                params=json.dumps(request.params) if request.params else None,
                status=response.status,
                content_type=response.content_type,
                profile_id=target.profile_id,
                run_id=run_id,
            )
            saved = archive.save_page(db, page, seen_at=response.fetched_at, fetched=fetched)
            result.pages += 1
            result.reviews += len(page.reviews)
            result.counts.add(saved.counts)
            result.seen |= saved.review_ids
            result.sources |= saved.sources
            if not page.reviews and (not first or _has_reviews(db, target, listing.source)):
                result.suspicious_empty += 1
            if progress:
                progress(result)
            if result.incremental and page.reviews and _nothing_new(saved.counts):
                break
            request, first = page.next, False
    result.complete = True
    return result


def _check_next(
    request: Request, listing: Request, seen: set[tuple], result: CrawlResult, ceiling: int
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
    if result.pages >= ceiling:
        raise FetchError(
            f"{result.target.profile_id}: more than {ceiling} pages; stopping "
            "(raise max_pages in the config's [fetch] table if that is real)"
        )


def _fetch(fetcher: Fetcher, request: Request, target: Target, pages_read: int):
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
    return counts.new == counts.changed == counts.returned == 0


def _has_reviews(db: sqlite_utils.Database, target: Target, source: str | None) -> bool:
    row = db.execute(
        "SELECT 1 FROM reviews WHERE profile_id = ? AND (? IS NULL OR source = ?) LIMIT 1",
        [target.profile_id, source, source],
    ).fetchone()
    return row is not None
