# ruff: noqa: E501  (markup templates read best one element per line)
"""A local stand-in for letterboxd.com: a member's diary, reviews, films grid, review pages,
full-text fragments and RSS feed in the site's URL scheme and markup (the diary and grid as in
the corpus captures of 2026, the reviews listing as the 2026 review cards of the corpus's
film-reviews-2026 pages, or in the 2025 layout), plus the official export built from the same
data, so that imports and crawls of one history can be compared.

Like Cloudflare in front of the real site, it refuses (403, a challenge page) every HTML request
that does not come with a browser's navigation headers (sec-ch-ua naming Chromium, a Chrome
User-Agent, Accept text/html): what curl_cffi's Chrome impersonation sends and httpx alone does
not. The RSS feed answers anyone, as the real one does."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from tests.fakes.server import NOT_FOUND, LocalSite

DIARY_PAGE, REVIEWS_PAGE, FILMS_PAGE, FEED_SIZE, EXCERPT = 50, 12, 72, 50, 300


@dataclass
class Film:
    slug: str
    title: str
    year: int
    lid: str
    film_id: int
    stars: float | None = None  # the member's current rating of the film
    liked: bool = False


@dataclass
class Entry:
    viewing_id: int
    film: Film
    stars: float | None
    watched: str
    logged: datetime
    text: list[str] | None = None  # paragraphs
    liked: bool = False
    rewatch: bool = False
    spoiler: bool = False
    likes: int = 0
    number: int = 0  # 0 for the first viewing's page, 1, 2... for /film/<slug>/1/ and on

    @property
    def path(self) -> str:
        return f"film/{self.film.slug}/" + (f"{self.number}/" if self.number else "")

    @property
    def html(self) -> str:
        return "".join(f"<p>{html.escape(p)}</p>" for p in self.text or [])


@dataclass
class Member:
    user: str
    entries: list[Entry] = field(default_factory=list)  # newest first
    films: list[Film] = field(default_factory=list)  # the grid, newest first


def make_member(
    user: str, count: int, *, extra_films: int = 10, start: int = 5000, long_every: int = 30
) -> Member:
    """`count` diary entries (every third with a review, every `long_every`th entry's review
    long, one film seen twice), plus `extra_films` films rated without a diary entry."""
    member = Member(user)
    base = datetime(2024, 1, 1, 20, 0, tzinfo=UTC)
    films: list[Film] = []
    for i in range(count):
        if i == 7:  # a repeat viewing of the film of entry 3
            film, number = films[3], 1
        else:
            film = Film(
                f"film-{user}-{i}", f"Film {i} of {user}", 1950 + i % 70, f"L{i:04d}", 90_000 + i
            )
            films.append(film)
            number = 0
        logged = base + timedelta(days=i)
        stars = None if i % 11 == 5 else (i % 10 + 1) / 2
        film.stars = stars if stars is not None else film.stars
        text = None
        if i % 3 == 0:
            text = [f"Review {i} of {film.title}: it stays with you & more."]
            if i % long_every == 0:
                text += [
                    " ".join([f"Paragraph {k} of a long review, number {i}."] * 4) for k in range(4)
                ]
        member.entries.insert(
            0,
            Entry(
                viewing_id=start + i,
                film=film,
                stars=stars,
                watched=(logged - timedelta(days=1)).date().isoformat(),
                logged=logged,
                text=text,
                liked=i % 4 == 0,
                rewatch=number > 0,
                spoiler=i % 9 == 0 and text is not None,
                likes=i,
                number=number,
            ),
        )
    for k in range(extra_films):
        films.append(
            Film(
                f"grid-only-{k}",
                f"Grid Only {k}",
                2000 + k,
                f"G{k:03d}",
                80_000 + k,
                (k % 5 + 1),
                k % 2 == 0,
            )
        )
    for film in films:
        film.liked = film.liked or any(e.liked for e in member.entries if e.film is film)
    member.films = list(reversed(films))
    return member


def add_entries(member: Member, count: int, prefix: str) -> list[Entry]:
    """`count` new entries on top of the diary (new films, each with a review)."""
    newest = member.entries[0]
    added = []
    for k in range(count):
        film = Film(
            f"{prefix}-{k}", f"{prefix.title()} {k}", 2025, f"N{prefix[:2]}{k}", 70_000 + k, 4.0
        )
        logged = newest.logged + timedelta(days=k + 1)
        added.insert(
            0,
            Entry(
                newest.viewing_id + 1000 + k,
                film,
                4.0,
                logged.date().isoformat(),
                logged,
                [f"New one {k}"],
            ),
        )
        member.films.insert(0, film)
    member.entries[0:0] = added
    return added


class FakeLetterboxd(LocalSite):
    def __init__(self, *members: Member, layout: str = "2026") -> None:
        self.members = {m.user: m for m in members}
        self.layout = layout
        # Paths that answer with Cloudflare's challenge page instead.
        self.challenge: set[str] = set()
        # Viewing ids whose full-text fragment answers with a challenge (a failed completion).
        self.refuse_full_text: set[int] = set()
        # The reviews listing's last page links to one more, which answers with no cards.
        self.link_past_the_end = False
        # Paths that answer 404 (a listing the member does not have).
        self.missing: set[str] = set()
        # Paths refused once with a plain 403 (a wave of blocks), then served again.
        self.refuse_once: set[str] = set()
        super().__init__(self.route, guard=browsers_only)

    def route(self, path: str, query: dict) -> tuple[int, bytes, str]:
        if path in self.challenge:
            return 403, CHALLENGE, "text/html"
        if path in self.missing:
            return NOT_FOUND
        if path in self.refuse_once:
            self.refuse_once.discard(path)
            return 403, b"<html><body>Forbidden</body></html>", "text/html"
        if found := re.match(r"^/s/full-text/viewing:(\d+)/$", path):
            return self.full_text(int(found[1]))
        match = re.match(r"^/([a-z0-9_]+)/(.*)$", path)
        member = self.members.get(match[1]) if match else None
        if member is None:
            return NOT_FOUND
        rest = match[2]
        if rest == "rss/":
            return 200, rss(member).encode(), "application/rss+xml; charset=utf-8"
        if self.layout == "2026":
            extra = 1 if self.link_past_the_end else 0

            def reviews(member: Member, number: int) -> str | None:
                return reviews_page(member, number, extra_pages=extra)
        else:
            reviews = reviews_page_2025
        for pattern, render in (
            (r"^(?:films/diary|diary/films)/(?:page/(\d+)/)?$", diary_page),
            (r"^films/reviews/(?:page/(\d+)/)?$", reviews),
            (r"^films/(?:page/(\d+)/)?$", films_page),
        ):
            if found := re.match(pattern, rest):
                body = render(member, int(found[1] or 1))
                return (200, body.encode(), "text/html; charset=utf-8") if body else NOT_FOUND
        for entry in member.entries:
            if rest == entry.path and entry.text:
                return 200, review_page(member, entry).encode(), "text/html; charset=utf-8"
        return NOT_FOUND

    # Stands in for a full-text fragment; the corpus's s-full-text-viewing-*.html cover it.
    def full_text(self, viewing_id: int) -> tuple[int, bytes, str]:
        if viewing_id in self.refuse_full_text:
            return 403, CHALLENGE, "text/html"
        for member in self.members.values():
            for entry in member.entries:
                if entry.viewing_id == viewing_id and entry.text:
                    # As the corpus fragments: bare <p> elements, blank lines around them.
                    return 200, f"\n\n\n\t\t{entry.html}\n\t\n".encode(), "text/html"
        return NOT_FOUND


def browsers_only(path: str, headers) -> tuple[int, bytes, str] | None:
    """Cloudflare's answer to a client that is not a browser, on every page but the feed."""
    if path.endswith("/rss/"):
        return None
    browser = (
        "Chromium" in (headers.get("sec-ch-ua") or "")
        and "Chrome/" in (headers.get("user-agent") or "")
        and (headers.get("accept") or "").startswith("text/html")
    )
    return None if browser else (403, CHALLENGE, "text/html")


