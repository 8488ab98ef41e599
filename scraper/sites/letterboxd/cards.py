"""Letterboxd's review card, wherever it is shown, and the full text of a card cut short.

The card (2026: `article.production-viewing`; 2025: any element with
`data-object-id="viewing:N"` and a `.js-review-body`) lists a member's reviews at
/<user>/films/reviews/page/N/ (12 a page) and a film's reviews at /film/<slug>/reviews/...
What a 2026 card holds (corpus film-reviews-2026, captured 2026-07-18):
- the viewing id in `p[data-likeable-identifier]` JSON (`uid "viewing:<id>"`);
- the rating as an svg `aria-label` in `span.inline-rating` ("★★★½"; older: a `rated-N` class);
- the body in `.body-text`; only a body holding `.collapsed-text` is cut short ("…"), though
  `data-full-text-url` sits on nearly every card;
- "Watched by", "Rewatched by" or "Added by" the member, with a day or an exact time.
A page past the last answers 200 with an empty `.viewing-list` and a "previous" link only.

The whole text of a cut-short card is at /s/full-text/viewing:<id>/ (bare <p> elements).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper import numbers, timeparse
from scraper.errors import ParseError
from scraper.models import Film, Page, Profile, Request, Review
from scraper.sites import common
from scraper.sites import text as textmod
from scraper.sites.letterboxd import records
from scraper.sites.letterboxd.records import SITE
from scraper.wording import cut

_VIEWING = re.compile(r"viewing:(\d+)")
_FULL_TEXT_PATH = re.compile(r"/s/full-text/viewing:(\d+)/?$")
_SPOILER_NOTE = "This review may contain spoilers"
_CARDS = "article.production-viewing, [data-object-id]"
_BODY = ".js-review-body, .body-text"
SOURCE = "letterboxd-reviews"


def parse_reviews(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A member's reviews listing (/<user>/films/reviews/[page/N/]): each review's text,
    rating, spoiler flag and likes. A card cut short keeps its excerpt, marked `truncated`;
    the crawl completes it from the full-text fragment (see full_text_request)."""
    tree = common.html_tree(body)
    owner = records.page_owner(tree, url)
    page = Page(profiles=[records.profile(owner)])
    return _read_cards(tree, page, url, fetched_at, "reviews", owner=owner)


