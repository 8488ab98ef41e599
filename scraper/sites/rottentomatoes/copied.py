"""A Rotten Tomatoes audience review as a person copies it from the page: text only, no markup.

The project's founding example (corpus copied-text/review-saved-as-text.txt) reads, line by
line, blank lines between:

    RishiRamesh's Rating of De rouille et d'os (Rust and Bone)
    Rishi's Review of De rouille et d'os (Rust and Bone)
    5 years ago via Rotten Tomatoes
    De rouille et d'os (Rust and Bone)
    De rouille et d'os (Rust and Bone)(2012)
    Jacques Audiard's follow up to ...

What survives the copy, and what the archive makes of it:
- the person: only the name shown ("RishiRamesh"; the second line's "Rishi" is the same name
  shortened). A copy carries no handle and no link, so the profile is keyed by the site and
  that name, `rottentomatoes:unlinked/RishiRamesh` (handle `unlinked/<name>`, kind `named`, no
  URL), as Metacritic files a closed account's name (`metacritic:unlinked/<name>`): marked as a
  name, not a site handle, which no crawl can reach. The same name copied again is
  the same profile; two people of one name are one profile here.
- the film: its title and year ("(2012)"), no page address, so it is keyed by them,
  `rottentomatoes:named/<title slug>_<year>`, with no URL and no kind (the copy does not say
  film or show). Its title and year join it to the same film from other sources (title key).
- the rating: the stars are an image, and none survives the copy: rating and rating_raw NULL.
- the date: "5 years ago" is a range counted back from the capture time (timeparse), which
  `scrape import --captured-at` gives (else the file's time, keeping only the upper bound).
- the text: everything after the title and year, as copied.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from scraper import numbers, timeparse
from scraper.errors import ParseError
from scraper.models import Film, Page, Profile
from scraper.sites import common
from scraper.sites.rottentomatoes.records import SITE
from scraper.wording import shown

SOURCE = "copied-review-text"
# A copy is read whole only when its first lines have the shape; the sniff reads this much.
_HEAD = 8192
_APOSTROPHE = "['\u2019]"
_RATING = re.compile(rf"^(?P<name>\S.{{0,99}}?){_APOSTROPHE}s Rating of (?P<title>\S.{{0,299}})$")
_REVIEW = re.compile(rf"^(?P<name>\S.{{0,99}}?){_APOSTROPHE}s Review of (?P<title>\S.{{0,299}})$")
_AGE = re.compile(r"^(?P<age>\S.{0,60}?) via (?:Rotten Tomatoes|Flixster)$")
_TITLE_YEAR = re.compile(r"^(?P<title>\S.*?)\s*\((?P<year>\d{4})\)$")


def is_copied_review(head: bytes) -> bool:
    """Whether a file's first bytes are a copied review: its five heading lines in order."""
    if b"s Rating of " not in head[:1024]:
        return False
    return _heading(_decode(head[:_HEAD]).split("\n")) is not None


def parse_copied_review(body: bytes, url: str, fetched_at: datetime) -> Page:
    lines = _decode(body).split("\n")
    heading = _heading(lines)
    if heading is None:
        raise ParseError(
            SITE,
            url,
            'the heading of a copied review ("<name>\'s Rating of <title>", "<name>\'s Review '
            'of <title>", "<age> via Rotten Tomatoes", the title, the title with its year)',
        )
    name, age, title, year, end = heading
    text = "\n".join(lines[end:]).strip()
    if not text:
        raise ParseError(SITE, url, "the review's text after its title and year")
    when = timeparse.parse(age, fetched_at)
    if when == timeparse.UNKNOWN:
        raise ParseError(SITE, url, f'a date or age before "via Rotten Tomatoes" ({shown(age)})')
    profile = named_profile(name)
    film = named_film(title, year)
    review = common.review(
        id=f"{profile.id}/{film.id.removeprefix(f'{SITE}:')}",
        site=SITE,
        profile_id=profile.id,
        film_id=film.id,
        text=text,
        when=when,
        rating=None,
        rating_raw=None,
        source=SOURCE,
        reviewer_name=name,
    )
    return Page(profiles=[profile], films=[film], reviews=[review])


def named_profile(name: str) -> Profile:
    """A person known only by the name the page shows: not a site handle (kind `named`)."""
    handle = f"unlinked/{name}"
    return Profile(f"{SITE}:{handle}", SITE, handle, "named", name, None)


def named_film(title: str, year: int) -> Film:
    """A film known only by its title and year, keyed by them (no page address, no kind)."""
    bare = unicodedata.normalize("NFKD", title.lower())
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "_", bare).strip("_") or "untitled"
    return Film(
        id=f"{SITE}:named/{slug[:200]}_{year}", site=SITE, title=title, year=year, kind=None
    )


def _decode(body: bytes) -> str:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _heading(lines: list[str]) -> tuple[str, str, str, int, int] | None:
    """(name, age, title, year, index of the line after the heading) of a copy's first five
    non-blank lines, or None when they are not a copied review's."""
    found: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if line.strip():
            found.append((index, " ".join(line.split())))
            if len(found) == 5:
                break
    if len(found) < 5:
        return None
    rating, review, age, title, dated = (line for _, line in found)
    rated, reviewed, aged = _RATING.match(rating), _REVIEW.match(review), _AGE.match(age)
    with_year = _TITLE_YEAR.match(dated)
    if not (rated and reviewed and aged and with_year):
        return None
    name = rated["name"]
    # One title throughout: the heading's twice, the title line, and the one with its year.
    if not (rated["title"] == reviewed["title"] == title == with_year["title"]):
        return None
    # The review line names the same person, perhaps shortened ("Rishi" for "RishiRamesh").
    if not name.casefold().startswith(reviewed["name"].split()[0].casefold()):
        return None
    year = numbers.year(with_year["year"])
    if year is None:
        return None
    return name, aged["age"], title, year, found[-1][0] + 1
