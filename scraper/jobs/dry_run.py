"""`scrape backup --dry-run`: what a run would fetch, read from the config and the archive as they
are, with no request made and nothing written (the archive is opened read-only, no lock)."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from scraper import sites
from scraper.jobs import crawl_run
from scraper.models import Request
from scraper.store import checkpoints, runs
from scraper.store.schema import open_archive


@dataclass(frozen=True, slots=True)
class Preview:
    profile_id: str
    # "full" or "incremental", and why (the same choice the run makes).
    mode: str
    reason: str
    # Where a run stopped part-way would resume, as `scrape status` shows it.
    resume: str | None
    # The first request of each listing, in the order they would be read.
    first_requests: list[str]
    delay: float
    film_details: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "profile_id": self.profile_id,
            "mode": self.mode,
            "reason": self.reason,
            "resume": self.resume,
            "first_requests": self.first_requests,
            "delay": self.delay,
            "film_details": self.film_details,
        }


def preview(
    db_path: Path, planned: list[crawl_run.Plan], *, full: bool, full_every: int
) -> list[Preview]:
    """Each plan as the run would take it: full or incremental, and the listings it would ask
    for first (an incremental run stops at the first page that holds nothing new)."""
    if not db_path.exists():
        return [_preview(plan, runs.Mode(True, "first crawl"), None) for plan in planned]
    with closing(open_archive(db_path, write=False)) as db:
        found = []
        for plan in planned:
            profile_id = plan.target.profile_id
            mode = runs.choose_mode(db, profile_id, force_full=full, full_every=full_every)
            try:
                point = checkpoints.load(db, profile_id)
            except ValueError:  # the run drops it and starts over, with a note
                point = None
            found.append(_preview(plan, mode, point.shown() if point else None))
        return found


def _preview(plan: crawl_run.Plan, mode: runs.Mode, resume: str | None) -> Preview:
    site = sites.SITES[plan.target.site]
    settings = site.settings() if plan.options is None else plan.options
    listings = site.listings(plan.target.handle, settings)
    if not mode.full and site.incremental_listings is not None:
        # Read first; when it reaches what is archived, the listings are not read at all.
        listings = site.incremental_listings(plan.target.handle) + listings
    return Preview(
        profile_id=plan.target.profile_id,
        mode="full" if mode.full else "incremental",
        reason=mode.reason,
        resume=resume,
        first_requests=[_shown(request) for request in listings],
        delay=plan.settings.delay,
        film_details=plan.film_details,
    )


def _shown(request: Request) -> str:
    query = f"?{urlencode(request.params)}" if request.params else ""
    method = "" if request.method == "GET" else f"{request.method} "
    return f"{method}{request.url}{query}"
