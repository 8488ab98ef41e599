"""`scrape details`: the years archived films lack, read from their own pages in one recorded
run (film_details.py does the reading)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from scraper import sites
from scraper.jobs import config, film_details, plans
from scraper.net.fetch import Fetcher
from scraper.store import runs


def fill_in_years(
    settings: config.Config,
    db_path: Path,
    *,
    site: str | None = None,
    profile_handle: str | None = None,
    ignore_robots: bool = False,
    progress: Callable[[film_details.LookedUp], None] | None = None,
) -> film_details.LookedUp:
    """Of the films of `site`, or of the reviews of `profile_handle` (SITE:HANDLE), or all."""
    target = sites.resolve(profile_handle, site=site)[0] if profile_handle else None
    robots = False if ignore_robots else None

    def fetcher_for(name: str) -> Fetcher:
        fetching = settings.fetch_settings(name, delay=plans.env_delay(), robots=robots)
        return Fetcher(fetching, cookies=plans.cookies(settings, name, None, None))

    with runs.recorded(db_path, "details") as run:
        films = film_details.pending(
            run.db,
            site=target.site if target else site,
            profile_id=target.profile_id if target else None,
        )
        totals = film_details.look_up_sites(run.db, films, fetcher_for, progress=progress)
        run.status = "failed" if totals.stopped else "ok"
        run.error = totals.note()
    return totals
