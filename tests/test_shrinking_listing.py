"""Issue 31, item 11: a listing that suddenly answers nothing (or, read whole, less than half of
what the archive holds from it) is a warning and a note on the run, and marks nothing missing
until a second full run finds it as short."""

from __future__ import annotations

import sqlite3

import pytest

from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings

PROFILE = "rottentomatoes:critic/jane-critic"


@pytest.fixture
def site():
    with FakeRottenTomatoes(Site(critics={"jane-critic": make_ratings("critic", 120)})) as server:
        yield server


@pytest.fixture
def crawl(run_scrape, site, tmp_path):
    config = tmp_path / "scrape.toml"
    config.write_text("[backup]\nfilm_details = false\n")

    def run(*args: str):
        return run_scrape(
            "user",
            PROFILE,
            "--config",
            str(config),
            "--db",
            str(tmp_path / "archive.db"),
            *args,
            env={"SCRAPE_ROTTENTOMATOES_ROOT": site.root},
        )

    return run


def last_profile_run(db) -> tuple:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT mode, status, note, missing FROM profile_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()


def missing(db) -> int:
    with sqlite3.connect(db) as conn:
        sql = "SELECT count(*) FROM reviews WHERE missing_since IS NOT NULL"
        return conn.execute(sql).fetchone()[0]


def test_an_incremental_run_whose_listing_answers_nothing_warns_and_notes_it(site, crawl, tmp_path):
    db = tmp_path / "archive.db"
    assert crawl().returncode == 0
    site.site.critics["jane-critic"] = []
    done = crawl()
    assert done.returncode == 0, done.stderr
    said = "listing answered 0 reviews where the archive holds 120"
    assert f"warning: {PROFILE}: the critic-reviews {said}" in done.stderr
    mode, status, note, _ = last_profile_run(db)
    assert (mode, status) == ("incremental", "ok") and said in note
    assert "until a full run confirms it" in note
    # The next run is full, to see for itself; a listing of nothing still marks nothing.
    again = crawl()
    assert "[full]" in again.stdout and said in again.stderr
    assert missing(db) == 0


def test_a_full_run_whose_listing_lost_more_than_half_marks_missing_only_when_confirmed(
    site, crawl, tmp_path
):
    db = tmp_path / "archive.db"
    assert crawl().returncode == 0
    site.site.critics["jane-critic"] = site.site.critics["jane-critic"][:50]
    first = crawl("--full")
    assert "listing answered 50 reviews where the archive holds 120" in first.stderr
    assert last_profile_run(db)[3] == 0 and missing(db) == 0
    second = crawl("--full")
    assert second.returncode == 0 and "warning" not in second.stderr
    assert missing(db) == 70
