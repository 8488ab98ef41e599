"""Rotten Tomatoes' audience ratings JSON: the 2023+ profile and the legacy napi endpoints."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime

from scraper import timeparse
from scraper.errors import ParseError
from scraper.models import Page, Profile, Request
from scraper.sites import common
from scraper.sites.rottentomatoes.records import SITE, film, profile_url, root_of, star_review

PAGE_SIZE = "50"
_PROFILE_API = re.compile(r"/napi/profiles/ratings/(?P<handle>[^/?#]+)/(?P<kind>movie|tv)\b")
_LEGACY_API = re.compile(r"/napi/userProfile/movieRatings/(?P<id>\d+)")
_TV_TYPES = {"tvseason", "tvseries", "season", "series", "tv"}


# What the browser sends with a profile's ratings request (Olshansk/olshansk.github.io
# rotten_tomatoes_to_hugo/rt.py @ 8d431f3, 2023-06-18): the page it comes from, and a JSON body
# whose two fields are the values of two of the session's cookies.
NO_CURSOR = "pageInfo.hasNextPage is true but it gives no endCursor to the next page"
PROFILE_COOKIE_FIELDS = (("_expiry", "__host_theme_options"), ("_token", "__host_color_scheme"))
PROFILE_REFUSAL = (
    "this profile's ratings need your logged-in session: sign in at rottentomatoes.com in your "
    "browser, then pass --cookies-from-browser firefox (or chrome, edge, safari...), or export "
    "its cookies for rottentomatoes.com to a cookies.txt and pass --cookies FILE"
)


def profile_request(
    root: str, handle: str, kind: str, after: str | None = None, *, source: str | None = None
) -> Request:
    """POST /napi/profiles/ratings/<handle>/movie|tv, as the profile page's script sends it."""
    params = (("pagecount", PAGE_SIZE),) + ((("after", after),) if after else ())
    return Request(
        f"{root}/napi/profiles/ratings/{handle}/{kind}",
        "profile_ratings",
        "POST",
        params,
        json={},
        source=source,
        headers=(("Origin", root), ("Referer", f"{root}/profiles/{handle}")),
        cookie_fields=PROFILE_COOKIE_FIELDS,
        refusal=PROFILE_REFUSAL,
    )


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
        page.next = profile_request(root_of(url), handle, media_kind, info["endCursor"])
    elif info.get("hasNextPage"):
        page.unfinished = NO_CURSOR
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
        raise ParseError(
            SITE,
            url,
            "the user id (neither the URL nor the cursor names it): import it with "
            "--profile rottentomatoes:user/<digits>, e.g. --profile rottentomatoes:user/976284330",
        )
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
    if info.get("hasNextPage") and not info.get("endCursor"):
        page.unfinished = NO_CURSOR
    if info.get("hasNextPage") and info.get("endCursor"):
        page.next = Request(
            f"{root_of(url)}/napi/userProfile/movieRatings/{user_id}",
            "legacy_ratings",
            params=(("endCursor", info["endCursor"]),),
        )
    return page