# Stands in for Cloudflare's challenge page; no capture of it exists.
CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<div id='challenge-running'>Checking your browser</div>"
    b"<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></body></html>"
)


def _document(member: Member, section: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{section}</title>'
        f'<meta property="og:url" content="https://letterboxd.com/{member.user}/">'
        f'<link rel="stylesheet" href="https://s.ltrbxd.com/static/css/main.css"></head>'
        f'<body class="{section}" data-owner="{member.user}"><div id="content">{body}</div>'
        f"</body></html>"
    )


def _poster(film: Film, target: str) -> str:
    ident = html.escape(
        json.dumps({"lid": film.lid, "uid": f"film:{film.film_id}", "type": "film"})
    )
    return (
        f'<div class="react-component figure" data-component-class="LazyPoster" '
        f'data-item-name="{html.escape(film.title)} ({film.year})" data-item-slug="{film.slug}" '
        f'data-item-link="/film/{film.slug}/" data-film-id="{film.film_id}" '
        f'data-postered-identifier="{ident}" data-target-link="{target}"></div>'
    )


def _rating(stars: float | None) -> str:
    rated = f"rated-{int(stars * 2)}" if stars else ""
    return f'<span class="rating {rated}"> {"★" * int(stars or 0)} </span>'


def _pagination(member: Member, listing: str, number: int, last: int) -> str:
    older = (
        f'<a class="next" href="/{member.user}/{listing}/page/{number + 1}/">Older</a>'
        if number < last
        else '<span class="next">Older</span>'
    )
    return f'<div class="pagination"><div class="paginate-nextprev">{older}</div></div>'


