"""Replay stand-ins: the shared corpus's real captures served byte for byte, unedited, at the
paths the live site serves them (each capture's og:url or canonical, or the request that got
it), with the headers the site sends, so that a crawl runs fetch -> block check -> parser ->
archive on real bytes.

The corpus is read in place (the `corpus` fixture's folder); nothing of it is copied here. What
has no capture is answered as the site answers at the end of a listing or for a missing
listing, and every such answer below says why, with its evidence; a body written here says that
no capture of its shape exists. The research behind those answers is in the issue's notes
(research-listing-ends, 2026-12-07): Letterboxd answers a page past the last with 200 and an
empty list (corpus film-reviews-2026/oppenheimer-rated5-page9999-empty.html) and an unknown
member with 404 (letterboxdpy raises ResourceNotFoundError on 404).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from tests.fakes.letterboxd import browsers_only
from tests.fakes.server import Guard, LocalSite

# What the sites send, as far as it is known. Letterboxd and Metacritic sit behind Cloudflare,
# whose answers name it (`Server: cloudflare`; its jsd script is in every 2026 capture of
# theirs). No capture kept its response headers: the media types are the formats' own (RSS's
# as each feed's atom:link declares it, type="application/rss+xml"), in UTF-8 as the pages'
# own <meta charset> says. Nothing is known of Rotten Tomatoes' or IMDb's Server header.
HTML = "text/html; charset=UTF-8"
RSS = "application/rss+xml; charset=utf-8"
JSON = "application/json; charset=utf-8"
CLOUDFLARE = {"Server": "cloudflare"}

Written = tuple[int, bytes, str]  # an answer written here: each says why, where it is made


@dataclass(frozen=True, slots=True)
class Capture:
    """A corpus file, answered as it is."""

    name: str  # its path in the corpus
    content_type: str = HTML
    status: int = 200


Answer = Capture | Written


class Replay(LocalSite):
    """Answers GETs (and POSTs) by path, or by path and the query parameters a key names
    ("/napi/x?after=MQ==" matches any request to /napi/x carrying after=MQ==; the key naming
    the most parameters wins); `missing` for anything else."""

    def __init__(
        self,
        corpus: Path,
        get: dict[str, Answer],
        *,
        post: dict[str, Answer] | None = None,
        missing: Written,
        headers: dict[str, str] | None = None,
        robots: str = "User-agent: *\nDisallow: /search\n",
        guard: Guard | None = None,
        admit: Callable[[str, Message, bytes], Written | None] | None = None,
    ) -> None:
        self.corpus = corpus
        self.answers, self.post_answers, self.missing = get, post or {}, missing
        # (path, request headers, body) -> a refusal, or None: what a POST must carry.
        self.admit = admit
        super().__init__(
            self.route, robots, guard, headers=headers, post=self.post_route if post else None
        )

    def route(self, path: str, query: dict[str, list[str]]) -> Written:
        return self._answer(self.answers, path, query)

    def post_route(self, path: str, query: dict, headers: Message, body: bytes) -> Written:
        refused = self.admit(path, headers, body) if self.admit else None
        return refused or self._answer(self.post_answers, path, query)

    def _answer(self, answers: dict[str, Answer], path: str, query: dict) -> Written:
        asked = {(k, v) for k, values in query.items() for v in values}
        best: tuple[int, Answer] | None = None
        for key, answer in answers.items():
            where, _, wanted = key.partition("?")
            needs = set(parse_qsl(wanted))
            if where == path and needs <= asked and (best is None or len(needs) > best[0]):
                best = (len(needs), answer)
        if best is None:
            return self.missing
        answer = best[1]
        if isinstance(answer, Capture):
            return answer.status, (self.corpus / answer.name).read_bytes(), answer.content_type
        return answer


# --- Letterboxd ------------------------------------------------------------------------------

LB_MEMBER = "spazznolo"  # diary-2026, films-2026, likes-2026 and profile-2026 (their og:url)
LB_FEEDS = {  # member: capture (each feed's own atom:link rel="self")
    "dekadans": "rss-2020.xml",
    "joshuasalazar": "rss-2022.xml",
    "filipe_furtado": "rss-2025-12.xml",
    "sdiamond": "rss-2026.xml",
}
LB_FULL_TEXTS = (1401219145, 1401220279, 1401220529, 1401220676)
OPPENHEIMER = "/film/oppenheimer-2023/reviews/"

# Letterboxd's answer for a member or page it does not have: 404 (letterboxdpy's
# ResourceNotFoundError, research-listing-ends). No capture of its body exists: a bare one.
LB_NOT_FOUND: Written = (404, b"<!DOCTYPE html><html><body>Not found</body></html>", HTML)


def lb_past_the_end(path: str, previous: str, listing: str) -> Written:
    """A member's listing page after its last, as Letterboxd answers a film's reviews page
    after the last (corpus film-reviews-2026/oppenheimer-rated5-page9999-empty.html: 200, the
    list's container there but empty, a "previous" link, the "next" one disabled); that member
    listings end the same way is research-listing-ends's inference from letterboxdpy. No capture
    of a member's listing past its end exists: this body is written here, as small as that."""
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">'
        f'<meta property="og:url" content="https://letterboxd.com{path}"></head>'
        f'<body><div id="content">{listing}<div class="pagination">'
        f'<div class="paginate-nextprev"><a class="previous" href="{previous}">Newer</a></div>'
        '<div class="paginate-nextprev paginate-disabled"><span class="next">Older</span></div>'
        "</div></div></body></html>"
    )
    return 200, body.encode(), HTML


