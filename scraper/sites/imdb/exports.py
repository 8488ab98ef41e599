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
from scraper.models import Film, Page, Profile
from scraper.sites import common

SITE = "imdb"
SITE_URL = "https://www.imdb.com"
_OWNER = re.compile(r"/user/(?P<user>ur\d+)")
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
        film = Film(
            id=f"{SITE}:{const}",
            site=SITE,
            title=(row.get("Title") or "").strip(),
            year=common.year_in(row.get("Year")),
            kind=KINDS.get(re.sub(r"[^a-z]", "", (row.get("Title Type") or "").lower()), "movie"),
            url=f"{SITE_URL}/title/{const}/",
            site_film_id=const,
        )
        page.films.append(film)
        score = (row.get("Your Rating") or "").strip()
        page.reviews.append(
            common.review(
                id=f"{profile.id}/{const}",
                site=SITE,
                profile_id=profile.id,
                film_id=film.id,
                text=None,
                when=timeparse.parse(row.get("Date Rated"), fetched_at),
                rating=ratings.to_ten(score, out_of=10),
                rating_raw=f"{score}/10" if score else None,
                url=film.url,
                source="imdb-ratings-export",
            )
        )
    return page
