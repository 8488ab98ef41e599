"""Rotten Tomatoes (and Flixster, its predecessor for audience ratings).

Three kinds of people have reviews here, each with its own identifier and listing:
- critics: GET /napi/critics/<slug>/movies?pageCount=50 and then /tv, public, paged by
  `after=<pageInfo.endCursor>` (critics.py; the critic page's embedded JSON is imported);
- audience profiles (2023+): /profiles/<handle>, whose ratings come from
  POST /napi/profiles/ratings/<handle>/movie and /tv and need the user's logged-in session;
- legacy profiles: /user/id/<digits>, via GET /napi/userProfile/movieRatings/<id>.
A review a person copied from a page as text (no markup) is imported too (copied.py): it names
its person by the name shown, not a handle.

How the site answers today, and the evidence relied on:
- The critic list answers plain clients with JSON in 2026, nested as
  reviews[].critic{scoreSentiment, originalScore, publicationName, reviewCreateDate} and
  reviews[].media{title, emsId, url}, asked with pageCount (gscheinman/kalshi-rt
  scraper/rt_critics.py @ e486732c, 2026-05-19; its sibling /napi/critics/authors pages by
  after=<endCursor> and pageInfo.hasNextPage). The casing has varied (older code sent
  pagecount). No public code reads /tv; it is asked the same way.
- Profiles: the browser POSTs with the page as Origin and Referer, the whole cookie header and
  {"_expiry", "_token"}, whose values are those of the __host_theme_options and
  __host_color_scheme cookies (Olshansk/olshansk.github.io rotten_tomatoes_to_hugo/rt.py
  @ 8d431f3, 2023-06-18; the corpus capture napi-profiles-ratings-movie-2023.json is its answer).
- Akamai in front; critic pages are public, profiles want the session (corpus README, 2026).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from scraper.models import Request
from scraper.sites.identity import Identity
from scraper.sites.rottentomatoes import critics
from scraper.sites.rottentomatoes.api import (
    parse_legacy_ratings,
    parse_profile_ratings,
    profile_request,
)
from scraper.sites.rottentomatoes.copied import is_copied_review, parse_copied_review
from scraper.sites.rottentomatoes.critics import parse_critic_api, parse_critic_page
from scraper.sites.rottentomatoes.film_pages import parse_film_page
from scraper.sites.rottentomatoes.flixster import parse_flixster_ratings
from scraper.sites.rottentomatoes.pages import parse_flixster_movie_page, parse_movie_page
from scraper.sites.rottentomatoes.records import SITE, SITE_URL
from scraper.sites.site import NoSettings, Site

_FORMS = (
    "https://www.rottentomatoes.com/critics/<slug>/movies  or  rottentomatoes:critic/<slug>",
    "https://www.rottentomatoes.com/profiles/<handle>  or  rottentomatoes:<handle>",
    "https://www.rottentomatoes.com/user/id/<digits>  or  rottentomatoes:user/<digits>",
)
# Rotten Tomatoes sits behind Akamai, which refuses by IP reputation, rate and fingerprint.
_BLOCK_ADVICE = (
    "Rotten Tomatoes (Akamai) refuses clients it distrusts: wait and slow down (--delay 5), use "
    "your browser's cookies (--cookies FILE), or present a browser's fingerprint "
    "(--impersonate chrome)"
)
_EXAMPLES = (
    ("https://www.rottentomatoes.com/critics/rain-jokinen/movies", "critic/rain-jokinen"),
    ("https://www.rottentomatoes.com/critics/rain-jokinen", "critic/rain-jokinen"),
    ("https://rottentomatoes.com/critic/rain-jokinen/", "critic/rain-jokinen"),
    ("rottentomatoes:critic/rain-jokinen", "critic/rain-jokinen"),
    ("https://www.rottentomatoes.com/profiles/GeDt0zCK1fenF8NT", "GeDt0zCK1fenF8NT"),
    ("rottentomatoes:GeDt0zCK1fenF8NT", "GeDt0zCK1fenF8NT"),
    ("https://www.rottentomatoes.com/user/id/976284330", "user/976284330"),
    ("https://www.rottentomatoes.com/user/id/976284330/ratings", "user/976284330"),
    ("rottentomatoes:user/976284330", "user/976284330"),
    ("rottentomatoes:user/id/976284330", "user/976284330"),
    ("rottentomatoes:976284330", "user/976284330"),
)

_SLUG = r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}"
_IDENTITY = Identity(
    name=SITE,
    default_root=SITE_URL,
    hosts=("www.rottentomatoes.com", "rottentomatoes.com"),
    url_patterns=(
        re.compile(rf"^/critics?/(?P<critic>{_SLUG})(?:/(?:movies|tv|reviews)?)?/?$"),
        re.compile(rf"^/profiles/(?P<profile>{_SLUG})(?:/[A-Za-z-]*)?/?$"),
        re.compile(r"^/user/id/(?P<user>\d{1,20})(?:/[A-Za-z-]*)?/?$"),
    ),
    handle_patterns=(
        re.compile(rf"^critics?/(?P<critic>{_SLUG})$"),
        # Legacy ids are all digits; 2023 handles never are, so bare digits mean a legacy id.
        re.compile(r"^(?:user/(?:id/)?)?(?P<user>\d{1,20})$"),
        re.compile(rf"^(?P<profile>{_SLUG})$"),
    ),
    prefixes={"critic": "critic/", "user": "user/"},
)
_PARSERS = {
    "critic_page": parse_critic_page,
    "critic_api": parse_critic_api,
    "profile_ratings": parse_profile_ratings,
    "legacy_ratings": parse_legacy_ratings,
    "movie_page": parse_movie_page,
    "flixster_ratings": parse_flixster_ratings,
    "flixster_movie_page": parse_flixster_movie_page,
    "film_page": parse_film_page,
    "copied_review": parse_copied_review,
}


def import_url(handle: str) -> str:
    """The URL an import for this profile is parsed as: its first listing, which names it."""
    return listings(handle, NoSettings())[0].url


def readings(handle: str) -> list[str]:
    """What a bare handle may name, most likely first: `rain-jokinen` is a critic's slug when
    such a critic exists, else a 2023+ profile's handle. Prefixed or numeric handles are one."""
    if "/" in handle or handle.isdigit():
        return [handle]
    return [f"critic/{handle}", handle]