def lb_no_reviews(member: str) -> Written:
    """A member's reviews listing that holds none. No capture of a member's reviews listing
    exists, nor of its empty state (research-listing-ends found no empty-state text; letterboxdpy
    treats it as a page past the end). The notice is the one the parser takes for "none yet"
    (tests/test_letterboxd_cards.py); without one an empty first page reads as a layout change."""
    body = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">'
        f'<meta property="og:url" content="https://letterboxd.com/{member}/films/reviews/">'
        '</head><body><div id="content"><section class="-empty"><p>No reviews yet</p></section>'
        '<div class="viewing-list"></div></div></body></html>'
    )
    return 200, body.encode(), HTML


def letterboxd(corpus: Path) -> Replay:
    """letterboxd.com as the corpus caught it, behind Cloudflare's refusal of non-browsers.

    spazznolo (2026-01): diary page 1 of 2 at /spazznolo/films/diary/ (what the crawl asks; the
    page's og:url is /spazznolo/diary/, served too), the films grid page 1 of 6, liked films page
    1 of 2, the profile. Their page 2 is not captured: each answers as a listing past its end.
    Four members' feeds at /<member>/rss/; erick99's and reeldonaldtrump's 2022 grids, dankmccoy's
    2022 profile; a film's reviews (July 2026) at their og:url, with four full-text fragments.
    """
    m = LB_MEMBER
    diary = Capture("letterboxd/diary-2026.html")
    grid = Capture("letterboxd/films-2026.html")
    the_end = Capture("letterboxd/film-reviews-2026/oppenheimer-rated5-page9999-empty.html")
    get: dict[str, Answer] = {
        f"/{m}/films/diary/": diary,
        f"/{m}/diary/": diary,
        # Page 1 links to /spazznolo/diary/films/page/2/, which is not captured.
        f"/{m}/diary/films/page/2/": lb_past_the_end(
            f"/{m}/diary/films/page/2/",
            f"/{m}/diary/films/",
            '<table class="table film-table diary-table" id="diary-table"><tbody></tbody></table>',
        ),
        f"/{m}/films/reviews/": lb_no_reviews(m),
        f"/{m}/films/": grid,
        f"/{m}/films/page/2/": lb_past_the_end(
            f"/{m}/films/page/2/", f"/{m}/films/", '<ul class="grid -p70"></ul>'
        ),
        f"/{m}/likes/films/": Capture("letterboxd/likes-2026.html"),
        f"/{m}/likes/films/page/2/": lb_past_the_end(
            f"/{m}/likes/films/page/2/",
            f"/{m}/likes/films/",
            '<ul class="poster-list -p70 -grid clear"></ul>',
        ),
        f"/{m}/": Capture("letterboxd/profile-2026.html"),
        "/dankmccoy/": Capture("letterboxd/profile-2022.html"),
        "/erick99/films/": Capture("letterboxd/films-2022-page1.html"),
        # Pages 2 to 4 are not captured; page 5, the last, is.
        "/erick99/films/page/2/": lb_past_the_end(
            "/erick99/films/page/2/", "/erick99/films/", '<ul class="poster-list -p70"></ul>'
        ),
        "/erick99/films/page/5/": Capture("letterboxd/films-2022-page5-last.html"),
        "/reeldonaldtrump/films/": Capture("letterboxd/films-2022-single-page.html"),
        OPPENHEIMER: Capture("letterboxd/film-reviews-2026/oppenheimer-base.html"),
        f"{OPPENHEIMER}rated/5/by/activity/": Capture(
            "letterboxd/film-reviews-2026/oppenheimer-rated5-page1.html"
        ),
        f"{OPPENHEIMER}rated/5/by/activity/page/9999/": the_end,
        # Each page 1 links to a page 2 that is not captured. What the site answers at the end
        # of this film's reviews is: page 9999's real bytes (captured for the 5-star filter;
        # no capture of the unfiltered listing's end exists).
        f"{OPPENHEIMER}page/2/": the_end,
        f"{OPPENHEIMER}rated/5/by/activity/page/2/": the_end,
    }
    for member, name in LB_FEEDS.items():
        get[f"/{member}/rss/"] = Capture(f"letterboxd/{name}", RSS)
    for viewing in LB_FULL_TEXTS:
        # 200 text/html, bare <p> elements (espectro-24 FASE1_INCOGNITAS.md, 2026-07-18).
        name = f"letterboxd/film-reviews-2026/s-full-text-viewing-{viewing}.html"
        get[f"/s/full-text/viewing:{viewing}/"] = Capture(name)
    return Replay(corpus, get, missing=LB_NOT_FOUND, headers=CLOUDFLARE, guard=browsers_only)


