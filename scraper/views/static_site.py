"""Reviews as a small self-contained static site: an index by date (film, stars, an excerpt)
with a histogram of ratings as inline SVG, one page a review, one page a year. No JavaScript,
no file from elsewhere; one column that reads on a phone. Every page is well-formed XML
(XHTML-compatible HTML5), so it can be checked as such.

The review text is the plain text scrape keeps for search, escaped: a site's HTML is never
copied into these pages. Files are written as Markdown exports are (export_files.py).
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scraper import weblinks, wording
from scraper.views.export_files import Written, write_files
from scraper.views.markdown_export import names, stars_of, title

EXCERPT = 240
# What XML 1.0 does not allow in a document at all, even escaped (NUL, most C0 controls,
# U+FFFE, U+FFFF, lone surrogates): a title holding one would leave the page not well-formed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The nav wraps (one link a year grows a line on a phone), and a word longer than the screen
# (a 120-character handle, a URL in a review) breaks rather than widening the page.
_STYLE = (
    "body{font:17px/1.5 system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem;"
    "color:#222;background:#fffdf8;overflow-wrap:anywhere}a{color:#8a2b0e}"
    "h1{font-size:1.5rem}ol{padding:0}li{list-style:none;margin:0 0 1.2rem}"
    ".stars{color:#b8860b;letter-spacing:.1em}.meta{color:#666;font-size:.9rem}"
    "nav{display:flex;flex-wrap:wrap;gap:.2rem .8rem}figure{margin:0 0 1.5rem}"
    "figcaption{font-weight:600}svg{max-width:100%;height:auto}"
)
# The year page of reviews whose date is unknown (an age such as "2 years ago" imported without
# --captured-at): named for what it holds, listed after the years.
UNDATED = "undated"


def write_site(
    rows: Iterator[dict[str, Any]], folder: Path, *, prune: bool = False, dry_run: bool = False
) -> Written:
    reviews = sorted(rows, key=lambda r: (r["date"] or "", r["id"]), reverse=True)
    stems = names(reviews)
    pages: dict[str, str] = {}
    by_year: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in reviews:
        by_year[row["date"][:4] if row["date"] else UNDATED].append(row)
        pages[f"reviews/{stems[row['id']]}.html"] = _review_page(row)
    # Newest year first, the undated page last.
    years = sorted((y for y in by_year if y != UNDATED), reverse=True) + (
        [UNDATED] if UNDATED in by_year else []
    )
    for year in years:
        # "Reviewed in": the year the review was written, not the film's.
        heading = f"Reviewed in {year}" if year != UNDATED else "Reviews with no known date"
        pages[f"years/{year}.html"] = _list_page(heading, by_year[year], stems, years, "../")
    pages["index.html"] = _list_page("Reviews", reviews, stems, years, "", _histogram(reviews))
    return write_files(folder, pages, reviews=len(reviews), prune=prune, dry_run=dry_run)


def _document(title: str, body: str, root: str, years: list[str] | None = None) -> str:
    # Spaces between the links too: a page read without its style still wraps.
    nav = f'<a href="{root}index.html">All reviews</a>' + "".join(
        f' <a href="{root}years/{y}.html">{"no date" if y == UNDATED else html.escape(y)}</a>'
        for y in years or []
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8" />'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body><nav aria-label="Years reviewed">{nav}</nav>'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>\n"
    )
    # Every archived value on the page came through here, so one pass covers them all.
    return _NOT_XML.sub("\ufffd", page)


def _meta(row: dict[str, Any]) -> str:
    shown = row["rating_shown"] or ""
    day = (row["date"] or "")[:10] or "undated"
    parts = [html.escape(day), html.escape(str(row["site"])), html.escape(str(shown))]
    return f'<p class="meta">{" · ".join(p for p in parts if p)}</p>'


def _review_page(row: dict[str, Any]) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in wording.paragraphs(row["text"]))
    # Checked again here, not only when parsed: an older archive may hold a javascript: link.
    link = weblinks.web_url(row["review_url"]) or weblinks.web_url(row["film_url"])
    source = (
        f'<p><a href="{html.escape(link)}">On {html.escape(row["site"])}</a></p>' if link else ""
    )
    by = html.escape(str(row["reviewer"] or row["profile_id"] or ""))
    body = (
        f'<p class="stars">{wording.stars(stars_of(row)) or ""}</p>{_meta(row)}'
        f'{paragraphs}<p class="meta">{by}</p>{source}'
    )
    return _document(title(row), body, "../")


def _list_page(
    heading: str,
    reviews: list[dict[str, Any]],
    stems: dict[str, str],
    years: list[str],
    root: str,
    extra: str = "",
) -> str:
    items = []
    for row in reviews:
        text = " ".join((row["text"] or "").split())
        excerpt = text[:EXCERPT].rsplit(" ", 1)[0] + "…" if len(text) > EXCERPT else text
        items.append(
            f'<li><a href="{root}reviews/{stems[row["id"]]}.html">{html.escape(title(row))}</a> '
            f'<span class="stars">{wording.stars(stars_of(row)) or ""}</span>{_meta(row)}'
            f"<p>{html.escape(excerpt)}</p></li>"
        )
    return _document(heading, f"{extra}<ol>{''.join(items)}</ol>", root, years)


def _histogram(reviews: list[dict[str, Any]]) -> str:
    """How many ratings at each half star, as bars: inline SVG, no script."""
    counts = [0] * 10
    for row in reviews:
        value = stars_of(row)
        if value is not None and value > 0:
            counts[min(9, max(0, round(value * 2) - 1))] += 1
    top = max(counts) or 1
    bars = []
    for i, count in enumerate(counts):
        height = round(80 * count / top)
        x = 10 + i * 30
        label = f"{(i + 1) / 2:g}"
        # The count above its bar: read without hovering, which a phone cannot do.
        bars.append(
            f'<rect x="{x}" y="{100 - height}" width="24" height="{height}" fill="#b8860b">'
            f"<title>{label} star{'' if label == '1' else 's'}: {count:,}</title></rect>"
            f'<text x="{x + 12}" y="{96 - height}" font-size="10" text-anchor="middle">'
            f"{count:,}</text>"
            f'<text x="{x + 12}" y="116" font-size="10" text-anchor="middle">{label}</text>'
        )
    rated = sum(counts)
    caption = f"Ratings in stars ({rated:,} rated of {len(reviews):,} reviews)"
    return (
        f"<figure><figcaption>{caption}</figcaption>"
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 122" role="img" '
        f'aria-label="{caption}, by half star">{"".join(bars)}</svg></figure>'
    )
