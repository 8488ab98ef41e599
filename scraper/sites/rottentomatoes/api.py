"""Parsers for Rotten Tomatoes' JSON: the napi ratings endpoints and the critic review list."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper import ratings, timeparse
from scraper.errors import ParseError
from scraper.models import Page, Profile, Request
from scraper.sites import common
from scraper.sites.rottentomatoes.records import SITE, film, profile_url, root_of, star_review

PAGE_SIZE = "50"
_PROFILE_API = re.compile(r"/napi/profiles/ratings/(?P<handle>[^/?#]+)/(?P<kind>movie|tv)\b")
_LEGACY_API = re.compile(r"/napi/userProfile/movieRatings/(?P<id>\d+)")
_CRITIC_API = re.compile(r"/napi/critics/(?P<slug>[^/?#]+)/")
_TV_TYPES = {"tvseason", "tvseries", "season", "series", "tv"}


def decode_cursor(cursor: str | None) -> dict:
    """RT's cursors are base64 JSON ({"createDate": ..., "emsId": ...}) or opaque ("MQ==")."""
    if not cursor:
        return {}
    try:
        decoded = json.loads(base64.b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


def parse_profile_ratings(body: bytes, url: str, fetched_at: datetime) -> Page:
    """POST /napi/profiles/ratings/<handle>/movie|tv (2023+ profiles)."""
    data = common.load_json(SITE, body, url)
    match = _PROFILE_API.search(url) or _PROFILE_API.search(str(data.get("api") or ""))
    if not match:
        raise ParseError(SITE, url, "the profile handle (neither the URL nor 'api' names it)")
    handle, media_kind = match["handle"], match["kind"]
    items = common.list_field(SITE, url, data, "ratings")
    profile = Profile(f"{SITE}:{handle}", SITE, handle, "audience", url=profile_url(handle))
    page = Page(url=url, fetched_at=timeparse.to_iso(fetched_at), profiles=[profile])
    for item in items:
        media, review = item.get("media") or {}, item.get("review") or {}
        link = common.require(SITE, url, media.get("pageLink"), "media.pageLink of a rating")
        is_tv = str(media.get("type", "")).lower() in _TV_TYPES
        record = film(
            link, media.get("title") or "", None, media.get("emsId"), kind="tv" if is_tv else None
        )
        page.films.append(record)
        created = item.get("createTime")
        page.reviews.append(
            star_review(
                id=f"{profile.id}/{media.get('emsId') or record.id}",
                profile_id=profile.id,
                film=record,
                stars=review.get("score"),
                text=review.get("review"),
                when=timeparse.from_epoch_ms(created) if created else timeparse.UNKNOWN,
                source=f"napi-profiles-ratings-{media_kind}",
            )
        )
    info = data.get("pageInfo") or {}
    if info.get("hasNextPage") and info.get("endCursor"):
        page.next = Request(
            f"{root_of(url)}/napi/profiles/ratings/{handle}/{media_kind}",
            "profile_ratings",
            "POST",
            (("pagecount", PAGE_SIZE), ("after", info["endCursor"])),
        )
    return page


def parse_legacy_ratings(body: bytes, url: str, fetched_at: datetime) -> Page:
    """GET /napi/userProfile/movieRatings/<id> in its 2019 and 2020 schemas."""
    data = common.load_json(SITE, body, url)
    items = common.list_field(SITE, url, data, "ratings")
    info = data.get("pageInfo") or {}
    cursor = decode_cursor(info.get("endCursor"))
    match = _LEGACY_API.search(url)
    user_id = match["id"] if match else str(cursor.get("realm_userId", "")).removeprefix("RT_")
    if not user_id.isdigit():
        raise ParseError(SITE, url, "the user id (neither the URL nor the cursor names it)")
    handle = f"user/{user_id}"
    names = {r.get("displayName") for r in items if r.get("displayName")}
    profile = Profile(
        f"{SITE}:{handle}",
        SITE,
        handle,
        "legacy",
        display_name=names.pop() if len(names) == 1 else None,
        url=profile_url(handle),
    )
    page = Page(url=url, fetched_at=timeparse.to_iso(fetched_at), profiles=[profile])
    for item in items:
        media, review = item.get("item") or {}, item.get("review") or {}
        link = common.require(
            SITE,
            url,
            media.get("url") or media.get("vanityUrl"),
            "item.url or item.vanityUrl of a rating",
        )
        title = media.get("fullTitle") or media.get("title") or ""
        ems_id = media.get("emsId") or review.get("emsId")
        record = film(link, title, common.year_in(media.get("releaseYear")), ems_id)
        page.films.append(record)
        when = timeparse.parse(review.get("age"), fetched_at)
        if cursor.get("createDate") and cursor.get("emsId") == ems_id:
            # The cursor records the exact creation time of the page's last item.
            when = timeparse.from_iso(cursor["createDate"])
        page.reviews.append(
            star_review(
                id=f"{profile.id}/{ems_id or record.id}",
                profile_id=profile.id,
                film=record,
                stars=review.get("score"),
                text=review.get("comment"),
                when=when,
                source="napi-userprofile-movieratings",
            )
        )
    if info.get("hasNextPage") and info.get("endCursor"):
        page.next = Request(
            f"{root_of(url)}/napi/userProfile/movieRatings/{user_id}",
            "legacy_ratings",
            params=(("endCursor", info["endCursor"]),),
        )
    return page


def parse_critic_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A critic's page (/critics/<slug>/movies) with its embedded <script id="reviews-json">."""
    tree = common.html_tree(body)
    script = common.section(SITE, url, tree, "script#reviews-json", "the embedded reviews")
    try:
        data = json.loads(script.text())
    except json.JSONDecodeError as exc:
        raise ParseError(SITE, url, f"valid JSON in reviews-json ({exc})") from None
    return _critic_reviews(data, url, fetched_at, _critic_name(tree))


def parse_critic_api(body: bytes, url: str, fetched_at: datetime) -> Page:
    """GET /napi/critics/<slug>/movies?after=<cursor>: the next pages of the same list."""
    return _critic_reviews(common.load_json(SITE, body, url), url, fetched_at, None)


def _critic_name(tree: LexborHTMLParser) -> str | None:
    heading = common.node_text(tree.css_first('[data-qa="critic-name-title"]'))
    if heading:
        return heading
    title = common.meta(tree, "og:title") or ""
    return title.split(" Movie Reviews")[0].strip() or None


def _critic_reviews(data: dict, url: str, fetched_at: datetime, name: str | None) -> Page:
    match = _CRITIC_API.search(str(data.get("api") or "")) or _CRITIC_API.search(url)
    slug = data.get("vanity") or (match["slug"] if match else None)
    if not slug:
        raise ParseError(SITE, url, "the critic's vanity name")
    items = common.list_field(SITE, url, data, "reviews")
    handle = f"critic/{slug}"
    profile = Profile(
        f"{SITE}:{handle}", SITE, handle, "critic", display_name=name, url=profile_url(handle)
    )
    page = Page(url=url, fetched_at=timeparse.to_iso(fetched_at), profiles=[profile])
    for item in items:
        link = common.require(SITE, url, item.get("mediaUrl"), "mediaUrl of a review")
        ems_id = str(item.get("editReviewUrl") or "").rstrip("/").rsplit("/", 1)[-1] or None
        record = film(
            link, item.get("mediaTitle") or "", common.year_in(item.get("mediaInfo")), ems_id
        )
        page.films.append(record)
        original = item.get("originalScore") or None
        state = item.get("tomatometerState") or None
        page.reviews.append(
            common.review(
                id=f"{profile.id}/{ems_id or record.id}",
                site=SITE,
                profile_id=profile.id,
                film_id=record.id,
                text=item.get("quote"),
                when=timeparse.parse(item.get("date"), fetched_at),
                rating=ratings.to_ten(original),
                rating_raw=original or state,
                url=item.get("url") or record.url,
                publication=item.get("publicationName"),
                sentiment=state,
                source="critic-reviews",
            )
        )
    info = data.get("pageInfo") or {}
    api = data.get("api") or urlsplit(url).path
    if info.get("hasNextPage") and info.get("endCursor") and api.startswith("/napi/"):
        page.next = Request(
            f"{root_of(url)}{api}",
            "critic_api",
            params=(("after", info["endCursor"]), ("pagecount", PAGE_SIZE)),
        )
    return page
