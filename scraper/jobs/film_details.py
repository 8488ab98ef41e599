"""Film details a listing leaves out (today: the year), read once from the film's own page.

A film with no year and no record of a look-up is looked up once: its site names the page
(Site.film_page) and parses it (the site's film_page parser), through the run's own Fetcher,
so every request is paced and robots-checked like the listings'. The year goes into the film's
row with where it came from (year_source 'film page', year_source_url, year_checked_at); it
never replaces a year a listing gave. A page that answers 404, or states no year, leaves the
year empty with the reason (year_check_error) and is not asked again; a page the site refused
or failed to send is asked again on the next run. Nothing here fails a crawl.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlite_utils

from scraper import sites
from scraper.errors import Blocked, FetchError, NotFound, ParseError
from scraper.models import Request
from scraper.net.fetch import Fetcher
from scraper.store import runs
from scraper.weblinks import without_userinfo

# A site refusing this many pages in a row is refusing us: the rest wait for the next run.
REFUSALS_IN_A_ROW = 3


@dataclass(slots=True)
class LookedUp:
    """What the look-ups of one crawl or command did."""

    pending: int = 0
    read: int = 0
    found: int = 0
    failed: list[str] = field(default_factory=list)
    stopped: str | None = None

    def note(self) -> str | None:
        """The run's note on what could not be had, or None when everything went well."""
        said = []
        if self.failed:
            shown = "; ".join(self.failed[:3]) + ("; ..." if len(self.failed) > 3 else "")
            said.append(f"{len(self.failed)} film page(s) gave no year ({shown})")
        if self.stopped:
            said.append(f"film pages stopped: {self.stopped}")
        return "; ".join(said) or None


def pending(
    db: sqlite_utils.Database, *, site: str | None = None, profile_id: str | None = None
) -> list[tuple[str, str]]:
    """(film id, site) of every film without a year never looked up, of the sites that can
    look one up (of one site, of one profile's reviews, when given)."""
    able = [name for name, declared in sites.SITES.items() if declared.film_page]
    if site is not None:
        able = [name for name in able if name == site]
    if not able:
        return []
    sql = (
        f"SELECT id, site FROM films WHERE year IS NULL AND year_checked_at IS NULL "
        f"AND site IN ({', '.join('?' * len(able))})"
    )
    params: list[str] = list(able)
    if profile_id is not None:
        sql += " AND id IN (SELECT film_id FROM reviews WHERE profile_id = ?)"
        params.append(profile_id)
    return [(row[0], row[1]) for row in db.execute(sql + " ORDER BY id", params)]


def look_up(
    db: sqlite_utils.Database,
    fetcher: Fetcher,
    films: list[tuple[str, str]],
    *,
    progress: Callable[[LookedUp], None] | None = None,
    stop: threading.Event | None = None,
    done: LookedUp | None = None,
) -> LookedUp:
    """Read each film's own page for its year (see the module's docstring), adding to `done`
    when given (the tally of several sites' look-ups)."""
    done = done or LookedUp(pending=len(films))
    refused = 0
    for film_id, site in films:
        if stop is not None and stop.is_set():
            break
        page_for = sites.SITES[site].film_page
        request = page_for(film_id) if page_for else None
        if request is None:
            continue
        try:
            _look_up_one(db, fetcher, film_id, site, request, done)
            refused = 0
        except (Blocked, FetchError) as error:  # not the page's answer: asked again next run
            refused += 1
            if refused >= REFUSALS_IN_A_ROW:
                done.stopped = str(error)
                break
        if progress:
            progress(done)
    return done


def look_up_sites(
    db: sqlite_utils.Database,
    films: list[tuple[str, str]],
    fetcher_for: Callable[[str], Fetcher],
    *,
    progress: Callable[[LookedUp], None] | None = None,
) -> LookedUp:
    """look_up for films of several sites, each site's through its own Fetcher (its settings,
    its cookies); a site that refuses us stops only its own look-ups."""
    done = LookedUp(pending=len(films))
    for site in sorted({s for _, s in films}):
        with fetcher_for(site) as fetcher:
            mine = [film for film in films if film[1] == site]
            look_up(db, fetcher, mine, progress=progress, done=done)
    return done


def _look_up_one(
    db: sqlite_utils.Database,
    fetcher: Fetcher,
    film_id: str,
    site: str,
    request: Request,
    done: LookedUp,
) -> None:
    shown = without_userinfo(request.url)
    try:
        response = fetcher.fetch(request)
    except NotFound:
        done.read += 1  # asked and answered: the cost is the same
        _record(db, film_id, request.url, None, "its page answered 404")
        done.failed.append(f"{shown}: 404")
        return
    done.read += 1
    # The request's own address: a season is named by its fragment (#season-2).
    try:
        page = sites.parse(site, request.parser, response.body, request.url, response.fetched_at)
    except ParseError as error:
        _record(db, film_id, request.url, None, str(error))
        done.failed.append(str(error))
        return
    year = page.films[0].year if page.films else None
    _record(db, film_id, request.url, year, None if year else "its page states no year")
    if year:
        done.found += 1
    else:
        done.failed.append(f"{shown}: no year on the page")


def _record(
    db: sqlite_utils.Database, film_id: str, url: str, year: int | None, error: str | None
) -> None:
    with db.conn:
        db.execute(
            "UPDATE films SET year = coalesce(year, ?), "
            "year_source = CASE WHEN year IS NULL AND ? IS NOT NULL THEN 'film page' "
            "ELSE year_source END, "
            "year_source_url = CASE WHEN year IS NULL AND ? IS NOT NULL THEN ? "
            "ELSE year_source_url END, "
            "year_checked_at = ?, year_check_error = ? WHERE id = ?",
            [year, year, year, without_userinfo(url), runs.now(), error, film_id],
        )
