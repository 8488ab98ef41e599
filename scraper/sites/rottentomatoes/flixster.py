"""Flixster's ratings JSON (user/current/ratings/markup/), RT's user ratings before 2017."""

from __future__ import annotations

from datetime import datetime

from scraper import timeparse
from scraper.models import Page, Profile
from scraper.sites import common
from scraper.sites.rottentomatoes.pages import flixster_film
from scraper.sites.rottentomatoes.records import SITE, profile_url, star_review


def parse_flixster_ratings(body: bytes, url: str, fetched_at: datetime) -> Page:
    """Ratings with a relative "lastUpdated" ("41 minutes ago"), so bounds come from fetched_at."""
    data = common.load_json(SITE, body, url)
    items = common.list_field(SITE, url, data, "ratings")
    page = Page(url=url, fetched_at=timeparse.to_iso(fetched_at))
    profiles: dict[str, Profile] = {}
    for item in items:
        movie, user = item.get("movie") or {}, item.get("user") or {}
        user_id = common.require(SITE, url, user.get("id"), "user.id of a rating")
        handle = f"user/{user_id}"
        if handle not in profiles:
            name = " ".join(p for p in (user.get("firstName"), user.get("lastName")) if p)
            profiles[handle] = Profile(
                f"{SITE}:{handle}", SITE, handle, "legacy", name or None, profile_url(handle)
            )
        movie_id = common.require(
            SITE, url, movie.get("id") or item.get("movieId"), "movie.id of a rating"
        )
        record = flixster_film(
            movie_id,
            movie.get("title") or "",
            common.year_in(movie.get("year")),
            movie.get("url") or item.get("movieUrl"),
        )
        page.films.append(record)
        page.reviews.append(
            star_review(
                id=f"{profiles[handle].id}/flixster/{movie_id}",
                profile_id=profiles[handle].id,
                film=record,
                stars=item.get("score"),
                text=item.get("review"),
                when=timeparse.parse(item.get("lastUpdated"), fetched_at),
                source="flixster-ratings",
            )
        )
    page.profiles = list(profiles.values())
    return page
