"""IMDb's "Your Ratings" CSV export, in every header format people have.

- before 2017: `"position","const","created","modified","description","Title","Title type",
  ...,"You rated",...,"URL"`, dates like `Sun Jan 29 00:00:00 2017`, types like `Feature Film`;
- 2017-2025: `Const,Your Rating,Date Rated,Title,URL,Title Type,...`, ISO dates, `tvSeries`;
- 2026: an `Original Title` column, dates as M/D/YYYY, `TV Series`, ratings as `8.0`.
An account in another language keeps the English header but writes its Title Type in that
language (`Serie TV`, `Mini serie TV`): KINDS reads English, Italian, German, French, Spanish
and Portuguese; a type it does not read is no kind (NULL), and the import names it.
Re-saved by a spreadsheet, the dates may be day-first (`29/4/2015`): the order is decided per
file from its rows, or given with --date-order, never assumed. Older exports are cp1252 rather
than UTF-8. The file does not say whose ratings they are: the importer passes the owner in the
URL (`--profile imdb:ur<digits>`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import BinaryIO

from scraper import numbers, timeparse
from scraper.errors import ParseError
from scraper.models import NO_CONTEXT, Film, Page, ParseContext, Profile, Review
from scraper.sites import common, csvfiles, ratings

SITE = "imdb"
SITE_URL = "https://www.imdb.com"
# A member: ur<digits>, or since 2026 p.<26 base32 characters> (a readable name on old accounts).
MEMBER = r"(?:ur\d{1,12}|p\.[a-z0-9]{1,40})"
# A member named in a link or an address: /user/ur12345678/..., /user/p.<id>/...
OWNER = re.compile(rf"/user/(?P<user>{MEMBER})")
_CONST = re.compile(r"^tt\d{5,12}$")
_REQUIRED = ("Const", "Your Rating", "Date Rated", "Title")
# The pre-2017 export's columns under today's names.
_OLD_NAMES = {
    "const": "Const",
    "You rated": "Your Rating",
    "created": "Date Rated",
    "Title type": "Title Type",
}
_SLASHED = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
# IMDb's title types, old and new spellings and the labels of its interface languages, as the
# archive's kinds (models.KINDS). Keys are folded by _kind: lower case, accents and everything
# but letters dropped ("Série télévisée" -> "serietelevisee"). A label not here is no kind at
# all (NULL), with a note naming it: never a guessed "movie".
#
# Where the labels come from:
# - English: the exports of each era (corpus ratings-export-2023-old-format.csv `movie`,
#   `tvSeries`; ratings-export-2026-new-format.csv `Movie`, `TV Series`, `TV Mini Series`,
#   `TV Episode`, `TV Special`), and IMDb's titleType ids (`tvMovie`, `tvShort`, `videoGame`,
#   `musicVideo`, `podcastSeries`, ...), whose display forms the 2026 export writes.
# - Italian: a real export of an Italian account, aureliome/imdb-ratings-ai `ratings.csv`
#   @ 9f2138c84f105865f207d0d5c4cdab24bf8e7727 (2025-12; English header, ISO dates, `Film`,
#   `Serie TV`, `Mini serie TV`), and the same repository's `.agent/rules/ratings-reading-guide.md`
#   @ 3cbfa99be8d1ed7f20f175d725efe3e9be3ddbe1 naming those three; `Speciale TV` and `Episodio TV`
#   from the Italian export measured in issue 29 (item 5). `Film TV`, `Cortometraggio`,
#   `Videogioco` are IMDb's Italian interface's words for the other types.
# - German, French, Spanish, Portuguese: IMDb's interface labels for these types (de: Film,
#   Fernsehserie, Miniserie, Folge / Episode, TV-Special, Fernsehfilm, Kurzfilm, Videospiel;
#   fr: Film, Série télévisée, Mini-série, Épisode, Spécial TV, Téléfilm, Court métrage, Jeu
#   vidéo; es: Película, Serie de TV, Miniserie de TV, Episodio de TV, Especial de TV, Película
#   de TV, Cortometraje, Videojuego; pt: Filme, Série de TV, Minissérie, Episódio de TV,
#   Especial de TV, Filme para TV, Curta-metragem, Jogo eletrônico). No export from an account in
#   these languages was found committed publicly (2026-12 search of public repositories): they are
#   the interface's words, not yet seen in a file, and a label that differs is reported by the
#   import (kind NULL and a warning naming it), never filed under a guessed kind.
KINDS = {
    "movie": "movie",
    "tvmovie": "movie",
    "video": "movie",
    "short": "movie",
    "musicvideo": "movie",
    "tvseries": "tv",
    "tvminiseries": "tv",
    "tvspecial": "tv",
    "tvshort": "tv",
    "tvepisode": "episode",
    "videogame": "game",
    "podcastseries": "podcast",
    "podcastepisode": "podcast",
    # The pre-2017 export's names.
    "featurefilm": "movie",
    "documentary": "movie",
    "shortfilm": "movie",
    "miniseries": "tv",
    # Italian.
    "film": "movie",
    "filmtv": "movie",
    "cortometraggio": "movie",
    "serietv": "tv",
    "miniserietv": "tv",
    "specialetv": "tv",
    "episodiotv": "episode",
    "videogioco": "game",
    # German ("Film", "Video", "TV-Special" fold as above).
    "fernsehserie": "tv",
    "fernsehminiserie": "tv",
    "tvserie": "tv",
    "tvminiserie": "tv",
    "fernsehfilm": "movie",
    "kurzfilm": "movie",
    "folge": "episode",
    "episode": "episode",
    "tvfolge": "episode",
    "videospiel": "game",
    # French ("Série TV" folds as the Italian).
    "serietelevisee": "tv",
    "miniserie": "tv",
    "miniserietelevisee": "tv",
    "specialtv": "tv",
    "telefilm": "movie",
    "courtmetrage": "movie",
    "episodetelevise": "episode",
    "jeuvideo": "game",
    # Spanish.
    "pelicula": "movie",
    "peliculadetv": "movie",
    "cortometraje": "movie",
    "seriedetv": "tv",
    "miniseriedetv": "tv",
    "especialdetv": "tv",
    "episodiodetv": "episode",
    "videojuego": "game",
    # Portuguese ("Série de TV", "Especial de TV", "Episódio de TV" fold as the Spanish).
    "filme": "movie",
    "filmeparatv": "movie",
    "filmedetv": "movie",
    "curtametragem": "movie",
    "minisserie": "tv",
    "minisseriedetv": "tv",
    "jogoeletronico": "game",
}


def parse_ratings_export(
    body: bytes, url: str, fetched_at: datetime, *, context: ParseContext = NO_CONTEXT
) -> Page:
    return common.joined(
        stream_ratings_export(lambda: io.BytesIO(body), url, fetched_at, context=context)
    )


def stream_ratings_export(
    open_body: Callable[[], BinaryIO],
    url: str,
    fetched_at: datetime,
    *,
    context: ParseContext = NO_CONTEXT,
) -> Iterator[Page]:
    """The export's ratings, a batch of rows (csvfiles.BATCH) a page, read as a stream three
    times (the encoding, the date order, the rows), so that no more than a page is held. The
    file alone cannot say its date order when no day is over 12: the import's --date-order
    comes in `context`."""
    owner = OWNER.search(url)
    if not owner:
        raise ParseError(
            SITE,
            url,
            "the owner (IMDb exports do not say whose ratings they "
            "are): import with --profile imdb:ur<digits> (or imdb:p.<id>), e.g. "
            "--profile imdb:ur7654321",
        )
    with open_body() as stream:
        encoding = csvfiles.encoding_of(iter(lambda: stream.read(1024 * 1024), b""))
    # Rows leave nothing behind here: each rating is counted as it is held, until written.
    budget = csvfiles.Budget(SITE, url, row_cost=0)

    @contextlib.contextmanager
    def rows() -> Iterator[csvfiles.Rows]:
        with open_body() as stream:
            found = csvfiles.Rows(stream, "the file", budget, encoding)
            found.rename(_OLD_NAMES)
            yield found

    with rows() as header:
        missing = [c for c in _REQUIRED if c not in header.columns]
    if missing:
        raise ParseError(SITE, url, f"the columns {', '.join(missing)} of a ratings export")
    profile = member(owner["user"])

    def new_page() -> Page:
        return Page(profiles=[profile])

    with rows() as found:
        day_first = _day_first(found, url, context)
    budget.release()  # that pass kept nothing of its rows
    # A file's dates are written one way: the first that reads is how the rest read.
    days = timeparse.DayReader()
    # A file repeats its dates: each text is read once (a refused one ends the file anyway).
    seen: dict[str, timeparse.When] = {}
    page = new_page()
    with rows() as found:
        # Only the columns read, as a tuple ("" where a row has none): no dict of every row.
        columns = found.pick("Const", "Title Type", "Title", "Year", "Your Rating", "Date Rated")
        for line, (const, title_type, title, year, score, rated) in enumerate(columns, start=2):
            const = const.strip()
            if not _CONST.match(const):
                raise ParseError(SITE, url, f"a title id (ttNNNNNNN) in Const on line {line}")
            film = title_film(const, title, year, _kind(title_type))
            if film.kind is None:
                note = unknown_type_note(title_type)
                page.notes[note] = page.notes.get(note, 0) + 1
            budget.hold(film.title)
            page.films.append(film)
            score = score.strip()
            when = seen.get(rated)
            if when is None:
                when = _rated_on(rated, day_first, fetched_at, url, line, days)
                if len(seen) < _SEEN_DATES:
                    seen[rated] = when
            page.reviews.append(rating_row(profile, film, score, when, "imdb-ratings-export"))
            if len(page.reviews) >= csvfiles.BATCH or budget.full:
                yield page
                budget.release()
                page = new_page()
    yield page


# Distinct dates remembered per file: a century of days, not all of a hostile file's texts.
_SEEN_DATES = 50_000


@functools.lru_cache(maxsize=64)
def _kind(title_type: str) -> str:
    """IMDb's title type as a key of KINDS, in any of its languages ("TV Series", "tvSeries":
    "tvseries"; "Série télévisée": "serietelevisee")."""
    bare = unicodedata.normalize("NFKD", title_type.lower())
    return re.sub(r"[^a-z]", "", "".join(c for c in bare if not unicodedata.combining(c)))


def unknown_type_note(title_type: str) -> str:
    """What an import says of the rows whose title type no entry of KINDS reads."""
    label = " ".join(title_type.split())[:80]
    shown = f'the Title Type "{label}"' if label else "no Title Type"
    return f"with {shown}, which scrape does not know: their kind is left empty (NULL)"


def _day_first(rows: csvfiles.Rows, url: str, context: ParseContext) -> bool | None:
    """Whether the file's d/m/yyyy dates are day-first: --date-order if given, else what its
    rows prove (a first number over 12 is a day, a second over 12 is one), in Date Rated and
    in Release Date, which one program wrote the same way. None: no such dates. A file whose
    rows prove both, or neither, is refused: a swapped date looks right."""
    if context.date_order:
        return context.date_order == "dmy"
    slashed = day_first = month_first = False
    verdicts: dict[str, tuple[bool, bool, bool]] = {}  # a file repeats its dates
    for dates in rows.pick("Date Rated", "Release Date"):
        for value in dates:
            verdict = verdicts.get(value)
            if verdict is None:
                match = _SLASHED.match(value)
                verdict = (
                    bool(match),
                    bool(match and (numbers.whole(match[1], 0, 99) or 0) > 12),
                    bool(match and (numbers.whole(match[2], 0, 99) or 0) > 12),
                )
                if len(verdicts) < _SEEN_DATES:
                    verdicts[value] = verdict
            slashed = slashed or verdict[0]
            day_first = day_first or verdict[1]
            month_first = month_first or verdict[2]
    if not slashed:
        return None
    if day_first and month_first:
        raise ParseError(SITE, url, "one date order in its dates (Date Rated has both)")
    if not (day_first or month_first):
        raise ParseError(
            SITE,
            url,
            "a Date Rated column that shows whether its dates are day or month first (no "
            "day is over 12): import again with --date-order dmy or --date-order mdy",
        )
    return day_first


def _rated_on(
    value: str | None,
    day_first: bool | None,
    fetched_at: datetime,
    url: str,
    line: int,
    days: timeparse.DayReader | None = None,
) -> timeparse.When:
    text = (value or "").strip()
    if match := _SLASHED.match(text):
        first, second = numbers.whole(match[1], 0, 99), numbers.whole(match[2], 0, 99)
        year = numbers.whole(match[3], 0, 9999)
        day, month = (first, second) if day_first else (second, first)
        found = (
            timeparse.from_day(f"{year:04d}-{month:02d}-{day:02d}")
            if year is not None and day is not None and month is not None
            else None
        )
        if found is None:
            raise ParseError(SITE, url, f"a real date in Date Rated on line {line}")
        return found
    if days is not None and (found := days.read(text)) is not None:
        return found
    try:  # the pre-2017 form, "Sun Jan 29 00:00:00 2017": a day
        moment = datetime.strptime(text, "%a %b %d %H:%M:%S %Y")
    except ValueError:
        return timeparse.parse(text, fetched_at)
    return timeparse.from_day(moment.date().isoformat()) or timeparse.UNKNOWN


def member(handle: str, name: str | None = None) -> Profile:
    """An IMDb member (ur<digits> or p.<id>), with the name a page shows when it shows one."""
    return Profile(f"{SITE}:{handle}", SITE, handle, "member", name, f"{SITE_URL}/user/{handle}/")


def title_film(const: str, title: str, year: object, kind: str) -> Film:
    """An IMDb title, keyed by its tt id; `kind` is IMDb's title type folded (see _kind)."""
    film_id = f"{SITE}:{const}"
    return Film(
        id=film_id,
        site=SITE,
        title=title.strip(),
        year=common.year_in(year),
        # A type no entry reads is no kind (NULL), never a guessed "movie".
        kind=KINDS.get(kind),
        url=f"{SITE_URL}/title/{const}/",
        site_film_id=const,
        # Other sites' sources cite IMDb's tt ids (Letterboxd's export, TMDB): they join sites.
        shared_keys=(film_id,),
    )


# An export has ten scores, a million times over.
@functools.lru_cache(maxsize=256, typed=True)
def _score(score: str | int | float) -> tuple[float | None, str | None]:
    """(rating on 0-10, rating_raw) of a score as the export writes it."""
    shown = str(score).strip()
    # "8.0" (2026 exports) and "8" (older) are one; a score no number holds is shown as is.
    if (number := numbers.decimal(shown, 0, 10**6)) is not None:
        shown = f"{number:g}"
    return ratings.to_ten(shown or None, out_of=10), f"{shown}/10" if shown else None


def rating_row(
    profile: Profile, film: Film, score: object, when: timeparse.When, source: str
) -> Review:
    """A member's rating of a title (1-10): one row per title, whichever source shows it."""
    rating, raw = _score(score if isinstance(score, int | float) else str(score or ""))
    return common.review(
        id=f"{profile.id}/{film.site_film_id}",
        site=SITE,
        profile_id=profile.id,
        film_id=film.id,
        text=None,
        when=when,
        rating=rating,
        rating_raw=raw,
        url=film.url,
        source=source,
    )
