"""`scrape backup`: every person of the config, each of their profiles crawled in one run."""

from __future__ import annotations

from pathlib import Path

from scraper import sites
from scraper.errors import UsageError
from scraper.jobs import config, crawl_run, plans


def back_up(
    settings: config.Config, db_path: Path, *, full: bool, film_details: bool, voice: plans.Voice
) -> crawl_run.Summary:
    if not settings.people:
        where = settings.path or config.default_path()
        remember = "`scrape user NAME --remember`"
        if settings.path:
            how = f"or name them under [people] in {where}"
            raise UsageError(f"no [people] in {where}: add who to back up with {remember}, {how}")
        raise UsageError(
            f"no config file ({where}): add who to back up with {remember}, or start from the "
            "example: `scrape example-config --write`"
        )
    targets = [t for name in settings.people for t in sites.resolve(name, people=settings.people)]
    planned = plans.plans(settings, targets, film_details=settings.film_details and film_details)
    return plans.run(settings, planned, db_path, command="backup", full=full, voice=voice)
