"""From the config and the profiles named to crawl plans, and those plans run: what `scrape user`
and `scrape backup` share. Everything the user named (cookies, a browser to present, the delay)
is checked here, before the archive or the network is used."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlsplit

from scraper import sites
from scraper.errors import UsageError
from scraper.jobs import config, crawl_run
from scraper.jobs.crawl_result import CrawlResult
from scraper.models import Target
from scraper.net import browser_cookies
from scraper.net.fetch import check_browser


def _never_stopped() -> AbstractContextManager[threading.Event]:
    return nullcontext(threading.Event())


@dataclass(frozen=True, slots=True)
class Voice:
    """What a crawl tells its user as it goes, and how the user stops it: the caller's terminal
    (the CLI prints; a test may listen)."""

    progress: Callable[[CrawlResult], None] | None = None
    # What is about to take long (films' own pages).
    notice: Callable[[str], None] | None = None
    # Entered around the run alone (not the look-ups before it): the Event it gives stops the
    # run after the current page. The CLI sets it on Ctrl-C.
    stopping: Callable[[], AbstractContextManager[threading.Event]] = _never_stopped


def plans(
    settings: config.Config,
    targets: list[Target],
    *,
    cookies_path: Path | None = None,
    browser: str | None = None,
    delay: float | None = None,
    film_details: bool = True,
    **overrides: object,
) -> list[crawl_run.Plan]:
    delay = delay if delay is not None else env_delay()
    planned = []
    for target in targets:
        jar = cookies(settings, target.site, cookies_path, browser)
        fetching = settings.fetch_settings(target.site, delay=delay, **overrides)
        if fetching.impersonate:
            check_browser(fetching.impersonate)
        options = settings.own_settings(target.site)
        planned.append(crawl_run.Plan(target, fetching, jar, options, film_details))
    return planned


def cookies(
    settings: config.Config, site: str, path: Path | None, browser: str | None
) -> CookieJar | None:
    """The command line's cookies (a file, or a browser), else the config's, else none."""
    cookies_file: str | Path | None = path
    if path is None and browser is None:
        # Strings, or absent: config.load checked them against config.SITE_KEYS.
        configured = settings.site_setting(site, "cookies")
        cookies_file = configured if isinstance(configured, str) else None
        configured = settings.site_setting(site, "cookies_from_browser")
        browser = configured if isinstance(configured, str) else None
    if cookies_file:
        return config.load_cookies(cookies_file)
    if browser:
        declared = sites.SITES[site]
        hosts = [*declared.hosts, urlsplit(declared.root()).hostname or ""]
        return browser_cookies.load(str(browser), hosts)
    return None


def env_delay() -> float | None:
    value = os.environ.get("SCRAPE_DELAY")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        raise UsageError(f"SCRAPE_DELAY={value!r} is not a number of seconds") from None


def run(
    settings: config.Config,
    planned: list[crawl_run.Plan],
    db_path: Path,
    *,
    command: str,
    full: bool,
    voice: Voice,
) -> crawl_run.Summary:
    with voice.stopping() as stop:
        return crawl_run.run(
            db_path,
            planned,
            command=command,
            full=full,
            full_every=settings.full_every,
            time_limit=settings.max_run_hours * 3600,
            progress=voice.progress,
            stop=stop,
            notice=voice.notice,
        )
