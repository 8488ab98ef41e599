"""How Letterboxd's things become archive records, whichever source they came from.

Letterboxd names a film by its slug on pages and feeds and by its LID (boxd.it/<LID>) in
exports and poster data; the export names diary entries by their own LIDs, pages and feeds by
viewing ids. No source has all of these, so every record carries the keys it can form and the
archive joins them (writer.PageWriter, film_links and review_keys):

- film: id `letterboxd:film/<slug>` (else `letterboxd:lid/<LID>`, else `letterboxd:id/<n>` by
  its numeric film id, else title and year), keys `letterboxd:lid:<LID>`,
  `letterboxd:slug:<slug>`, `letterboxd:id:<n>`, `letterboxd:title:<title>|<year>`, `tmdb:<id>`;
- diary entry (a viewing, with or without review text): id `<profile>/viewing/<id>` live,
  `<profile>/entry/<LID>` from an export; both also keyed by film + watched date
  (`<profile>/watch/lid:<LID>/<date>`, `<profile>/watch/title:<title>|<year>/<date>`), which
  join an entry's two ids, never two entries' own ids (lookup._distinct); an export's deleted
  entry has no such key: no page shows it, and a live twin of it is another record;
- a film's rating (films grid, ratings.csv): id `<profile>/rating/<film>`, one per film.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from typing import TypedDict, Unpack

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import numbers, timeparse
from scraper.errors import ParseError
from scraper.models import Film, Profile, Review
from scraper.sites import common, ratings
from scraper.sites import text as textmod
from scraper.timeparse import When

SITE = "letterboxd"
SITE_URL = "https://letterboxd.com"
PROFILE_KIND = "member"
_RATED = re.compile(r"\brated-(\d{1,2})\b")
_OWNER = re.compile(r"^/(?P<user>[A-Za-z0-9_]{1,64})(?:/|$)")
# First path segments that are site sections, not members.
RESERVED = (
    "film|films|list|lists|members|people|search|settings|sign-in|create-account|activity|"
    "journal|pro|patron|about|welcome|tag|director|actor|studio|s|ajax|api|csi|year|crew"
)
_PAGE_NUMBER = re.compile(r"/page/(\d+)/?$")
_VIEWING_LINK = re.compile(r"/film/(?P<slug>[a-z0-9-]+)/(?:(?P<n>\d+)/)?$")


def owner_in(site_url: str) -> str | None:
    """The member a Letterboxd URL belongs to ("/jos/films/diary/" -> "jos"), lower-cased."""
    path = re.sub(r"^[a-z]+://[^/]+", "", site_url)
    match = _OWNER.match(path)
    if not match or match["user"].lower() in RESERVED.split("|"):
        return None
    return match["user"].lower()


def page_owner(tree: LexborHTMLParser, url: str) -> str:
    """The member a page belongs to: its URL, else its og:url, else its data-owner."""
    owner = owner_in(url) or owner_in(common.meta(tree, "og:url") or "")
    if owner is None:
        node = tree.css_first("body[data-owner], [data-owner]")
        owner = (node.attrs.get("data-owner") or "").lower() if node else None
    if not owner:
        raise ParseError(SITE, url, "the member the page belongs to (its URL or og:url)")
    return owner


def empty_notice(tree: LexborHTMLParser) -> bool:
    """Letterboxd's own "nothing here yet" notice, as opposed to a page of another shape."""
    notice = common.node_text(tree.css_first(".empty-state, .ui-block-heading, section.-empty"))
    text = (textmod.plain(notice) or "").lower()
    return "no " in text or "yet" in text


def past_the_end(tree: LexborHTMLParser, url: str, listing: str) -> bool:
    """A listing's page after its last: the list (`listing`) is there but empty, and it is not
    page 1 (its address says page N > 1, or it links back to a previous page). Letterboxd
    answers a film's reviews so, with 200 (corpus film-reviews-2026/...page9999-empty.html);
    a member's diary, films grid and reviews end the same way as far as is known (letterboxdpy
    stops on an empty or short page and raises on a 404: research notes, 2026-12-07)."""
    if tree.css_first(listing) is None:
        return False
    number = _PAGE_NUMBER.search(url.split("?")[0])
    return bool(number and (numbers.whole(number[1], 0, 10**9) or 0) > 1) or (
        tree.css_first(".pagination a.previous") is not None
    )