def parse_film_reviews(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A film's reviews (/film/<slug>/reviews/..., saved and imported): the same cards, each
    by its own member, all of the film in the page's header."""
    tree = common.html_tree(body)
    header = tree.css_first(".production-page-header") or tree.root
    film = records.film_from_poster(header) if header is not None else None
    if film is None:
        raise ParseError(SITE, url, "the film of the page (the header's LazyPoster)")
    page = Page()
    return _read_cards(tree, page, url, fetched_at, "film_reviews", film=film)


def parse_review_page(body: bytes, url: str, fetched_at: datetime) -> Page:
    """A review's own page (/<user>/film/<slug>/[n/], saved and imported, or in archives of
    earlier versions): its whole text. Only the text counts from here (`only_text`)."""
    tree = common.html_tree(body)
    owner = records.page_owner(tree, url)
    cards = review_cards(tree)
    if not cards:
        raise ParseError(SITE, url, "the review ([data-object-id=viewing:N] with .js-review-body)")
    viewing, card = cards[0]
    review, film, _ = read_card(
        card, viewing, url, fetched_at, owner, records.film_from_poster(tree)
    )
    page = Page(profiles=[records.profile(owner)], films=[film])
    page.reviews.append(replace(review, truncated=False, only_text=True))
    return page


_WHOLE_PAGE = re.compile(rb"<(?:!doctype|html|head|body|script|div|meta)\b", re.IGNORECASE)


def is_full_text_fragment(body: bytes) -> bool:
    """Whether a saved file is what /s/full-text/viewing:<id>/ answers: nothing but a review's
    paragraphs. Its content names neither Letterboxd nor the review, so it is known by that
    shape alone, and only to say what it is (the crawl reads it beside its listing)."""
    text = body.strip().lower()
    if len(text) > 100_000 or not text.startswith((b"<p>", b"<p ", b"<blockquote")):
        return False
    return text.endswith((b"</p>", b"</blockquote>")) and _WHOLE_PAGE.search(text) is None


def parse_full_text(body: bytes, url: str, fetched_at: datetime) -> Page:
    """/s/full-text/viewing:<id>/: one review's whole text, nothing else. The review is named
    by its viewing key, under which the archive keeps every Letterboxd entry; only its text
    counts (`only_text`), and it completes nothing the archive does not hold already."""
    viewing = _FULL_TEXT_PATH.search(url.split("?")[0])
    if viewing is None:
        raise ParseError(SITE, url, "a viewing id in the address (/s/full-text/viewing:N/)")
    head = body[:2000].lower()
    if b"<html" in head or b"<body" in head:
        raise ParseError(SITE, url, "a bare text fragment (got a whole page)")
    fragment = textmod.decode_lenient(body).strip()
    if not fragment or textmod.plain(fragment) is None:
        raise ParseError(SITE, url, "the review's text (<p> elements)")
    review = common.review(
        id=records.viewing_key(viewing[1]),
        site=SITE,
        profile_id=None,
        film_id="",
        text=fragment,
        when=timeparse.UNKNOWN,
        rating=None,
        rating_raw=None,
        source=SOURCE,
        only_text=True,
    )
    return Page(reviews=[review])


# The headers of the request a review card's "more" makes from the page's own script, as the
# browser sends them: a same-origin script request, not a navigation. Evidence (2026-12-07): the
# listing pages run jQuery (espectro-24 fixtures @ 8a1934d, 2026-07-18), whose ajax adds
# `X-Requested-With: XMLHttpRequest` to same-origin requests (jquery src/ajax/xhr.js) and asks
# for `text/html, */*; q=0.01` for an HTML answer (src/ajax.js); a script's same-origin request
# carries `Sec-Fetch-Site: same-origin`, `Sec-Fetch-Mode: cors`, `Sec-Fetch-Dest: empty` and no
# `Sec-Fetch-User` (web-platform-tests fetch/metadata/fetch.https.sub.any.js; MDN
# Sec-Fetch-Mode), and none of a navigation's Upgrade-Insecure-Requests or Cache-Control ("":
# not sent, see Request.headers). The Referer is the member's reviews listing, where the card
# was. The fragment answers 200 with bare <p> elements (espectro-24 FASE1_INCOGNITAS.md, A3).
FRAGMENT_HEADERS = (
    ("Accept", "text/html, */*; q=0.01"),
    ("X-Requested-With", "XMLHttpRequest"),
    ("Sec-Fetch-Site", "same-origin"),
    ("Sec-Fetch-Mode", "cors"),
    ("Sec-Fetch-Dest", "empty"),
    ("Sec-Fetch-User", ""),
    ("Upgrade-Insecure-Requests", ""),
    ("Cache-Control", ""),
)


def full_text_request(root: str, review_id: str) -> Request | None:
    """The fragment that holds the whole text of a stored review (None: not a viewing)."""
    viewing = re.search(r"^[a-z]+:([^/]+)/viewing/(\d+)$", review_id)
    if viewing is None:
        return None
    listing = f"{root}/{viewing[1]}/films/reviews/"
    return Request(
        f"{root}/s/full-text/viewing:{viewing[2]}/",
        "full_text",
        headers=(*FRAGMENT_HEADERS, ("Referer", listing)),
    )


def _read_cards(
    tree: LexborHTMLParser,
    page: Page,
    url: str,
    fetched_at: datetime,
    parser: str,
    *,
    owner: str | None = None,
    film: Film | None = None,
) -> Page:
    cards = review_cards(tree)
    if not cards:
        if records.past_the_end(tree, url, ".viewing-list"):
            page.past_end = True
            return page
        if not records.empty_notice(tree):
            raise ParseError(
                SITE, url, "review cards (article.production-viewing or [data-object-id])"
            )
    profiles = {p.id: p for p in page.profiles}
    for viewing, card in cards:
        review, card_film, member = read_card(card, viewing, url, fetched_at, owner, film)
        profiles.setdefault(member.id, member)
        if member.display_name and not profiles[member.id].display_name:
            profiles[member.id] = member
        page.films.append(card_film)
        page.reviews.append(review)
    page.profiles = list(profiles.values())
    link = tree.css_first(".pagination a.next, .paginate-nextprev a.next")
    href = link.attrs.get("href") if link else None
    page.next = Request(urljoin(url, href), parser) if href else None
    return page


def review_cards(tree: LexborHTMLParser) -> list[tuple[str, LexborNode]]:
    """(viewing id, card) for every review card, each once, in page order."""
    found: dict[str, LexborNode] = {}
    for node in tree.css(_CARDS):
        viewing = _viewing_of(node)
        if viewing and viewing not in found and node.css_first(_BODY) is not None:
            found[viewing] = node
    return list(found.items())


def _viewing_of(card: LexborNode) -> str | None:
    match = _VIEWING.search(card.attrs.get("data-object-id") or "")
    if match:
        return match[1]
    like = card.css_first("[data-likeable-identifier]")
    if like is not None:
        try:
            uid = json.loads(like.attrs.get("data-likeable-identifier") or "").get("uid", "")
        except (ValueError, AttributeError):
            uid = ""
        if match := _VIEWING.fullmatch(uid or ""):
            return match[1]
    # As espectro-24 reads it (2026-07): the full-text address names the viewing too.
    body = card.css_first("[data-full-text-url]")
    match = _VIEWING.search(body.attrs.get("data-full-text-url") or "") if body else None
    return match[1] if match else None


def read_card(
    card: LexborNode,
    viewing: str,
    url: str,
    fetched_at: datetime,
    owner: str | None,
    film: Film | None,
) -> tuple[Review, Film, Profile]:
    member = _member(card, owner, url, viewing)
    film = _film(card, film)
    if film is None:
        raise ParseError(SITE, url, f"the film of review viewing:{cut(viewing)}")
    body = card.css_first(_BODY)
    if body is None:
        raise ParseError(SITE, url, f"the text of review viewing:{cut(viewing)} ({_BODY})")
    spoiler = card.css_first(".contains-spoilers") is not None or _SPOILER_NOTE in (
        body.text() or ""
    )
    for note in body.css(".contains-spoilers"):
        note.decompose()
    collapsed = body.css_first(".collapsed-text")
    html = ((collapsed or body).inner_html or "").strip()
    truncated = collapsed is not None or card.css_first(".reveal") is not None
    link = card.css_first(
        ".attribution-detail a[href*='/film/'], h2 a[href*='/film/'], "
        ".headline-2 a[href*='/film/'], .film-title a"
    )
    likes = card.css_first("[data-count]")
    strip = card.css_first(".content-reactions-strip")
    review = records.entry(
        id=f"{member.id}/viewing/{viewing}",
        owner_id=member.id,
        film=film,
        star_value=_stars(card),
        text=html or None,
        when=_when(card, fetched_at),
        source=SOURCE,
        keys=[records.viewing_key(viewing)],
        url=common.absolute(url, link.attrs.get("href")) if link else None,
        truncated=truncated,
        spoiler=spoiler,
        likes=_int(likes.attrs.get("data-count")) if likes else None,
        liked=(card.css_first(".inline-liked") is not None) if strip is not None else None,
        rewatch=_rewatch(card),
    )
    return review, film, member


def _film(card: LexborNode, page_film: Film | None) -> Film | None:
    """The card's film: its poster, or the poster beside it in its list item (a member's
    listing, as letterboxdpy reads it in 2026), or the page's film (a film's reviews), or at
    the least the slug of the review's own link with the film's name in its headline."""
    film = records.film_from_poster(card)
    parent = card.parent
    if (
        film is None
        and parent is not None
        and (parent.tag == "li" or "listitem" in (parent.attrs.get("class") or ""))
    ):
        film = records.film_from_poster(parent)
    if film is not None or page_film is not None:
        return film or page_film
    link = card.css_first("h2 a[href*='/film/'], .headline-2 a[href*='/film/']")
    slug, _ = records.viewing_link(link.attrs.get("href") if link else None)
    title = common.node_text(link)
    if not slug or not title:
        return None
    return records.film(title=title, year=common.year_in(_year_text(card)), slug=slug)


def _year_text(card: LexborNode) -> str | None:
    return common.node_text(card.css_first(".releasedate a, .releasedate, .metadata a"))


def _member(card: LexborNode, owner: str | None, url: str, viewing: str) -> Profile:
    """The card's member: the listing's owner on a member's page, else the card's avatar."""
    name = common.node_text(card.css_first(".attribution-detail .displayname"))
    if owner is None:
        avatar = card.css_first("a.avatar[href], .attribution-detail a[href]")
        owner = records.owner_in(avatar.attrs.get("href") or "") if avatar else None
    if owner is None:
        raise ParseError(SITE, url, f"the member of review viewing:{cut(viewing)} (a.avatar)")
    profile = records.profile(owner)
    return Profile(profile.id, profile.site, profile.handle, profile.kind, name, profile.url)


def _stars(card: LexborNode) -> float | None:
    """Stars from a `rated-N` class, else from the svg's label ("★★★½" is 3.5)."""
    rated = card.css_first(".rating[class*=rated-]")
    if rated is not None:
        return records.rated(rated.attrs.get("class"))
    glyph = card.css_first(".inline-rating svg[aria-label], .inline-rating [aria-label]")
    label = (glyph.attrs.get("aria-label") or "").strip() if glyph else ""
    if not label or set(label) - {"★", "½"}:
        return None
    halves = label.count("½")
    if halves > 1 or (halves and not label.endswith("½")):
        return None
    stars = label.count("★") + 0.5 * halves
    return stars if 0 < stars <= 5 else None


def _when(card: LexborNode, fetched_at: datetime) -> timeparse.When:
    """A day ("2026-07-17", the viewing's) or, on entries without one, the exact time the
    review was added ("2023-07-11T23:26:24.694Z")."""
    node = card.css_first("time[datetime]")
    value = (node.attrs.get("datetime") or "").strip() if node else ""
    if "T" in value:
        try:
            return timeparse.from_iso(value)
        except ValueError:
            pass
    return records.logged_after(value or None, fetched_at)


def _rewatch(card: LexborNode) -> bool | None:
    context = common.node_text(card.css_first(".attribution-detail a.context"))
    if not context:
        return None
    if context.startswith("Rewatched"):
        return True
    return False if context.startswith("Watched") else None


def _int(value: str | None) -> int | None:
    # A count of likes: past a trillion it is no count (and no SQLite integer).
    return numbers.whole(value, 0, 10**12)
