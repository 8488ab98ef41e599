"""Rotten Tomatoes' identifiers as archive ids: films by their page path, people by handle."""

from __future__ import annotations

from urllib.parse import urlsplit

from scraper.models import Film, Review
from scraper.sites import common, ratings
from scraper.timeparse import When

SITE = "rottentomatoes"
SITE_URL = "https://www.rottentomatoes.com"


def film_path(link: str) -> str:
    """ "/m/suzume", "https://rottentomatoes.com/m/suzume/" -> "m/suzume".

    Every RT source names a film by this path (emsId is missing from some), so it is the key.
    """
    return urlsplit(link).path.strip("/")


def film(
    link: str, title: str, year: int | None, ems_id: str | None = None, kind: str | None = None
) -> Film:
    """A film or TV season; its kind comes from the source when given, else from its path."""
    path = film_path(link)
    return Film(
        id=f"{SITE}:{path}",
        site=SITE,
        title=title,
        year=year,
        kind=kind or ("tv" if path.startswith("tv/") else "movie"),
        url=f"{SITE_URL}/{path}",
        site_film_id=ems_id,
    )


def profile_url(handle: str) -> str:
    """The public page of a profile handle as used in ids (see `__init__.resolve`)."""
    if handle.startswith("critic/"):
        return f"{SITE_URL}/critics/{handle.removeprefix('critic/')}/movies"
    if handle.startswith("user/"):
        return f"{SITE_URL}/user/id/{handle.removeprefix('user/')}"
    return f"{SITE_URL}/profiles/{handle}"


def root_of(url: str) -> str:
    """Scheme and host of the page being parsed, so that next-page requests stay on it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme.startswith("http") else SITE_URL


def star_review(
    *,
    id: str,
    profile_id: str | None,
    film: Film,
    stars: object,
    text: str | None,
    when: When,
    source: str,
    reviewer_name: str | None = None,
) -> Review:
    """An audience rating: half stars out of 5, linked to the film's page."""
    return common.review(
        id=id,
        site=SITE,
        profile_id=profile_id,
        film_id=film.id,
        text=text,
        when=when,
        rating=ratings.to_ten(stars, out_of=5),
        rating_raw=ratings.stars_raw(stars),
        url=film.url,
        reviewer_name=reviewer_name,
        source=source,
    )
