"""A film's, a show's or a season's own page (/m/<slug>, /tv/<show>, /tv/<show>/sNN), read
for the year a listing left out (scraper/jobs/film_details.py).

No one field of the page is the film's original year, so every candidate is read and the
earliest kept: re-releases and RT's own record dates only ever come later than the original
(Goodly58/media-shelf _rt_scores.mjs, 2026-08: /m/the_godfather's ld+json dateCreated says
2022, /m/vertigo 1984; where-to-watch's releaseYear says 2026 for a film back in cinemas now).
How the pages state it in 2026 (piemkay/spielplan's live captures of 2026-08-14, @ 6dca516;
alp82/goodwatch-monorepo f/rotten_web/site.py @ 482c7fc, markup of 2026-09-25):
- `<title>Arrival (2016) | Rotten Tomatoes</title>` and ld+json `"name": "Arrival (2016)"`:
  the year only where RT tells two films apart (the 2019 form: `... (1994) - Rotten Tomatoes`);
- ld+json Movie/TVSeries `dateCreated` ("2017-01-27", date only; in 2019 it was the record's
  timestamp, "2005-11-20T14:50:02-08:00", and is not read in that form), a season's
  TVSeason `dateCreated` and, for season 1, `partOfSeries.startDate`;
- `<script id="media-hero-json">` content.metadataProps, a bare "2016" among rating and
  runtime (or the same props as `<rt-text slot="metadata-prop">`);
- `<script id="where-to-watch-json">` releaseYear;
- the media info list's "Release Date (Theaters)" / "Premiere Date" item, and on a show page
  each season tile's `<rt-text slot="air-date">Jan 2008</rt-text>`;
- 2019: the "In Theaters" item's `<time datetime="1994-09-23...">`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser

from scraper import numbers
from scraper.errors import ParseError
from scraper.models import Page
from scraper.sites import common
from scraper.sites.rottentomatoes.records import SITE, film, film_path

_FILM_PATH = re.compile(r"^(?:m/[^/]+|tv/[^/]+(?:/s\d+)?)$")
_TITLE_SUFFIX = re.compile(r"\s*[|-]\s*Rotten Tomatoes.*$", re.S)
_YEAR_IN_NAME = re.compile(r"\((\d{4})\)\s*$")
_BARE_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_DATE_ONLY = re.compile(r"^(\d{4})-\d{2}-\d{2}$")
# "Jan 27, 2017", "Feb 25, 2022, Wide", "Jan 2008" (a season tile).
_YEAR_AT_END = re.compile(r"\b(\d{4})\b[\s,]*(?:\(\w+\)|Wide|Limited)?\s*$", re.IGNORECASE)
_RELEASE_LABELS = ("Release Date (Theaters)", "Premiere Date", "In Theaters")


def parse_film_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    tree = common.html_tree(body)
    canonical = tree.css_first('link[rel="canonical"]')
    link = (canonical.attrs.get("href") if canonical else None) or url
    path = film_path(link)
    if not _FILM_PATH.match(path):
        raise ParseError(SITE, url, "a film, show or season page (/m/<slug>, /tv/<show>[/sNN])")
    title = _TITLE_SUFFIX.sub("", common.node_text(tree.css_first("title")) or "").strip()
    if not title:
        raise ParseError(SITE, url, "the page's <title>")
    years = [*_title_years(tree, title), *_ld_years(tree, path), *_hero_years(tree)]
    years += [*_where_to_watch_years(tree), *_listed_years(tree)]
    plausible = [y for y in years if y is not None and y <= fetched_at.year + 2]
    name = _YEAR_IN_NAME.sub("", title).strip()
    record = film(path, name, min(plausible) if plausible else None, None, kind=None)
    return Page(films=[record])


def _title_years(tree: LexborHTMLParser, title: str) -> list[int | None]:
    names = [title, common.meta(tree, "og:title") or ""]
    return [numbers.year(m[1]) for name in names if (m := _YEAR_IN_NAME.search(name.strip()))]


def _ld_years(tree: LexborHTMLParser, path: str) -> list[int | None]:
    years: list[int | None] = []
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text())
        except (ValueError, RecursionError):
            continue  # another script's JSON-LD; the page's other candidates remain
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict) or item.get("@type") not in (
                "Movie",
                "TVSeries",
                "TVSeason",
            ):
                continue
            if isinstance(name := item.get("name"), str) and (m := _YEAR_IN_NAME.search(name)):
                years.append(numbers.year(m[1]))
            dates = [item.get("dateCreated"), item.get("startDate")]
            series = item.get("partOfSeries")
            # A later season's partOfSeries.startDate is the series' start, not the season's.
            if isinstance(series, dict) and path.endswith("/s01"):
                dates.append(series.get("startDate"))
            years += [
                numbers.year(m[1])
                for d in dates
                if isinstance(d, str) and (m := _DATE_ONLY.match(d))
            ]
    return years


def _hero_years(tree: LexborHTMLParser) -> list[int | None]:
    props = [node.text() for node in tree.css('rt-text[slot="metadata-prop"]')]
    hero = _script_json(tree, "media-hero-json")
    content = hero.get("content") if isinstance(hero, dict) else None
    if isinstance(content, dict) and isinstance(content.get("metadataProps"), list):
        props += [p for p in content["metadataProps"] if isinstance(p, str)]
    return [numbers.year(m[1]) for p in props if (m := _BARE_YEAR.match(p))]


def _where_to_watch_years(tree: LexborHTMLParser) -> list[int | None]:
    data = _script_json(tree, "where-to-watch-json")
    return [numbers.year(data.get("releaseYear"))] if isinstance(data, dict) else []


def _listed_years(tree: LexborHTMLParser) -> list[int | None]:
    """The media info list's release or premiere date, a show's season tiles, and 2019's
    "In Theaters" <time>."""
    years = []
    for item in tree.css('[data-qa="item"], li.meta-row'):
        label = common.node_text(item.css_first('[data-qa="item-label"], .meta-label')) or ""
        if label.rstrip(": ") not in _RELEASE_LABELS:
            continue
        moment = item.css_first("time[datetime]")
        value = (moment.attrs.get("datetime") if moment else None) or common.node_text(
            item.css_first('[data-qa="item-value"], .meta-value')
        )
        if value and (m := re.match(r"^(\d{4})-", value) or _YEAR_AT_END.search(value)):
            years.append(numbers.year(m[1]))
    for tile in tree.css('rt-text[slot="air-date"]'):
        if m := _YEAR_AT_END.search(tile.text()):
            years.append(numbers.year(m[1]))
    return years


def _script_json(tree: LexborHTMLParser, script_id: str) -> object:
    script = tree.css_first(f"script#{script_id}")
    if script is None:
        return None
    try:
        return json.loads(script.text())
    except (ValueError, RecursionError):
        return None
