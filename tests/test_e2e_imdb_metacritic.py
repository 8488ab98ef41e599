"""IMDb and Metacritic end to end: a real `scrape user` process against a local server in each
site's URL scheme (SCRAPE_IMDB_ROOT, SCRAPE_METACRITIC_ROOT) serving several pages and a last
page, then a second run that adds nothing. The markup is that of the corpus captures (IMDb's
2024+ review cards, Metacritic's pre-2023 profile), rendered from data the test controls."""

# ruff: noqa: E501  (markup templates read best one element per line)

from __future__ import annotations

import html
import json
import re
import sqlite3

import pytest

from tests.local_site import NOT_FOUND, LocalSite

PER_PAGE = 25


def query(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


# --- IMDb: /user/ur<digits>/reviews/, review cards, "next" by paginationKey -----------------


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


@pytest.fixture
def imdb():
    with FakeImdb({"ur7654321": imdb_reviews(60)}, {"ur7654321": imdb_ratings(260)}) as server:
        yield server


def test_imdb_user_reviews_all_pages_then_second_run_adds_nothing(imdb, run_scrape, tmp_path):
    env = {"SCRAPE_IMDB_ROOT": imdb.root}
    db = tmp_path / "archive.db"
    first = run_scrape("user", "https://www.imdb.com/user/ur7654321/", "--db", str(db), env=env)
    assert first.returncode == 0, first.stderr
    assert "320 reviews on 5 pages (320 new, 0 changed, 0 missing) [full]" in first.stdout
    assert imdb.requests() == [
        "GET /user/ur7654321/reviews/",
        "GET /user/ur7654321/reviews/?paginationKey=k25",
        "GET /user/ur7654321/reviews/?paginationKey=k50",
        "GET /user/ur7654321/ratings/?sort=date_added%2Cdesc",
        "GET /user/ur7654321/ratings/?sort=date_added%2Cdesc&page=2",
    ]
    rated = query(
        db,
        "select r.rating, r.rating_raw, r.created_at, f.title, f.year, f.kind from reviews r "
        "join films f on f.id = r.film_id where r.id = 'imdb:ur7654321/tt2000007'",
    )[0]
    assert rated == (8.0, "8/10", "2025-08-08T10:00:00Z", "Rated 7", 1987, "tv")
    row = query(
        db,
        "select r.id, r.profile_id, r.film_id, f.title, r.rating, r.rating_raw, r.text, "
        "r.created_at_precision, r.url from reviews r join films f on f.id = r.film_id "
        "where r.id like '%rw9000007'",
    )[0]
    assert row == (
        "imdb:ur7654321/review/rw9000007",
        "imdb:ur7654321",
        "imdb:tt1000007",
        "Picture 7",
        8.0,
        "8/10",
        "Headline 7 & co\n" + ("Body of review 7. " * 3).strip(),
        "day",
        "https://www.imdb.com/review/rw9000007/",
    )
    imdb.log.clear()
    second = run_scrape("user", "imdb:ur7654321", "--db", str(db), env=env)
    assert second.returncode == 0, second.stderr
    assert "(0 new, 0 changed) [incremental]" in second.stdout, second.stdout
    assert imdb.requests() == [
        "GET /user/ur7654321/reviews/",
        "GET /user/ur7654321/ratings/?sort=date_added%2Cdesc",
    ]
    assert query(db, "select count(*) from reviews")[0][0] == 320


def test_imdb_export_then_ratings_pages_give_no_duplicates(imdb, run_scrape, tmp_path):
    export = tmp_path / "ratings.csv"
    rows = ["Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year"]
    rows += [
        f"{r['tt']},{r['value']},{r['date'][:10]},{r['title']},https://www.imdb.com/title/{r['tt']}/,"
        f"{'tvSeries' if r['type'] == 'tvSeries' else 'movie'},7.0,100,{r['year']}"
        for r in imdb_ratings(260)
    ]
    export.write_text("\n".join(rows) + "\n")
    db = tmp_path / "archive.db"
    done = run_scrape("import", str(export), "--profile", "imdb:ur7654321", "--db", str(db))
    assert "260 reviews (260 new" in done.stdout, done.stdout + done.stderr
    live = run_scrape(
        "user", "imdb:ur7654321", "--db", str(db), env={"SCRAPE_IMDB_ROOT": imdb.root}
    )
    assert live.returncode == 0, live.stderr
    assert "(60 new, 0 changed" in live.stdout, live.stdout  # the 60 written reviews only
    assert query(db, "select count(*) from reviews where id not like '%/review/%'")[0][0] == 260
    assert query(db, "select count(*) from review_versions")[0][0] == 0


def test_imdb_as_in_2026_gives_the_export_route_in_one_message(run_scrape, tmp_path):
    db = tmp_path / "archive.db"
    handle = "p.fza5a7zc6w5ngbgt57mgncjzqa"
    with FakeImdb({}, {}, as_in_2026=True) as site:
        env = {"SCRAPE_IMDB_ROOT": site.root}
        done = run_scrape("user", f"https://www.imdb.com/user/{handle}/", "--db", str(db), env=env)
        assert site.requests() == []  # robots.txt said no: nothing else was asked
        forced = run_scrape("user", f"imdb:{handle}", "--ignore-robots", "--db", str(db), env=env)
        assert site.requests() == [f"GET /user/{handle}/reviews/"]
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "robots.txt forbids every crawler" in done.stderr
    for step in ("Your Ratings", "Export", "/exports/", "--profile imdb:<your id>"):
        assert step in done.stderr, step
    assert forced.returncode == 1, forced.stderr
    assert "an empty 202" in forced.stderr and "IMDb (AWS WAF)" in forced.stderr
    assert "https://www.imdb.com/exports/" in forced.stderr
    assert query(db, "select count(*) from reviews")[0][0] == 0

    # The route it gives works for a 2026 member id.
    export = tmp_path / "ratings.csv"
    export.write_text(
        "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year\n"
        "tt0088247,8.0,2026-02-01,The Terminator,https://www.imdb.com/title/tt0088247/,movie,"
        "8.1,107,1984\n"
    )
    imported = run_scrape("import", str(export), "--profile", f"imdb:{handle}", "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    assert query(db, "select id, rating from reviews") == [(f"imdb:{handle}/tt0088247", 8.0)]


def test_imdb_ratings_page_without_values_fails_loudly(imdb, run_scrape, tmp_path):
    imdb.rating_values = False
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user", "imdb:ur7654321", "--db", str(db), env={"SCRAPE_IMDB_ROOT": imdb.root}
    )
    assert done.returncode == 1
    assert "rating values" in done.stderr and "scrape import" in done.stderr, done.stderr
    # The reviews read before it stay; no unrated rows were made up.
    assert query(db, "select count(*) from reviews")[0][0] == 60


# --- Metacritic: the backend's list of a user's reviews, paged by offset (2026) -------------


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


@pytest.fixture
def metacritic():
    with FakeMetacritic({"oysteims": {"movies": 150, "shows": 30, "games": 7}}) as server:
        yield server


def test_metacritic_user_reviews_from_the_backend_then_second_run_adds_nothing(
    metacritic, run_scrape, tmp_path
):
    env = {"SCRAPE_METACRITIC_ROOT": metacritic.root}
    db = tmp_path / "archive.db"
    first = run_scrape("user", "metacritic:oysteims", "--db", str(db), env=env)
    assert first.returncode == 0, first.stderr
    assert "180 reviews on 3 pages (180 new, 0 changed, 0 missing) [full]" in first.stdout
    api = "GET /reviews/metacritic/user/users/oysteims/web?filterByType="
    common = "componentName=reviews&componentDisplayName=Profile+Reviews"
    assert metacritic.requests() == [
        f"{api}movies&offset=0&limit=100&{common}&componentType=ReviewListComponent&sort=date",
        f"{api}movies&offset=100&limit=100&{common}&componentType=ReviewListComponent&sort=date",
        f"{api}shows&offset=0&limit=100&{common}&componentType=ReviewListComponent&sort=date",
    ]
    row = query(
        db,
        "select r.id, f.title, f.kind, r.rating, r.rating_raw, r.text, r.created_at, r.source "
        "from reviews r join films f on f.id = r.film_id where r.film_id = 'metacritic:tv/shows-12'",
    )[0]
    assert row == (
        "metacritic:oysteims/tv/shows-12",
        "Shows 12",
        "tv",
        1.0,
        "1",
        "Thoughts on shows 12.",
        "2025-01-13T12:00:00Z",
        "metacritic-user-shows",
    )
    assert query(db, "select count(*) from reviews where film_id like 'metacritic:game/%'") == [
        (0,)
    ]
    metacritic.log.clear()
    again = run_scrape("user", "metacritic:oysteims", "--db", str(db), env=env)
    assert "(0 new, 0 changed" in again.stdout, again.stdout


def test_metacritic_games_when_the_config_asks(metacritic, run_scrape, tmp_path):
    env = {"SCRAPE_METACRITIC_ROOT": metacritic.root}
    config = tmp_path / "scrape.toml"
    config.write_text("[sites.metacritic]\ngames = true\n")
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user", "metacritic:oysteims", "--config", str(config), "--db", str(db), env=env
    )
    assert done.returncode == 0, done.stderr
    assert "187 reviews" in done.stdout, done.stdout
    assert query(db, "select count(*) from reviews where source = 'metacritic-user-games'") == [
        (7,)
    ]


