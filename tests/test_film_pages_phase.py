"""Issue 31, item 3: the films' own pages after a crawl are announced with their number and
rough duration, counted n/total, stopped by Ctrl-C as an interruption, and their leftovers
read (and named) by the next, incremental run."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

from scraper.cli.crawling import _progress
from scraper.jobs.crawl_result import CrawlResult
from scraper.models import Target
from tests.conftest import scrape_command, scrape_env
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings


def test_ctrl_c_among_film_pages_is_an_interruption_the_next_run_finishes(tmp_path, run_scrape):
    # The 2023+ profile API names no year: each of the 60 films needs its own page.
    site = Site(profiles={"AbC123": make_ratings("audience", 60)})
    site.faults = {"/m/": ["slow:0.3"] * 100}
    db = tmp_path / "archive.db"
    with FakeRottenTomatoes(site) as server:
        env = {"SCRAPE_ROTTENTOMATOES_ROOT": server.root}
        child = subprocess.Popen(
            scrape_command("user", "rottentomatoes:AbC123", "--db", str(db)),
            env=scrape_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while not site.requests("GET /m/") and time.monotonic() < deadline:
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
        assert child.returncode == 130, out + err
        assert "rottentomatoes:AbC123: reading 60 film pages for years, about" in err
        assert "--no-film-details skips them" in err
        assert "interrupted at film page" in out
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
            left = conn.execute("SELECT count(*) FROM films WHERE year_checked_at IS NULL")
            assert 0 < left.fetchone()[0] < 60
        site.faults = {}
        again = run_scrape("user", "rottentomatoes:AbC123", "--db", str(db), env=env)
    assert again.returncode == 0, again.stderr
    assert "[incremental]" in again.stdout
    assert "left over from an earlier run read now" in again.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM films WHERE year IS NULL").fetchone() == (0,)


def test_the_progress_line_counts_film_pages_of_their_total_with_what_is_left(capsys):
    result = CrawlResult(Target("rottentomatoes", "AbC123"), film_total=415)
    result.film_pages, result.film_left = 37, 378.0
    _progress(result)
    assert "film pages 37/415, about 6 min left" in capsys.readouterr().err
