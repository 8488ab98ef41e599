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
    def __init__(self, users: dict[str, list[dict]], rated: dict[str, list[dict]]) -> None:
        self.users, self.rated = users, rated
        self.rating_values = True  # False: the payload lists titles only, as IMDb often does
        self.challenge: set[str] = set()
        super().__init__(self.route)

    def route(self, path: str, query: dict) -> tuple[int, bytes, str]:
        if path in self.challenge:  # what AWS WAF answers a script with since 2026
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


# --- Metacritic: /user/<name>/, the pre-2023 profile with its "next" flipper ---------------


def mc_item(i: int) -> str:
    return (
        f'<li id="user_review_{i}" class="review user_review"><div class="review_content"><div class="review_section review_data">'
        f'<div class="review_stats"><div class="review_product"><div class="product_title"><a href="/movie/feature-{i}">Feature {i}</a></div>'
        f'<div class="date">Mar {i % 28 + 1}, 2019</div></div>'
        f'<div class="review_score"><div class="metascore_w user medium movie positive indiv">{i % 11}</div></div></div>'
        f'<div class="review_body"><span class="blurb blurb_expanded">Thoughts on feature {i}.</span></div></div></div></li>'
    )


class FakeMetacritic(LocalSite):
    def __init__(self, users: dict[str, int]) -> None:
        self.users = users
        super().__init__(self.route)

    def route(self, path: str, query: dict) -> tuple[int, bytes, str]:
        match = re.match(r"^/user/([A-Za-z0-9_.-]+)/?$", path)
        if not match or match[1] not in self.users:
            return NOT_FOUND
        count, number = self.users[match[1]], int((query.get("page") or ["0"])[0])
        items = "".join(
            mc_item(i) for i in range(number * PER_PAGE, min(count, (number + 1) * PER_PAGE))
        )
        pager = ""
        if (number + 1) * PER_PAGE < count:
            pager = f'<div class="page_nav"><span class="flipper next"><a class="action" rel="next" href="/user/{match[1]}?page={number + 1}">next</a></span></div>'
        body = (
            f"<html><head><title>{match[1]}'s Profile - Metacritic</title>"
            f'<meta property="og:url" content="https://www.metacritic.com/user/{match[1]}"></head>'
            f'<body><ol class="reviews user_reviews">{items}</ol>{pager}</body></html>'
        )
        return 200, body.encode(), "text/html; charset=utf-8"


@pytest.fixture
def metacritic():
    with FakeMetacritic({"oysteims": 55}) as server:
        yield server


def test_metacritic_user_profile_all_pages_then_second_run_adds_nothing(
    metacritic, run_scrape, tmp_path
):
    env = {"SCRAPE_METACRITIC_ROOT": metacritic.root}
    db = tmp_path / "archive.db"
    first = run_scrape("user", "metacritic:oysteims", "--db", str(db), env=env)
    assert first.returncode == 0, first.stderr
    assert "55 reviews on 3 pages (55 new, 0 changed, 0 missing) [full]" in first.stdout
    assert metacritic.requests() == [
        "GET /user/oysteims/",
        "GET /user/oysteims?page=1",
        "GET /user/oysteims?page=2",
    ]
    row = query(
        db,
        "select r.id, r.film_id, f.title, r.rating, r.rating_raw, r.text from reviews r "
        "join films f on f.id = r.film_id where r.film_id = 'metacritic:movie/feature-12'",
    )[0]
    assert row == (
        "metacritic:oysteims/movie/feature-12",
        "metacritic:movie/feature-12",
        "Feature 12",
        1.0,
        "1",
        "Thoughts on feature 12.",
    )
    metacritic.log.clear()
    second = run_scrape(
        "user", "https://www.metacritic.com/user/oysteims/", "--db", str(db), env=env
    )
    assert second.returncode == 0, second.stderr
    assert "(0 new, 0 changed) [incremental]" in second.stdout, second.stdout
    assert metacritic.requests() == ["GET /user/oysteims/"]
    assert query(db, "select count(*) from reviews")[0][0] == 55


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
