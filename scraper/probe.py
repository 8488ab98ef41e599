"""Which of a handle's readings exists: one cheap request per reading, before any archive is
touched. A bare Rotten Tomatoes handle may be a critic's slug or a 2023+ profile's opaque
handle; the critic is the one people name, so it is tried first."""

from __future__ import annotations

from scraper import sites
from scraper.errors import NotFound, ScrapeError
from scraper.fetch import Fetcher, FetchSettings
from scraper.sites import Target


def existing(target: Target, settings: FetchSettings) -> Target:
    """The first of the target's readings (site module's `readings`) whose first listing page
    is not a 404; the target as given when it has one reading, or when none is found (its crawl
    then says it does not exist)."""
    readings = getattr(sites.SITES[target.site], "readings", None)
    handles = readings(target.handle) if readings else [target.handle]
    if len(handles) < 2:
        return target
    with Fetcher(settings) as fetcher:
        for handle in handles:
            try:
                fetcher.fetch(sites.SITES[target.site].listings(handle)[0])
            except NotFound:
                continue
            except ScrapeError:
                pass  # it answered, just not to us (a login wall): its crawl will say so
            return Target(target.site, handle)
    return target