def viewing_key(viewing_id: str | int) -> str:
    """The key every live source files a viewing under, whoever's it is: the viewing id is
    unique on the whole site, so a fragment that knows only it finds its review."""
    return f"{SITE}:viewing:{viewing_id}"


def profile(handle: str) -> Profile:
    return Profile(f"{SITE}:{handle}", SITE, handle, PROFILE_KIND, url=f"{SITE_URL}/{handle}/")


def title_part(title: str, year: int | None) -> str:
    return f"{' '.join(title.lower().split())}|{year or ''}"


def film(
    *,
    title: str,
    year: int | None,
    slug: str | None = None,
    lid: str | None = None,
    tmdb: str | None = None,
    film_id: str | None = None,
) -> Film:
    keys = []
    if lid:
        keys.append(f"{SITE}:lid:{lid}")
    if slug:
        keys.append(f"{SITE}:slug:{slug}")
    # Letterboxd's numeric film id (data-film-id; letterboxd.com/film/film:<id>/ in old exports).
    number = numbers.whole(film_id, 1, 10**15)
    numeric = str(number) if number is not None else None
    if numeric:
        keys.append(f"{SITE}:id:{numeric}")
    if year or not (slug or lid or numeric):
        keys.append(f"{SITE}:title:{title_part(title, year)}")
    if tmdb:
        keys.append(f"tmdb:{tmdb}")
    if slug:
        ident, url = f"{SITE}:film/{slug}", f"{SITE_URL}/film/{slug}/"
    elif lid:
        ident, url = f"{SITE}:lid/{lid}", f"https://boxd.it/{lid}"
    elif numeric:
        ident, url = f"{SITE}:id/{numeric}", f"{SITE_URL}/film/film:{numeric}/"
    else:
        ident, url = f"{SITE}:title/{title_part(title, year)}", None
    # Letterboxd lists films (a TV miniseries there is a film too): models.KINDS calls it movie.
    return Film(ident, SITE, title, year, "movie", url, film_id, tuple(keys))


def film_from_poster(
    node: LexborHTMLParser | LexborNode, *, year: int | None = None
) -> Film | None:
    """A film from the LazyPoster component (2025+) or the older film-poster div; `year` when
    neither its name nor its attributes give one."""
    poster = node.css_first("[data-item-slug], [data-film-slug]")
    if poster is None:
        return None
    attrs = poster.attrs
    slug = (attrs.get("data-item-slug") or attrs.get("data-film-slug") or "").strip("/")
    slug = slug.removeprefix("film/")
    name = attrs.get("data-item-name") or ""
    if not name:
        image = poster.css_first("img")
        name = (image.attrs.get("alt") or "") if image else ""
        name = name.removeprefix("Poster for ")
    title, named_year = split_display_name(name)
    # 2022 posters give the year in an attribute of its own, not in the name.
    year = named_year or common.year_in(attrs.get("data-film-release-year")) or year
    lid = None
    if identifier := attrs.get("data-postered-identifier"):
        try:
            lid = json.loads(identifier).get("lid")
        except (ValueError, AttributeError):
            lid = None
    if not slug or not title:
        return None
    return film(title=title, year=year, slug=slug, lid=lid, film_id=attrs.get("data-film-id"))


def split_display_name(name: str) -> tuple[str, int | None]:
    """ "The Holdovers (2023)" -> ("The Holdovers", 2023); a name without a year stays whole."""
    match = re.match(r"^(?P<title>.*\S)\s+\((?P<year>\d{4})\)$", name.strip())
    year = numbers.year(match["year"]) if match else None
    if match and year is not None:
        return match["title"], year
    return name.strip(), None