def test_metacritic_api_forbidden_by_its_robots_stops_with_the_choice_named(run_scrape, tmp_path):
    users = {"oysteims": {"movies": 3}}
    db = tmp_path / "archive.db"
    with FakeMetacritic(users, robots="User-agent: *\nDisallow: /reviews/\n") as server:
        env = {"SCRAPE_METACRITIC_ROOT": server.root}
        done = run_scrape("user", "metacritic:oysteims", "--db", str(db), env=env)
        assert server.requests() == []
        forced = run_scrape(
            "user", "metacritic:oysteims", "--ignore-robots", "--db", str(db), env=env
        )
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "forbids it to every crawler" in done.stderr and "--ignore-robots" in done.stderr
    assert "README" in done.stderr
    assert forced.returncode == 0 and "3 reviews" in forced.stdout, forced.stderr


def test_metacritic_pages_are_forbidden_by_robots_with_what_to_do(metacritic, run_scrape, tmp_path):
    """robots.txt forbids /user: a saved profile URL typed as such is the user's page, which
    is never fetched; the backend's own path is what robots.txt of its host allows."""
    from scraper.fetch import Fetcher, FetchSettings
    from scraper.models import Request
    from scraper.sites import metacritic as site

    settings = FetchSettings(delay=0, robots_advice=site.SITE_DEF.robots_advice)
    with Fetcher(settings) as fetcher, pytest.raises(Exception) as caught:
        fetcher.fetch(Request(f"{metacritic.root}/user/oysteims/", "profile_page"))
    message = str(caught.value)
    assert "robots.txt of" in message and "forbids it to every crawler" in message
    assert "--ignore-robots is your decision" in message and "README" in message


def test_metacritic_unknown_user_is_named(metacritic, run_scrape, tmp_path):
    env = {"SCRAPE_METACRITIC_ROOT": metacritic.root}
    done = run_scrape("user", "metacritic:nobody", "--db", str(tmp_path / "a.db"), env=env)
    assert done.returncode != 0
    assert "metacritic:nobody does not exist on metacritic" in done.stderr, done.stderr


def test_imdb_waf_challenge_is_blocked_with_imdb_advice(imdb, run_scrape, tmp_path):
    imdb.challenge.add("/user/ur7654321/reviews/")
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user", "imdb:ur7654321", "--db", str(db), env={"SCRAPE_IMDB_ROOT": imdb.root}
    )
    assert done.returncode == 1
    assert "IMDb (AWS WAF)" in done.stderr and "export your ratings" in done.stderr, done.stderr
    assert query(db, "select count(*) from reviews")[0][0] == 0
