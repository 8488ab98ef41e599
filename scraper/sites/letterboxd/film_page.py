"""A film's own page (/film/<slug>/) and the "Popular reviews" it shows, saved and imported.

The page (January 2026 markup, as issue 29 describes the real saved pages: "Letterboxd film
and member pages, 2025-12 and 2026-01", measured on files people committed to public
repositories) names its film in `<meta property="og:url" content=".../film/<slug>/">` and
`<meta property="og:title" content="Unbelievable (2019)">`, and lists a few reviews in the
review card component of the film's reviews pages (cards.py; corpus film-reviews-2026, captured
2026-07-18): `article.production-viewing -viewing js-production-viewing` with the member's
handle in `data-person`, the review's link `/<person>/film/<slug>/<n>/`, the rating as a
`rating -green rated-N` class (N half-stars), the likes in the LikeComponent's `data-count`
beside its `data-likeable-identifier` uid "viewing:<id>", and the text cut to an excerpt. The
same article form, `data-person` included, is what a public project's test of its own
"Popular reviews" parser reproduces of the film page (found with the code search, 2026-12-07).
No raw January 2026 film page is in the corpus or was found in the public code index, so the
fixture (tests/fixtures/letterboxd/film_page/) is written here from these descriptions.

Every card is a review of the page's film by its person. The page shows an excerpt only
(`truncated`: a crawl completes it from /s/full-text/viewing:<id>/), and no date: the review
was written before the page was captured, which is all that is known of when.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import timeparse
from scraper.errors import ParseError
from scraper.models import Film, Page, Profile
from scraper.sites import common
from scraper.sites.letterboxd import records
from scraper.sites.letterboxd.cards import read_card, review_cards
from scraper.sites.letterboxd.records import SITE
from scraper.wording import cut

_FILM_URL = re.compile(r"^https?://[^/]+/film/(?P<slug>[a-z0-9-]+)/?$")
_PERSON = re.compile(r"^[A-Za-z0-9_]{1,64}$")


def parse_film_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A film's page: each popular review card as its member's review of the page's film."""
    tree = common.html_tree(body)
    film = page_film(tree, url)
    page = Page(films=[film])
    profiles: dict[str, Profile] = {}
    cards = review_cards(tree)
    if not cards:
        raise ParseError(SITE, url, "review cards (article.production-viewing[data-person])")
    for viewing, card in cards:
        # The member's handle; a card without data-person is read by its avatar link.
        person = (card.attrs.get("data-person") or "").strip()
        if person and not _PERSON.fullmatch(person):
            raise ParseError(
                SITE, url, f"the member of review viewing:{cut(viewing)} (data-person)"
            )
        owner = person.lower() or None
        review, _, member = read_card(card, viewing, url, fetched_at, owner, film)
        if review.url is None:
            review = replace(review, url=_review_link(card, member.handle, film, url))
        if card.css_first("time[datetime]") is None:
            review = replace(review, when=timeparse.When(latest=fetched_at))
        page.reviews.append(replace(review, truncated=True))
        known = profiles.get(member.id)
        if known is None or (member.display_name and not known.display_name):
            profiles[member.id] = member
    page.profiles = list(profiles.values())
    return page


def page_film(tree: LexborHTMLParser, url: str) -> Film:
    """The film the page is about: its og:url's slug, its og:title's name and year, and the
    LID of the page's poster of that slug (other films' posters sit on the page too)."""
    own = _FILM_URL.match(common.meta(tree, "og:url") or url)
    title, year = records.split_display_name(common.meta(tree, "og:title") or "")
    if own is None or not title:
        raise ParseError(SITE, url, "the film of the page (og:url /film/<slug>/ and og:title)")
    slug = own["slug"]
    lid = None
    for poster in tree.css("[data-item-slug][data-postered-identifier]"):
        if (poster.attrs.get("data-item-slug") or "").strip("/").removeprefix("film/") != slug:
            continue
        try:
            lid = json.loads(poster.attrs.get("data-postered-identifier") or "").get("lid")
        except (ValueError, AttributeError):
            lid = None
        break
    return records.film(
        title=title, year=year, slug=slug, lid=lid if isinstance(lid, str) else None
    )


def _review_link(card: LexborNode, handle: str, film: Film, url: str) -> str | None:
    """The review's own address, /<person>/film/<slug>/[<n>/], wherever the card puts it."""
    for link in card.css("a[href]"):
        href = link.attrs.get("href") or ""
        slug, _ = records.viewing_link(href)
        if slug and records.owner_in(href) == handle and film.id == f"{SITE}:film/{slug}":
            return common.absolute(url, href)
    return None
