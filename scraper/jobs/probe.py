"""Whether a profile exists, asked with one cheap request (its first listing page) before any
archive is touched: which reading of an ambiguous handle is meant, and where a bare name is
somebody. A bare Rotten Tomatoes handle may be a critic's slug or a 2023+ profile's opaque
handle; the critic is the one people name, so it is tried first."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from http.cookiejar import CookieJar

from scraper import sites
from scraper.errors import Blocked, NotFound, Rejected, ScrapeError
from scraper.models import Target
from scraper.net.fetch import Fetcher, FetchSettings


@dataclass(frozen=True, slots=True)
class Found:
    """What one site said of a name: the target when it exists, else why not, in a few words."""

    site: str
    target: Target | None
    verdict: str
    # False when the site never answered (no network, a name that does not resolve): it said
    # nothing of the name, so it cannot count towards "no profile of that name".
    answered: bool = True


# What `scrape user NAME` looks up on every site: a handle-like word, nothing else.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def is_name(ident: str) -> bool:
    return _NAME.fullmatch(ident) is not None


def look_up_name(
    name: str,
    fetching: Callable[[str], FetchSettings],
    cookies: Callable[[str], CookieJar | None],
    asking: Callable[[str], None] | None = None,
) -> list[Found]:
    """What each site says of `name`: one look-up where it can be a handle (see look_up);
    `asking(site)` before each site is asked."""
    verdicts = []
    for site, declared in sites.SITES.items():
        handle = declared.handle_from_text(name)
        if handle is None or handle.isdigit():
            verdicts.append(Found(site, None, "not a handle there"))
            continue
        if asking:
            asking(site)
        verdicts.append(look_up(Target(site, handle), fetching(site), cookies(site)))
    return verdicts


def existing(target: Target, settings: FetchSettings, cookies: CookieJar | None = None) -> Target:
    """The first of the target's readings whose first listing page is not a 404; the target as
    given when it has one reading or none exists (its crawl then says it does not exist)."""
    if len(sites.SITES[target.site].handles(target.handle)) < 2:
        return target
    return look_up(target, settings, cookies).target or target


def look_up(target: Target, settings: FetchSettings, cookies: CookieJar | None = None) -> Found:
    """Ask the site for each reading of `target`'s handle in turn, one request each."""
    refusals: list[str] = []
    answered = False
    with Fetcher(settings, cookies=cookies) as fetcher:
        for handle in sites.SITES[target.site].handles(target.handle):
            try:
                declared = sites.SITES[target.site]
                fetcher.fetch(declared.listings(handle, declared.settings())[0])
            except NotFound:
                answered = True
                continue
            except Blocked as error:
                answered = True
                refusals.append(_why_blocked(error))
                continue
            except ScrapeError as error:
                answered = answered or isinstance(error, Rejected)
                refusals.append(f"could not ask ({error})")
                continue
            return Found(target.site, Target(target.site, handle), "found")
    return Found(target.site, None, refusals[0] if refusals else "not found", answered)


def _why_blocked(error: Blocked) -> str:
    if str(error).startswith("robots.txt"):
        return "forbidden by robots.txt (--ignore-robots to ask anyway)"
    if error.refused:
        return "needs a login to look up (--cookies-from-browser BROWSER)"
    return "blocked (a challenge page instead of an answer)"
