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
    data = common.load_fields(SITE, body, url)
    items = data.objs("ratings", required=True)
    page = Page()
    profiles: dict[str, Profile] = {}
    for number, item in enumerate(items, start=1):
        movie, user = item.obj("movie"), item.obj("user")
        handle = f"user/{user.required('id')}"
        if not common.typed_handle(SITE, handle):
            page.skipped.append(common.bad_handle(handle, f"rating {number}", unit="ratings"))
            continue
        if handle not in profiles:
            name = " ".join(p for p in (user.text("firstName"), user.text("lastName")) if p)
            profiles[handle] = Profile(
                f"{SITE}:{handle}", SITE, handle, "legacy", name or None, profile_url(handle)
            )
        movie_id = movie.text("id") or item.text("movieId")
        if not movie_id:
            raise movie.missing("id (or movieId beside it)")
        record = flixster_film(
            movie_id,
            movie.text("title") or "",
            common.year_in(movie.raw("year")),
            movie.text("url") or item.text("movieUrl"),
        )
        page.films.append(record)
        page.reviews.append(
            star_review(
                id=f"{profiles[handle].id}/flixster/{movie_id}",
                profile_id=profiles[handle].id,
                film=record,
                stars=item.value("score"),
                text=item.text("review"),
                when=timeparse.parse(item.text("lastUpdated"), fetched_at),
                source="flixster-ratings",
            )
        )
    page.profiles = list(profiles.values())
    return page
