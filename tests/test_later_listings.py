"""A listing that does not exist is not a failure, unless it is the profile's first (issue 28,
item 3): real `scrape` processes against the stand-in sites, a real archive queried after."""

from __future__ import annotations

import sqlite3

import pytest

from tests.fakes.letterboxd import FakeLetterboxd, make_member
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings

CRITIC = "rottentomatoes:critic/jane-critic"


def query(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def critic():
    data = Site(critics={"jane-critic": make_ratings("critic", 132, tv_every=11)})
    with FakeRottenTomatoes(data) as server:
        yield server


@pytest.fixture
def scrape_critic(run_scrape, critic, tmp_path):
    def run(*args: str):
        critic.site.log.clear()
        env = {"SCRAPE_ROTTENTOMATOES_ROOT": critic.root}
        db = str(tmp_path / "archive.db")
        return run_scrape("user", CRITIC, "--no-film-details", "--db", db, *args, env=env)

    return run


def test_a_critic_without_tv_reviews_is_archived_with_a_note(critic, scrape_critic, tmp_path):
    critic.site.faults = {"/napi/critics/jane-critic/tv": ["status:404"]}
    done = scrape_critic()
    assert done.returncode == 0, done.stderr
    assert "120 reviews on 3 pages (120 new, 0 changed, 0 missing) [full]" in done.stdout
    note = f"no such listing: {critic.root}/napi/critics/jane-critic/tv answered 404"
    assert note in done.stdout
    db = tmp_path / "archive.db"
    assert query(db, "select count(*) from reviews where source = 'critic-reviews'") == [(120,)]
    assert query(db, "select status, note from profile_runs") == [("ok", note)]


def test_a_listing_gone_404_marks_none_of_its_reviews_missing(critic, scrape_critic, tmp_path):
    assert scrape_critic().returncode == 0
    db = tmp_path / "archive.db"
    assert query(db, "select count(*) from reviews where source = 'critic-reviews-tv'") == [(12,)]
    # The TV listing answers 404 now, and a film review is gone: a full crawl marks the film
    # review missing (its listing was read), and none of the TV reviews (theirs was not).
    gone = critic.site.critics["jane-critic"].pop(5)
    assert not gone.tv
    critic.site.faults = {"/napi/critics/jane-critic/tv": ["status:404"]}
    done = scrape_critic("--full")
    assert done.returncode == 0, done.stderr
    assert "(0 new, 0 changed, 1 missing) [full]" in done.stdout, done.stdout
    assert "no such listing:" in done.stdout
    assert query(db, "select source from reviews where missing_since is not null") == [
        ("critic-reviews",)
    ]


def test_a_first_listing_that_answers_404_is_a_profile_that_does_not_exist(
    critic, scrape_critic, tmp_path
):
    critic.site.faults = {"/napi/critics/jane-critic/movies?pageCount": ["status:404"]}
    done = scrape_critic()
    assert done.returncode == 1
    assert f"{CRITIC} does not exist on rottentomatoes" in done.stderr, done.stderr
    assert critic.site.requests() == ["GET /napi/critics/jane-critic/movies?pageCount=50"]


def test_a_404_past_the_first_page_fails_and_marks_nothing_missing(
    critic, scrape_critic, run_scrape, tmp_path
):
    assert scrape_critic().returncode == 0
    critic.site.critics["jane-critic"].pop(100)  # on the third page
    critic.site.faults = {"/napi/critics/jane-critic/movies?after=NTA": ["status:404"]}
    done = scrape_critic("--full")
    assert done.returncode == 1, done.stdout
    assert (
        "answered 404 at page 2 of /napi/critics/jane-critic/movies, cutting the listing "
        "short; the crawl is incomplete, so nothing was marked missing"
    ) in done.stderr, done.stderr
    db = tmp_path / "archive.db"
    assert query(db, "select count(*) from reviews where missing_since is not null") == [(0,)]
    # Not a refusal: nothing to resume from, the next run is a full one from the top.
    assert query(db, "select count(*) from checkpoints") == [(0,)]
    status = run_scrape("status", "--db", str(db))
    assert "resumes at" not in status.stdout and status.returncode == 1


@pytest.fixture
def member():
    with FakeLetterboxd(make_member("alice", 120)) as server:
        yield server


def test_a_member_without_a_reviews_page_is_archived_with_a_note(member, run_scrape, tmp_path):
    member.missing.add("/alice/films/reviews/")
    db = tmp_path / "archive.db"
    env = {"SCRAPE_LETTERBOXD_ROOT": member.root}
    done = run_scrape("user", "letterboxd:alice", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    assert f"no such listing: {member.root}/alice/films/reviews/ answered 404" in done.stdout
    alice = member.members["alice"]
    assert query(db, "select count(*) from reviews where id like '%/viewing/%'") == [(120,)]
    assert query(db, "select count(*) from reviews where id like '%/rating/%'") == [
        (len(alice.films),)
    ]
    assert not [r for r in member.requests() if "/films/reviews/page/" in r]


def test_a_feed_that_answers_404_is_skipped_and_the_listings_read(member, run_scrape, tmp_path):
    """The feed an incremental run reads first is not the profile's first listing: a 404 there
    is a note, and the diary (the first listing) says whether the member exists."""
    db = tmp_path / "archive.db"
    env = {"SCRAPE_LETTERBOXD_ROOT": member.root}
    assert run_scrape("user", "letterboxd:alice", "--db", str(db), env=env).returncode == 0
    member.missing.add("/alice/rss/")
    member.log.clear()
    done = run_scrape("user", "letterboxd:alice", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    assert "[incremental]" in done.stdout and "/alice/rss/ answered 404" in done.stdout
    assert member.requests()[:2] == ["GET /alice/rss/", "GET /alice/films/diary/"]
    member.missing.add("/alice/films/diary/")
    gone = run_scrape("user", "letterboxd:alice", "--db", str(db), env=env)
    assert gone.returncode == 1
    assert "letterboxd:alice does not exist on letterboxd" in gone.stderr, gone.stderr
