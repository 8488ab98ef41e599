"""A local stand-in for rottentomatoes.com: the real URL scheme and response shapes (as in the
corpus), served from data the test controls, with several pages and cursors.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import socket
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.fakes.server import LocalServer


@dataclass
class Rating:
    slug: str
    title: str
    year: int
    score: float | None
    text: str
    created_ms: int
    tv: bool = False

    @property
    def ems_id(self) -> str:
        return f"00000000-0000-0000-0000-{zlib.crc32(self.slug.encode()):012d}"

    @property
    def path(self) -> str:
        return f"/tv/{self.slug}/s01" if self.tv else f"/m/{self.slug}"


@dataclass
class Site:
    critics: dict[str, list[Rating]] = field(default_factory=dict)
    profiles: dict[str, list[Rating]] = field(default_factory=dict)
    legacy: dict[str, list[Rating]] = field(default_factory=dict)
    session_cookie: str | None = None
    # As the 2023+ site: the profile API answers 403 unless the JSON body's _expiry and _token
    # equal the __host_theme_options and __host_color_scheme cookies the request carries.
    profile_tokens: bool = False
    page_size: int = 50
    # When set, JSON endpoints answer 200 with this HTML (a maintenance or login page).
    html_instead_of_json: bytes | None = None
    # Critic API pages at or past this offset answer only after `stall_seconds`.
    stall_from: int | None = None
    stall_seconds: float = 0.0
    log: list[str] = field(default_factory=list)
    agents: set[str] = field(default_factory=set)
    # The Cookie header of every request (None when there was none).
    cookies_seen: list[str | None] = field(default_factory=list)
    # What /robots.txt serves (None: 404). By default the rules the live site published in 2026.
    robots: str | None = (
        "User-agent: *\nDisallow: /m/*/pictures\nDisallow: /tv/*/pictures\nDisallow: /search\n"
        "Disallow: /critics/self-submission/\nDisallow: /user/account/\n"
    )

    # Faults to inject, in order, into requests whose path and query start with the key.
    faults: dict[str, list[str]] = field(default_factory=dict)
    # The critic API answers every page with the same cursor: pagination that loops.
    loop_cursor: bool = False
    # The critic API says there is a next page but gives no cursor to it.
    drop_cursor: bool = False
    # The critic listing claims this many reviews but serves empty pages past what it has.
    empty_tail: int = 0
    # Seconds every response waits before it is sent (a slow site, for tests that interrupt).
    latency: float = 0.0
    # Film and season pages (/m/<slug>, /tv/<slug>/s01) that answer 404.
    missing_film_pages: set[str] = field(default_factory=set)

    def requests(self, prefix: str = "") -> list[str]:
        """The requests made, robots.txt left out, optionally only those under `prefix`."""
        return [r for r in self.log if "/robots.txt" not in r and prefix in r]


def make_ratings(
    prefix: str, count: int, *, text_every: int = 2, tv_every: int = 0
) -> list[Rating]:
    base = 1_690_000_000_000
    return [
        Rating(
            slug=f"{prefix}_film_{i}",
            title=f"{prefix.title()} Film {i}",
            year=1990 + i % 30,
            score=(i % 10 + 1) / 2,
            text=f"Review number {i} of {prefix}: a lighthouse keeper story"
            if i % text_every == 0
            else "",
            created_ms=base - i * 86_400_000,
            tv=bool(tv_every) and i % tv_every == 0,
        )
        for i in range(count)
    ]


def _profile_media(r: Rating) -> dict:
    """A rating's film as the 2023+ profile API gives it (corpus napi-profiles-ratings-movie-
    2023.json): the scores, poster and trailer the parser does not read make up ~570 bytes of
    each ~910-byte rating, and so of the ~46 KB page of 50."""
    kind = "TvSeason" if r.tv else "Movie"
    poster = "https://resizing.flixster.com/" + base64.b64encode(r.slug.encode() * 4).decode()
    return {
        "audienceScore": {"score": "98", "sentiment": "positive"},
        "emsId": r.ems_id,
        "pageLink": r.path,
        "posterUrl": f"{poster}/206x305/v2/{poster}.png",
        "primaryVideo": {
            "exists": True,
            "emsId": r.ems_id,
            "type": kind,
            "mpxId": str(zlib.crc32(r.title.encode())),
            "publicId": r.slug[:12],
        },
        "title": r.title,
        "tomatometerScore": {"certified": True, "score": "96", "sentiment": "positive"},
        "type": kind,
    }


def _critic_score(r: Rating) -> str:
    return f"{r.score:g}/5" if r.score else ""


def _cursor(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def _offset(cursor: str | None) -> int:
    return int(base64.b64decode(cursor)) if cursor else 0


class Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.site.log.append(f"{method} {self.path}")
        self.site.agents.add(self.headers.get("User-Agent", ""))
        self.site.cookies_seen.append(self.headers.get("Cookie"))
        if self.site.latency:
            time.sleep(self.site.latency)
        segments = parts.path.strip("/").split("/")
        if self._inject_fault(self.path):
            return
        if parts.path == "/robots.txt":
            if self.site.robots is None:
                return self._send(404, b"not found", "text/plain")
            return self._send(200, self.site.robots.encode(), "text/plain")
        if method == "GET" and segments[0] == "critics" and len(segments) == 3:
            return self._critic_page(segments[1])
        if method == "GET" and parts.path.startswith("/napi/critics/"):
            return self._critic_api(segments[2], segments[3], query)
        if method == "POST" and parts.path.startswith("/napi/profiles/ratings/"):
            return self._profile_api(segments[3], segments[4], query)
        if method == "GET" and parts.path.startswith("/napi/userProfile/movieRatings/"):
            return self._legacy_api(segments[3], query)
        if method == "GET" and segments[0] in ("m", "tv"):
            return self._film_page(parts.path)
        self._send(404, b"<html><body>Not Found</body></html>", "text/html")

    # Stands in for a site's faults and refusals; no capture of them exists.
    def _inject_fault(self, path: str) -> bool:
        """Play the next fault queued for this path; True when it replaced the response."""
        queue = next((q for prefix, q in self.site.faults.items() if path.startswith(prefix)), None)
        if not queue:
            return False
        action, _, arg = queue.pop(0).partition(":")
        if action == "slow":
            time.sleep(float(arg))
            return False
        if action == "status":
            self._send(int(arg), b"<html><body>Service Unavailable</body></html>", "text/html")
        elif action == "retry-after":
            self._send(429, b"slow down", "text/plain", {"Retry-After": arg})
        elif action == "reset":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif action == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"reviews": [')
            self.close_connection = True
        elif action == "huge":
            self._send(200, b" " * (int(arg) * 1024 * 1024), "application/json")
        elif action == "bomb":
            self._send(
                200,
                gzip.compress(b"\0" * (int(arg) * 1024 * 1024)),
                "application/json",
                {"Content-Encoding": "gzip"},
            )
        elif action == "offsite":
            target = f"http://localhost:{self.server.server_port}{self.path}"
            self._send(302, b"", "text/plain", {"Location": target})
        elif action == "cloudflare":
            body = b"<html><head><title>Just a moment...</title></head><body>cf-chl-</body></html>"
            self._send(int(arg), body, "text/html", {"cf-mitigated": "challenge"})
        elif action == "awswaf":
            self._send(202, b"", "text/html", {"x-amzn-waf-action": "challenge"})
        elif action == "login":
            body = b'<html><form action="/login"><input type="password" name="p"></form></html>'
            self._send(200, body, "text/html")
        else:
            raise ValueError(f"unknown fault {action!r}")
        return True

    # Stands in for a critic's 2023 page; critic-movies-page-2023.html covers it.
    def _critic_page(self, slug: str) -> None:
        if slug not in self.site.critics:
            return self._send(404, b"<html>404</html>", "text/html")
        data = self._critic_page_json(slug, 0)
        body = (
            "<!DOCTYPE html><html><head><title>Critic</title></head><body>"
            f'<h1 data-qa="critic-name-title">{html.escape(slug.replace("-", " ").title())}</h1>'
            f'<script id="reviews-json" type="application/json">{json.dumps(data)}</script>'
            "</body></html>"
        )
        self._send(200, body.encode(), "text/html; charset=utf-8")

    # Stands in for the 2026 critic API; no capture of it exists.
    def _critic_api(self, slug: str, kind: str, query: dict) -> None:
        if slug not in self.site.critics or kind not in ("movies", "tv"):
            return self._send(404, b"{}", "application/json")
        offset = _offset(query.get("after"))
        if self.site.stall_from is not None and offset >= self.site.stall_from:
            time.sleep(self.site.stall_seconds)
        items = [r for r in self.site.critics[slug] if r.tv == (kind == "tv")]
        size = int(query.get("pageCount", 20))
        chunk = items[offset : offset + size]
        more = offset + size < len(items) + (self.site.empty_tail if kind == "movies" else 0)
        cursor = _cursor(size if self.site.loop_cursor else offset + size)
        # The 2026 shape (gscheinman/kalshi-rt, 2026-05): what the critic said under `critic`,
        # the film under `media`.
        self._json(
            {
                "pageInfo": {
                    "hasNextPage": more,
                    "hasPreviousPage": offset > 0,
                    "startCursor": _cursor(offset),
                    "endCursor": cursor if more and not self.site.drop_cursor else None,
                },
                "reviews": [
                    {
                        "critic": {
                            "scoreSentiment": "POSITIVE" if (r.score or 0) >= 3 else "NEGATIVE",
                            "originalScore": _critic_score(r),
                            "publicationName": "Local Gazette",
                            "reviewCreateDate": "2023-07-24T16:00:00.000Z",
                            "reviewQuote": html.escape(r.text or "(no quote)"),
                            "reviewUrl": f"https://gazette.example/{r.slug}",
                        },
                        "media": {"title": r.title, "emsId": r.ems_id, "url": r.path},
                    }
                    for r in chunk
                ],
            }
        )

    def _critic_page_json(self, slug: str, offset: int) -> dict:
        """The 2023 page's embedded JSON: flat, films only."""
        items = [r for r in self.site.critics[slug] if not r.tv]
        step = self.site.page_size
        chunk = items[offset : offset + step]
        more = offset + self.site.page_size < len(items) + self.site.empty_tail
        return {
            "api": f"/napi/critics/{slug}/movies",
            "pageInfo": {
                "hasNextPage": more,
                "hasPreviousPage": offset > 0,
                "endCursor": _cursor(step if self.site.loop_cursor else offset + step)
                if more
                else None,
            },
            "hasReviews": bool(items),
            "type": "movies",
            "vanity": slug,
            "reviews": [
                {
                    "tomatometerState": "fresh" if (r.score or 0) >= 3 else "rotten",
                    "quote": r.text or "(no quote)",
                    "publicationName": "Local Gazette",
                    "url": f"https://gazette.example/{r.slug}",
                    "date": "Jul 24, 2023",
                    "editReviewUrl": f"/critics/self-submission/movie/{r.ems_id}",
                    "mediaInfo": str(r.year),
                    "mediaTitle": r.title,
                    "mediaUrl": r.path,
                    "originalScore": _critic_score(r),
                }
                for r in chunk
            ],
        }

    # Stands in for the 2023 profile API; napi-profiles-ratings-movie-2023.json covers it.
    def _profile_api(self, handle: str, kind: str, query: dict) -> None:
        if handle not in self.site.profiles:
            return self._send(404, b'{"error":"not found"}', "application/json")
        if self.site.profile_tokens and not self._tokens_match():
            return self._send(403, b'{"error":"Forbidden"}', "application/json")
        if self.site.session_cookie and self.site.session_cookie not in (
            self.headers.get("Cookie") or ""
        ):
            return self._send(403, b'{"error":"login required"}', "application/json")
        items = [r for r in self.site.profiles[handle] if r.tv == (kind == "tv")]
        size = int(query.get("pagecount", 20))
        offset = _offset(query.get("after"))
        chunk, more = items[offset : offset + size], offset + size < len(items)
        self._json(
            {
                "api": f"/napi/profiles/ratings/{handle}/{kind}",
                "pageInfo": {
                    "hasNextPage": more,
                    "hasPreviousPage": offset > 0,
                    **({"endCursor": _cursor(offset + size)} if more else {}),
                    "requestMethod": "POST",
                },
                "isUserIdSelf": True,
                "ratings": [
                    {
                        "createTime": r.created_ms,
                        "review": {
                            "score": r.score,
                            "hasReview": bool(r.text),
                            **({"review": r.text} if r.text else {}),
                        },
                        "media": _profile_media(r),
                    }
                    for r in chunk
                ],
            }
        )

    # Stands in for a film's or season's page of 2026; no capture of it exists.
    def _film_page(self, path: str) -> None:
        """A film's or season's page in its 2026 shape (scraper/sites/rottentomatoes/
        film_pages.py): the year in the hero's props and where-to-watch; ld+json dateCreated a
        year later (RT's record of its own, as for Arrival); no year in the title."""
        everyone = [*self.site.critics.values(), *self.site.profiles.values()]
        known = {r.path: r for ratings in [*everyone, *self.site.legacy.values()] for r in ratings}
        rating = known.get(path.rstrip("/"))
        if rating is None or rating.path in self.site.missing_film_pages:
            body = b'<html><body><div id="main-page-content"><h1>404 - Not Found</h1></div>'
            return self._send(404, body, "text/html")
        kind = "TVSeason" if rating.tv else "Movie"
        ld = {"@context": "http://schema.org", "@type": kind, "name": rating.title}
        ld["dateCreated"] = f"{rating.year + 1}-01-27"
        hero = {"content": {"title": rating.title, "metadataProps": ["PG-13", str(rating.year)]}}
        page = (
            f"<!DOCTYPE html><html><head><title>{html.escape(rating.title)} | Rotten Tomatoes"
            f'</title><link rel="canonical" href="https://www.rottentomatoes.com{rating.path}">'
            f'<script type="application/ld+json">{json.dumps(ld)}</script></head><body>'
            f'<script id="media-hero-json" data-json="mediaHero" type="application/json">'
            f"{json.dumps(hero)}</script>"
            f'<script id="where-to-watch-json" type="application/json">'
            f"{json.dumps({'title': rating.title, 'releaseYear': str(rating.year)})}</script>"
            "</body></html>"
        )
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def _tokens_match(self) -> bool:
        """The body's tokens are the request's own cookies, sent as the profile page sends
        them (JSON, from the site's own origin)."""
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return False
        jar = dict(
            part.strip().split("=", 1)
            for part in (self.headers.get("Cookie") or "").split(";")
            if "=" in part
        )
        origin = f"http://{self.headers.get('Host')}"
        return (
            (self.headers.get("Content-Type") or "").startswith("application/json")
            and self.headers.get("Origin") == origin
            and (self.headers.get("Referer") or "").startswith(f"{origin}/profiles/")
            and bool(jar.get("__host_theme_options"))
            and body.get("_expiry") == jar.get("__host_theme_options")
            and body.get("_token") == jar.get("__host_color_scheme")
        )

    # Stands in for the legacy ratings API; napi-userprofile-movieratings-*.json cover it.
    def _legacy_api(self, user_id: str, query: dict) -> None:
        if user_id not in self.site.legacy:
            return self._send(404, b'{"error":"not found"}', "application/json")
        items = self.site.legacy[user_id]
        start = 0
        if query.get("endCursor"):
            last = json.loads(base64.b64decode(query["endCursor"]))["emsId"]
            start = next(i for i, r in enumerate(items) if r.ems_id == last) + 1
        chunk = items[start : start + 20]
        more = start + 20 < len(items)
        end = chunk[-1] if chunk else None
        cursor = (
            base64.b64encode(
                json.dumps(
                    {
                        "realm_userId": f"RT_{user_id}",
                        "emsId": end.ems_id,
                        "createDate": "2017-09-04T11:54:25",
                    }
                ).encode()
            ).decode()
            if end
            else None
        )
        self._json(
            {
                "ratingsType": "movie",
                "pageInfo": {
                    "hasNextPage": more,
                    "hasPreviousPage": start > 0,
                    "endCursor": cursor,
                },
                "ratings": [
                    {
                        "displayName": "Legacy Person",
                        "review": {
                            "age": "5 years",
                            "score": r.score,
                            "comment": r.text,
                            "emsId": r.ems_id,
                        },
                        "item": {
                            "fullTitle": r.title,
                            "releaseYear": str(r.year),
                            "emsId": r.ems_id,
                            "url": r.path,
                        },
                    }
                    for r in chunk
                ],
            }
        )

    def _json(self, data: dict) -> None:
        if self.site.html_instead_of_json:
            return self._send(200, self.site.html_instead_of_json, "text/html")
        self._send(200, json.dumps(data).encode(), "application/json")

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FakeRottenTomatoes(LocalServer):
    def __init__(self, site: Site) -> None:
        self.site = site
        super().__init__(type("BoundHandler", (Handler,), {"site": site}))
