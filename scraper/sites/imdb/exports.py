"""IMDb's "Your Ratings" CSV export, in both header formats.

2023 and before: `Const,Your Rating,Date Rated,Title,URL,Title Type,...`, ISO dates, title
types like `tvSeries`. 2026: an `Original Title` column, dates as M/D/YYYY, title types like
`TV Series`. Older exports are cp1252 rather than UTF-8. The file does not say whose ratings
they are: the importer passes the owner in the URL (`--profile imdb:ur<digits>`).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from scraper import ratings, timeparse
from scraper.errors import ParseError
from scraper.models import Film, Page, Profile, Review
from scraper.sites import common

SITE = "imdb"
SITE_URL = "https://www.imdb.com"
# A member: ur<digits>, or since 2026 p.<26 base32 characters> (a readable name on old accounts).
MEMBER = r"(?:ur\d{1,12}|p\.[a-z0-9]{1,40})"
_OWNER = re.compile(rf"/user/(?P<user>{MEMBER})")
_CONST = re.compile(r"^tt\d{5,12}$")
_REQUIRED = ("Const", "Your Rating", "Date Rated", "Title")
# IMDb's title types, old and new spellings, as the archive's kinds.
KINDS = {
    "movie": "movie",
    "tvmovie": "movie",
    "video": "movie",
    "short": "movie",
    "tvseries": "tv",
    "tvminiseries": "tv",
    "tvspecial": "tv",
    "tvshort": "tv",
    "tvepisode": "episode",
    "videogame": "game",
    "podcastseries": "podcast",
    "podcastepisode": "podcast",
}


def decode_csv(body: bytes) -> str:
    """UTF-8 (with or without a BOM) when the bytes are valid UTF-8, else Windows-1252."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def parse_ratings_export(body: bytes, url: str, fetched_at: datetime) -> Page:
    owner = _OWNER.search(url)
    if not owner:
        raise ParseError(
            SITE,
            url,
            "the owner (IMDb exports do not say whose ratings they "
            "are): import with --profile imdb:ur<digits>",
        )
    reader = csv.DictReader(io.StringIO(decode_csv(body), newline=""))
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ParseError(SITE, url, f"the columns {', '.join(missing)} of a ratings export")
    handle = owner["user"]
    profile = Profile(f"{SITE}:{handle}", SITE, handle, "member", url=f"{SITE_URL}/user/{handle}/")
    page = Page(url=url, fetched_at=timeparse.to_iso(fetched_at), profiles=[profile])
    for line, row in enumerate(reader, start=2):
        const = (row.get("Const") or "").strip()
        if not _CONST.match(const):
            raise ParseError(SITE, url, f"a title id (ttNNNNNNN) in Const on line {line}")
        kind = re.sub(r"[^a-z]", "", (row.get("Title Type") or "").lower())
        film = title_film(const, row.get("Title") or "", row.get("Year"), kind)
        page.films.append(film)
        score = (row.get("Your Rating") or "").strip()
        when = timeparse.parse(row.get("Date Rated"), fetched_at)
        page.reviews.append(rating_row(profile, film, score, when, "imdb-ratings-export"))
    return page


def title_film(const: str, title: str, year: object, kind: str) -> Film:
    """An IMDb title, keyed by its tt id; `kind` is IMDb's title type, lower-cased."""
    return Film(
        id=f"{SITE}:{const}",
        site=SITE,
        title=title.strip(),
        year=common.year_in(year),
        kind=KINDS.get(kind, "movie"),
        url=f"{SITE_URL}/title/{const}/",
        site_film_id=const,
    )


def rating_row(profile: Profile, film: Film, score: object, when, source: str) -> Review:
    """A member's rating of a title (1-10): one row per title, whichever source shows it."""
    shown = f"{score:g}" if isinstance(score, int | float) else str(score or "").strip()
    return common.review(
        id=f"{profile.id}/{film.site_film_id}",
        site=SITE,
        profile_id=profile.id,
        film_id=film.id,
        text=None,
        when=when,
        rating=ratings.to_ten(shown or None, out_of=10),
        rating_raw=f"{shown}/10" if shown else None,
        url=film.url,
        source=source,
    )
