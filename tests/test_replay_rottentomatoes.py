"""Rotten Tomatoes on real bytes (tests/fakes/replay.py): a 2023 profile's ratings POSTed for
with the session as the browser sends it, and a legacy profile's ratings, each by a real
`scrape` process; the 2023 critic page, which no crawl asks for, in-process through the crawl's
own code. Expected numbers and records were read off the raw JSON by hand (jq-style counts of
ratings[], their scores, titles and times)."""

from __future__ import annotations

import json

import pytest

from scraper.models import Target
from tests.fakes import replay
from tests.replaying import count, query, read_listing

HANDLE = replay.RT_PROFILE


@pytest.fixture
def site(corpus):
    with replay.rottentomatoes(corpus) as server:
        yield server


def cookies_file(tmp_path):
    """The logged-in session, as a browser's cookies.txt export holds it."""
    path = tmp_path / "cookies.txt"
    path.write_text(
        "# Netscape HTTP Cookie File\n"
        + "".join(
            f"127.0.0.1\tFALSE\t/\tFALSE\t0\t{n}\t{v}\n" for n, v in replay.RT_SESSION.items()
        )
    )
    path.chmod(0o600)
    return path


def test_profile_ratings_posted_for_with_the_session(site, run_scrape, tmp_path):
    db = tmp_path / "archive.db"
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    done = run_scrape(
        "user",
        f"https://www.rottentomatoes.com/profiles/{HANDLE}",
        "--cookies",
        str(cookies_file(tmp_path)),
        "--no-film-details",
        "--db",
        str(db),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    # The movie ratings came whole in one answer (hasNextPage false); TV is not captured and
    # answers as an empty listing.
    assert site.requests() == [
        f"POST /napi/profiles/ratings/{HANDLE}/movie?pagecount=50",
        f"POST /napi/profiles/ratings/{HANDLE}/tv?pagecount=50",
    ]
    assert "415 reviews on 2 pages (415 new, 0 changed, 0 missing) [full]" in done.stdout
    # The body repeats the session's two cookies, as the profile page's script sends it.
    bodies = [json.loads(body) for _, body in site.bodies]
    assert bodies == [
        {"_expiry": "1686000000000", "_token": "tok-replay"},
        {"_expiry": "1686000000000", "_token": "tok-replay"},
    ]

    profile = f"rottentomatoes:{HANDLE}"
    assert count(db, "select count(*) from reviews where profile_id = ?", profile) == 415
    assert count(db, "select count(distinct film_id) from reviews") == 415
    assert count(db, "select count(*) from films where kind = 'movie'") == 415
    assert count(db, "select count(*) from reviews where text is not null") == 297
    # One rating without a score: The Good Dinosaur.
    assert query(
        db,
        "select f.title from reviews r join films f on f.id = r.film_id where r.rating is null",
    ) == [("The Good Dinosaur",)]
    newest = query(
        db,
        "select f.title, f.year, r.rating, r.text, r.created_at, r.created_at_precision "
        "from reviews r join films f on f.id = r.film_id where f.id = 'rottentomatoes:m/suzume'",
    )
    assert newest == [
        (
            "Suzume",
            None,  # the 2023 API gives no year; film pages were not read (--no-film-details)
            10.0,
            'Really reminds me of "Your Name". A lovable character, a true love and an '
            "original story. Not much more to ask for.",
            "2023-05-04T16:26:35.163Z",
            "exact",
        )
    ]
    # The oldest, Flixster-era, with its mojibake kept as the site gave it.
    cabin = query(
        db,
        "select r.rating, r.text_original from reviews r join films f on f.id = r.film_id "
        "where f.id = 'rottentomatoes:m/the_cabin_in_the_woods'",
    )
    assert cabin[0][0] == 8.0 and "clichÃ (C)s" in cabin[0][1]


def test_profile_without_the_session_is_refused_and_says_how_to_log_in(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    done = run_scrape("user", f"rottentomatoes:{HANDLE}", "--db", str(tmp_path / "a.db"), env=env)
    assert done.returncode == 1
    assert "need your logged-in session" in done.stderr and "--cookies" in done.stderr
    assert site.requests() == [f"POST /napi/profiles/ratings/{HANDLE}/movie?pagecount=50"]


def test_legacy_profile_first_page_then_the_real_last_page(site, run_scrape, tmp_path):
    db = tmp_path / "archive.db"
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    done = run_scrape(
        "user",
        f"rottentomatoes:user/{replay.RT_LEGACY}",
        "--no-film-details",
        "--db",
        str(db),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    requests = site.requests()
    assert len(requests) == 2
    assert requests[0] == f"GET /napi/userProfile/movieRatings/{replay.RT_LEGACY}"
    assert requests[1].startswith(
        f"GET /napi/userProfile/movieRatings/{replay.RT_LEGACY}?endCursor="
    )
    # 20 ratings a page, no film on both, none written.
    assert "40 reviews on 2 pages (40 new, 0 changed, 0 missing) [full]" in done.stdout
    assert count(db, "select count(distinct film_id) from reviews") == 40
    assert count(db, "select count(*) from reviews where text is not null") == 0
    rows = dict(
        (title, rest)
        for title, *rest in query(
            db,
            "select f.title, f.year, r.rating, r.created_at, r.created_at_precision "
            "from reviews r join films f on f.id = r.film_id",
        )
    )
    assert rows["Spider-Man: Far From Home"][:2] == [2019, 8.0]
    assert rows["Harry Potter and the Sorcerer's Stone"][:2] == [2001, 6.0]
    # The last item of each page: its exact time is in the page's cursor (createDate).
    assert rows["Indiana Jones and the Kingdom of the Crystal Skull"] == [
        2008,
        5.0,
        "2017-09-04T11:54:25Z",
        "exact",
    ]
    assert rows["The Boy Who Could Fly"] == [1986, 7.0, "2019-07-30T12:20:46.399Z", "exact"]
    assert rows["The Naked Gun 2 1/2: The Smell of Fear"][:2] == [1991, 8.0]
    assert query(db, "select display_name from profiles") == [("S S",)]


def test_critic_page_of_2023_through_the_crawl(site, tmp_path):
    db = tmp_path / "a.db"
    target = Target("rottentomatoes", f"critic/{replay.RT_CRITIC}")
    result = read_listing(
        db, target, f"{site.root}/critics/{replay.RT_CRITIC}/movies", "critic_page"
    )
    # 50 reviews embedded in the page; its cursor leads to the critic API, not captured, which
    # answers as at its end.
    assert (result.pages, result.reviews) == (2, 50)
    assert site.requests() == [
        f"GET /critics/{replay.RT_CRITIC}/movies",
        f"GET /napi/critics/{replay.RT_CRITIC}/movies?after=MQ%3D%3D&pageCount=50",
    ]
    assert count(db, "select count(distinct film_id) from reviews") == 50
    sentiments = dict(query(db, "select sentiment, count(*) from reviews group by sentiment"))
    assert sentiments == {"fresh": 35, "rotten": 15}
    # No score on any: the rating stays empty, its raw form the sentiment.
    assert count(db, "select count(*) from reviews where rating is not null") == 0
    first = query(
        db,
        "select f.title, f.year, r.rating_raw, r.publication, r.created_at, r.text "
        "from reviews r join films f on f.id = r.film_id "
        "where f.id = 'rottentomatoes:m/oppenheimer_2023'",
    )
    assert first[0][:4] == ("Oppenheimer", 2023, "fresh", "MullingMovies.com")
    assert first[0][4].startswith("2023-07-24")
    assert first[0][5].startswith("[Nolan's films are] very loud, very busy, and very cold.")
    assert query(db, "select display_name from profiles") == [("Rain Jokinen",)]
