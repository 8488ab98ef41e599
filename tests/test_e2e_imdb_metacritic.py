"""IMDb and Metacritic end to end: a real `scrape user` process against a local server in each
site's URL scheme (SCRAPE_IMDB_ROOT, SCRAPE_METACRITIC_ROOT) serving several pages and a last
page, then a second run that adds nothing. The markup is that of the corpus captures (IMDb's
2024+ review cards, Metacritic's pre-2023 profile), rendered from data the test controls."""

# ruff: noqa: E501  (markup templates read best one element per line)

from __future__ import annotations

import sqlite3

import pytest

from tests.fakes.imdb import FakeImdb, imdb_ratings, imdb_reviews
from tests.fakes.metacritic import FakeMetacritic, product_year


def query(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


# --- IMDb: /user/ur<digits>/reviews/, review cards, "next" by paginationKey -----------------


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
    assert metacritic.requests()[:3] == [
        f"{api}movies&offset=0&limit=100&{common}&componentType=ReviewListComponent&sort=date",
        f"{api}movies&offset=100&limit=100&{common}&componentType=ReviewListComponent&sort=date",
        f"{api}shows&offset=0&limit=100&{common}&componentType=ReviewListComponent&sort=date",
    ]
    # The API names no year: each product's own page is read once for its premiereYear, the
    # earliest of its dates (issue 20).
    assert len(metacritic.requests()[3:]) == 180 and "; 180 film pages read" in first.stdout
    years = query(db, "select id, year, year_source from films where id like '%-12' order by id")
    assert years == [
        ("metacritic:movie/movies-12", product_year(12), "film page"),
        ("metacritic:tv/shows-12", product_year(12), "film page"),
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
    assert [r for r in metacritic.requests() if "/reviews/" not in r] == []


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
    assert "docs/sites.md" in done.stderr
    assert forced.returncode == 0 and "3 reviews" in forced.stdout, forced.stderr


def test_metacritic_pages_are_forbidden_by_robots_with_what_to_do(metacritic, run_scrape, tmp_path):
    """robots.txt forbids /user: a saved profile URL typed as such is the user's page, which
    is never fetched; the backend's own path is what robots.txt of its host allows."""
    from scraper.models import Request
    from scraper.net.fetch import Fetcher, FetchSettings
    from scraper.sites import metacritic as site

    settings = FetchSettings(delay=0, robots_advice=site.SITE_DEF.robots_advice)
    with Fetcher(settings) as fetcher, pytest.raises(Exception) as caught:
        fetcher.fetch(Request(f"{metacritic.root}/user/oysteims/", "profile_page"))
    message = str(caught.value)
    assert "robots.txt of" in message and "forbids it to every crawler" in message
    assert "--ignore-robots is your decision" in message and "docs/sites.md" in message


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
