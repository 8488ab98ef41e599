"""A Letterboxd export's lists (lists/<name>.csv) and watchlist (watchlist.csv).

A list file (lists/, and deleted/lists/ for the lists the member deleted) holds two tables,
one under the other, each with its own header:

    Letterboxd list export v7
    Date,Name,Tags,URL,Description
    2021-11-06,Wes Anderson ranked,,https://boxd.it/dWPpg,

    Position,Name,Year,URL,Description
    1,The Royal Tenenbaums,2001,https://boxd.it/1YHU,

The first names the list (its boxd.it link is its identity), the second its films in the
list's order with the note each has there (Description). Both tables are found by their
headers, not by line numbers: a description may run over several lines, and before about
2022-10 the first line was blank where the version line is now (real exports of 2019-2026 in
public repositories: forrestdiamond/letterboxd 2019-11-20, bcentner/letterboxd_stats
2022-10-06, henrycmeen/my-letterboxd 2025-02-03). Exports until about 2020 link the list and
its films by their pages (letterboxd.com/<user>/list/<slug>/, letterboxd.com/film/<slug>/),
later ones by boxd.it. watchlist.csv is a film-level file (Date added, Name, Year, Letterboxd
URI).

Nothing here guesses: a list whose link names no list is skipped and named, as is a film row
that names no film; the other lists and rows are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from scraper import numbers
from scraper.models import FilmList
from scraper.sites import text
from scraper.sites.letterboxd.records import SITE
from scraper.wording import shown

# A list's link: boxd.it/<LID> (every export since about 2018), or its page in older ones.
_LIST_LID = re.compile(r"^https?://boxd\.it/(?P<lid>[A-Za-z0-9]+)/?$")
_LIST_PAGE = re.compile(
    r"^https?://(?:www\.)?letterboxd\.com/(?P<user>[A-Za-z0-9_]+)/list/(?P<slug>[a-z0-9-]+)/?$"
)
# The columns a film row of a list is read by, named as in the export's film-level files.
_FILM_COLUMNS = {"URL": "Letterboxd URI", "Description": "Notes"}
# A CSV row by column name.
Row = dict[str, str]


class Unlisted(Exception):
    """A list file that names no list the archive can key it by (why, in the message)."""


@dataclass(slots=True)
class ListFile:
    """One list file: the list, and its film rows (line number, row) still to be read."""

    film_list: FilmList
    rows: Iterator[tuple[int, Row]]


def list_id(owner_id: str, url: str) -> str | None:
    """The list's id in the archive, from the link the export gives it; None when the link is
    no list's."""
    if match := _LIST_LID.match(url):
        return f"{owner_id}/list/{match['lid']}"
    if match := _LIST_PAGE.match(url):
        return f"{owner_id}/list/slug:{match['slug']}"
    return None


def read_list(
    lines: Iterator[tuple[int, list[str]]], owner_id: str, captured_at: str, *, deleted: bool
) -> ListFile:
    """The list a file names, and an iterator over its film rows (read as it is consumed).
    Raises Unlisted when the file has no list header, or its link names no list."""
    head = _header(lines, lambda cells: "URL" in cells and "Position" not in cells)
    if head is None:
        raise Unlisted("no Date,Name,Tags,URL,Description header naming the list")
    columns, _ = head
    values = next(lines, None)
    if values is None or "Position" in values[1]:
        raise Unlisted("no row under the list header")
    about = dict(zip(columns, (v.strip() for v in values[1]), strict=False))
    url = about.get("URL", "")
    ident = list_id(owner_id, url)
    if ident is None:
        raise Unlisted(f"a URL that names no list ({shown(url)})")
    film_list = FilmList(
        id=ident,
        site=SITE,
        profile_id=owner_id,
        name=about.get("Name") or "",
        captured_at=captured_at,
        url=url if _LIST_LID.match(url) else url.rstrip("/") + "/",
        created_on=about.get("Date") or None,
        description=text.plain(about.get("Description")) or None,
        tags=about.get("Tags") or None,
        deleted=deleted,
    )
    return ListFile(film_list, _films(lines))


def _films(lines: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, Row]]:
    """The rows of the film table, by the film-level files' column names."""
    head = _header(lines, lambda cells: "Position" in cells or "Name" in cells)
    if head is None:
        return  # a list with no films has no film table
    columns = [_FILM_COLUMNS.get(c, c) for c in head[0]]
    for number, cells in lines:
        # A spreadsheet that re-saved the file writes its blank lines as ",,,,": no film.
        if any(cell.strip() for cell in cells):
            yield number, dict(zip(columns, cells, strict=False))


def _header(
    lines: Iterator[tuple[int, list[str]]], wanted: Callable[[list[str]], bool]
) -> tuple[list[str], int] | None:
    """The next row that `wanted` takes for a header (its cells stripped) and its line."""
    for number, cells in lines:
        stripped = [c.strip() for c in cells]
        if wanted(stripped):
            return stripped, number
    return None


def position(value: str | None) -> int | None:
    return numbers.whole(value, 0, 10**9)


def notes(value: str | None) -> str | None:
    return text.plain((value or "").strip() or None) or None