def _slice(items: list, size: int, number: int) -> tuple[list, int] | None:
    last = max(1, -(-len(items) // size))
    if number > last:
        return None
    return items[(number - 1) * size : number * size], last


# Stands in for a diary page; the corpus's diary-2026.html covers it (replay.py serves it).
def diary_page(member: Member, number: int) -> str | None:
    found = _slice(member.entries, DIARY_PAGE, number)
    if found is None:
        return None
    entries, last = found
    rows = []
    for e in entries:
        y, m, d = e.watched.split("-")
        review = (
            f'<a href="/{member.user}/{e.path}" class="has-icon icon-review">Read the review</a>'
            if e.text
            else ""
        )
        liked = '<span class="has-icon icon-16 icon-liked"><span class="icon"></span></span>'
        rows.append(
            f'<tr class="diary-entry-row viewing-poster-container" data-viewing-id="{e.viewing_id}" '
            f'data-owner="{member.user}" data-object-id="viewing:{e.viewing_id}">'
            f'<td class="col-monthdate"><a class="month" href="/{member.user}/diary/films/for/{y}/{m}/">{m}</a></td>'
            f'<td class="col-daydate"><a class="daydate" href="/{member.user}/diary/films/for/{y}/{m}/{d}/">{d}</a></td>'
            f'<td class="col-production">{_poster(e.film, f"/{member.user}/{e.path}")}</td>'
            f'<td class="col-rating"><div class="hide-for-owner">{_rating(e.stars)}</div></td>'
            f'<td class="col-like">{liked if e.liked else ""}</td>'
            f'<td class="col-rewatch js-td-rewatch{"" if e.rewatch else " icon-status-off"}"></td>'
            f'<td class="col-review">{review}</td></tr>'
        )
    table = f'<table class="table-base diary-table" id="diary-table"><tbody>{"".join(rows)}</tbody></table>'
    return _document(member, "diary", table + _pagination(member, "films/diary", number, last))


# Stands in for a member's 2025 reviews listing; no capture of it exists.
def reviews_page_2025(member: Member, number: int) -> str | None:
    """The 2025 layout: a card per review with data-object-id, cut short by length."""
    found = _slice([e for e in member.entries if e.text], REVIEWS_PAGE, number)
    if found is None:
        return None
    entries, last = found
    items = []
    for e in entries:
        text = e.html
        cut = f' data-full-text-url="/s/full-text/viewing:{e.viewing_id}/"'
        if len(text) > EXCERPT:
            text = f'<div class="collapsed-text"><p>{html.escape(e.text[0])}…</p></div>'
        spoiler = (
            '<p class="contains-spoilers">This review may contain spoilers.</p>'
            if e.spoiler
            else ""
        )
        items.append(
            f'<div class="listitem js-listitem"><article class="production-viewing -viewing js-production-viewing" '
            f'data-owner="{member.user}" data-object-id="viewing:{e.viewing_id}" data-object-name="review">'
            f'{_poster(e.film, f"/{member.user}/{e.path}")}<div class="body"><header class="inline-production-masthead">'
            f'<h2 class="name -primary prettify"><a href="/{member.user}/{e.path}">{html.escape(e.film.title)}</a></h2>'
            f'<span class="releasedate"><a href="/films/year/{e.film.year}/">{e.film.year}</a></span></header>'
            f'<div class="content-reactions-strip"><span class="inline-rating">{_rating(e.stars)}</span>'
            f'<span class="date"><time class="timestamp" datetime="{e.watched}">{e.watched}</time></span></div>'
            f'<div class="js-review"><div class="js-spoilers">{spoiler}</div>'
            f'<div class="body-text -prose -reset js-review-body js-collapsible-text"{cut}>{text}</div></div>'
            f'<p class="like-link-target react-component" data-component-class="LikeButton" '
            f'data-count="{e.likes}"></p></div></article></div>'
        )
    listing = f'<section class="viewing-list">{"".join(items)}</section>'
    return _document(
        member, "reviews", listing + _pagination(member, "films/reviews", number, last)
    )


def _stars_glyph(stars: float | None) -> str:
    if not stars:
        return ""
    label = "★" * int(stars) + ("½" if stars % 1 else "")
    return (
        '<span class="inline-symbol inline-rating"><svg xmlns="http://www.w3.org/2000/svg" '
        f'role="graphics-symbol" class="glyph -rating" aria-label="{label}"><title>{label}</title>'
        '<path d="M6.76.6"></path></svg></span>'
    )


# Stands in for a member's 2026 reviews listing; no capture of it exists (film-reviews-2026 covers its cards).
def reviews_page(member: Member, number: int, *, extra_pages: int = 0) -> str | None:
    """The 2026 review cards (as on the corpus's film-reviews-2026 pages, each with its film's
    poster beside it): every body carries data-full-text-url; only a long one is collapsed. A page
    past the last answers 200 with an empty list, as the real site does."""
    reviewed = [e for e in member.entries if e.text]
    last = max(1, -(-len(reviewed) // REVIEWS_PAGE))
    entries = reviewed[(number - 1) * REVIEWS_PAGE : number * REVIEWS_PAGE]
    cards = []
    for e in entries:
        text = e.html
        if len(text) > EXCERPT:
            text = f'<div class="collapsed-text"> <p>{html.escape(e.text[0])}…</p> </div>'
        spoiler = (
            '<p class="contains-spoilers">This review may contain spoilers.</p>'
            if e.spoiler
            else ""
        )
        liked = (
            '<span class="inline-symbol"><svg class="glyph inline-liked -like" aria-label="Liked">'
            "<title>Liked</title></svg></span>"
            if e.liked
            else ""
        )
        verb = "Rewatched" if e.rewatch else "Watched"
        ident = html.escape(
            json.dumps(
                {"lid": f"v{e.viewing_id}", "uid": f"viewing:{e.viewing_id}", "type": "viewing"}
            )
        )
        cards.append(
            # The poster beside the card in its list item, where letterboxdpy finds it.
            f'<div class="listitem">{_poster(e.film, f"/{member.user}/{e.path}")}'
            f'<article class="production-viewing -viewing">'
            f'<a class="avatar -a40" href="/{member.user}/"><img alt="{member.user}"></a>'
            f'<div class="body">'
            f'<div class="content-reactions-strip -viewing">{_stars_glyph(e.stars)}{liked}'
            f'<span class="attribution-detail"><a href="/{member.user}/{e.path}" class="context">'
            f' {verb} by <span class="owner"><strong class="displayname">{member.user}</strong>'
            f'</span></a></span><span class="date"><time class="timestamp" datetime="{e.watched}">'
            f"{e.watched}</time></span></div>"
            f'<div class="js-review ">{spoiler}<div class="body-text -prose -reset js-review-body '
            f'js-collapsible-text" data-full-text-url="/s/full-text/viewing:{e.viewing_id}/">'
            f'{text}</div><div class="viewing-actions"><div class="review-actions">'
            f'<p class="like-link-target react-component" data-component-class="LikeComponent" '
            f'data-likeable-identifier="{ident}" data-count="{e.likes}" data-owner="{member.user}">'
            f"</p></div></div></div></div></article></div>"
        )
    previous = (
        f'<div class="paginate-nextprev"><a class="previous" '
        f'href="/{member.user}/films/reviews/page/{number - 1}/">Newer</a></div>'
        if number > 1
        else ""
    )
    pager = _pagination(member, "films/reviews", number, last + extra_pages).replace(
        '<div class="pagination">', f'<div class="pagination">{previous}'
    )
    listing = f'<div class="viewing-list">{"".join(cards)}</div>'
    return _document(member, "reviews", listing + pager)


# Stands in for a review's own page; no capture of it exists.
def review_page(member: Member, entry: Entry) -> str:
    spoiler = (
        '<p class="contains-spoilers">This review may contain spoilers.</p>'
        if entry.spoiler
        else ""
    )
    body = (
        f'<section class="viewing-poster-container" data-object-id="viewing:{entry.viewing_id}">'
        f"{_poster(entry.film, f'/film/{entry.film.slug}/')}{spoiler}"
        f'<div class="review body-text -prose -hero js-review-body">{entry.html}</div></section>'
    )
    return _document(member, "review", body)


# Stands in for a films grid; the corpus's films-2026.html covers it (replay.py serves it).
def films_page(member: Member, number: int) -> str | None:
    found = _slice(member.films, FILMS_PAGE, number)
    if found is None:
        return None
    films, last = found
    items = []
    for f in films:
        like = (
            '<span class="like liked-micro has-icon icon-liked icon-16"></span>' if f.liked else ""
        )
        items.append(
            f'<li class="griditem">{_poster(f, f"/film/{f.slug}/")}'
            f'<p class="poster-viewingdata" data-item-uid="film:{f.film_id}">'
            f"{_rating(f.stars) if f.stars else ''}{like}</p></li>"
        )
    grid = f'<ul class="grid -p70">{"".join(items)}</ul>'
    return _document(member, "films", grid + _pagination(member, "films", number, last))


# Stands in for a member's feed; the corpus's rss-*.xml cover it (replay.py serves them).
def rss(member: Member) -> str:
    items = []
    for e in member.entries[:FEED_SIZE]:
        kind = "review" if e.text else "watch"
        text = e.html if e.text else f"<p>Watched on {e.watched}.</p>"
        if e.spoiler:
            text = "<p><em>This review may contain spoilers.</em></p>" + text
        rating = (
            f"<letterboxd:memberRating>{e.stars:.1f}</letterboxd:memberRating>" if e.stars else ""
        )
        items.append(
            f"<item><title>{html.escape(e.film.title)}, {e.film.year}</title>"
            f"<link>https://letterboxd.com/{member.user}/{e.path}</link>"
            f'<guid isPermaLink="false">letterboxd-{kind}-{e.viewing_id}</guid>'
            f"<pubDate>{format_datetime(e.logged)}</pubDate>"
            f"<letterboxd:watchedDate>{e.watched}</letterboxd:watchedDate>"
            f"<letterboxd:rewatch>{'Yes' if e.rewatch else 'No'}</letterboxd:rewatch>"
            f"<letterboxd:filmTitle>{html.escape(e.film.title)}</letterboxd:filmTitle>"
            f"<letterboxd:filmYear>{e.film.year}</letterboxd:filmYear>{rating}"
            f"<letterboxd:memberLike>{'Yes' if e.liked else 'No'}</letterboxd:memberLike>"
            f"<tmdb:movieId>{e.film.film_id + 1}</tmdb:movieId>"
            f'<description><![CDATA[ <p><img src="https://a.ltrbxd.com/p.jpg"/></p> {text} ]]></description>'
            f"<dc:creator>{member.user}</dc:creator></item>"
        )
    # A list in the feed: not a review, to be skipped.
    items.insert(
        1,
        f"<item><title>Favourites</title><link>https://letterboxd.com/{member.user}/list/favourites/</link>"
        f'<guid isPermaLink="false">letterboxd-list-77</guid>'
        f"<pubDate>{format_datetime(member.entries[0].logged)}</pubDate>"
        f"<description><![CDATA[ <ul><li>a film</li></ul> ]]></description></item>",
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:letterboxd="https://letterboxd.com" '
        'xmlns:tmdb="https://themoviedb.org"><channel>'
        f"<title>Letterboxd - {member.user}</title><link>https://letterboxd.com/{member.user}/</link>"
        f"{''.join(items)}</channel></rss>"
    )


# Stands in for the official export; the corpus's export-2026 covers it.
def export_zip(member: Member) -> bytes:
    """The member's official export: entries oldest first, as Letterboxd writes it."""

    def table(header: list[str], rows: list[list]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    entries = list(reversed(member.entries))
    head = ["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date"]

    def entry_row(e: Entry, review: bool) -> list:
        row = [
            e.logged.date().isoformat(),
            e.film.title,
            e.film.year,
            f"https://boxd.it/E{e.viewing_id}",
            f"{e.stars:g}" if e.stars else "",
            "Yes" if e.rewatch else "",
        ]
        return row + (["\n\n".join(e.text), "", e.watched] if review else ["", e.watched])

    films = list(reversed(member.films))
    film_head = ["Date", "Name", "Year", "Letterboxd URI"]
    files = {
        "diary.csv": table(head, [entry_row(e, False) for e in entries]),
        "reviews.csv": table(
            head[:6] + ["Review"] + head[6:], [entry_row(e, True) for e in entries if e.text]
        ),
        "ratings.csv": table(
            film_head + ["Rating"],
            [
                ["2025-01-01", f.title, f.year, f"https://boxd.it/{f.lid}", f"{f.stars:g}"]
                for f in films
                if f.stars
            ],
        ),
        "watched.csv": table(
            film_head, [["2025-01-01", f.title, f.year, f"https://boxd.it/{f.lid}"] for f in films]
        ),
        "likes/films.csv": table(
            film_head,
            [["2025-01-01", f.title, f.year, f"https://boxd.it/{f.lid}"] for f in films if f.liked],
        ),
        "watchlist.csv": table(
            film_head, [["2025-01-01", "Some Day", 2030, "https://boxd.it/WL1"]]
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as packed:
        for name, text in files.items():
            packed.writestr(name, text)
    return buffer.getvalue()
