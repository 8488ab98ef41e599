"""Metacritic and IMDb on real bytes (tests/fakes/replay.py). No crawl asks for any page the
corpus holds of either (a crawl asks Metacritic's backend API and IMDb's member pages, of which
no capture exists), so each capture goes in-process through the crawl's own code: fetch with
robots.txt and the block check, the site's parser, the archive. Expected numbers and records
were read off the raw files by hand (the __NUXT_DATA__ arrays resolved by hand, the review
cards counted in the HTML)."""

from __future__ import annotations

import pytest

from scraper.errors import Blocked
from scraper.models import Target
from tests.fakes import replay
from tests.replaying import count, query, read_listing


@pytest.fixture
def metacritic(corpus):
    with replay.metacritic(corpus) as server:
        yield server


@pytest.fixture
def imdb(corpus):
    with replay.imdb(corpus) as server:
        yield server


def mc(handle: str = "elden-ring") -> Target:
    return Target("metacritic", handle)


def test_a_games_user_reviews_page_of_2026(metacritic, tmp_path):
    db = tmp_path / "a.db"
    url = f"{metacritic.root}/game/elden-ring/user-reviews/"
    result = read_listing(db, mc(), url, "profile_page")
    assert (result.pages, result.reviews) == (1, 50)
    assert count(db, "select count(distinct id) from reviews") == 50
    assert count(db, "select count(distinct profile_id) from reviews") == 50
    assert query(db, "select id, title, kind from films") == [
        ("metacritic:game/elden-ring", "Elden Ring", "game")
    ]
    first = query(
        db,
        "select r.rating, r.text, r.created_at from reviews r join profiles p "
        "on p.id = r.profile_id where p.handle = 'Rickee079'",
    )
    assert first[0][:2] == (
        10.0,
        "Para mi es de los mejores juegos que an salido en la historia el mundo,el lore, los "
        "jefes en general una obra maestra.",
    )
    assert first[0][2].startswith("2026-03-15")
    low = query(
        db,
        "select r.rating, substr(r.text, 1, 32) from reviews r join profiles p "
        "on p.id = r.profile_id where p.handle = 'Libi_Aeryn'",
    )
    assert low == [(1.0, "-no believable world, repetitive")]
    # Served as Cloudflare serves the site, with its jsd script in the page: not a challenge.
    assert query(db, "select status, content_type from fetches") == [(200, replay.HTML)]


def test_a_games_critic_reviews_page_of_2026(metacritic, tmp_path):
    db = tmp_path / "a.db"
    url = f"{metacritic.root}/game/elden-ring/critic-reviews/"
    result = read_listing(db, mc(), url, "profile_page")
    assert (result.pages, result.reviews) == (1, 10)
    # Ten publications, each scoring it 100 (10 on the archive's scale).
    publications = [p for (p,) in query(db, "select publication from reviews order by 1")]
    assert publications == [
        "Areajugones",
        "CD-Action",
        "Cultured Vultures",
        "Destructoid",
        "Game Revolution",
        "GameMAG",
        "GameSpew",
        "Gamer.no",
        "GamesBeat",
        "GamesHub",
    ]
    assert count(db, "select count(*) from reviews where rating = 10.0") == 10
    areajugones = query(
        db, "select rating, created_at from reviews where publication = 'Areajugones'"
    )
    assert areajugones[0][0] == 10.0 and areajugones[0][1].startswith("2022-02-23")


