"""A checkpoint as stored in the archive: the request it resumes from comes back whole, on the
site's root of the day, without the credentials a root may carry; too old, it is dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scraper.errors import Blocked, FetchError, Interrupted, OutOfTime
from scraper.sites.rottentomatoes import listings
from scraper.sites.rottentomatoes.api import profile_request
from scraper.sites.site import NoSettings
from scraper.store import checkpoints, runs, schema
from scraper.store.checkpoints import Checkpoint

PROFILE = "rottentomatoes:AbC123"


@pytest.fixture
def db(tmp_path):
    archive = schema.open_archive(tmp_path / "archive.db")
    yield archive
    archive.close()


def stored(db, point: Checkpoint) -> None:
    run_id = runs.start(db, "backup")
    with db.conn:
        checkpoints.save(db, PROFILE, run_id, point)


def test_a_post_request_comes_back_whole_on_todays_root_without_credentials(db, monkeypatch):
    monkeypatch.setenv("SCRAPE_ROTTENTOMATOES_ROOT", "http://bob:s3cret@mirror.example:8080")
    movie = listings("AbC123", NoSettings())[0]
    refused = profile_request("http://bob:s3cret@mirror.example:8080", "AbC123", "movie", "MTAw")
    stored(db, Checkpoint(movie, refused, 3, "403", datetime.now(UTC)))
    row = db.execute("SELECT * FROM checkpoints").fetchone()
    assert "s3cret" not in repr(row) and "mirror.example" not in repr(row)

    monkeypatch.setenv("SCRAPE_ROTTENTOMATOES_ROOT", "http://127.0.0.1:9999")
    today = listings("AbC123", NoSettings())
    point = checkpoints.load(db, PROFILE)
    assert point is not None and point.label == "napi-profiles-ratings-movie page 3"
    placed = point.placed(today)
    assert placed is not None and placed.listing is today[0]
    assert placed.request == profile_request("http://127.0.0.1:9999", "AbC123", "movie", "MTAw")
    assert placed.where == "page 3 of /napi/profiles/ratings/AbC123/movie"
    # The listing is matched by what it is, not by its root: a TV checkpoint is TV's.
    assert placed.placed([today[1]]) is None


def test_a_checkpoint_older_than_a_week_is_dropped_with_a_note(db):
    movie = listings("AbC123", NoSettings())[0]
    old = datetime.now(UTC) - timedelta(days=8)
    stored(db, Checkpoint(movie, movie, 2, "403", old))
    notes: list[str] = []
    assert checkpoints.pending(db, PROFILE, notes) == (None, True)
    assert notes == [
        f"dropped the checkpoint at napi-profiles-ratings-movie page 2 (stopped "
        f"{old:%Y-%m-%d %H:%M}: 403): older than 7 days; started over"
    ]


def test_an_unreadable_checkpoint_is_dropped(db):
    movie = listings("AbC123", NoSettings())[0]
    stored(db, Checkpoint(movie, movie, 2, "403", datetime.now(UTC)))
    with db.conn:
        db.execute("UPDATE checkpoints SET request = '{not json'")
    notes: list[str] = []
    assert checkpoints.pending(db, PROFILE, notes) == (None, True)
    assert "cannot read the checkpoint" in notes[0]


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (Blocked("http://x/p/3 refused access (403): it needs ...; advice", refused=True), "403"),
        (
            Blocked("http://x/p/3 answered with a Cloudflare challenge (HTTP 403) instead of data"),
            "a Cloudflare challenge (HTTP 403)",
        ),
        (
            FetchError("GET http://x/p/3 failed 4 times (last: HTTP 429); the site is down"),
            "HTTP 429",
        ),
        (FetchError("http://x/p/3 answered 429 and asked us to wait 900s; try again"), "429"),
        (Blocked("x: this profile's ratings need your logged-in session: sign in"), "a login page"),
        (OutOfTime("the run reached its time limit"), "the run's time limit"),
        (Interrupted("interrupted after 2 pages"), "interrupted"),
    ],
)
def test_why_a_crawl_stopped_in_a_few_words(error, said):
    assert checkpoints.reason(error) == said
