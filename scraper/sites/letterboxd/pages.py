"""Letterboxd's HTML pages: the diary, the films grid (and liked films) and the profile page.
Markup of 2022 and of 2025+ (LazyPoster components). Review cards are in cards.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import timeparse
from scraper.errors import ParseError
from scraper.models import Page, Request
from scraper.sites import common
from scraper.sites.letterboxd import records
from scraper.sites.letterboxd.records import SITE

# The day a diary row links to: /<user>/diary/films/for/Y/M/D/ (2025+), or
# /<user>/films/diary/for/Y/M/D/ (2022).
_DIARY_DAY = re.compile(r"/(?:diary/films|films/diary)/for/(\d{4})/(\d{2})/(\d{2})/")


def parse_diary(body: bytes, url: str, fetched_at: datetime) -> Page:
    """One diary page: every logged viewing with its rating, like, rewatch flag and watched day.
    Review text is not on this page (the reviews listing and the feed carry it)."""
    tree = common.html_tree(body)
    owner = records.page_owner(tree, url)
    rows = tree.css("tr.diary-entry-row")
    if (
        not rows
        and tree.css_first("#diary-table, .diary-table") is None
        and not records.empty_notice(tree)
    ):
        raise ParseError(SITE, url, "the diary table (tr.diary-entry-row)")
    page = Page(profiles=[records.profile(owner)])
    if not rows and records.past_the_end(tree, url, "#diary-table, .diary-table"):
        page.past_end = True
        return page
    occurrences = records.Occurrences()
    # Oldest first, so that a film logged twice on one day is numbered as the export numbers it.
    for row in reversed(rows):
        # 2022 rows give the release year in a cell of their own.
        released = common.year_in(common.node_text(row.css_first("td.td-released")))
        film = records.film_from_poster(row, year=released)
        viewing = row.attrs.get("data-viewing-id")
        if film is None or not viewing:
            raise ParseError(SITE, url, "a film and viewing id in every diary row")
        watched = _diary_day(row)
        owner_id = page.profiles[0].id
        # The entry's own page (/<user>/film/<slug>/2/ for a later viewing of the same film).
        link = row.css_first("td.col-review a[href], td.td-review a[href]")
        poster = row.css_first("[data-target-link]")
        href = (link.attrs.get("href") if link else None) or (
            poster.attrs.get("data-target-link") if poster else None
        )
        rating = row.css_first("td.col-rating .rating, td.td-rating .rating")
        page.films.append(film)
        page.reviews.append(
            records.entry(
                id=f"{owner_id}/viewing/{viewing}",
                owner_id=owner_id,
                film=film,
                star_value=records.rated(_class_of(rating)),
                text=None,
                when=records.logged_after(watched, fetched_at),
                source="letterboxd-diary",
                keys=[
                    records.viewing_key(viewing),
                    *records.watch_keys(owner_id, film, watched, occurrences.next(film, watched)),
                ],
                text_known=False,
                url=common.absolute(url, href),
                watched_on=watched,
                liked=row.css_first("td.col-like .icon-liked, td.td-like .icon-liked") is not None,
                rewatch=_rewatch(row),
            )
        )
    page.reviews.reverse()
    page.next = _next(tree, url, "diary")
    return page


def parse_films(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A films grid (/<user>/films/, /<user>/likes/films/): the member's current rating and like
    of each film. A film neither rated nor liked is still a row, with no rating: a watched mark."""
    tree = common.html_tree(body)
    owner = records.page_owner(tree, url)
    items = tree.css("li.griditem, li.poster-container, li.posteritem")
    page = Page(profiles=[records.profile(owner)])
    if not items and records.past_the_end(tree, url, "ul.grid, ul.poster-list"):
        page.past_end = True
        return page
    if not items and not records.empty_notice(tree):
        raise ParseError(SITE, url, "the films grid (li.griditem or li.poster-container)")
    likes_page = "/likes/" in url
    for item in items:
        film = records.film_from_poster(item)
        if film is None:
            raise ParseError(SITE, url, "a film slug and title on every poster")
        page.films.append(film)
        data = item.css_first(".poster-viewingdata")
        stars = records.rated(_class_of(data.css_first(".rating"))) if data else None
        liked = data is not None and data.css_first(".liked-micro, .icon-liked") is not None
        # A film in the grid is one the member watched: with no rating or like it is still a
        # row (rating NULL), the record that they saw it.
        page.reviews.append(
            records.film_rating(
                page.profiles[0].id,
                film,
                stars,
                timeparse.UNKNOWN,
                "letterboxd-likes" if likes_page else "letterboxd-films",
                liked=True if liked else (None if likes_page else False),
            )
        )
    page.next = _next(tree, url, "films")
    return page


def parse_profile(body: bytes, url: str, fetched_at: datetime) -> Page:
    """The profile page: who the member is (display name). Its posters are favourites and
    recent activity, which the diary and films grid hold in full, so no reviews come from it."""
    tree = common.html_tree(body)
    owner = records.page_owner(tree, url)
    name = common.node_text(tree.css_first(".profile-name h1, h1.title-1, .displayname"))
    if name is None:
        raise ParseError(SITE, url, "the member's name (.displayname or h1.title-1)")
    page = Page(profiles=[records.profile(owner)])
    page.profiles[0] = replace(page.profiles[0], display_name=" ".join(name.split()))
    return page


def _diary_day(row: LexborNode) -> str | None:
    for link in row.css("a[href*='/diary/films/for/'], a[href*='/films/diary/for/']"):
        match = _DIARY_DAY.search(link.attrs.get("href") or "")
        if match:
            return "-".join(match.groups())
    return None


def _rewatch(row: LexborNode) -> bool:
    cell = row.css_first("td.col-rewatch, td.td-rewatch")
    return cell is not None and "icon-status-off" not in (cell.attrs.get("class") or "")


def _next(tree: LexborHTMLParser, url: str, parser: str) -> Request | None:
    link = tree.css_first(".pagination a.next, .paginate-nextprev a.next")
    href = link.attrs.get("href") if link else None
    return Request(urljoin(url, href), parser) if href else None


def _class_of(node: LexborNode | None) -> str | None:
    return node.attrs.get("class") if node else None