def listings(handle: str, settings: NoSettings) -> list[Request]:
    """The first request of each listing a profile has, newest items first in each."""
    base = _IDENTITY.root()
    if handle.startswith("critic/"):
        slug = quote(handle.removeprefix("critic/"))
        return [critics.listing(base, slug, "movies"), critics.listing(base, slug, "tv")]
    if handle.startswith("user/"):
        user_id = handle.removeprefix("user/")
        return [
            Request(
                f"{base}/napi/userProfile/movieRatings/{user_id}",
                "legacy_ratings",
                source="napi-userprofile-movieratings",
            )
        ]
    return [
        profile_request(base, quote(handle), kind, source=f"napi-profiles-ratings-{kind}")
        for kind in ("movie", "tv")
    ]


def film_page(film_id: str) -> Request | None:
    """A film's page (/m/<slug>), a show's or a season's (/tv/<show>[/sNN]); None for
    Flixster's films, which have no page any more."""
    path = film_id.removeprefix(f"{SITE}:")
    if not path.startswith(("m/", "tv/")):
        return None
    return Request(f"{_IDENTITY.root()}/{quote(path)}", "film_page", source="film-page")


def sniff(body: bytes) -> str | None:
    """Which parser reads a saved page or response, judged from its content alone."""
    head = body[:400_000]
    if b'id="reviews-json"' in head:
        return "critic_page"
    if b"mop-audience-reviews" in head:
        return "movie_page"
    if b"flixster.com" in head and b'id="user-reviews"' in head:
        return "flixster_movie_page"
    if is_copied_review(head):
        return "copied_review"
    if head.lstrip()[:1] != b"{":
        return None
    if b"/napi/profiles/ratings/" in head:
        return "profile_ratings"
    if b'"ratingsType"' in head or b'"fullTitle"' in head:
        return "legacy_ratings"
    if b'"lastUpdated"' in head and b'"movie"' in head:
        return "flixster_ratings"
    if b'"mediaTitle"' in head and b'"reviews"' in head:
        return "critic_api"
    if b'"reviews"' in head and b'"scoreSentiment"' in head and b'"media"' in head:
        return "critic_api"
    return None


SITE_DEF = Site(
    identity=_IDENTITY,
    forms=_FORMS,
    examples=_EXAMPLES,
    parsers=_PARSERS,
    parser_version=1,
    settings=NoSettings,
    listings=listings,
    import_url=import_url,
    sniff=sniff,
    block_advice=_BLOCK_ADVICE,
    readings=readings,
    film_page=film_page,
)
