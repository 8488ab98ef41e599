"""A member's RSS feed (/<user>/rss/): the last 50 or so diary entries, newest first, with the
full review text, an exact time, and (since 2024) the film's TMDB id. One request covers a
night's new entries, which is why nightly runs read it first (see crawl.py).

Items are diary entries (guid `letterboxd-review-N` or `letterboxd-watch-N`, N being the same
viewing id the diary page uses) or lists (`letterboxd-list-N`), which are not reviews and are
skipped on purpose.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from scraper import numbers, timeparse
from scraper.errors import ParseError
from scraper.models import Page, Review
from scraper.sites import common
from scraper.sites.letterboxd import records
from scraper.sites.letterboxd.records import SITE
from scraper.wording import cut, shown

_GUID = re.compile(r"^letterboxd-(?P<kind>[a-z]+)-(?P<id>\d+)$")
_POSTER = re.compile(r"^\s*<p>\s*<img[^>]*>\s*</p>", re.IGNORECASE)
_SPOILERS = re.compile(r"^\s*<p>\s*<em>\s*This review may contain spoilers\.?\s*</em>\s*</p>", re.I)
ENTRY_KINDS = ("review", "watch")


def parse_rss(body: bytes, url: str, fetched_at: datetime) -> Page:
    try:
        root = fromstring(body)
    except (XMLParseError, DefusedXmlException) as exc:
        raise ParseError(SITE, url, f"a well-formed RSS feed ({exc})") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ParseError(SITE, url, "an RSS <channel>")
    owner = records.owner_in(_child(channel, "link") or "") or records.owner_in(url)
    if owner is None:
        raise ParseError(SITE, url, "the member the feed belongs to (channel <link>)")
    profile = records.profile(owner)
    title = _child(channel, "title") or ""
    if title.startswith("Letterboxd - "):
        profile = replace(profile, display_name=title.removeprefix("Letterboxd - ").strip())
    page = Page(profiles=[profile])
    occurrences = records.Occurrences()
    for item in reversed(channel.findall("item")):
        guid = _GUID.match(_child(item, "guid") or "")
        if guid is None:
            raise ParseError(SITE, url, "a letterboxd-<kind>-<id> guid on every item")
        if guid["kind"] not in ENTRY_KINDS:
            continue  # lists and whatever else the feed grows: not diary entries
        page.reviews.append(_entry(item, guid, page, url, fetched_at, occurrences))
    page.reviews.reverse()
    return page


def _entry(
    item: Element,
    guid: re.Match[str],
    page: Page,
    url: str,
    fetched_at: datetime,
    occurrences: records.Occurrences,
) -> Review:
    film_title = _child(item, "filmTitle")
    if not film_title:
        raise ParseError(SITE, url, f"letterboxd:filmTitle in item {cut(guid[0])}")
    # The entry's page, on the host the feed came from (as pages' relative links are); a feed
    # read from a file keeps the item's own address.
    own = _child(item, "link") or ""
    link = urljoin(url, urlsplit(own).path) if own and url.startswith("http") else own
    slug, _ = records.viewing_link(link)
    film = records.film(
        title=film_title,
        year=numbers.year(_child(item, "filmYear")),
        slug=slug,
        tmdb=_child(item, "movieId"),
    )
    page.films.append(film)
    watched = _child(item, "watchedDate")
    owner_id = page.profiles[0].id
    is_review = guid["kind"] == "review"
    text = _child(item, "description") or ""
    spoiler = bool(_SPOILERS.search(_POSTER.sub("", text)))
    text = _SPOILERS.sub("", _POSTER.sub("", text)).strip()
    rating = _child(item, "memberRating")
    return records.entry(
        id=f"{owner_id}/viewing/{guid['id']}",
        owner_id=owner_id,
        film=film,
        star_value=_stars(rating, url),
        text=text if is_review else None,
        when=_published(_child(item, "pubDate"), url),
        source="letterboxd-rss",
        keys=[
            records.viewing_key(guid["id"]),
            *records.watch_keys(owner_id, film, watched, occurrences.next(film, watched)),
        ],
        # A watch item's description is "Watched on ...": it says nothing about review text.
        text_known=is_review,
        url=link or None,
        watched_on=watched,
        rewatch=common.yes(_child(item, "rewatch")),
        liked=common.yes(_child(item, "memberLike")),
        spoiler=spoiler if is_review else None,
    )


def _stars(value: str | None, url: str) -> float | None:
    """The member's rating, in stars ("3.5"); an entry without one is unrated."""
    if not value:
        return None
    stars = numbers.decimal(value, 0, 5)
    if stars is None:
        raise ParseError(SITE, url, f"a memberRating in stars (got {shown(value)})")
    return stars


def _published(value: str | None, url: str) -> timeparse.When:
    if not value:
        return timeparse.UNKNOWN
    try:
        return timeparse.exact(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        raise ParseError(SITE, url, f"an RFC 822 pubDate (got {shown(value)})") from None


def _child(node: Element, local_name: str) -> str | None:
    """The text of the first child named `local_name` in any namespace."""
    for child in node:
        if child.tag.rsplit("}", 1)[-1] == local_name:
            return (child.text or "").strip()
    return None
