"""Metacritic (https://www.metacritic.com/user/<name>/, metacritic:<name>).

Live: the user's reviews from the site's own backend,
GET https://backend.metacritic.com/reviews/metacritic/user/users/<name>/web?filterByType=movies
(then shows; games when the config asks) &offset=N&limit=100&componentName=reviews&
componentDisplayName=Profile+Reviews&componentType=ReviewListComponent&sort=date, answering
`data{totalResults, items[]}`, paged by offset. Saved pages come in through `scrape import`:
the user's page before 2023 (`li.review.user_review`), product pages and their Nuxt payloads.

How the site answers today, and the evidence relied on:
- The endpoint and its parameters: code calling it with filterByType=games, paging by
  `offset += limit` to data.totalResults (unattributed files in the code index, 2025-26; an
  older variant went through fandom-prod.apigee.net with componentType=Profile). No caller of
  filterByType=movies or shows was found: those values follow the site's own type names
  (movies, shows, games, as in /reviews/metacritic/user/{games|movies|shows}/<slug>/web,
  gofurry/metacritic-harvester docs/sample/reviews-api-verification-2026-04-24.md @ bd2893f).
- The `apiKey` the site's pages embed is not checked by the backend (that verification,
  2026-04-24, and a settings note "200 with no key and with a wrong key"): none is sent.
- Items: id, quote, score 0-10, date, spoiler, reviewedProduct{id, type, title, url}
  (gofurry/metacritic-harvester testdata @ b56b66c, 2026-04-27); no release year.
- robots.txt of www.metacritic.com disallows /user to every crawler (corpus README; described
  in late-2025 notes); no copy of the backend host's robots.txt was found. robots.txt is read
  for each host a request goes to, so the API's own host decides for the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from scraper.models import Request
from scraper.sites.identity import Identity
from scraper.sites.metacritic.parsers import (
    SITE,
    SITE_URL,
    parse_legacy_film_page,
    parse_legacy_profile,
    parse_nuxt_payload,
    parse_product_page,
    parse_profile_page,
    parse_user_reviews_api,
)
from scraper.sites.site import Site

BACKEND_URL = "https://backend.metacritic.com"
PAGE_SIZE = 100
_ROBOTS_ADVICE = (
    "Metacritic's robots.txt forbids it to every crawler; fetching your own profile anyway "
    "with --ignore-robots is your decision (see docs/sites.md, Site access, Metacritic)"
)
_BLOCK_ADVICE = (
    "Metacritic refused us: save the pages in your browser and run scrape import, or slow down "
    "(--delay 5) and use your browser's cookies (--cookies FILE)"
)
_EXAMPLES = (
    ("https://www.metacritic.com/user/Gnomishninja/", "Gnomishninja"),
    ("https://www.metacritic.com/user/oysteims", "oysteims"),
    ("metacritic:oysteims", "oysteims"),
)
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
_IDENTITY = Identity(
    name=SITE,
    default_root=SITE_URL,
    hosts=("www.metacritic.com", "metacritic.com"),
    url_patterns=(re.compile(rf"^/user/(?P<user>{_NAME})(?:/[a-z-]*)?/?$"),),
    handle_patterns=(re.compile(rf"^(?P<user>{_NAME})$"),),
)


def import_url(handle: str) -> str:
    return f"{SITE_URL}/user/{quote(handle)}/"


_PRODUCT_PAGE = re.compile(
    rb'<meta property="og:url" content="https?://[^"/]+/(?:movie|tv|game)/', re.IGNORECASE
)


def backend_root() -> str:
    """The API's host; with SCRAPE_METACRITIC_ROOT set, that root serves the API too."""
    return _IDENTITY.root() if _IDENTITY.root() != SITE_URL else BACKEND_URL


@dataclass(frozen=True)
class Settings:
    """[sites.metacritic]'s own settings."""

    # Archive the user's game reviews too (films and shows are always read).
    games: bool = False


def listings(handle: str, settings: Settings) -> list[Request]:
    """The user's film reviews, then show reviews (then game reviews, when asked), newest
    first, 100 a page."""
    base = f"{backend_root()}/reviews/metacritic/user/users/{quote(handle)}/web"
    kinds = ("movies", "shows", "games") if settings.games else ("movies", "shows")
    return [
        Request(
            f"{base}?{urlencode(_query(kind))}",
            "user_reviews_api",
            source=f"metacritic-user-{kind}",
        )
        for kind in kinds
    ]


def _query(kind: str) -> dict[str, str]:
    return {
        "filterByType": kind,
        "offset": "0",
        "limit": str(PAGE_SIZE),
        "componentName": "reviews",
        "componentDisplayName": "Profile Reviews",
        "componentType": "ReviewListComponent",
        "sort": "date",
    }


_SEASON_PATH = re.compile(r"^(tv/[^/]+)/(season-\d+)/?$")


def film_page(film_id: str) -> Request | None:
    """A product's page (/movie/<slug>/, /tv/<slug>/, /game/<slug>/; robots.txt allows them,
    as reported 2026-09-25 by alp82/goodwatch-monorepo's research notes). A season is
    read from its show's page, which lists every season's year: #season-N says which."""
    path = film_id.removeprefix(f"{SITE}:")
    if not path.startswith(("movie/", "tv/", "game/")):
        return None
    season = _SEASON_PATH.match(path)
    page = f"{season[1]}/#{season[2]}" if season else f"{path}/"
    return Request(f"{_IDENTITY.root()}/{quote(page, safe='/#')}", "film_page", source="film-page")


def sniff(body: bytes) -> str | None:
    head = body[:300_000]
    if head.lstrip()[:1] == b"{" and b'"totalResults"' in head and b'"reviewedProduct"' in head:
        return "user_reviews_api"
    if head.lstrip()[:2] == b"[[" and b'"ShallowReactive"' in head[:200] and b"metacritic" in head:
        return "nuxt_payload"
    # The payload script sits after the page's markup (365 kB into a 2026 review page).
    if b'id="__NUXT_DATA__"' in body[:5_000_000] and b"metacritic" in head.lower():
        return "profile_page"  # a saved page with its payload inside (user or product page)
    if b"user_review" in head and b"metacritic" in head.lower():
        # A film page before 2023 names itself as a product; a user's page as /user/<name>.
        return "legacy_film_page" if _PRODUCT_PAGE.search(head) else "legacy_profile"
    return None


SITE_DEF = Site(
    identity=_IDENTITY,
    forms=("https://www.metacritic.com/user/<name>/  or  metacritic:<name>",),
    examples=_EXAMPLES,
    parsers={
        "nuxt_payload": parse_nuxt_payload,
        "legacy_profile": parse_legacy_profile,
        "legacy_film_page": parse_legacy_film_page,
        "profile_page": parse_profile_page,
        "user_reviews_api": parse_user_reviews_api,
        "film_page": parse_product_page,
    },
    parser_version=2,
    settings=Settings,
    listings=listings,
    import_url=import_url,
    sniff=sniff,
    block_advice=_BLOCK_ADVICE,
    robots_advice=_ROBOTS_ADVICE,
    film_page=film_page,
)
