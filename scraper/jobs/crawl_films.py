"""The films' own pages a crawl reads after its listings (film_details.py), as a user meets
them: announced with their number and rough duration before the first, counted n/total with
what is left, stopped by Ctrl-C as an interruption (the next run reads the rest), and the
leftovers of an earlier run named when a later one reads them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from scraper.errors import Interrupted, ScrapeError
from scraper.jobs import film_details
from scraper.jobs.crawl_result import CrawlResult
from scraper.models import Target
from scraper.net.fetch import Fetcher
from scraper.wording import about, plural


@dataclass(slots=True)
class FilmLookUp:
    target: Target
    result: CrawlResult
    stop: threading.Event | None
    progress: Callable[[CrawlResult], None] | None
    notice: Callable[[str], None] | None
    # Films pending before this run's crawl: an earlier run's leftovers.
    left_over: set[tuple[str, str]]

    def run(self, db: sqlite_utils.Database, fetcher: Fetcher) -> None:
        """What cannot be had is a note, never the profile's failure; Ctrl-C is the profile's
        interruption (a crawl that ends "ok" here stopped nothing, and was recorded so)."""
        films = film_details.pending(db, site=self.target.site, profile_id=self.target.profile_id)
        if not films:
            return
        result, total = self.result, len(films)
        result.film_total = total
        if self.notice:
            # Hundreds of pages at the polite delay are minutes nobody expected (issue 31).
            self.notice(
                f"{self.target.profile_id}: reading {plural(total, 'film page')} for years, "
                f"{about(total * fetcher.settings.delay)} at {fetcher.settings.delay:g} s each "
                "(--no-film-details skips them; `scrape details` reads them later)"
            )
        started = time.monotonic()

        def show(looked: film_details.LookedUp) -> None:
            result.film_pages = looked.read
            spent = time.monotonic() - started
            result.film_left = spent / looked.read * (total - looked.read) if looked.read else None
            if self.progress:
                self.progress(result)

        try:
            looked = film_details.look_up(db, fetcher, films, stop=self.stop, progress=show)
        except ScrapeError as error:  # the run's time limit, say: the crawl itself is whole
            result.notes.append(f"film pages not read: {error}")
            return
        result.film_pages = looked.read
        if leftovers := len(self.left_over & set(films[: looked.read])):
            result.notes.append(
                f"{plural(leftovers, 'film page')} left over from an earlier run read now"
            )
        if note := looked.note():
            result.notes.append(note)
        if self.stop is not None and self.stop.is_set() and looked.read < total:
            raise Interrupted(
                f"interrupted at film page {looked.read}/{total}; the next run reads the rest"
            )
