"""Resuming where a block stopped us (issue 28, item 4): a stand-in site refuses page 3 once;
the first run fails keeping pages 1-2, the next reads page 3 first, reads on to the end, then
from the top: up to what was archived before (a run full only because the last one stopped),
or every page (--full). Real `scrape` processes, real archives, the servers' request logs."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.fakes.letterboxd import FakeLetterboxd, make_member
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings

CRITIC = "rottentomatoes:critic/jane-critic"
MOVIES = "/napi/critics/jane-critic/movies"
PAGES = [
    f"GET {MOVIES}?pageCount=50",
    f"GET {MOVIES}?after=NTA%3D&pageCount=50",
    f"GET {MOVIES}?after=MTAw&pageCount=50",
]
TV = "GET /napi/critics/jane-critic/tv?pageCount=50"


def stopped(why: str) -> str:
    """The pattern of `(stopped 2026-12-07 21:04: 403)`."""
    return r"\(stopped \d{4}-\d\d-\d\d \d\d:\d\d: " + why + r"\)"


def query(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_letterboxd_resumes_at_the_page_a_403_stopped(run_scrape, tmp_path):
    member = make_member("alice", 120)  # 40 reviews: 4 pages of 12
    db = str(tmp_path / "archive.db")
    with FakeLetterboxd(member) as site:
        env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
        site.refuse_once.add("/alice/films/reviews/page/3/")
        first = run_scrape("user", "letterboxd:alice", "--db", db, env=env)
        assert first.returncode == 1, first.stdout
        assert first.stderr.count("\n") == 1, first.stderr
        assert "refused access (403)" in first.stderr
        assert first.stderr.rstrip().endswith(
            "stopped at page 3 of /alice/films/reviews/; the next run resumes there"
        )
        # The pages read before the refusal are kept.
        read = [u for (u,) in query(db, "select url from fetches") if "/films/reviews/" in u]
        assert read == [
            f"{site.root}/alice/films/reviews/",
            f"{site.root}/alice/films/reviews/page/2/",
        ]
        assert query(db, "select count(*) from reviews where text is not null") == [(24,)]

        status = run_scrape("status", "--db", db)
        assert status.returncode == 1
        assert re.search(
            r"letterboxd:alice: last run failed .*; resumes at letterboxd-reviews page 3 "
            + stopped("403"),
            status.stdout,
        ), status.stdout

        site.log.clear()
        second = run_scrape("user", "letterboxd:alice", "--db", db, env=env)
        assert second.returncode == 0, second.stderr
        # The first run read every page before page 3, so the pass from the top is an
        # incremental one: not the whole member again, where the site refused us before.
        assert "[incremental]" in second.stdout
        assert re.search(
            r"; resumed at letterboxd-reviews page 3 " + stopped("403") + " and read on to the "
            "end, then from the top to what was archived before",
            second.stdout,
        ), second.stdout
        requests = site.requests()
        # Page 3 first, to the end of the reviews, then the listing after it (the films grid),
        # then from the top as an incremental run reads it: the feed, which reaches back to
        # what is archived, so no listing again; then the whole texts.
        assert requests[:5] == [
            "GET /alice/films/reviews/page/3/",
            "GET /alice/films/reviews/page/4/",
            "GET /alice/films/",
            "GET /alice/films/page/2/",
            "GET /alice/rss/",
        ]
        assert all(r.startswith("GET /s/full-text/") for r in requests[5:]), requests
    # Every review once: the 120 viewings, a rating row per film, 40 with their text, and no
    # version made by reading a page twice.
    assert query(
        db, "select count(*), count(distinct id) from reviews where id like '%/viewing/%'"
    ) == [(120, 120)]
    assert query(db, "select count(*) from reviews where id like '%/rating/%'") == [
        (len(member.films),)
    ]
    assert query(db, "select count(*) from reviews where text is not null") == [(40,)]
    assert query(db, "select count(*) from review_versions") == [(0,)]
    assert query(db, "select count(*) from reviews where text_incomplete = 1") == [(0,)]
    after = run_scrape("status", "--db", db)
    assert after.returncode == 0 and "resumes at" not in after.stdout, after.stdout


@pytest.fixture
def critic(tmp_path):
    data = Site(critics={"jane-critic": make_ratings("critic", 120)})
    with FakeRottenTomatoes(data) as server:
        yield server


@pytest.fixture
def backup(run_scrape, critic, tmp_path):
    """`scrape backup` as cron runs it, for the one critic."""
    config = tmp_path / "scrape.toml"
    config.write_text(
        f'db = "{tmp_path / "archive.db"}"\n[people.jane]\nrottentomatoes = "{CRITIC}"\n'
        "[fetch]\ntries = 2\nbackoff = 0.05\n[backup]\nfilm_details = false\n"
    )

    def run(*args: str):
        critic.site.log.clear()
        env = {"SCRAPE_ROTTENTOMATOES_ROOT": critic.root}
        return run_scrape(*args, "--config", str(config), env=env)

    return run


def test_a_cursor_listing_resumes_at_its_cursor_after_a_challenge(critic, backup, tmp_path):
    db = tmp_path / "archive.db"
    critic.site.faults = {f"{MOVIES}?after=MTAw": ["cloudflare:403"]}
    first = backup("backup")
    assert first.returncode == 1
    assert critic.site.requests() == PAGES
    assert first.stderr.startswith(f"{CRITIC}: ") and "Cloudflare" in first.stderr
    assert first.stderr.rstrip().endswith(
        f"stopped at page 3 of {MOVIES}; the next run resumes there"
    )
    assert query(db, "select count(*) from reviews") == [(100,)]
    status = backup("status")
    assert re.search(
        f"{CRITIC}: last run failed .*; resumes at critic-reviews page 3 "
        + stopped(r"a Cloudflare challenge \(HTTP 403\)"),
        status.stdout,
    ), status.stdout

    # Refused again at once: the checkpoint stays where it was, nothing else is asked.
    critic.site.faults = {f"{MOVIES}?after=MTAw": ["cloudflare:403"]}
    again = backup("backup")
    assert again.returncode == 1 and critic.site.requests() == [PAGES[2]]
    assert "resumes at critic-reviews page 3" in backup("status").stdout

    done = backup("backup")
    assert done.returncode == 0, done.stderr
    # From the cursor to the end, TV after it; then from the top up to what is archived.
    assert critic.site.requests() == [PAGES[2], TV, PAGES[0], TV]
    assert "resumed at critic-reviews page 3" in done.stdout and "[incremental]" in done.stdout
    assert query(db, "select count(*), count(distinct film_id) from reviews") == [(120, 120)]
    assert query(db, "select count(*) from review_versions") == [(0,)]
    status = backup("status")
    assert status.returncode == 0 and "resumes at" not in status.stdout
    # No full crawl of this critic was ever whole in one run: the night after reads every
    # page once (what alone may mark reviews missing); the nights after are incremental.
    whole = backup("backup")
    assert "[full]" in whole.stdout and critic.site.requests() == [*PAGES, TV]
    quiet = backup("backup")
    assert "[incremental]" in quiet.stdout and critic.site.requests() == [PAGES[0], TV]


def test_an_expired_cursor_drops_the_checkpoint_and_starts_over(critic, backup, tmp_path):
    critic.site.faults = {f"{MOVIES}?after=MTAw": ["cloudflare:403"]}
    assert backup("backup").returncode == 1
    critic.site.faults = {f"{MOVIES}?after=MTAw": ["status:400"]}
    done = backup("backup")
    assert done.returncode == 0, done.stderr
    assert critic.site.requests() == [PAGES[2], *PAGES, TV]
    assert "dropped the checkpoint at critic-reviews page 3" in done.stdout
    assert "answered HTTP 400; started over" in done.stdout
    assert query(tmp_path / "archive.db", "select count(*) from checkpoints") == [(0,)]


def test_a_resumed_run_marks_nothing_missing_unless_it_read_every_page(critic, backup, tmp_path):
    db = tmp_path / "archive.db"
    assert backup("backup").returncode == 0
    critic.site.critics["jane-critic"].pop(110)  # gone from the third page
    critic.site.faults = {f"{MOVIES}?after=MTAw": ["cloudflare:403"]}
    assert backup("backup", "--full").returncode == 1
    # The resume reads page 3 to the end; starting over, the first page is refused.
    critic.site.faults = {f"{MOVIES}?pageCount": ["status:403"]}
    resumed = backup("backup", "--json")
    assert resumed.returncode == 1
    assert critic.site.requests() == [PAGES[2], TV, PAGES[0]]
    assert query(db, "select count(*) from reviews where missing_since is not null") == [(0,)]
    note = query(db, "select note from profile_runs order by id desc limit 1")[0][0]
    assert "resumed at critic-reviews page 3 " in note and "from the top" in note
    # Its resume done, no checkpoint is left; the next run reads every page and marks it.
    assert query(db, "select count(*) from checkpoints") == [(0,)]
    done = backup("backup")
    assert done.returncode == 0 and "1 missing" in done.stdout, done.stdout


def test_a_full_run_asked_for_resumes_then_reads_every_page(critic, backup, tmp_path):
    """--full after a stop: the checkpoint first, then the whole profile from the top, which
    alone may mark reviews missing."""
    db = tmp_path / "archive.db"
    assert backup("backup").returncode == 0
    critic.site.critics["jane-critic"].pop(110)  # gone from the third page
    critic.site.faults = {f"{MOVIES}?after=MTAw": ["cloudflare:403"]}
    assert backup("backup", "--full").returncode == 1
    done = backup("backup", "--full")
    assert done.returncode == 0, done.stderr
    assert critic.site.requests() == [PAGES[2], TV, *PAGES, TV]
    assert "[full]" in done.stdout and "1 missing" in done.stdout, done.stdout
    assert query(db, "select count(*) from reviews where missing_since is not null") == [(1,)]
