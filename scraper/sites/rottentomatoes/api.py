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
from scraper.sites.fields import Fields
from scraper.sites.rottentomatoes.records import SITE, film, profile_url, root_of, star_review
from scraper.timeparse import When

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


def decode_cursor(cursor: str | None) -> dict[str, object]:
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
    data = common.load_fields(SITE, body, url)
    match = _PROFILE_API.search(url) or _PROFILE_API.search(data.text("api") or "")
    if not match:
        raise ParseError(SITE, url, "the profile handle (neither the URL nor 'api' names it)")
    handle = common.owner_handle(SITE, url, match["handle"], "the profile handle")
    media_kind = match["kind"]
    items = data.objs("ratings", required=True)
    profile = Profile(f"{SITE}:{handle}", SITE, handle, "audience", url=profile_url(handle))
    page = Page(profiles=[profile])
    for item in items:
        media, review = item.obj("media"), item.obj("review")
        is_tv = (media.text("type") or "").lower() in _TV_TYPES
        ems_id = media.text("emsId")
        record = film(
            media.link("pageLink"),
            media.text("title") or "",
            None,
            ems_id,
            kind="tv" if is_tv else None,
        )
        page.films.append(record)
        page.reviews.append(
            star_review(
                id=f"{profile.id}/{ems_id or record.id}",
                profile_id=profile.id,
                film=record,
                stars=review.value("score"),
                text=review.text("review"),
                when=_created(item),
                source=f"napi-profiles-ratings-{media_kind}",
            )
        )
    info = data.obj("pageInfo")
    cursor = info.text("endCursor")
    if info.value("hasNextPage") and cursor:
        page.next = profile_request(root_of(url), handle, media_kind, cursor)
    elif info.value("hasNextPage"):
        page.unfinished = NO_CURSOR
    return page


def _created(item: Fields) -> When:
    created = item.value("createTime")
    if not created:
        return timeparse.UNKNOWN
    try:
        return timeparse.from_epoch_ms(created)
    except ValueError as exc:
        raise item.missing(f"createTime as a time ({exc})") from None


def parse_legacy_ratings(body: bytes, url: str, fetched_at: datetime) -> Page:
    """GET /napi/userProfile/movieRatings/<id> in its 2019 and 2020 schemas."""
    data = common.load_fields(SITE, body, url)
    items = data.objs("ratings", required=True)
    info = data.obj("pageInfo")
    end_cursor = info.text("endCursor")
    cursor = decode_cursor(end_cursor)
    match = _LEGACY_API.search(url)
    user_id = match["id"] if match else str(cursor.get("realm_userId", "")).removeprefix("RT_")
    if not user_id or not common.typed_handle(SITE, f"user/{user_id}"):
        raise ParseError(
            SITE,
            url,
            "the user id (neither the URL nor the cursor names it): import it with "
            "--profile rottentomatoes:user/<digits>, e.g. --profile rottentomatoes:user/976284330",
        )
    handle = f"user/{user_id}"
    names = {name for r in items if (name := r.text("displayName"))}
    profile = Profile(
        f"{SITE}:{handle}",
        SITE,
        handle,
        "legacy",
        display_name=names.pop() if len(names) == 1 else None,
        url=profile_url(handle),
    )
    page = Page(profiles=[profile])
    for item in items:
        media, review = item.obj("item"), item.obj("review")
        link = media.link("url" if media.text("url") else "vanityUrl")
        title = media.text("fullTitle") or media.text("title") or ""
        ems_id = media.text("emsId") or review.text("emsId")
        record = film(link, title, common.year_in(media.raw("releaseYear")), ems_id)
        page.films.append(record)
        when = timeparse.parse(review.text("age"), fetched_at)
        created = cursor.get("createDate")
        if isinstance(created, str) and created and cursor.get("emsId") == ems_id:
            # The cursor records the exact creation time of the page's last item.
            try:
                when = timeparse.from_iso(created)
            except ValueError:
                raise ParseError(SITE, url, "the cursor's createDate as a time") from None
        page.reviews.append(
            star_review(
                id=f"{profile.id}/{ems_id or record.id}",
                profile_id=profile.id,
                film=record,
                stars=review.value("score"),
                text=review.text("comment"),
                when=when,
                source="napi-userprofile-movieratings",
            )
        )
    if info.value("hasNextPage") and not end_cursor:
        page.unfinished = NO_CURSOR
    if info.value("hasNextPage") and end_cursor:
        page.next = Request(
            f"{root_of(url)}/napi/userProfile/movieRatings/{user_id}",
            "legacy_ratings",
            params=(("endCursor", end_cursor),),
        )
    return page
