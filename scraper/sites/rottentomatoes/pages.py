"""Parsers for movie pages: the audience-review block of RT (2019) and Flixster's (2017).

Both list other people's reviews of one film, so each review names its own reviewer.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import numbers, timeparse, weblinks
from scraper.errors import ParseError
from scraper.models import Film, Page, Profile
from scraper.sites import common
from scraper.sites.rottentomatoes.records import SITE, film, profile_url, star_review

_TITLE_YEAR = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})\)\s*$")
_EMS_ID = re.compile(r'fandangoData\s*=\s*\{[^}]*"emsId":"(?P<id>[0-9a-f-]{36})"')
_USER_LINK = re.compile(r"/user/id/(?P<id>\d+)")
_FLIXSTER_MOVIE_ID = re.compile(r"movieId=(?P<id>\d+)")
_FLIXSTER_STARS = re.compile(r"\bstars(?P<tenths>\d{1,2})\b")


def parse_movie_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """/m/<film>: the audience reviews shown on the film's page (2019 markup)."""
    tree = common.html_tree(body)
    section = tree.css_first("#audience_reviews")
    if section is None:
        raise ParseError(SITE, url, "the audience reviews block (section#audience_reviews)")
    link = common.require(SITE, url, _canonical(tree), "the canonical URL of the film")
    heading = _TITLE_YEAR.match(common.meta(tree, "og:title") or "")
    if not heading:
        raise ParseError(SITE, url, "the film's title and year in og:title")
    ems = _EMS_ID.search(tree.html or "")
    record = film(
        link, heading["title"], common.year_in(heading["year"]), ems["id"] if ems else None
    )
    page = Page(films=[record])
    for number, item in enumerate(section.css("li.mop-audience-reviews__review-item"), 1):
        user = item.css_first('a[href*="/user/id/"]')
        user_id = _USER_LINK.search(user.attrs.get("href") or "") if user else None
        if not user_id:
            raise ParseError(SITE, url, "the reviewer link (/user/id/<n>) of an audience review")
        handle = f"user/{user_id['id']}"
        if not common.typed_handle(SITE, handle):
            page.skipped.append(common.bad_handle(handle, f"review {number}"))
            continue
        name = common.node_text(item.css_first(".mop-audience-reviews__review--name"))
        profile = Profile(f"{SITE}:{handle}", SITE, handle, "legacy", name, profile_url(handle))
        page.profiles.append(profile)
        stars = _rt_stars(item.css_first(".star-display"))
        page.reviews.append(
            star_review(
                id=f"{profile.id}/{record.site_film_id or record.id}",
                profile_id=profile.id,
                film=record,
                stars=stars,
                text=common.node_text(item.css_first(".mop-audience-reviews__review--comment")),
                when=timeparse.parse(
                    common.node_text(item.css_first(".mop-audience-reviews__review--duration")),
                    fetched_at,
                ),
                reviewer_name=name,
                source="movie-page-audience-reviews",
            )
        )
    return page


def parse_flixster_movie_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """flixster.com/movie/<slug>/: the "Flixster User Reviews" list (ISO-8859-1 pages)."""
    tree = common.html_tree(body)
    section = common.section(SITE, url, tree, "#user-reviews", "the Flixster user reviews block")
    movie_id = _FLIXSTER_MOVIE_ID.search(common.meta(tree, "al:ios:url") or "")
    if not movie_id:
        raise ParseError(SITE, url, "the Flixster movie id (al:ios:url movieId=)")
    year = common.node_text(tree.css_first('[itemprop="copyrightYear"]'))
    record = flixster_film(
        movie_id["id"],
        common.meta(tree, "og:title") or "",
        common.year_in(year),
        common.meta(tree, "og:url"),
    )
    page = Page(films=[record])
    for item in section.css('div.review[bax\\:sub="listItem"]'):
        name = common.node_text(item.css_first(".person-name"))
        avatar = (item.css_first("img.person-img") or item).attrs.get("src") or ""
        stars_node = item.css_first("i.star-rating")
        tenths = _FLIXSTER_STARS.search(stars_node.attrs.get("class") or "") if stars_node else None
        tenth = numbers.whole(tenths["tenths"], 0, 50) if tenths else None
        stars = tenth / 10 if tenth is not None else None
        full = item.css_first('[itemprop="description"]') or item.css_first(".comment .as-is")
        # Flixster shows no reviewer id or date; name and avatar are all that tell reviewers apart.
        who = hashlib.sha1(f"{name}\n{avatar}".encode()).hexdigest()[:12]
        page.reviews.append(
            star_review(
                id=f"{record.id}/{who}",
                profile_id=None,
                film=record,
                stars=stars,
                text=common.node_text(full),
                when=timeparse.UNKNOWN,
                reviewer_name=name,
                source="flixster-movie-page",
            )
        )
    return page


def flixster_film(movie_id: str | int, title: str, year: int | None, url: str | None) -> Film:
    """Flixster numbered its films itself; they keep that number, apart from RT's paths. Its
    link comes from the page or the file, so it is kept only if it is http(s)."""
    link = weblinks.web_url(url)
    return Film(f"{SITE}:flixster/{movie_id}", SITE, title, year, "movie", link, str(movie_id))


def _canonical(tree: LexborHTMLParser) -> str | None:
    node = tree.css_first('link[rel="canonical"]')
    return (node.attrs.get("href") if node else None) or common.meta(tree, "og:url")


def _rt_stars(node: LexborNode | None) -> float | None:
    if node is None:
        return None
    full = len(node.css(".star-display__filled"))
    half = len(node.css(".star-display__half"))
    return full + half / 2 if full or half else None
