"""A local stand-in for Metacritic's backend in its URL scheme (SCRAPE_METACRITIC_ROOT): a
user's reviews, paged by offset per type, as /reviews/metacritic/user/users/<name>/web answers."""

from __future__ import annotations

import json
import re

from tests.fakes.server import LocalSite


# Stands in for an item of the backend's user reviews API; no capture of it exists.
def mc_item(user: str, kind: str, i: int) -> dict:
    path = {"movies": "movie", "shows": "tv", "games": "game"}[kind]
    return {
        "id": f"{kind}-{i}",
        "quote": f"Thoughts on {kind} {i}.",
        "score": i % 11,
        "thumbsUp": 0,
        "thumbsDown": 0,
        "date": f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
        "author": user,
        "version": 1737927878551,
        "spoiler": i % 13 == 0,
        "reviewedProduct": {
            "id": 1000 + i,
            "type": {"movies": "movie", "shows": "show", "games": "game-title"}[kind],
            "title": f"{kind.title()} {i}",
            "url": f"/{path}/{kind}-{i}/",
        },
    }


def product_year(i: int) -> int:
    """The year the stand-in's product i premiered (its page's premiereYear)."""
    return 1950 + i % 70


# Stands in for a product page; no capture of it exists (the corpus's payloads are not pages).
def product_page(section: str, slug: str, i: int) -> bytes:
    """/movie/<slug>/ (or /tv/, /game/) as the 2026 site serves it, trimmed: ld+json with the
    US release date (here 20 years late, as for a restoration) and the __NUXT_DATA__ devalue
    payload whose product component gives the premiereYear (corpus nuxt-data-*-page-2026)."""
    year = product_year(i)
    kind = {"movie": "movie", "tv": "show", "game": "game-title"}[section]
    payload = [
        ["ShallowReactive", 1],
        {"data": 2, "state": -1},
        ["ShallowReactive", 3],
        {f"loadPage:{section}s:{slug}:": 4},
        {"components": 5, "meta": -1},
        [6],
        {"data": 7, "meta": 8},
        {"item": 10},
        {"componentName": 9},
        "product",
        {"id": 11, "type": 12, "title": 13, "slug": 14, "premiereYear": 15, "releaseDate": 16},
        1000 + i,
        kind,
        slug.replace("-", " ").title(),
        slug,
        year,
        f"{year + 20}-05-01",
    ]
    ld = {"@type": "Movie", "name": slug, "datePublished": f"{year + 20}-05-01"}
    return (
        f"<!DOCTYPE html><html><head><title>{slug} Reviews - Metacritic</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head><body>'
        '<script type="application/json" data-nuxt-data="nuxt-app" data-ssr="true" '
        f'id="__NUXT_DATA__">{json.dumps(payload)}</script></body></html>'
    ).encode()


class FakeMetacritic(LocalSite):
    """www.metacritic.com and its backend on one root: robots.txt forbids /user to every
    crawler (the pages; the API lives under /reviews/), the API pages a user's reviews by
    offset, per type, and answers 404 for a user it does not know."""

    def __init__(
        self,
        users: dict[str, dict[str, int]],
        robots: str = "User-agent: *\nDisallow: /user\nDisallow: /search\n",
    ) -> None:
        self.users = users
        super().__init__(self.route, robots=robots)

    def route(self, path: str, query: dict) -> tuple[int, bytes, str]:
        product = re.match(r"^/(movie|tv|game)/((?:movies|shows|games)-(\d+))/$", path)
        if product:
            return 200, product_page(product[1], product[2], int(product[3])), "text/html"
        match = re.match(r"^/reviews/metacritic/user/users/([A-Za-z0-9_.-]+)/web$", path)
        if not match or match[1] not in self.users:
            return 404, b'{"statusCode":404,"message":"Not Found"}', "application/json"
        arg = {k: v[0] for k, v in query.items()}
        if arg.get("componentType") != "ReviewListComponent" or arg.get("sort") != "date":
            return 400, b'{"statusCode":400}', "application/json"
        kind, offset, limit = arg["filterByType"], int(arg["offset"]), int(arg["limit"])
        total = self.users[match[1]].get(kind, 0)
        items = [mc_item(match[1], kind, i) for i in range(offset, min(total, offset + limit))]
        body = {"data": {"totalResults": total, "items": items}, "links": {}, "meta": {}}
        return 200, json.dumps(body).encode(), "application/json"
