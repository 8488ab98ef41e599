"""The shapes that cross modules: what a site module produces and the archive stores."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from scraper.timeparse import When

# What tells two requests apart (method, URL, query), for noticing a crawl going in circles.
RequestKey = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request a site module asks for, and which of its parsers reads the answer."""

    url: str
    parser: str
    method: str = "GET"
    params: tuple[tuple[str, str], ...] = ()
    json: dict[str, Any] | None = None
    # On a listing's first request: the `source` its reviews carry (see tombstones.py).
    source: str | None = None
    # Extra headers, as a browser sends them with this request (Origin, Referer); one given as
    # "" is one the browser would not send, left out even where the client adds it by default.
    headers: tuple[tuple[str, str], ...] = ()
    # JSON body fields the browser copies from its cookies: (field, cookie name), filled in
    # by fetch from the cookies given for the site (a site module never sees cookies).
    cookie_fields: tuple[tuple[str, str], ...] = ()
    # What a refusal of this request (401, 403, a login page) means, in the user's terms.
    refusal: str | None = None

    @property
    def key(self) -> RequestKey:
        """Identity of the request, used to notice a crawl that goes round in circles."""
        return (self.method, self.url, self.params)


@dataclass(frozen=True, slots=True)
class Target:
    """One profile on one site, named by the site's own handle."""

    site: str
    handle: str

    @property
    def profile_id(self) -> str:
        return f"{self.site}:{self.handle}"


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    site: str
    handle: str
    kind: str
    display_name: str | None = None
    url: str | None = None


# The one vocabulary of films.kind across sites: `movie` (a feature, TV movie, short or video;
# every Letterboxd film), `tv` (a show, or a season of one), `episode`, `game`, `podcast`.
KINDS = ("movie", "tv", "episode", "game", "podcast")


