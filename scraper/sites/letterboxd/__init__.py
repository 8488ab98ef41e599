"""Letterboxd (https://letterboxd.com/<user>/, letterboxd:<user>).

A member's history, read without logging in:
- the diary (/<user>/films/diary/, 50 viewings a page): rating, like, rewatch, watched day;
- the reviews listing (/<user>/films/reviews/): review text, spoiler flag, likes; an excerpt
  is completed from the review's own page (/<user>/film/<slug>/, /<user>/film/<slug>/1/ for a
  repeat viewing);
- the films grid (/<user>/films/): the current rating of every film, diary or not;
- the RSS feed (/<user>/rss/): the last ~50 entries with full text and exact times, read first
  by incremental runs (see crawl.py), so a quiet night costs one request.
And the official export zip (or its folder) through `scrape import` (export.py).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from urllib.parse import quote

from scraper.models import Request
from scraper.sites.identity import Identity
from scraper.sites.letterboxd.export import is_export, parse_export
from scraper.sites.letterboxd.feed import parse_rss
from scraper.sites.letterboxd.pages import (
    parse_diary,
    parse_films,
    parse_profile,
    parse_review_page,
    parse_reviews,
)
from scraper.sites.letterboxd.records import RESERVED, SITE, SITE_URL

NAME = SITE
HOSTS = ("letterboxd.com", "www.letterboxd.com")
PARSER_VERSION = 1
# Letterboxd sits behind Cloudflare, which challenges clients by TLS fingerprint.
BLOCK_ADVICE = (
    "Letterboxd (Cloudflare) challenged us: download your data instead (Settings, Data, Export "
    "your data; then scrape import the zip), or use the browser-fingerprint transport (pip "
    "install 'scrape[impersonate]', then --impersonate chrome)"
)
FORMS = ("https://letterboxd.com/<user>/  or  letterboxd:<user>",)
EXAMPLES = (
    ("https://letterboxd.com/spazznolo/", "spazznolo"),
    ("https://letterboxd.com/Spazznolo/films/diary/", "spazznolo"),
    ("https://letterboxd.com/joshuasalazar/rss/", "joshuasalazar"),
    ("letterboxd:dankmccoy", "dankmccoy"),
)
_USER = r"[A-Za-z0-9_]{1,40}"
IDENTITY = Identity(
    name=SITE,
    default_root=SITE_URL,
    hosts=HOSTS,
    url_patterns=(re.compile(rf"^/(?!(?:{RESERVED})/)(?P<user>{_USER})(?:/[a-z0-9/_-]*)?$"),),
    handle_patterns=(re.compile(rf"^(?P<user>{_USER})$"),),
)
root, owns_host = IDENTITY.root, IDENTITY.owns_host
PARSERS = {
    "diary": parse_diary,
    "reviews": parse_reviews,
    "review_page": parse_review_page,
    "films": parse_films,
    "rss": parse_rss,
    "profile": parse_profile,
    "export": parse_export,
}


def handle_from_url(url: str) -> str | None:
    handle = IDENTITY.handle_from_url(url)
    return handle.lower() if handle else None


def handle_from_text(text: str) -> str | None:
    handle = IDENTITY.handle_from_text(text)
    return handle.lower() if handle else None


def import_url(handle: str) -> str:
    return f"{SITE_URL}/{quote(handle)}/"


def listings(handle: str) -> list[Request]:
    """Diary first (every viewing), then the reviews (their text), then the films grid (ratings
    of films never logged in the diary)."""
    base = f"{root()}/{quote(handle)}"
    return [
        Request(f"{base}/films/diary/", "diary", source="letterboxd-diary"),
        Request(f"{base}/films/reviews/", "reviews", source="letterboxd-reviews"),
        Request(f"{base}/films/", "films", source="letterboxd-films"),
    ]


def incremental_listings(handle: str) -> list[Request]:
    """What an incremental run reads first: the feed. When it overlaps the archive, the night's
    news is all in it; when it does not, the run goes on to the listings (see crawl.py)."""
    return [Request(f"{root()}/{quote(handle)}/rss/", "rss", source="letterboxd-rss")]


def pack_export(folder: Path) -> bytes | None:
    """An unzipped export folder, zipped again (stable bytes: sorted names, fixed times), so it
    is archived and parsed exactly as the downloaded zip is; None if the folder is not one."""
    files = sorted(p for p in folder.rglob("*.csv") if p.is_file())
    names = [p.relative_to(folder).as_posix() for p in files]
    if not is_export(names):
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as packed:
        for path, name in zip(files, names, strict=True):
            packed.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), path.read_bytes())
    return buffer.getvalue()


def sniff(body: bytes) -> str | None:
    if body[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(body)).namelist()
        except zipfile.BadZipFile:
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
    if b"js-review-body" in head:
        return "reviews" if head.count(b'data-object-id="viewing:') > 1 else "review_page"
    if b"poster-viewingdata" in head:
        return "films"
    return None
