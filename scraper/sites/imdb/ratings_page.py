"""A member's ratings page (/user/ur<digits>/ratings/, 2024+): a Next.js page whose
`__NEXT_DATA__` script holds the titles under
props.pageProps.mainColumnData.advancedTitleSearch (`edges[].node.title`, `pageInfo`), 250 a
page, paged with `?page=N`.

Not captured in the corpus: the shape is the one public tools read (see docs/sites.md, IMDb). Those
tools report that the member's own rating values are often not in the payload (the browser
fills them in afterwards, with the logged-in session). A page whose titles come without any
rating value is therefore a loud ParseError pointing to the export, never a page of unrated
titles archived as if that were the truth.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from scraper import numbers, timeparse
from scraper.errors import ParseError
from scraper.models import Page, Request
from scraper.sites import common
from scraper.sites.fields import Fields
from scraper.sites.imdb.exports import OWNER, SITE, member, rating_row, title_film

NO_VALUES = (
    "the member's rating values (this ratings page lists titles only; IMDb fills the ratings "
    "in the browser): export your ratings (Your Ratings, Export) and run scrape import"
)


def parse_ratings_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    path = urlsplit(url).path
    owner = OWNER.search(path)
    if owner and not path[owner.end() :].startswith("/ratings"):
        owner = None
    if owner is None:
        raise ParseError(SITE, url, "the member in the address (/user/ur<digits>/ratings/)")
    script = common.script_by_id(body, "__NEXT_DATA__")
    if script is None:
        raise ParseError(SITE, url, 'the <script id="__NEXT_DATA__"> of a ratings page')
    try:
        data = json.loads(script)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ParseError(SITE, url, f"valid JSON in __NEXT_DATA__ ({exc})") from None
    search = Fields(SITE, url, data)
    for name in ("props", "pageProps", "mainColumnData", "advancedTitleSearch"):
        if name not in search:
            raise search.missing(name)
        search = search.obj(name)
    edges = search.objs("edges", required=True)
    profile = member(owner["user"])
    page = Page(profiles=[profile])
    for edge in edges:
        title = edge.obj("node").obj("title")
        const = title.required("id")
        score = edge.obj("node").obj("userRating") or title.obj("userRating")
        value = score.value("value")
        if value is None:
            continue
        kind = (title.obj("titleType").text("id") or "").lower()
        name = title.obj("titleText").text("text") or ""
        film = title_film(const, name, title.obj("releaseYear").raw("year"), kind)
        page.films.append(film)
        when = timeparse.parse(score.text("date"), fetched_at)
        page.reviews.append(rating_row(profile, film, value, when, "imdb-ratings-page"))
    if edges and not page.reviews:
        raise ParseError(SITE, url, NO_VALUES)
    if search.obj("pageInfo").value("hasNextPage"):
        page.next = Request(_page_url(url), "ratings_page")
    return page


def _page_url(url: str) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    shown = (query.get("page") or ["1"])[0]
    number = (numbers.whole(shown, 1, 10**6) or 1) + 1
    query["page"] = [str(number)]
    return parts._replace(query=urlencode(query, doseq=True)).geturl()
