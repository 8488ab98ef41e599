"""Letterboxd's official data export (Settings, Data, Export your data): a zip of CSV files.

What each file is, and what the archive makes of it:
- diary.csv + reviews.csv: diary entries, one row per viewing, keyed by the entry's LID
  (boxd.it/<LID>); reviews.csv repeats the entries that have text (HTML inside, multi-line).
  One review row each; the film is found through its name and year in the film-level files.
- ratings.csv: the current rating of each rated film (film LIDs): one rating row per film.
- likes/films.csv: liked films (sets `liked` on the film's rating row, which is made if the
  film is liked but unrated). watched.csv: every film marked watched: film records only.
- deleted/: entries the member deleted on Letterboxd: archived, with deleted_at set.
- orphaned/: entries whose film Letterboxd no longer has (no URI at all): archived under their
  name, year and watched date.
- A row whose URI names no film or entry Letterboxd has a form for, or that has no Name, is
  skipped and named on the page (Page.skipped), never the reason to refuse the export; an
  export none of whose rows can be identified is refused.
- watchlist.csv and lists/*.csv: the films on the member's watchlist and on each of their
  lists, in tables of their own (export_lists); deleted/lists/*.csv: lists they deleted.
  comments.csv, likes of lists and reviews: left alone (the zip is kept whole, for reparse).

The export does not name its owner unless it has profile.csv; otherwise import it with
`--profile letterboxd:<user>`.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterator
from datetime import datetime
from typing import BinaryIO

from scraper import numbers, timeparse
from scraper.errors import ParseError
from scraper.models import (
    NO_CONTEXT,
    Collected,
    Film,
    ListEntry,
    Page,
    ParseContext,
    Review,
    Skipped,
    Watchlisted,
)
from scraper.sites import common, csvfiles
from scraper.sites.letterboxd import export_lists, records
from scraper.sites.letterboxd.records import SITE
from scraper.sites.spill import Spill
from scraper.wording import shown

# What the CSV files an import reads may unpack to, counted as they are read (a zip's own
# sizes can lie). The corpus export of 913 entries unpacks to 1 MB; one of 10,000 diary
# entries, all reviewed, to about 9 MB; one of 1,000,000 rows to about 70 MB. Their joins are
# kept on disk (scraper.sites.spill), so this bounds disk and time, not memory: a bomb of
# 512 MiB of rows also meets csvfiles.MAX_ROWS.
MAX_UNPACKED = 512 * 1024 * 1024
# A zip's directory is read whole to open it (about 1 kB of memory a member): an export has a
# dozen files and one per list. Counted before it is read, by the members' signatures.
MAX_MEMBERS = 10_000
_MEMBER = b"PK\x01\x02"
# Reviews a page: fewer than csvfiles.BATCH, as a diary entry with its keys, film and the
# stored row it is compared with takes about 6 kB while written (an IMDb rating 3.5 kB).
BATCH = 4_000
_LID = re.compile(r"^https?://boxd\.it/(?P<lid>[A-Za-z0-9]+)/?$")
# Exports from before about 2018 name films (and entries) by their page instead:
# letterboxd.com/film/<slug>/, letterboxd.com/<user>/film/<slug>/[<n>/].
_SLUG = re.compile(
    r"^https?://(?:www\.)?letterboxd\.com/(?:[A-Za-z0-9_]+/)?film/(?P<slug>[a-z0-9-]+)/"
    r"(?:(?P<n>\d+)/)?$"
)
# Exports of about 2017 name a few films by their numeric id instead of a slug:
# letterboxd.com/film/film:253666/ (and entries letterboxd.com/<user>/film/film:253666/).
_FILM_ID = re.compile(
    r"^https?://(?:www\.)?letterboxd\.com/(?:[A-Za-z0-9_]+/)?film/film:(?P<id>\d+)/"
    r"(?:(?P<n>\d+)/)?$"
)
# The skipped rows an export names one by one; past these, it counts them.
MAX_NAMED_SKIPS = 50
ENTRY_FILES = ("diary.csv", "reviews.csv")
# The subfolders an export has.
EXPORT_FOLDERS = ("deleted", "orphaned", "likes", "lists")
FILM_FILES = ("watched.csv", "ratings.csv", "likes/films.csv")
_ENTRY_COLUMNS = ("Date", "Name", "Year", "Letterboxd URI", "Rating")
# A CSV row by column name.
Row = dict[str, str]


def too_many_members(body: bytes) -> bool:
    return body.count(_MEMBER) > MAX_MEMBERS


def too_many_members_in(stream: BinaryIO) -> bool:
    """too_many_members for a zip read a megabyte at a time (a signature may straddle two)."""
    count, tail = 0, b""
    while chunk := stream.read(1024 * 1024):
        window = tail + chunk
        count += window.count(_MEMBER) - tail.count(_MEMBER)
        tail = window[-(len(_MEMBER) - 1) :]
        if count > MAX_MEMBERS:
            break
    stream.seek(0)
    return count > MAX_MEMBERS


def is_export(names: list[str]) -> bool:
    files = set(_relative(names).values())
    return "watched.csv" in files and ("diary.csv" in files or "ratings.csv" in files)


def parse_export(body: bytes, url: str, fetched_at: datetime) -> Page:
    return common.joined(stream_export(lambda: io.BytesIO(body), url, fetched_at))


def stream_export(
    open_body: Callable[[], BinaryIO],
    url: str,
    fetched_at: datetime,
    *,
    context: ParseContext = NO_CONTEXT,
) -> Iterator[Page]:
    """The export's reviews, a batch (BATCH) a page, with the films they name. Nothing an
    import is told changes how it reads (its dates are ISO): `context` goes unread."""
    try:
        with open_body() as stream:
            files = _Export(stream, url)
            try:
                yield from _parse(files, url, fetched_at)
            finally:
                files.spill.close()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError) as exc:
        raise ParseError(SITE, url, f"a readable zip ({exc})") from None
    except (NotImplementedError, RuntimeError) as exc:  # another compression; a password
        raise ParseError(SITE, url, f"a zip scrape can unpack ({exc})") from None


class _Batches:
    """The pages a file's reviews are written in: each holds its reviews and their films, and
    what it holds is counted until it is written."""

    def __init__(self, files: _Export, url: str, fetched_at: datetime, owner: str) -> None:
        self.files, self.url, self.fetched_at = files, url, fetched_at
        self.profile = records.profile(owner)
        self.page = self._new()
        self._written = 0
        # Films on lists and the watchlist, read so far.
        self.listed = 0

    def _new(self) -> Page:
        return Page(profiles=[self.profile])

    @property
    def written(self) -> int:
        return self._written + len(self.page.reviews)

    def add(self, review: Review, film: Film) -> Iterator[Page]:
        # The text is held twice: as given (HTML) and as plain text.
        self.files.budget.hold(review.text, review.text_original)
        self.page.reviews.append(review)
        yield from self._added(film)

    def add_listed(self, record: ListEntry | Watchlisted, film: Film) -> Iterator[Page]:
        """A film on a list or on the watchlist."""
        if isinstance(record, ListEntry):
            self.files.budget.hold(record.notes)
            self.page.list_entries.append(record)
        else:
            self.files.budget.hold()
            self.page.watchlist.append(record)
        self.listed += 1
        yield from self._added(film)

    def _added(self, film: Film) -> Iterator[Page]:
        page = self.page
        if not page.films or page.films[-1].id != film.id:
            page.films.append(film)
        records = len(page.reviews) + len(page.list_entries) + len(page.watchlist)
        if records >= BATCH or self.files.budget.full:
            yield from self.flush()

    def flush(self) -> Iterator[Page]:
        page, self.page = self.page, self._new()
        self._written += len(page.reviews)
        page.skipped = self.files.take_skipped()
        films: dict[str, Film] = {}
        for film in page.films:
            films.setdefault(film.id, film)
        page.films = list(films.values())
        yield page
        self.files.budget.release()


def _parse(files: _Export, url: str, fetched_at: datetime) -> Iterator[Page]:
    owner = _owner(files, url)
    batches = _Batches(files, url, fetched_at, owner)
    owner_id = batches.profile.id
    spill = files.spill
    _film_refs(files, url)

    def film_for(row: Row, ref: str | None = None) -> Film:
        """The row's film, by its own URI ("lid:X" or "slug:y"), else by the URI a film-level
        file gives the same name and year."""
        name, year = (row.get("Name") or "").strip(), _year(row.get("Year"))
        if not name:
            raise ParseError(SITE, url, "a Name in every row")
        # The film of that exact name first; one whose name differs only in case ("Rain" and
        # "rain" are two films) only when no other film could be meant.
        known = ref or spill.get("refs", (name, year))
        if not known:
            folded = spill.get("folded", records.title_part(name, year), ())
            known = next(iter(folded)) if len(folded) == 1 else None
        kind, _, value = (known or ":").partition(":")
        found = records.film(
            title=name,
            year=year,
            lid=value if kind == "lid" else None,
            slug=value if kind == "slug" else None,
            film_id=value if kind == "id" else None,
        )
        # The first film made under an id is the one every row of it names.
        first: Film = spill.setdefault("films", found.id, found)
        return first

    for folder, deleted in (("", False), ("deleted/", True), ("orphaned/", False)):
        yield from _entries(files, folder, deleted, owner_id, film_for, batches, url, fetched_at)
    # One row per film the member has: rated (ratings.csv), else liked (likes/films.csv), else
    # only watched (watched.csv: a watched mark, rating NULL). A like keeps the day it was made.
    for _, row in _film_rows(files, "likes/films.csv", url):
        spill.put("liked", _ref(row), row.get("Date"))
    for name in ("ratings.csv", "likes/films.csv", "watched.csv"):
        for _, row in _film_rows(files, name, url):
            ref = _ref(row)
            film = film_for(row, ref)
            if ("done", film.id) in spill:
                continue
            spill.put("done", film.id, True)
            stars = _stars(row.get("Rating"), url) if name == "ratings.csv" else None
            liked_on = spill.get("liked", ref, _UNLIKED)
            yield from batches.add(
                records.film_rating(
                    owner_id,
                    film,
                    stars,
                    records.day(row.get("Date"), fetched_at)
                    if name != "likes/films.csv"
                    else timeparse.UNKNOWN,
                    "letterboxd-export",
                    liked=liked_on is not _UNLIKED,
                    liked_on=(liked_on or "").strip() or None if liked_on is not _UNLIKED else None,
                ),
                film,
            )
    captured = timeparse.to_iso(fetched_at)
    yield from _watchlist(files, owner_id, film_for, batches, url, captured)
    yield from _lists(files, owner_id, film_for, batches, captured)
    # An export holds every list the member has (none: no lists/ folder) and, with
    # watchlist.csv, their whole watchlist.
    batches.page.collected = Collected(
        owner_id, captured, lists=True, watchlist="watchlist.csv" in files
    )
    if not (batches.written or batches.listed) and files.skips:
        first = files.skipped[0]
        raise ParseError(
            SITE, url, f"a row it can identify (every row was skipped: {first.where}, {first.why})"
        )
    yield from batches.flush()


def _watchlist(
    files: _Export,
    owner_id: str,
    film_for: Callable[[Row, str | None], Film],
    batches: _Batches,
    url: str,
    captured: str,
) -> Iterator[Page]:
    """watchlist.csv: one row per film, with the day it was added. A watchlist.csv that is
    not one (no Name column) is skipped and named: it never costs the export its reviews."""
    if "watchlist.csv" in files and "Name" not in files.rows("watchlist.csv").columns:
        files.skip("watchlist.csv", "no Name column", unit="files")
        return
    for number, row in _numbered(files, "watchlist.csv", url, ("Name",)):
        if why := _unidentified(row):
            files.skip(f"watchlist.csv row {number}", why)
            continue
        film = film_for(row, _ref(row))
        added = (row.get("Date") or "").strip() or None
        yield from batches.add_listed(Watchlisted(owner_id, film.id, captured, added), film)


def _lists(
    files: _Export,
    owner_id: str,
    film_for: Callable[[Row, str | None], Film],
    batches: _Batches,
    captured: str,
) -> Iterator[Page]:
    """lists/*.csv and deleted/lists/*.csv: each list, then its films in the list's order
    (export_lists)."""
    folders = ("lists/", "deleted/lists/")
    for name in sorted(n for n in files.members if n.startswith(folders)):
        deleted = name.startswith("deleted/")
        try:
            lines = files.rows(name).lines()
            found = export_lists.read_list(lines, owner_id, captured, deleted=deleted)
        except export_lists.Unlisted as unlisted:
            files.skip(name, str(unlisted), unit="lists")
            continue
        batches.page.lists.append(found.film_list)
        placed: dict[str, int | None] = {}
        for number, row in found.rows:
            where = f"{name} line {number}"
            if odd := _unidentified(row):
                files.skip(where, odd)
                continue
            film = film_for(row, _ref(row))
            spot = export_lists.position(row.get("Position"))
            if film.id in placed:
                files.skip(where, f"{film.title} is on the list already (at {placed[film.id]})")
                continue
            placed[film.id] = spot
            entry = ListEntry(
                found.film_list.id, film.id, captured, spot, export_lists.notes(row.get("Notes"))
            )
            yield from batches.add_listed(entry, film)


# A film the member has not liked (None is a like without its day).
_UNLIKED = "\x00unliked"


def _entries(
    files: _Export,
    folder: str,
    deleted: bool,
    owner_id: str,
    film_for: Callable[[Row, str | None], Film],
    batches: _Batches,
    url: str,
    fetched_at: datetime,
) -> Iterator[Page]:
    """Diary entries of one folder: diary.csv and reviews.csv rows joined on their URI (or, in
    orphaned/, which has no URIs, on name + year + watched date + occurrence), the join kept
    on disk (files.spill)."""
    spill = files.spill
    spill.clear("merged")
    for name in ENTRY_FILES:
        spill.clear("spots")
        for number, row in _numbered(files, folder + name, url, required=_ENTRY_COLUMNS):
            uri = (row.get("Letterboxd URI") or "").strip()
            if why := _unidentified(row):
                files.skip(f"{folder}{name} row {number}", why)
                continue
            key: Hashable
            if uri:
                key = uri
            else:
                spot = (row.get("Name"), row.get("Year"), row.get("Watched Date"))
                seen = spill.get("spots", spot, 0) + 1
                spill.put("spots", spot, seen)
                key = (*spot, seen)
            entry = spill.get("merged", key) or {}
            entry.update({k: v for k, v in row.items() if v not in (None, "")})
            entry["_has_text"] = entry.get("_has_text", False) or name == "reviews.csv"
            spill.put("merged", key, entry)
    spill.clear("occurrences")
    for key, row in spill.items("merged"):
        # A pre-2018 entry names its film's page: the film is known by slug (or numeric id).
        page_link = _SLUG.match(key) if isinstance(key, str) else None
        id_link = _FILM_ID.match(key) if isinstance(key, str) else None
        linked = f"slug:{page_link['slug']}" if page_link else None
        film = film_for(row, f"id:{id_link['id']}" if id_link else linked)
        watched = (row.get("Watched Date") or "").strip() or None
        # Repeated (film, day) pairs numbered in the order listed (records.Occurrences).
        occurrence = spill.get("occurrences", (film.id, watched), 0) + 1
        spill.put("occurrences", (film.id, watched), occurrence)
        suffix = f"#{occurrence}" if occurrence > 1 else ""
        if page_link:
            ident = f"{owner_id}/entry/slug:{page_link['slug']}/{watched or 'undated'}{suffix}"
        elif id_link:
            ident = f"{owner_id}/entry/id:{id_link['id']}/{watched or 'undated'}{suffix}"
        elif isinstance(key, str):
            lid = _LID.match(key)
            assert lid is not None  # _unidentified let only the forms above through
            ident = f"{owner_id}/entry/{lid['lid']}"
        else:
            ident = f"{owner_id}/orphaned/{film.id.split('/', 1)[1]}/{watched}{suffix}"
        text = row.get("Review") if row["_has_text"] else None
        yield from batches.add(
            records.entry(
                id=ident,
                owner_id=owner_id,
                film=film,
                star_value=_stars(row.get("Rating"), url),
                text=text,
                when=records.day(row.get("Date"), fetched_at),
                source="letterboxd-export",
                # Film + watched day finds a live entry from the pages that show it under
                # another id; no page shows a deleted entry, so it is known by its own id only
                # (a re-logged twin of it is another record).
                keys=[] if deleted else records.watch_keys(owner_id, film, watched, occurrence),
                text_known=row["_has_text"],
                # boxd.it/<LID> is kept as a key; the entry's page URL comes from the site.
                url=None,
                watched_on=watched,
                rewatch=common.yes(row.get("Rewatch") or ""),
                spoiler=(row.get("Spoilers") or "").strip().lower() == "yes"
                if "Spoilers" in row
                else None,
                deleted=deleted,
            ),
            film,
        )


class _Export:
    """The CSV files of an export zip, each unpacked as a stream when it is read (again for
    each pass over it), within MAX_UNPACKED and the rows of csvfiles.MAX_ROWS in all."""

    def __init__(self, stream: BinaryIO, url: str) -> None:
        self.url = url
        if too_many_members_in(stream):
            raise ParseError(SITE, url, f"an export of at most {MAX_MEMBERS:,} files")
        self.zip = zipfile.ZipFile(stream)
        infos = [i for i in self.zip.infolist() if not i.is_dir()]
        names = _relative([i.filename for i in infos])
        self.members = {names[i.filename]: i for i in infos if i.filename in names}
        # Rows leave nothing held: the joins are on disk (spill), the records counted as held.
        self.budget = csvfiles.Budget(SITE, url, row_cost=0)
        self.spill = Spill()
        self.unpacked = 0
        self.encodings: dict[str, str] = {}
        # Rows left out (see _unidentified): the first MAX_NAMED_SKIPS named, all counted.
        self.skipped: list[Skipped] = []
        self.skips = 0
        self._unnamed = 0

    def skip(self, where: str, why: str, unit: str = "rows") -> None:
        self.skips += 1
        if self.skips <= MAX_NAMED_SKIPS:
            self.skipped.append(Skipped(where, why, unit))
        else:
            self._unnamed += 1

    def take_skipped(self) -> list[Skipped]:
        """The skips not yet handed on (a page of the export carries them to the summary)."""
        taken, self.skipped = self.skipped, []
        if self._unnamed:
            taken.append(Skipped("other rows", "the same reasons", count=self._unnamed))
            self._unnamed = 0
        return taken

    def __contains__(self, name: str) -> bool:
        return name in self.members

    def rows(self, name: str) -> csvfiles.Rows:
        info = self.members[name]
        if name not in self.encodings:
            # The first pass also counts what the file unpacks to, before anything is parsed.
            if self.unpacked + info.file_size > MAX_UNPACKED:
                raise self._too_big(name)
            self.encodings[name] = csvfiles.encoding_of(self._chunks(name))
        return csvfiles.Rows(self.zip.open(info), name, self.budget, self.encodings[name])

    def _chunks(self, name: str) -> Iterator[bytes]:
        with self.zip.open(self.members[name]) as stream:
            while chunk := stream.read(1024 * 1024):
                self.unpacked += len(chunk)
                if self.unpacked > MAX_UNPACKED:
                    raise self._too_big(name)
                yield chunk

    def _too_big(self, name: str) -> ParseError:
        return ParseError(
            SITE,
            self.url,
            f"an export whose CSV files unpack to at most {MAX_UNPACKED / 2**20:g} MiB "
            f"({name} goes past it)",
        )


def _relative(names: list[str]) -> dict[str, str]:
    """Each CSV's path inside the export, whether or not the zip wraps it in one top folder."""
    csvs = [n for n in names if n.lower().endswith(".csv") and not n.startswith("__MACOSX/")]
    tops = {n.split("/", 1)[0] for n in csvs if "/" in n}
    strip = (
        len(tops) == 1
        and all("/" in n for n in csvs)
        and not {"deleted", "orphaned", "likes"} & tops
    )
    return {n: n.split("/", 1)[1] if strip else n for n in csvs}


def _owner(files: _Export, url: str) -> str:
    """The member profile.csv names (exports as downloaded have it), checked against the one
    --profile names; without profile.csv, the one --profile names."""
    given = records.owner_in(url)
    for row in _rows(files, "profile.csv", url, required=("Username",)):
        if named := (row.get("Username") or "").strip().lower():
            # A handle from a file obeys the rules of one typed on the command line.
            if (
                not re.fullmatch(r"[a-z0-9_]{1,40}", named)
                or records.owner_in(f"/{named}/") is None
                or not common.typed_handle(SITE, named)
            ):
                raise ParseError(
                    SITE, url, f"a Letterboxd username in profile.csv (got {shown(named)})"
                )
            if given and given != named:
                raise ParseError(
                    SITE,
                    url,
                    f"an export of letterboxd:{given} (--profile), but its profile.csv names "
                    f"letterboxd:{named}",
                )
            return named
    owner = given
    if owner is None:
        raise ParseError(
            SITE,
            url,
            "the owner (this export has no profile.csv): import with --profile "
            "letterboxd:<user>, e.g. --profile letterboxd:spazznolo",
        )
    return owner


def _film_refs(files: _Export, url: str) -> None:
    """Into files.spill: "refs", (exact name, year) -> "lid:X" or "slug:y", from the files
    whose URIs are films (diary URIs are entries); and "folded", the set of those refs by
    case-folded name, for the names only one film has."""
    spill = files.spill
    for name in FILM_FILES:
        for number, row in _numbered(files, name, url, ("Name",)):
            if why := _unidentified(row):
                files.skip(f"{name} row {number}", why)
                continue
            ref = _ref(row)
            spot = ((row.get("Name") or "").strip(), _year(row.get("Year")))
            if ref and ("refs", spot) not in spill:
                spill.put("refs", spot, ref)
                folded = records.title_part(*spot)
                spill.put("folded", folded, spill.get("folded", folded, frozenset()) | {ref})


def _rows(
    files: _Export, name: str, url: str, required: tuple[str, ...] = ("Name",)
) -> Iterator[Row]:
    for _, row in _numbered(files, name, url, required):
        yield row


def _numbered(
    files: _Export, name: str, url: str, required: tuple[str, ...]
) -> Iterator[tuple[int, Row]]:
    """The file's rows, each with its number as a spreadsheet shows it (the header is row 1)."""
    if name not in files:
        return
    rows = files.rows(name)
    missing = [c for c in required if c not in rows.columns]
    if missing:
        raise ParseError(SITE, url, f"the columns {', '.join(missing)} in {name}")
    yield from enumerate(rows, start=2)


def _film_rows(files: _Export, name: str, url: str) -> Iterator[tuple[int, Row]]:
    """A film-level file's rows that name a film (the others _film_refs skipped and named)."""
    for number, row in _numbered(files, name, url, ("Name",)):
        if not _unidentified(row):
            yield number, row


def _unidentified(row: Row) -> str | None:
    """Why nothing in the row says which film (or entry) it is, or None when something does:
    a Name, and a URI of a form Letterboxd uses (or none, in orphaned/ and film-level files,
    whose films are then known by name and year)."""
    if not (row.get("Name") or "").strip():
        return "no Name"
    uri = (row.get("Letterboxd URI") or "").strip()
    if not uri or _LID.match(uri) or _FILM_ID.match(uri):
        return None
    if _SLUG.match(uri):
        return None
    return f"a Letterboxd URI that names no film or entry ({shown(uri)})"


def _ref(row: Row) -> str | None:
    """A film-level row's film: "lid:X" (boxd.it/X), "slug:y" (letterboxd.com/film/y/) or
    "id:N" (letterboxd.com/film/film:N/); None when it has no URI."""
    uri = (row.get("Letterboxd URI") or "").strip()
    if match := _LID.match(uri):
        return f"lid:{match['lid']}"
    if match := _FILM_ID.match(uri):
        return f"id:{match['id']}"
    if match := _SLUG.match(uri):
        return f"slug:{match['slug']}"
    return None


def _stars(value: str | None, url: str) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    stars = numbers.decimal(value, 0, 5)
    if not stars:
        raise ParseError(SITE, url, f"a star rating from 0.5 to 5 (got {shown(value)})")
    return stars


def _year(value: str | None) -> int | None:
    return numbers.year(value)