@dataclass(frozen=True, slots=True)
class Film:
    """A film, a show (or one season of it), an episode, a game: whatever a review is of.
    `kind` is one of KINDS, whatever the site calls it."""

    id: str
    site: str
    title: str
    year: int | None
    kind: str | None
    url: str | None = None
    site_film_id: str | None = None
    # Other names of this film (see archive.film_key_kind): "<site>:lid:vHza" ones make two sources
    # of one site land on one film row; "tmdb:603", "imdb:tt0133093" ones join films across sites.
    keys: tuple[str, ...] = ()
    # Of the film's id and keys, those under this site's name that other sites cite as well
    # (IMDb's tt ids): they join films across sites instead of naming one within the site.
    shared_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    site: str
    profile_id: str | None
    film_id: str
    rating: float | None
    rating_raw: str | None
    text: str | None
    text_original: str | None
    when: When
    url: str | None = None
    reviewer_name: str | None = None
    publication: str | None = None
    sentiment: str | None = None
    source: str | None = None
    # Other ids under which another source of the same site knows this entry (an export's entry
    # LID, a diary's viewing id, "<user>:<film>:<watched date>"): the archive stores it once.
    keys: tuple[str, ...] = ()
    # False when the source never shows review text (a diary row): a stored text is kept.
    text_known: bool = True
    # The text is a listing's excerpt: it never replaces a stored text it is the start of.
    truncated: bool = False
    # Only the text is this source's to say (a review's own page, read to complete an excerpt).
    only_text: bool = False
    watched_on: str | None = None
    liked: bool | None = None
    # The day the member liked the film (Letterboxd's likes/films.csv).
    liked_on: str | None = None
    rewatch: bool | None = None
    spoiler: bool | None = None
    likes: int | None = None
    # The site's own export says the user deleted it.
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record of a file that names nothing the archive can key it by, left out of the
    import: where it is (`diary.csv row 7`, `review 3`), why, and what it is (for the count:
    "rows", "reviews")."""

    where: str
    why: str
    unit: str = "rows"
    # More than one when a file had too many to name: "other rows", counted.
    count: int = 1


@dataclass(frozen=True, slots=True)
class FilmList:
    """A list a person made on the site (Letterboxd's lists/<name>.csv), keyed by the site's
    own id for it, as the export captured at `captured_at` (ISO) had it."""

    id: str
    site: str
    profile_id: str
    name: str
    captured_at: str
    url: str | None = None
    # The day the list was made, as the site gives it (YYYY-MM-DD).
    created_on: str | None = None
    description: str | None = None
    tags: str | None = None
    # The export lists it under deleted/: the member deleted it on the site.
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One film on a list: where the list puts it and the note it has there."""

    list_id: str
    film_id: str
    captured_at: str
    position: int | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Watchlisted:
    """A film on a person's watchlist, and the day they added it."""

    profile_id: str
    film_id: str
    captured_at: str
    added_on: str | None = None


@dataclass(frozen=True, slots=True)
class Collected:
    """An export's word that, at `captured_at`, it held every list (`lists`) or the whole
    watchlist (`watchlist`) of a person: what an earlier export held and this one does not was
    removed since."""

    profile_id: str
    captured_at: str
    lists: bool
    watchlist: bool


@dataclass(slots=True)
class Page:
    """Everything one response held, plus the request for the page after it (None when last).
    Where and when it was fetched is the Fetched record's to say, not the page's."""

    profiles: list[Profile] = field(default_factory=list)
    films: list[Film] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    next: Request | None = None
    # The page is the listing's own end signal (a page after the last, answered with no
    # entries), not an empty page where entries were expected.
    past_end: bool = False
    # The page says more follows but gives no way there (a next-page flag without a cursor):
    # why the listing cannot be read to its end.
    unfinished: str | None = None
    # Records left out because nothing in them identifies them (one odd row never costs the
    # rest of its file): the import names each in its summary.
    skipped: list[Skipped] = field(default_factory=list)
    # What the parser could not place, each said once with how many records it touched (an
    # export's title type it does not know): `scrape import` prints them as warnings.
    notes: dict[str, int] = field(default_factory=dict)
    # A person's lists and watchlist (Letterboxd's export), and what the export holds whole.
    lists: list[FilmList] = field(default_factory=list)
    list_entries: list[ListEntry] = field(default_factory=list)
    watchlist: list[Watchlisted] = field(default_factory=list)
    collected: Collected | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """A body that was parsed, with where and when it came from: kept raw in the archive so
    that `scrape reparse` can rebuild reviews from it without the network."""

    body: bytes
    url: str
    site: str
    parser: str
    parser_version: int
    # ISO text only in the archive (archive.py writes it).
    fetched_at: datetime
    method: str = "GET"
    params: str | None = None
    status: int | None = None
    content_type: str | None = None
    profile_id: str | None = None
    run_id: int | None = None
    # False for an import without --captured-at: relative ages then keep only their upper bound.
    exact_capture: bool = True
    # An import's --profile: only that person's reviews were kept from the page.
    keep_profile: str | None = None
    # An import's --date-order, which reparse gives the parser again (ParseContext.of_record).
    date_order: DateOrder | None = None


# How archives written before fetches.date_order kept it: in the address's fragment.
_RECORDED_ORDER = re.compile(r"[#&]date-order=(?P<order>dmy|mdy)\b")


# How a file's d/m/yyyy dates read: day first, or month first.
DateOrder = Literal["dmy", "mdy"]


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What an import was told of a file that the file cannot say itself, for the parsers that
    need it (an explicit argument: parsers stay pure functions of what they are given)."""

    # --date-order: how a file's d/m/yyyy dates read (None: as its rows show).
    date_order: DateOrder | None = None

    @classmethod
    def of_record(cls, row: Mapping[str, Any]) -> ParseContext:
        """The context a fetch record kept (its `date_order`), for reparse to give the parser
        again; an archive written before that column kept it in the address's fragment."""
        order = row.get("date_order")
        if order is None and (found := _RECORDED_ORDER.search(row.get("url") or "")):
            order = found["order"]
        return cls(date_order="dmy" if order == "dmy" else "mdy" if order == "mdy" else None)


# An import told nothing beyond the file (and every crawl).
NO_CONTEXT = ParseContext()