@pytest.mark.parametrize(
    ("page", "reviews", "users", "films", "user_sample"),
    [
        # 17 user reviews and 8 critic reviews, each once (the payload repeats some).
        (
            "/movie/lawrence-of-arabia-re-release/",
            25,
            17,
            1,
            ("oysteims", 10.0, "2026-03-05", "Without a doubt, one of the greatest movies"),
        ),
        # 2 user and 13 critic reviews, of the show and four of its seasons.
        (
            "/tv/the-larry-sanders-show/",
            15,
            2,
            5,
            ("apurdy", 8.0, "2023-11-25", "Every actor in this show is bringing amazing"),
        ),
    ],
)
def test_nuxt_payloads_of_a_film_and_a_show(
    metacritic, tmp_path, page, reviews, users, films, user_sample
):
    db = tmp_path / "a.db"
    url = f"{metacritic.root}{page}_payload.json"
    result = read_listing(db, mc(page.split("/")[2]), url, "nuxt_payload")
    assert (result.pages, result.reviews) == (1, reviews)
    assert count(db, "select count(distinct id) from reviews") == reviews
    assert count(db, "select count(*) from films") == films
    assert (
        count(db, "select count(*) from reviews where source = 'metacritic-user-reviews'") == users
    )
    handle, rating, day, words = user_sample
    sample = query(
        db,
        "select r.rating, r.created_at, r.text from reviews r join profiles p "
        "on p.id = r.profile_id where p.handle = ?",
        handle,
    )
    assert sample[0][0] == rating and sample[0][1].startswith(day)
    assert sample[0][2].startswith(words)


def test_a_user_page_of_2020_behind_robots_txt(metacritic, tmp_path):
    db = tmp_path / "a.db"
    url = f"{metacritic.root}/user/{replay.MC_LEGACY_USER}"
    target = mc(replay.MC_LEGACY_USER)
    # robots.txt disallows /user to every crawler: refused before it is asked for.
    with pytest.raises(Blocked, match="robots.txt"):
        read_listing(db, target, url, "legacy_profile")
    assert metacritic.requests() == []
    result = read_listing(db, target, url, "legacy_profile", robots=False)  # --ignore-robots
    assert (result.pages, result.reviews) == (1, 1)
    row = query(
        db,
        "select f.title, f.kind, r.rating, r.created_at, r.text, r.profile_id "
        "from reviews r join films f on f.id = r.film_id",
    )
    assert row[0][:3] == ("Captain Marvel", "movie", 10.0)
    assert row[0][3].startswith("2019-03-10")
    assert row[0][4].startswith("It's a very human exploration of both the main character")
    assert row[0][4].rstrip().endswith("You should go see this movie.")
    assert row[0][5] == f"metacritic:{replay.MC_LEGACY_USER}"


def test_imdb_review_cards_of_a_title(imdb, tmp_path):
    db = tmp_path / "a.db"
    url = f"{imdb.root}/title/{replay.IMDB_TITLE}/reviews/"
    target = Target("imdb", "ur29346022")
    # robots.txt says Disallow: / to every crawler (2026): only --ignore-robots reads it.
    with pytest.raises(Blocked, match="robots.txt"):
        read_listing(db, target, url, "review_cards")
    result = read_listing(db, target, url, "review_cards", robots=False)
    # 35 cards, each its own member; 31 with stars; one title, read as saved (no next page).
    assert (result.pages, result.reviews) == (1, 35)
    assert imdb.requests() == [f"GET /title/{replay.IMDB_TITLE}/reviews/"]
    assert count(db, "select count(distinct profile_id) from reviews") == 35
    assert count(db, "select count(*) from reviews where rating is not null") == 31
    assert query(db, "select distinct film_id from reviews") == [(f"imdb:{replay.IMDB_TITLE}",)]
    first = query(
        db,
        "select r.profile_id, r.rating, r.rating_raw, r.created_at, r.text, r.url "
        "from reviews r where r.id = 'imdb:ur29346022/review/rw2858099'",
    )
    assert first[0][:3] == ("imdb:ur29346022", 8.0, "8/10")
    assert first[0][3].startswith("2013-08-24")
    # The headline, then the review (plain text; the HTML stays in text_original).
    assert first[0][4].startswith(
        "Another funny, clever, and wild one from Simon Pegg and Edgar Wright\nIf you seen"
    )
    assert first[0][4].endswith("It is funny, clever, and a hell of a ride.")
    assert first[0][5] == "https://www.imdb.com/review/rw2858099/"
    last = query(
        db, "select rating, created_at from reviews where id = 'imdb:ur31117020/review/rw9494931'"
    )
    assert last[0][0] == 8.0 and last[0][1].startswith("2023-12-13")
    names = dict(query(db, "select handle, display_name from profiles"))
    assert names["ur29346022"] == "ikiru71-220-566499" and names["ur31117020"] == "vengeance20"