# --- Rotten Tomatoes -------------------------------------------------------------------------

RT_CRITIC = "rain-jokinen"  # critic-movies-page-2023.html
# The 2023 profile whose movie ratings napi-profiles-ratings-movie-2023.json holds (its `api`).
RT_PROFILE = (
    "GeDt0zCK1fenF8NTwehrduK0seeCXJTL4H28fjquRRCzRi1zIknSwBFllCxgFepIjgSZRuYYCdOcNGtk2Fv2HmWu9z"
    "SxLTZQfJjIB1FVKuYj"
)
RT_LEGACY = "976284330"  # both napi-userprofile-movieratings captures (their cursors' realm_userId)
# The session a logged-in browser holds; the ratings request's JSON body repeats two of them.
RT_SESSION = {"__host_theme_options": "1686000000000", "__host_color_scheme": "tok-replay"}


def rt_profile_admitted(path: str, headers: Message, body: bytes) -> Written | None:
    """What RT's profile API wants (Olshansk rt.py @ 8d431f3, 2023-06-18; the README): the
    session's cookies, a JSON body whose _expiry and _token repeat two of them, Origin and
    Referer of the profile page. Else a refusal; no capture of one exists (a bare 403)."""
    try:
        sent = json.loads(body or b"{}")
    except ValueError:
        sent = {}
    jar = dict(
        part.strip().split("=", 1)
        for part in (headers.get("Cookie") or "").split(";")
        if "=" in part
    )
    origin = f"http://{headers.get('Host')}"
    admitted = (
        all(jar.get(name) == value for name, value in RT_SESSION.items())
        and (headers.get("Content-Type") or "").startswith("application/json")
        and headers.get("Origin") == origin
        and (headers.get("Referer") or "").startswith(f"{origin}/profiles/")
        and sent.get("_expiry") == jar.get("__host_theme_options")
        and sent.get("_token") == jar.get("__host_color_scheme")
    )
    return None if admitted else (403, b'{"error":"Forbidden"}', JSON)


