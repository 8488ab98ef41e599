"""Small helpers every site's parsers share: reading bodies and building records."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TypedDict, Unpack
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import numbers, weblinks
from scraper.errors import ParseError, UsageError
from scraper.models import Page, Review, Skipped
from scraper.sites import nesting
from scraper.sites import text as textmod
from scraper.sites.fields import Fields
from scraper.timeparse import When
from scraper.wording import shown

_YEAR = re.compile(r"\b(18[89][0-9]|19[0-9][0-9]|20[0-9][0-9])\b", re.ASCII)


def load_fields(site: str, body: bytes, url: str) -> Fields:
    """The JSON object in `body`, read with its shape checked (see fields.py), or a
    ParseError that says what came instead."""
    stripped = body.lstrip()
    if stripped[:1] == b"<":
        raise ParseError(site, url, "JSON data (the server sent an HTML page instead)")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        # ValueError beyond JSONDecodeError: an integer of over 4,300 digits.
        raise ParseError(site, url, f"valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ParseError(site, url, "a JSON object at the top level")
    return Fields(site, url, data)


def html_tree(body: bytes) -> LexborHTMLParser:
    """The page's tree; nesting.Unbounded (which sites.parse reports) for markup nested too
    deeply to build in bounded time."""
    return nesting.tree(textmod.decode(body))


# Browsers end a script at "</script >" and "</SCRIPT>" too.
_SCRIPT_END = re.compile(rb"</script\s*>", re.IGNORECASE)


def script_by_id(body: bytes, element_id: str) -> bytes | None:
    """The text of the first <script> with this id, None without one. One pass: a regex of
    `<script[^>]*id=...>(.*?)</script>` retried from every "<script" is quadratic (540 kB of
    "<script " took minutes). Here the opening tag cannot run past a "<" or ">", so each try
    scans only up to the next one, and the end is looked for once."""
    opening = re.compile(
        rb'<script\b[^<>]*[\s"\']id="' + re.escape(element_id.encode()) + rb'"', re.IGNORECASE
    ).search(body)
    if opening is None:
        return None
    # The rest of the tag is read with find, not "[^<>]*>" in the pattern: that retries for
    # every earlier id="..." in a tag with no ">".
    close = body.find(b">", opening.end())
    if close < 0:
        return None
    end = _SCRIPT_END.search(body, close + 1)
    return body[close + 1 : end.start()] if end else None


def meta(tree: LexborHTMLParser, prop: str) -> str | None:
    node = tree.css_first(f'meta[property="{prop}"]') or tree.css_first(f'meta[name="{prop}"]')
    return node.attrs.get("content") if node else None


def node_text(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    value = node.text(deep=True).strip()
    return value or None


def yes(value: str | None) -> bool | None:
    """A site's "Yes" flag (a CSV column, a feed element); None when the source does not say."""
    return None if value is None else value.strip().lower() == "yes"


def year_in(value: object) -> int | None:
    """The release year in "2019", 2019, "2021, Season 1"; None for "", 0, 10**30 or any
    year outside numbers.FIRST_YEAR..LAST_YEAR."""
    if isinstance(value, float):  # 2016.0 from a JSON that writes numbers so; not nan or inf
        return numbers.year(int(value)) if value.is_integer() else None
    if isinstance(value, int):
        return numbers.year(value)
    match = _YEAR.search(str(value or "")[:1000])
    return numbers.year(match[1]) if match else None


def typed_handle(site: str, handle: str) -> bool:
    """Whether `handle`, read from a page or a file, is one a user could type for `site`: the
    same rules (sites.resolve: length, no path or control characters, the site's own handle
    patterns), and naming that very handle. A page's word is no better than a user's: a
    `vanity` of "../../x" or '"><script>' would otherwise become an archive id."""
    # Imported here: the registry imports every parser, so by the time one runs it is whole.
    from scraper import sites

    try:
        targets = sites.resolve(f"{site}:{handle}")
    except UsageError:
        return False
    return [(t.site, t.handle) for t in targets] == [(site, handle)]


