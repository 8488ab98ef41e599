"""Letterboxd (https://letterboxd.com/<user>/, letterboxd:<user>).

A member's history, read without logging in:
- the diary (/<user>/films/diary/, 50 viewings a page): rating, like, rewatch, watched day;
- the reviews (/<user>/films/reviews/page/N/, 12 review cards a page, cards.py): text, rating,
  spoiler flag, likes; a card cut short is completed from /s/full-text/viewing:<id>/ after the
  listings (see crawl.py), and retried by the next run when that fails;
- the films grid (/<user>/films/): the current rating of every film, diary or not;
- the RSS feed (/<user>/rss/): the last ~50 entries with full text and exact times, read first
  by incremental runs (see crawl.py), so a quiet night costs one request.
And the official export zip (or its folder) through `scrape import` (export.py).

How the site answers today, and the evidence relied on:
- Cloudflare refuses plain clients on HTML pages by TLS fingerprint since 2026-01-20
  (nmcassa/letterboxdpy#146 "scrapper return 403 error", #155, 2026-01-21;
  ryanpag3/lettarrboxd#37, 2026-01-21; screeny05/letterboxd-list-radarr#64, 2026-01-21; #191,
  2026-09-21, still open). letterboxdpy moved to curl_cffi impersonating "chrome" on 2026-01-21
  (commit a93916e, PR #147) and needed curl_cffi >= 0.15 from 2026-05-06 (commit 2b103ef,
  PR #168, fixing #167 "LB now blocking all scrapes?"); it sends no User-Agent of its own and
  leaves the browser's headers to curl_cffi (commit f678864, 2026-01-21).
  Hence impersonate="chrome".
- The member feed still answered a plain client in April 2026 (sdblepas/CinePlete#56,
  2026-04-15, while a list's feed got a 403): we send it as Chrome all the same.
- Review cards: `article.production-viewing`, rating in the `span.inline-rating` svg label,
  `p[data-likeable-identifier]` uid "viewing:<id>", `data-full-text-url` on every card and
  `.collapsed-text` only on cut-short ones; 12 a page; `page/9999/` answers 200 with no cards.
  Captured by colletpedro/espectro-24 (fixtures @ 8a1934d, 2026-07-18; its FASE1_INCOGNITAS.md
  on the /s/full-text/ fragment: bare <p> elements), in the corpus as film-reviews-2026/.
  letterboxdpy's user_reviews.py (HEAD 36def6b, 2026-06-03) still reads a member's pages as
  `div.viewing-list > article` with `data-object-id` and `rated-N`, 12 a page (af063d7,
  2026-05-10): both card forms are read.
- A film's own page (/film/<slug>/, January 2026) shows "Popular reviews" in the same card
  component with the member in `data-person` and a `rating -green rated-N` class
  (film_page.py, issue 29).
- Diary rows keep `tr.diary-entry-row[data-viewing-id]`; `data-film-id` left the poster markup
  in April 2026 (letterboxdpy, 2026-05), so films are keyed by slug and LID.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from scraper.errors import ParseError
from scraper.models import Request
from scraper.sites.identity import Identity
from scraper.sites.letterboxd import cards, export
from scraper.sites.letterboxd.cards import (
    parse_film_reviews,
    parse_full_text,
    parse_review_page,
    parse_reviews,
)
from scraper.sites.letterboxd.export import (
    EXPORT_FOLDERS,
    is_export,
    parse_export,
    too_many_members,
)
from scraper.sites.letterboxd.feed import parse_rss
from scraper.sites.letterboxd.film_page import parse_film_page
from scraper.sites.letterboxd.pages import parse_diary, parse_films, parse_profile
from scraper.sites.letterboxd.records import RESERVED, SITE, SITE_URL
from scraper.sites.site import Export, FullText, NoSettings, Site

_BLOCK_ADVICE = (
    "Letterboxd (Cloudflare) challenged us: if you turned the browser fingerprint off "
    "(--impersonate none, or impersonate in the config), turn it back on; else wait and slow "
    "down (--delay 5), or download your data instead (Settings, Data, Export your data; then "
    "scrape import the zip)"
)
_EXAMPLES = (
    ("https://letterboxd.com/spazznolo/", "spazznolo"),
    ("https://letterboxd.com/Spazznolo/films/diary/", "spazznolo"),
    ("https://letterboxd.com/joshuasalazar/rss/", "joshuasalazar"),
    ("letterboxd:dankmccoy", "dankmccoy"),
)
_USER = r"[A-Za-z0-9_]{1,40}"
_IDENTITY = Identity(
    name=SITE,
    default_root=SITE_URL,
    hosts=("letterboxd.com", "www.letterboxd.com"),
    url_patterns=(re.compile(rf"^/(?!(?:{RESERVED})/)(?P<user>{_USER})(?:/[a-z0-9/_-]*)?$"),),
    handle_patterns=(re.compile(rf"^(?P<user>{_USER})$"),),
    fold_case=True,
    # A viewing (/<user>/viewing/<id>) and an export's entry (/<user>/entry/<LID>): see records.
    entry_kinds=("entry", "viewing"),
)
_PARSERS = {
    "diary": parse_diary,
    "reviews": parse_reviews,
    "review_page": parse_review_page,
    "film_reviews": parse_film_reviews,
    "film_page": parse_film_page,
    "full_text": parse_full_text,
    "films": parse_films,
    "rss": parse_rss,
    "profile": parse_profile,
    "export": parse_export,
}


# A film's reviews (any sort, rating filter or page), named by the page's own og:url.
_FILM_REVIEWS_PAGE = re.compile(
    rb'<meta property="og:url" content="https?://[^"/]+/film/[a-z0-9-]+/reviews/'
)
# A film's own page (/film/<slug>/), whose "Popular reviews" are review cards (film_page.py).
_FILM_PAGE = re.compile(rb'<meta property="og:url" content="https?://[^"/]+/film/[a-z0-9-]+/"')


def import_url(handle: str) -> str:
    return f"{SITE_URL}/{quote(handle)}/"


def listings(handle: str, settings: NoSettings) -> list[Request]:
    """Diary first (every viewing), then the reviews (their text), then the films grid (ratings
    of films never logged in the diary)."""
    base = f"{_IDENTITY.root()}/{quote(handle)}"
    return [
        Request(f"{base}/films/diary/", "diary", source="letterboxd-diary"),
        Request(f"{base}/films/reviews/", "reviews", source="letterboxd-reviews"),
        Request(f"{base}/films/", "films", source="letterboxd-films"),
    ]


def full_text_request(review_id: str) -> Request | None:
    """Where the whole text of a stored review cut short lies (see crawl.py)."""
    return cards.full_text_request(_IDENTITY.root(), review_id)


def full_text_alone(body: bytes) -> str | None:
    """What an import says of a saved /s/full-text/ fragment, which names nothing to file it
    under (None: not one)."""
    if not cards.is_full_text_fragment(body):
        return None
    return (
        "a Letterboxd full-text fragment (/s/full-text/viewing:<id>/): "
        "import the listing it belongs to"
    )


def incremental_listings(handle: str) -> list[Request]:
    """What an incremental run reads first: the feed. When it overlaps the archive, the night's
    news is all in it; when it does not, the run goes on to the listings (see crawl.py)."""
    return [Request(f"{_IDENTITY.root()}/{quote(handle)}/rss/", "rss", source="letterboxd-rss")]


def _export_files(folder: Path) -> list[tuple[Path, str]] | None:
    """The CSVs of an unzipped export folder with their names in the zip; None if the folder
    is not one."""
    # Its own CSVs and those of the export's own subfolders: a folder that merely holds an
    # export somewhere below (a downloads folder) is not one.
    files = sorted(
        p
        for p in folder.rglob("*.csv")
        if p.is_file() and p.relative_to(folder).parts[0] in (p.name, *EXPORT_FOLDERS)
    )
    names = [p.relative_to(folder).as_posix() for p in files]
    return list(zip(files, names, strict=True)) if is_export(names) else None


def is_export_folder(folder: Path) -> bool:
    return _export_files(folder) is not None


def pack_export(folder: Path, into: BinaryIO | None = None) -> bytes | None:
    """An unzipped export folder, zipped again (stable bytes: sorted names, fixed times), so it
    is archived and parsed exactly as the downloaded zip is; None if the folder is not one.
    Written `into` a file when given (then b"" is returned), else returned."""
    files = _export_files(folder)
    if files is None:
        return None
    # The bound a zip's CSVs are held to, before anything is read (they are read as streams).
    if sum(path.stat().st_size for path, _ in files) > export.MAX_UNPACKED:
        raise ParseError(
            SITE,
            folder.resolve().as_uri(),
            f"an export whose CSV files hold at most {export.MAX_UNPACKED / 2**20:g} MiB",
        )
    buffer = io.BytesIO()
    # Stored, as it always was: a folder imported again is the same raw page, kept once.
    with zipfile.ZipFile(into or buffer, "w") as packed:
        for path, name in files:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            with path.open("rb") as source, packed.open(info, "w") as target:
                shutil.copyfileobj(source, target)
    return b"" if into is not None else buffer.getvalue()


def sniff_stream(head: bytes, open_body: Callable[[], BinaryIO]) -> str | None:
    """sniff() for a file too big to read whole: an export zip, known by its directory."""
    if head[:4] != b"PK\x03\x04":
        return None
    with open_body() as stream:
        if export.too_many_members_in(stream):
            return "export"  # refused by the parser, which says why
        try:
            names = zipfile.ZipFile(stream).namelist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            return None
    return "export" if is_export(names) else None


def sniff(body: bytes) -> str | None:
    if body[:4] == b"PK\x03\x04":
        if too_many_members(body):
            return "export"  # refused by the parser, which says why
        try:
            names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            return None
        return "export" if is_export(names) else None
    head = body[:400_000]
    if b"<rss" in head[:1000] and b"letterboxd" in head[:2000]:
        return "rss"
    if b"letterboxd" not in head.lower():
        return None
    if b"diary-entry-row" in head or b'id="diary-table"' in head:
        return "diary"
    if b"profile-statistic" in head:
        return "profile"
    if _FILM_REVIEWS_PAGE.search(head):
        return "film_reviews"
    if _FILM_PAGE.search(head) and b"production-viewing" in head:
        return "film_page"
    if b"production-viewing" in head or b"js-review-body" in head:
        cards = head.count(b'class="production-viewing') + head.count(b'data-object-id="viewing:')
        return "reviews" if cards > 1 else "review_page"
    if b"poster-viewingdata" in head:
        return "films"
    return None


SITE_DEF = Site(
    identity=_IDENTITY,
    forms=("https://letterboxd.com/<user>/  or  letterboxd:<user>",),
    examples=_EXAMPLES,
    parsers=_PARSERS,
    parser_version=2,
    settings=NoSettings,
    listings=listings,
    import_url=import_url,
    sniff=sniff,
    block_advice=_BLOCK_ADVICE,
    # Letterboxd (Cloudflare) refuses plain clients on its HTML pages by TLS fingerprint:
    # every request goes out as Chrome unless the user says --impersonate none.
    impersonate="chrome",
    incremental_listings=incremental_listings,
    full_text=FullText(request=full_text_request, saved_alone=full_text_alone),
    export=Export(
        streams={"export": export.stream_export},
        sniff_stream=sniff_stream,
        is_export_folder=is_export_folder,
        pack_export=pack_export,
    ),
)
