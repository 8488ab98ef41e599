"""A local stand-in for imdb.com in its URL scheme (SCRAPE_IMDB_ROOT): a member's reviews as
2024+ review cards paged by paginationKey, their ratings page as a Next.js __NEXT_DATA__ payload,
and, with `as_in_2026`, the site as it answers a script today. Rendered from data the test
controls, in the markup of the corpus captures."""

# ruff: noqa: E501  (markup templates read best one element per line)

from __future__ import annotations

import html
import json
import re

from tests.fakes.server import NOT_FOUND, LocalSite

PER_PAGE = 25


def imdb_reviews(count: int) -> list[dict]:
    return [
        {
            "rw": f"rw{9_000_000 + i}",
            "tt": f"tt{1_000_000 + i}",
            "title": f"Picture {i}",
            "stars": i % 10 + 1,
            "date": f"Aug {i % 28 + 1}, 20{10 + i % 14}",
            "headline": f"Headline {i} & co",
            "text": f"Body of review {i}. " * 3,
        }
        for i in range(count)
    ]


# Stands in for a member's reviews page; no capture of it exists (title-reviews-fragment-2025 covers its cards).
def imdb_card(user: str, r: dict) -> str:
    return (
        '<article class="user-review-item"><div class="ipc-list-card" data-testid="review-card-parent">'
        f'<div class="ipc-list-card__content"><a class="ipc-title-link-wrapper" href="/title/{r["tt"]}/?ref_=urv">{html.escape(r["title"])}</a>'
        f'<span class="ipc-rating-star review-rating"><span class="ipc-rating-star--rating">{r["stars"]}</span><span class="ipc-rating-star--maxRating">/10</span></span>'
        f'<div class="ipc-title" data-testid="review-summary"><a href="/review/{r["rw"]}/"><h3 class="ipc-title__text">{html.escape(r["headline"])}</h3></a></div>'
        f'<div class="ipc-overflowText"><div class="ipc-html-content"><div class="ipc-html-content-inner-div">{html.escape(r["text"])}</div></div></div></div></div>'
        f'<div data-testid="reviews-author"><ul class="ipc-inline-list"><li class="ipc-inline-list__item review-date">{r["date"]}</li>'
        f'<li class="ipc-inline-list__item"><a data-testid="permalink-link" href="/review/{r["rw"]}/?ref_=urv_perm">Permalink</a></li></ul></div></article>'
    )


RATINGS_PAGE = 250


def imdb_ratings(count: int) -> list[dict]:
    return [
        {
            "tt": f"tt{2_000_000 + i}",
            "title": f"Rated {i}",
            "year": 1980 + i % 40,
            "type": "tvSeries" if i % 7 == 0 else "movie",
            "value": i % 10 + 1,
            "date": f"2025-{i % 12 + 1:02d}-0{i % 9 + 1}T10:00:00Z",
        }
        for i in range(count)
    ]


# Stands in for a member's ratings page (__NEXT_DATA__); no capture of it exists.
def next_data(ratings: list[dict], more: bool, with_values: bool) -> str:
    edges = [
        {
            "node": {
                "title": {
                    "id": r["tt"],
                    "titleText": {"text": r["title"]},
                    "originalTitleText": {"text": r["title"]},
                    "releaseYear": {"year": r["year"]},
                    "titleType": {"id": r["type"]},
                },
                **({"userRating": {"value": r["value"], "date": r["date"]}} if with_values else {}),
            }
        }
        for r in ratings
    ]
    data = {
        "props": {
            "pageProps": {
                "mainColumnData": {
                    "advancedTitleSearch": {
                        "total": len(edges),
                        "edges": edges,
                        "pageInfo": {"hasNextPage": more},
                    }
                }
            }
        }
    }
    return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'


class FakeImdb(LocalSite):
    """IMDb as a mirror would serve it; with `as_in_2026`, as imdb.com answers a script today:
    robots.txt forbids everything and AWS WAF answers 202 with a challenge header."""

    def __init__(
        self,
        users: dict[str, list[dict]],
        rated: dict[str, list[dict]],
        *,
        as_in_2026: bool = False,
    ) -> None:
        self.users, self.rated = users, rated
        self.rating_values = True  # False: the payload lists titles only, as IMDb often does
        self.challenge: set[str] = set()
        self.as_in_2026 = as_in_2026
        robots = (
            "User-agent: *\nDisallow: /\n" if as_in_2026 else "User-agent: *\nDisallow: /search\n"
        )
        super().__init__(self.route, robots=robots)

    def route(self, path: str, query: dict) -> tuple[int, bytes, str]:
        if path in self.challenge or self.as_in_2026:  # AWS WAF's answer to a script, 2026
            return 202, b"", "text/html"
        rated = re.match(r"^/user/(ur\d+)/ratings/$", path)
        if rated and rated[1] in self.rated:
            number = int((query.get("page") or ["1"])[0])
            items = self.rated[rated[1]]
            chunk = items[(number - 1) * RATINGS_PAGE : number * RATINGS_PAGE]
            script = next_data(chunk, number * RATINGS_PAGE < len(items), self.rating_values)
            body = f"<html><head><title>Your ratings</title></head><body>{script}</body></html>"
            return 200, body.encode(), "text/html; charset=utf-8"
        match = re.match(r"^/user/(ur\d+)/reviews/$", path)
        if not match or match[1] not in self.users:
            return NOT_FOUND
        reviews = self.users[match[1]]
        start = int((query.get("paginationKey") or ["0"])[0].removeprefix("k"))
        cards = "".join(imdb_card(match[1], r) for r in reviews[start : start + PER_PAGE])
        more = ""
        if start + PER_PAGE < len(reviews):
            more = f'<a class="ipc-see-more__button" href="/user/{match[1]}/reviews/?paginationKey=k{start + PER_PAGE}">More</a>'
        body = f'<html><head><title>IMDb</title></head><body><section class="ipc-page-section">{cards}{more}</section></body></html>'
        return 200, body.encode(), "text/html; charset=utf-8"
