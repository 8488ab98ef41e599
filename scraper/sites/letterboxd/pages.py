"""Letterboxd's HTML pages: the diary, the films grid (and liked films), the reviews listing, a
review's own page, and the profile page. Markup of 2022 and of 2025+ (LazyPoster components).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import text as textmod
from scraper import timeparse
from scraper.errors import ParseError
from scraper.models import Page, Request
from scraper.sites import common
from scraper.sites.letterboxd import records
from scraper.sites.letterboxd.records import SITE

_DIARY_DAY = re.compile(r"/diary/films/for/(\d{4})/(\d{2})/(\d{2})/")
_VIEWING = re.compile(r"viewing:(\d+)")
_SPOILER_NOTE = "This review may contain spoilers"


def parse_diary(body: bytes, url: str, fetched_at: datetime) -> Page:
    """One diary page: every logged viewing with its rating, like, rewatch flag and watched day.
    Review text is not on this page (the reviews listing and the feed carry it)."""
    tree = common.html_tree(body)
    owner = _owner(tree, url)
    rows = tree.css("tr.diary-entry-row")
    if not rows and tree.css_first("#diary-table, .diary-table") is None and not _empty(tree):
        raise ParseError(SITE, url, "the diary table (tr.diary-entry-row)")
    page = _page(url, fetched_at, owner)
    occurrences = records.Occurrences()
    # Oldest first, so that a film logged twice on one day is numbered as the export numbers it.
    for row in reversed(rows):
        film = records.film_from_poster(row)
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
                keys=records.watch_keys(owner_id, film, watched, occurrences.next(film, watched)),
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
    of each film. Films neither rated nor liked give no row (only a film record)."""
    tree = common.html_tree(body)
    owner = _owner(tree, url)
    items = tree.css("li.griditem, li.poster-container, li.posteritem")
    if not items and not _empty(tree):
        raise ParseError(SITE, url, "the films grid (li.griditem or li.poster-container)")
    page = _page(url, fetched_at, owner)
    likes_page = "/likes/" in url
    for item in items:
        film = records.film_from_poster(item)
        if film is None:
            raise ParseError(SITE, url, "a film slug and title on every poster")
        page.films.append(film)
        data = item.css_first(".poster-viewingdata")
        stars = records.rated(_class_of(data.css_first(".rating"))) if data else None
        liked = data is not None and data.css_first(".liked-micro, .icon-liked") is not None
        if stars is None and not liked:
            continue
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


def parse_reviews(body: bytes, url: str, fetched_at: datetime) -> Page:
    """The reviews listing (/<user>/films/reviews/): each review's text, spoiler flag, likes.
    Long reviews are cut short here; their full text comes from their own page (page.full_text).
    """
    tree = common.html_tree(body)
    owner = _owner(tree, url)
    items = [
        n
        for n in tree.css("[data-object-id]")
        if _VIEWING.search(n.attrs.get("data-object-id") or "")
    ]
    items = [n for n in items if n.css_first(".js-review-body, .body-text")]
    if not items and not _empty(tree):
        raise ParseError(SITE, url, "reviews ([data-object-id=viewing:N] with .js-review-body)")
    page = _page(url, fetched_at, owner)
    for item in items:
        review, full_text = _review_item(item, page, url, fetched_at)
        page.reviews.append(review)
        if full_text is not None:
            page.full_text[review.id] = full_text
    page.next = _next(tree, url, "reviews")
    return page


