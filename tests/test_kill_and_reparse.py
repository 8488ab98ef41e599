"""Killed at any moment, the archive stays whole and the next run completes it; the raw pages
kept in the archive rebuild every review without the network."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

import pytest

from tests.conftest import scrape_command, scrape_env
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings

PROFILE = "rottentomatoes:critic/jane-critic"
KILL_POINTS = 20


@pytest.fixture
def site():
    with FakeRottenTomatoes(Site(critics={"jane-critic": make_ratings("critic", 300)})) as server:
        yield server


@pytest.fixture
def backup_command(tmp_path, site):
    config = tmp_path / "scrape.toml"
    config.write_text(
        f'db = "{tmp_path / "archive.db"}"\n[people.jane]\nrottentomatoes = "{PROFILE}"\n'
    )
    env = scrape_env({"SCRAPE_ROTTENTOMATOES_ROOT": site.root})
    return scrape_command("backup", "--config", str(config)), env


def check_against_truth(db, site) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        conn.execute("insert into reviews_fts(reviews_fts) values('integrity-check')")
        ids = [row[0] for row in conn.execute("select id from reviews where deleted_at is null")]
        assert conn.execute(
            "select count(*) from reviews where missing_since is not null"
        ).fetchone() == (0,)
        statuses = {row[0] for row in conn.execute("select status from runs")}
    expected = {f"{PROFILE}/{r.ems_id}" for r in site.site.critics["jane-critic"]}
    assert len(ids) == len(set(ids)) and set(ids) == expected
    assert statuses <= {"ok", "killed"}


def test_sigkill_at_many_points_loses_and_duplicates_nothing(site, backup_command, tmp_path):
    command, env = backup_command
    site.site.latency = 0.01
    started = time.monotonic()
    assert subprocess.run(command, env=env, capture_output=True, timeout=60).returncode == 0
    duration = time.monotonic() - started
    reviews = site.site.critics["jane-critic"]
    for point in range(KILL_POINTS):
        reviews[0:0] = make_ratings(f"new{point}", 7)  # something new to write each time
        child = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(duration * (point + 0.5) / KILL_POINTS)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert rerun.returncode == 0, (point, rerun.stderr)
        check_against_truth(tmp_path / "archive.db", site)


def test_reparse_rebuilds_dropped_reviews_identically(site, backup_command, tmp_path, run_scrape):
    command, env = backup_command
    db = tmp_path / "archive.db"
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    site.site.critics["jane-critic"][3].text = "Edited: the ending grew on me"
    site.site.critics["jane-critic"][0:0] = make_ratings("later", 4)
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    with sqlite3.connect(db) as conn:
        before = conn.execute("select * from reviews order by id").fetchall()
        versions = conn.execute("select * from review_versions order by id").fetchall()
        assert len(versions) == 1
        conn.execute("delete from review_versions")
        conn.execute("delete from reviews")
    done = run_scrape("reparse", "--db", str(db))
    assert done.returncode == 0, done.stderr
    # 6 film pages and the (empty) TV page of the first run, 2 + 1 of the incremental second;
    # 304 distinct reviews among them.
    assert "10 pages: 400 reviews (304 new, 1 changed)" in done.stdout, done.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("select * from reviews order by id").fetchall() == before
        assert conn.execute("select * from review_versions order by id").fetchall() == versions
        hits = conn.execute("select count(*) from reviews_fts where reviews_fts match 'grew'")
        assert hits.fetchone() == (1,)
