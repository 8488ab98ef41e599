"""A critic's reviews: the napi list (/napi/critics/<slug>/movies and /tv, 2026: nested) and
the critic page's embedded JSON (/critics/<slug>/movies, 2023: flat), one parser for both.

2023 (corpus critic-movies-page-2023.html): `reviews[]{quote, date "Jul 24, 2023",
mediaTitle, mediaInfo "2023", mediaUrl, originalScore, tomatometerState, publicationName,
url, editReviewUrl ".../<emsId>"}`, `pageInfo{hasNextPage, endCursor}`, `api`, `vanity`.
2026 (gscheinman/kalshi-rt scraper/rt_critics.py @ e486732c, 2026-05-19):
`reviews[]{critic{scoreSentiment "POSITIVE"|"NEGATIVE", originalScore, publicationName,
reviewCreateDate}, media{title, emsId, url}}`. No public code reads its quote or link: they
are taken from `reviewQuote` and `reviewUrl` (the names of RT's 2026 reviews API,
/napi/rtcf/v1/.../reviews) or `quote` and `url`, in the critic object or beside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper import timeparse
from scraper.errors import ParseError
from scraper.models import Page, Profile, Request
from scraper.sites import common, ratings
from scraper.sites.fields import Fields
from scraper.sites.rottentomatoes.records import SITE, film, profile_url, root_of

PAGE_SIZE = "50"
_CRITIC_API = re.compile(r"/napi/critics/(?P<slug>[^/?#]+)/(?P<kind>movies|tv)\b")
# The 2026 API names a review's sentiment as the reviews API does; the archive keeps RT's words.
_SENTIMENT = {"POSITIVE": "fresh", "NEGATIVE": "rotten"}


def parse_critic_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A critic's page (/critics/<slug>/movies) with its embedded <script id="reviews-json">."""
    tree = common.html_tree(body)
    script = common.section(SITE, url, tree, "script#reviews-json", "the embedded reviews")
    try:
        data = json.loads(script.text())
    except (ValueError, RecursionError) as exc:
        raise ParseError(SITE, url, f"valid JSON in reviews-json ({exc})") from None
    return _critic_reviews(Fields(SITE, url, data), url, fetched_at, _critic_name(tree))


def parse_critic_api(body: bytes, url: str, fetched_at: datetime) -> Page:
    """GET /napi/critics/<slug>/movies|tv?pageCount=N[&after=<cursor>], either shape."""
    return _critic_reviews(common.load_fields(SITE, body, url), url, fetched_at, None)


def listing(root: str, slug: str, kind: str) -> Request:
    """The first page of a critic's film ("movies") or TV ("tv") reviews."""
    return Request(
        f"{root}/napi/critics/{slug}/{kind}",
        "critic_api",
        params=(("pageCount", PAGE_SIZE),),
        source="critic-reviews" if kind == "movies" else "critic-reviews-tv",
    )


def _critic_name(tree: LexborHTMLParser) -> str | None:
    heading = common.node_text(tree.css_first('[data-qa="critic-name-title"]'))
    if heading:
        return heading
    title = common.meta(tree, "og:title") or ""
    return title.split(" Movie Reviews")[0].strip() or None


def _critic_reviews(data: Fields, url: str, fetched_at: datetime, name: str | None) -> Page:
    api = data.text("api") or ""
    match = _CRITIC_API.search(api) or _CRITIC_API.search(url)
    slug = data.text("vanity") or (match["slug"] if match else None)
    if not slug:
        raise ParseError(SITE, url, "the critic's vanity name")
    kind = match["kind"] if match else "movies"
    items = data.objs("reviews", required=True)
    handle = common.owner_handle(SITE, url, f"critic/{slug}", "the critic's vanity name")
    profile = Profile(
        f"{SITE}:{handle}", SITE, handle, "critic", display_name=name, url=profile_url(handle)
    )
    page = Page(profiles=[profile])
    reviews = [_flat(item) if "critic" not in item else _nested(item) for item in items]
    # A count of stars is read on the scale the critic's other scores on the page state.
    scale = ratings.star_scale([r.original for r in reviews])
    source = "critic-reviews" if kind == "movies" else "critic-reviews-tv"
    for r in reviews:
        record = film(r.link, r.title, r.year, r.ems_id)
        page.films.append(record)
        page.reviews.append(
            common.review(
                id=f"{profile.id}/{r.ems_id or record.id}",
                site=SITE,
                profile_id=profile.id,
                film_id=record.id,
                text=r.quote,
                when=timeparse.parse(r.date, fetched_at),
                rating=ratings.critic_to_ten(r.original, scale),
                rating_raw=r.original or r.sentiment,
                url=r.url or record.url,
                publication=r.publication,
                sentiment=r.sentiment,
                source=source,
                # RT's quotes are HTML ("&amp;", "<em>", a typed "<" as "&lt;"): read as such
                # once, so that an escaped "<" stays a character of the text.
                markup=True,
            )
        )
    info = data.obj("pageInfo")
    cursor = info.text("endCursor")
    api = urlsplit(url).path if match and "/napi/" in url else api
    if info.value("hasNextPage") and not cursor:
        page.unfinished = "pageInfo.hasNextPage is true but it gives no endCursor to the next page"
    if info.value("hasNextPage") and cursor and api.startswith("/napi/"):
        page.next = Request(
            f"{root_of(url)}{api}",
            "critic_api",
            params=(("after", cursor), ("pageCount", PAGE_SIZE)),
        )
    return page


@dataclass(frozen=True, slots=True)
class _Said:
    """One critic review as either shape gives it."""

    link: str
    title: str
    year: int | None
    ems_id: str | None
    quote: str | None
    date: str | None
    original: str | None
    sentiment: str | None
    publication: str | None
    url: str | None


def _flat(item: Fields) -> _Said:
    """A 2023 review: everything at the top level, the emsId at the end of editReviewUrl."""
    ems_id = (item.text("editReviewUrl") or "").rstrip("/").rsplit("/", 1)[-1] or None
    return _Said(
        link=item.link("mediaUrl"),
        title=item.text("mediaTitle") or "",
        year=common.year_in(item.raw("mediaInfo")),
        ems_id=ems_id,
        quote=item.text("quote"),
        date=item.text("date"),
        original=item.text("originalScore"),
        sentiment=item.text("tomatometerState"),
        publication=item.text("publicationName"),
        url=item.url("url"),
    )


def _nested(item: Fields) -> _Said:
    """A 2026 review: what the critic said under `critic`, the film under `media`."""
    critic, media = item.obj("critic"), item.obj("media")

    def said(*names: str) -> str | None:
        return next((v for n in names for v in (critic.text(n), item.text(n)) if v), None)

    def link(*names: str) -> str | None:
        return next((v for n in names for v in (critic.url(n), item.url(n)) if v), None)

    sentiment = said("scoreSentiment", "tomatometerState")
    return _Said(
        link=media.link("url"),
        title=media.text("title") or "",
        year=common.year_in(media.raw("releaseYear")),
        ems_id=media.text("emsId"),
        quote=said("reviewQuote", "quote"),
        date=said("reviewCreateDate", "createDate", "date"),
        original=said("originalScore"),
        sentiment=_SENTIMENT.get(sentiment or "", (sentiment or "").lower() or None),
        publication=said("publicationName"),
        url=link("reviewUrl", "url"),
    )