def parse_review_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A review's own page (/<user>/film/<slug>/[n/]): its whole text. Only the text counts from
    here (`only_text`): the listing that linked to it is the record of everything else."""
    tree = common.html_tree(body)
    owner = _owner(tree, url)
    holder = next(
        (
            n
            for n in tree.css("[data-object-id]")
            if _VIEWING.search(n.attrs.get("data-object-id") or "")
        ),
        None,
    )
    if holder is None or holder.css_first(".js-review-body, .body-text") is None:
        raise ParseError(SITE, url, "the review ([data-object-id=viewing:N] with .js-review-body)")
    page = _page(url, fetched_at, owner)
    review, _ = _review_item(holder, page, url, fetched_at, poster_scope=tree.root)
    page.reviews.append(replace(review, truncated=False, only_text=True))
    return page


def parse_profile(body: bytes, url: str, fetched_at: datetime) -> Page:
    """The profile page: who the member is (display name). Its posters are favourites and
    recent activity, which the diary and films grid hold in full, so no reviews come from it."""
    tree = common.html_tree(body)
    owner = _owner(tree, url)
    name = common.node_text(tree.css_first(".profile-name h1, h1.title-1, .displayname"))
    if name is None:
        raise ParseError(SITE, url, "the member's name (.displayname or h1.title-1)")
    page = _page(url, fetched_at, owner)
    page.profiles[0] = replace(page.profiles[0], display_name=" ".join(name.split()))
    return page


def _review_item(item: LexborNode, page: Page, url: str, fetched_at: datetime, poster_scope=None):
    owner_id = page.profiles[0].id
    viewing = _VIEWING.search(item.attrs.get("data-object-id") or "")[1]
    film = records.film_from_poster(item) or records.film_from_poster(poster_scope or item)
    if film is None:
        raise ParseError(SITE, url, f"the film of review viewing:{viewing}")
    page.films.append(film)
    body = item.css_first(".js-review-body, .body-text")
    spoiler = item.css_first(".contains-spoilers") is not None or _SPOILER_NOTE in (
        body.text() or ""
    )
    for note in body.css(".contains-spoilers"):
        note.decompose()
    html = body.inner_html.strip()
    full_url = body.attrs.get("data-full-text-url")
    link = item.css_first("h2 a[href*='/film/'], .headline-2 a[href*='/film/'], .film-title a")
    own_page = common.absolute(url, link.attrs.get("href")) if link else None
    truncated = bool(full_url) or item.css_first(".collapsed-text, .reveal") is not None
    rating_node = item.css_first(".rating[class*=rated-]")
    likes = item.css_first("[data-count]")
    when_node = item.css_first("time[datetime]")
    when = records.logged_after(when_node.attrs.get("datetime") if when_node else None, fetched_at)
    review = records.entry(
        id=f"{owner_id}/viewing/{viewing}",
        owner_id=owner_id,
        film=film,
        star_value=records.rated(_class_of(rating_node)),
        text=html or None,
        when=when,
        source="letterboxd-reviews",
        keys=[],
        url=own_page,
        truncated=truncated,
        spoiler=spoiler,
        likes=_int(likes.attrs.get("data-count")) if likes else None,
    )
    full_text = Request(own_page, "review_page") if truncated and own_page else None
    return review, full_text


def _viewings(tree: LexborHTMLParser) -> list[LexborNode]:
    """Elements that stand for one viewing (data-object-id="viewing:N")."""
    return [
        node
        for node in tree.css("[data-object-id]")
        if _VIEWING.search(node.attrs.get("data-object-id") or "")
    ]


def _page(url: str, fetched_at: datetime, owner: str) -> Page:
    return Page(url=url, fetched_at=timeparse.to_iso(fetched_at), profiles=[records.profile(owner)])


def _owner(tree: LexborHTMLParser, url: str) -> str:
    owner = records.owner_in(url)
    if owner is None:
        og = common.meta(tree, "og:url") or ""
        owner = records.owner_in(og)
    if owner is None:
        body = tree.css_first("body[data-owner], [data-owner]")
        owner = (body.attrs.get("data-owner") or "").lower() if body else None
    if not owner:
        raise ParseError(SITE, url, "the member the page belongs to (its URL or og:url)")
    return owner


def _diary_day(row: LexborNode) -> str | None:
    for link in row.css("a[href*='/diary/films/for/']"):
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


def _empty(tree: LexborHTMLParser) -> bool:
    """Letterboxd's own "nothing here yet" notice, as opposed to a page of another shape."""
    notice = common.node_text(tree.css_first(".empty-state, .ui-block-heading, section.-empty"))
    text = textmod.plain(notice) or ""
    return "no " in text.lower() or "yet" in text.lower()


def _class_of(node: LexborNode | None) -> str | None:
    return node.attrs.get("class") if node else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
