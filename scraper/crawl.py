"""The loop that joins fetch, parse and archive for one profile, page by page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlite_utils

from scraper import archive, sites
from scraper.blocks import is_login_page
from scraper.errors import Blocked, FetchError, NotFound, ParseError
from scraper.fetch import Fetcher, redact
from scraper.sites import Target


@dataclass(slots=True)
class CrawlResult:
    target: Target
    pages: int = 0
    reviews: int = 0
    counts: archive.SaveCounts = field(default_factory=archive.SaveCounts)


def crawl(
    db: sqlite_utils.Database,
    fetcher: Fetcher,
    target: Target,
    *,
    progress: Callable[[CrawlResult], None] | None = None,
) -> CrawlResult:
    """Fetch every listing page of `target` and archive each as it arrives.

    Stops with an error, keeping the pages already saved, when the pagination loops, leaves the
    site, or runs past the page ceiling.
    """
    result = CrawlResult(target)
    request = sites.SITES[target.site].first_request(target.handle)
    host = urlsplit(request.url).netloc
    ceiling = fetcher.settings.max_pages
    seen: set[tuple] = set()
    while request is not None:
        if urlsplit(request.url).netloc != host:
            raise Blocked(
                f"the next page of {target.profile_id} points off-site "
                f"({redact(request.url)}); refusing to follow"
            )
        if request.key in seen:
            raise FetchError(
                f"{redact(request.url)} sent us back to a page already read; "
                "stopping (the site's pagination is looping)"
            )
        if result.pages >= ceiling:
            raise FetchError(
                f"{target.profile_id}: more than {ceiling} pages; stopping "
                "(raise max_pages in the config's [fetch] table if that is real)"
            )
        seen.add(request.key)
        try:
            response = fetcher.fetch(request)
        except NotFound:
            if result.pages:
                raise
            raise NotFound(
                f"{target.profile_id} does not exist on {target.site} "
                f"({redact(request.url)} answered 404); check the spelling"
            ) from None
        try:
            page = sites.parse(
                target.site, request.parser, response.body, response.url, response.fetched_at
            )
        except ParseError:
            if is_login_page(response.body):
                raise Blocked(
                    f"{redact(response.url)} answered with a login page: this listing "
                    "needs your logged-in session; export your browser's cookies to a "
                    "cookies.txt file and pass --cookies FILE"
                ) from None
            raise
        result.counts.add(archive.save_page(db, page, seen_at=response.fetched_at))
        result.pages += 1
        result.reviews += len(page.reviews)
        if progress:
            progress(result)
        request = page.next
    return result