def rated(class_attr: str | None) -> float | None:
    """Half-stars from a `rated-N` class (N of 10, "rated-7" is 3.5 stars), as stars."""
    match = _RATED.search(class_attr or "")
    halves = numbers.whole(match[1], 1, 10) if match else None
    return halves / 2 if halves is not None else None


def viewing_link(href: str | None) -> tuple[str | None, int]:
    """(slug, viewing number) of /<user>/film/<slug>/ (0) or /<user>/film/<slug>/2/ (2)."""
    match = _VIEWING_LINK.search(href or "")
    if not match:
        return None, 0
    return match["slug"], numbers.whole(match["n"] or 0, 0, 10**6) or 0


def watch_keys(owner_id: str, film: Film, watched_on: str | None, occurrence: int) -> list[str]:
    """The keys under which every source can find one diary entry: film + watched date (+ the
    entry's number when one film was logged twice on one day)."""
    if not watched_on:
        return []
    suffix = f"#{occurrence}" if occurrence > 1 else ""
    keys = [
        f"{owner_id}/watch/{key.removeprefix(f'{SITE}:')}/{watched_on}{suffix}"
        for key in film.keys
        if key.startswith((f"{SITE}:lid:", f"{SITE}:title:"))
    ]
    return keys


class Occurrences:
    """Numbers repeated (film, day) pairs in the order a source lists them, oldest first."""

    def __init__(self) -> None:
        self._seen: Counter[tuple[str, str | None]] = Counter()

    def next(self, film: Film, day: str | None) -> int:
        self._seen[(film.id, day)] += 1
        return self._seen[(film.id, day)]


def stars(value: float | None) -> tuple[float | None, str | None]:
    """(rating on 0-10, raw "3.5/5") from a star count."""
    if value is None:
        return None, None
    return ratings.to_ten(value, out_of=5), ratings.stars_raw(value)


def entry(
    *,
    id: str,
    owner_id: str,
    film: Film,
    star_value: float | None,
    text: str | None,
    when: When,
    source: str,
    keys: list[str],
    **extra: Unpack[common.ReviewExtras],
) -> Review:
    rating, raw = stars(star_value)
    return common.review(
        id=id,
        site=SITE,
        profile_id=owner_id,
        film_id=film.id,
        text=text,
        when=when,
        rating=rating,
        rating_raw=raw,
        source=source,
        keys=tuple(dict.fromkeys(keys)),
        **extra,
    )


class Liked(TypedDict, total=False):
    """What a film's row says besides its rating: whether (and when) the member liked it."""

    liked: bool | None
    liked_on: str | None


def film_rating(
    owner_id: str,
    film: Film,
    star_value: float | None,
    when: When,
    source: str,
    **extra: Unpack[Liked],
) -> Review:
    """The member's current rating of a film (films grid, ratings.csv): one row per film."""
    keys = [
        f"{owner_id}/rating/{key.removeprefix(f'{SITE}:')}"
        for key in film.keys
        if key.startswith(f"{SITE}:")
    ]
    return entry(
        id=keys[0],
        owner_id=owner_id,
        film=film,
        star_value=star_value,
        text=None,
        when=when,
        source=source,
        keys=keys,
        text_known=False,
        url=film.url if film.url and "boxd.it" not in film.url else None,
        **extra,
    )


def logged_after(watched: str | None, fetched_at: datetime) -> When:
    """When an entry with this watched day was logged: on or after that day, before the fetch.
    (Pages show only the watched day; the export's log date and the feed's time narrow it.)"""
    seen = timeparse.from_day(watched) if watched else None
    if seen is None:
        return timeparse.UNKNOWN
    latest = max(fetched_at, seen.latest) if seen.latest is not None else fetched_at
    return When(seen.at, seen.earliest, latest, "day")


def day(value: str | None, fetched_at: datetime) -> When:
    return timeparse.parse(value, fetched_at) if value else timeparse.UNKNOWN