def rottentomatoes(corpus: Path) -> Replay:
    """rottentomatoes.com: a critic's 2023 page, a 2023 profile's movie ratings (POST, with the
    session), a legacy profile's ratings (GET, 2019 first page and 2020 last page)."""
    legacy = f"/napi/userProfile/movieRatings/{RT_LEGACY}"
    first = json.loads(
        (corpus / "rottentomatoes/napi-userprofile-movieratings-2019-page1.json").read_bytes()
    )
    # The profile's TV ratings are not captured: the listing answers as the movie capture's
    # envelope does at its end (hasNextPage false), with no ratings. Written here.
    tv = {
        "api": f"/napi/profiles/ratings/{RT_PROFILE}/tv",
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "requestMethod": "POST"},
        "ratings": [],
        "isUserIdSelf": True,
    }
    # The critic API past the embedded page: not captured; how it answers at the end is
    # research-listing-ends's assumption (pageInfo.hasNextPage false, no cursor). Written here.
    critic_end = {"reviews": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    get: dict[str, Answer] = {
        f"/critics/{RT_CRITIC}/movies": Capture("rottentomatoes/critic-movies-page-2023.html"),
        f"/napi/critics/{RT_CRITIC}/movies": (200, json.dumps(critic_end).encode(), JSON),
        legacy: Capture("rottentomatoes/napi-userprofile-movieratings-2019-page1.json", JSON),
        # The page the first one's cursor names is not captured. This member's listing as the
        # site ended it (hasNextPage false) is: its last page, a year later (2020-08).
        f"{legacy}?{urlencode({'endCursor': first['pageInfo']['endCursor']})}": Capture(
            "rottentomatoes/napi-userprofile-movieratings-2020-last.json", JSON
        ),
    }
    post: dict[str, Answer] = {
        # The capture answered the whole history at once (hasNextPage false), whatever pagecount.
        f"/napi/profiles/ratings/{RT_PROFILE}/movie": Capture(
            "rottentomatoes/napi-profiles-ratings-movie-2023.json", JSON
        ),
        f"/napi/profiles/ratings/{RT_PROFILE}/tv": (200, json.dumps(tv).encode(), JSON),
    }
    # RT's 404 page is not captured; a bare one.
    missing: Written = (404, b"<html><body>404 - Not Found</body></html>", HTML)
    return Replay(corpus, get, post=post, missing=missing, admit=rt_profile_admitted)


# --- Metacritic ------------------------------------------------------------------------------

MC_LEGACY_USER = "Gnomishninja"  # user-profile-legacy-2020.html (its h2.name and tab links)
MC_PAYLOADS = {  # the page each payload belongs to (its own `path`)
    "/movie/lawrence-of-arabia-re-release/": "metacritic/nuxt-data-movie-page-2026.json",
    "/tv/the-larry-sanders-show/": "metacritic/nuxt-data-tv-page-2026.json",
}


def metacritic(corpus: Path) -> Replay:
    """www.metacritic.com behind Cloudflare: Elden Ring's user and critic review pages
    (2026-08, at their og:url), a pre-2023 user page (/user/<name>, as its own links name it),
    and two `__NUXT_DATA__` payloads. Those were cut out of their pages' <script
    id="__NUXT_DATA__"> (gofurry/metacritic-harvester ExtractNuxtData); the site is not known to
    serve them alone: they answer at Nuxt's payload address, <page>_payload.json, an assumption
    of this stand-in. robots.txt disallows /user to every crawler (corpus README, 2026)."""
    get: dict[str, Answer] = {
        "/game/elden-ring/user-reviews/": Capture("metacritic/user-reviews-page-2026-08.html"),
        "/game/elden-ring/critic-reviews/": Capture("metacritic/critic-reviews-page-2026-08.html"),
        f"/user/{MC_LEGACY_USER}": Capture("metacritic/user-profile-legacy-2020.html"),
    }
    for page, name in MC_PAYLOADS.items():
        get[f"{page}_payload.json"] = Capture(name, JSON)
    missing: Written = (404, b"<html><body>Page Not Found</body></html>", HTML)
    return Replay(
        corpus,
        get,
        missing=missing,
        headers=CLOUDFLARE,
        robots="User-agent: *\nDisallow: /user\nDisallow: /search\n",
    )


# --- IMDb ------------------------------------------------------------------------------------

IMDB_TITLE = "tt1213663"  # title-reviews-fragment-2025.html: The World's End's reviews


def imdb(corpus: Path) -> Replay:
    """www.imdb.com: a title's reviews (the 2024+ review cards; the capture is the reviews
    <section> of that page, as its source kept it) at /title/<tt>/reviews/.
    robots.txt says Disallow: / to every crawler (the corpus README's 2026-09 probes)."""
    get: dict[str, Answer] = {
        f"/title/{IMDB_TITLE}/reviews/": Capture("imdb/title-reviews-fragment-2025.html")
    }
    missing: Written = (404, b"<html><body>404 Error</body></html>", HTML)
    return Replay(corpus, get, missing=missing, robots="User-agent: *\nDisallow: /\n")