# What no slug of a person holds: resolve's unsafe characters, a path's separators, markup.
_NO_SLUG = re.compile(r"[\s\x00-\x1f\x7f/\\<>\"'`?#%&]|\.\.")


def plain_slug(slug: str) -> bool:
    """Whether a slug a site gives a person no user types (Metacritic's critics and
    publications, filed as critic/<slug>) holds to what every typed handle does: at most 128
    characters, no path, no control character, no markup."""
    return 0 < len(slug) <= 128 and not _NO_SLUG.search(slug)


def owner_handle(site: str, url: str, handle: str, what: str) -> str:
    """`handle` of the page's own profile, or a ParseError when it is not one a user could
    type (typed_handle): a page whose owner is unnamed has nothing to file under."""
    if not typed_handle(site, handle):
        raise ParseError(site, url, f"{what} that is a {site} handle (got {shown(handle)})")
    return handle


def bad_handle(handle: str, where: str, unit: str = "reviews") -> Skipped:
    """The Skipped for a record whose person's handle is not one a user could type."""
    return Skipped(where, f"its handle {shown(handle)} is not one a user could type", unit)


def section(site: str, url: str, tree: LexborHTMLParser, selector: str, what: str) -> LexborNode:
    node = tree.css_first(selector)
    if node is None:
        raise ParseError(site, url, f"{what} ({selector})")
    return node


def require(site: str, url: str, value: str | None, what: str) -> str:
    """`value`, or a ParseError naming `what` when it is missing or empty."""
    if not value:
        raise ParseError(site, url, what)
    return value


class ReviewExtras(TypedDict, total=False):
    """The Review fields a source may add to what every review has (see models.Review)."""

    url: str | None
    reviewer_name: str | None
    publication: str | None
    sentiment: str | None
    text_known: bool
    truncated: bool
    only_text: bool
    watched_on: str | None
    liked: bool | None
    liked_on: str | None
    rewatch: bool | None
    spoiler: bool | None
    likes: int | None
    deleted: bool


def review(
    *,
    id: str,
    site: str,
    profile_id: str | None,
    film_id: str,
    text: str | None,
    when: When,
    rating: float | None,
    rating_raw: str | None,
    source: str | None = None,
    keys: tuple[str, ...] = (),
    markup: bool | None = None,
    **extra: Unpack[ReviewExtras],
) -> Review:
    """A Review whose searchable `text` is the cleaned form of what the site gave; `markup`
    as text.plain takes it (True: the site's field is HTML, entities and all)."""
    original = text if text and text.strip() else None
    if "url" in extra:
        # Every parser's review link passes here: only an http(s) one is kept (weblinks.py).
        extra["url"] = weblinks.web_url(extra["url"])
    return Review(
        id=id,
        site=site,
        profile_id=profile_id,
        film_id=film_id,
        rating=rating,
        rating_raw=rating_raw,
        text=textmod.plain(original, markup=markup),
        text_original=original,
        when=when,
        source=source,
        keys=keys,
        **extra,
    )


def absolute(base: str, href: str | None) -> str | None:
    """`href` as an absolute http(s) URL, else None (a `javascript:` href, a page read from a
    file); a root-relative path (what listings link with) is joined without urljoin's full
    parse, which showed in the time of a page with many rows."""
    if not href:
        return None
    if href.startswith("/") and not href.startswith("//"):
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https"):
            return None
        return f"{parts.scheme}://{parts.netloc}{href}"
    return weblinks.web_url(urljoin(base, href))


def joined(pages: Iterable[Page]) -> Page:
    """A streamed file's pages as the one page a whole parse gives (for reparse and tests)."""
    whole: Page | None = None
    for page in pages:
        if whole is None:
            whole = page
            continue
        whole.profiles += [p for p in page.profiles if p not in whole.profiles]
        whole.films += page.films
        whole.reviews += page.reviews
        whole.skipped += page.skipped
        whole.lists += page.lists
        whole.list_entries += page.list_entries
        whole.watchlist += page.watchlist
        whole.collected = page.collected or whole.collected
        for note, count in page.notes.items():
            whole.notes[note] = whole.notes.get(note, 0) + count
    if whole is None:
        raise ValueError("a streamed parse gave no page")
    return whole
