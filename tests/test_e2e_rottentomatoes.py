"""`scrape user` end to end: a real child process, a real HTTP server on 127.0.0.1 serving
Rotten Tomatoes' URL scheme, a real SQLite file queried afterwards."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

import pytest

from scraper import __version__
from tests.conftest import scrape_command, scrape_env
from tests.fake_rottentomatoes import FakeRottenTomatoes, Site, make_ratings


@pytest.fixture
def site():
    data = Site(
        critics={"jane-critic": make_ratings("critic", 120)},
        profiles={"AudienceX9": make_ratings("audience", 130, tv_every=5)},
        legacy={"976284330": make_ratings("legacy", 47)},
        session_cookie="rt_session=s3cret",
    )
    with FakeRottenTomatoes(data) as server:
        yield server


def query(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_critic_all_pages_then_second_run_adds_nothing(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    url = "https://www.rottentomatoes.com/critics/jane-critic/movies"
    first = run_scrape("user", url, "--db", str(db), env=env)
    assert first.returncode == 0, first.stderr
    assert "120 reviews on 3 pages (120 new, 0 changed, 0 missing) [full]" in first.stdout
    assert site.site.log == [
        "GET /robots.txt",
        "GET /critics/jane-critic/movies",
        "GET /napi/critics/jane-critic/movies?after=NTA%3D&pagecount=50",
        "GET /napi/critics/jane-critic/movies?after=MTAw&pagecount=50",
    ]
    assert query(db, "select count(*) from reviews")[0][0] == 120
    row = query(
        db,
        """select r.id, r.profile_id, f.title, f.year, f.kind, r.rating, r.rating_raw,
                       r.sentiment, r.text, r.created_at_precision, r.publication, r.url
                       from reviews r join films f on f.id = r.film_id
                       where f.id = 'rottentomatoes:m/critic_film_4'""",
    )[0]
    assert row == (
        f"rottentomatoes:critic/jane-critic/{make_ratings('critic', 5)[4].ems_id}",
        "rottentomatoes:critic/jane-critic",
        "Critic Film 4",
        1994,
        "movie",
        5.0,
        "2.5/5",
        "rotten",
        "Review number 4 of critic: a lighthouse keeper story",
        "day",
        "Local Gazette",
        "https://gazette.example/critic_film_4",
    )
    assert query(db, "select display_name from profiles")[0][0] == "Jane Critic"
    hits = query(db, "select count(*) from reviews_fts where reviews_fts match 'lighthouse'")
    assert hits[0][0] == 60

    site.site.log.clear()
    second = run_scrape("user", "rottentomatoes:critic/jane-critic", "--db", str(db), env=env)
    assert second.returncode == 0, second.stderr
    # Nothing new: the incremental run reads one page and stops.
    assert "50 reviews on 1 pages (0 new, 0 changed) [incremental]" in second.stdout
    assert site.site.requests() == ["GET /critics/jane-critic/movies"]
    assert query(db, "select count(*) from reviews")[0][0] == 120
    assert query(db, "select count(*) from films")[0][0] == 120


def test_edited_review_updates_its_row(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    assert (
        run_scrape("user", "rottentomatoes:critic/jane-critic", "--db", str(db), env=env).returncode
        == 0
    )
    edited = site.site.critics["jane-critic"][60]
    edited.text, edited.score = "Changed my mind entirely", 5.0
    again = run_scrape("user", "rottentomatoes:critic/jane-critic", "--db", str(db), env=env)
    assert "(0 new, 0 changed) [incremental]" in again.stdout  # the edit is deep in the history
    again = run_scrape(
        "user", "rottentomatoes:critic/jane-critic", "--full", "--db", str(db), env=env
    )
    assert "(0 new, 1 changed, 0 missing) [full]" in again.stdout, again.stdout + again.stderr
    versions = query(db, "select text, rating from review_versions")
    assert versions == [("Review number 60 of critic: a lighthouse keeper story", 1.0)]
    text, rating = query(
        db, "select text, rating from reviews where film_id = ?", f"rottentomatoes:m/{edited.slug}"
    )[0]
    assert (text, rating) == ("Changed my mind entirely", 10.0)
    assert (
        query(db, "select count(*) from reviews_fts where reviews_fts match 'changed'")[0][0] == 1
    )


def test_audience_profile_movies_and_tv_with_cookies(site, run_scrape, tmp_path):
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\trt_session\ts3cret\n"
    )
    cookies.chmod(0o600)
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user",
        "https://www.rottentomatoes.com/profiles/AudienceX9",
        "--db",
        str(db),
        "--cookies",
        str(cookies),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "130 reviews on 4 pages (130 new" in done.stdout
    assert site.site.requests() == [
        "POST /napi/profiles/ratings/AudienceX9/movie?pagecount=50",
        "POST /napi/profiles/ratings/AudienceX9/movie?pagecount=50&after=NTA%3D",
        "POST /napi/profiles/ratings/AudienceX9/movie?pagecount=50&after=MTAw",
        "POST /napi/profiles/ratings/AudienceX9/tv?pagecount=50",
    ]
    kinds = dict(query(db, "select kind, count(*) from films group by kind"))
    assert kinds == {"movie": 104, "tv": 26}
    assert query(db, "select id from films where kind = 'tv' limit 1") == [
        ("rottentomatoes:tv/audience_film_0/s01",)
    ]
    again = run_scrape(
        "user", "rottentomatoes:AudienceX9", "--db", str(db), "--cookies", str(cookies), env=env
    )
    assert "(0 new, 0 changed) [incremental]" in again.stdout, again.stderr
    assert query(db, "select count(*) from reviews")[0][0] == 130
    created = query(
        db,
        """select created_at, created_at_earliest, created_at_precision
                           from reviews where film_id = 'rottentomatoes:m/audience_film_1'""",
    )
    assert created == [("2023-07-21T04:26:40Z", "2023-07-21T04:26:40Z", "exact")]


def test_audience_profile_without_cookies_says_how_to_log_in(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    done = run_scrape("user", "rottentomatoes:AudienceX9", "--db", str(tmp_path / "a.db"), env=env)
    assert done.returncode == 1
    assert "403" in done.stderr and "--cookies" in done.stderr
    assert "Traceback" not in done.stderr
    assert site.site.requests() == ["POST /napi/profiles/ratings/AudienceX9/movie?pagecount=50"]


def test_legacy_profile_follows_end_cursor(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user", "https://www.rottentomatoes.com/user/id/976284330", "--db", str(db), env=env
    )
    assert done.returncode == 0, done.stderr
    assert "47 reviews on 3 pages (47 new" in done.stdout
    assert len(site.site.requests()) == 3 and "endCursor=" in site.site.requests()[2]
    assert query(db, "select display_name from profiles") == [("Legacy Person",)]
    precisions = dict(query(db, "select created_at_precision, count(*) from reviews group by 1"))
    # The last item of each page gets its exact time from the cursor; the rest say "5 years".
    assert precisions == {"exact": 3, "relative": 44}
    again = run_scrape("user", "rottentomatoes:user/976284330", "--db", str(db), env=env)
    assert "20 reviews on 1 pages (0 new, 0 changed) [incremental]" in again.stdout
    assert query(db, "select count(*) from reviews")[0][0] == 47


def test_unknown_profile_is_a_clear_404(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    done = run_scrape(
        "user", "rottentomatoes:critic/nobody-here", "--db", str(tmp_path / "a.db"), env=env
    )
    assert done.returncode == 1
    assert "rottentomatoes:critic/nobody-here does not exist" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (b"<html><body>Maintenance</body></html>", "HTML page instead"),
        (b'<html><form><input type="password" name="pw"></form></html>', "login page"),
    ],
)
def test_html_where_json_was_expected_fails_loudly(site, run_scrape, tmp_path, html, message):
    site.site.html_instead_of_json = html
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "a.db"
    done = run_scrape("user", "rottentomatoes:user/976284330", "--db", str(db), env=env)
    assert done.returncode == 1
    assert message in done.stderr and "Traceback" not in done.stderr
    assert query(db, "select count(*) from reviews")[0][0] == 0


def test_killed_mid_crawl_leaves_whole_pages_and_next_run_completes(site, tmp_path):
    site.site.stall_from, site.site.stall_seconds = 100, 30
    db = tmp_path / "archive.db"
    env = scrape_env({"SCRAPE_ROTTENTOMATOES_ROOT": site.root})
    command = scrape_command("user", "rottentomatoes:critic/jane-critic", "--db", str(db))
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            # The third page stalls; a full crawl writes the second while fetching it.
            asked = any("after=MTAw" in line for line in site.site.log)
            if asked and query(db, "select count(*) from reviews")[0][0] == 100:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the crawl never reached its third page")
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert query(db, "pragma integrity_check") == [("ok",)]
    assert query(db, "select count(*) from reviews")[0][0] == 100
    with sqlite3.connect(db) as conn:  # raises if the FTS index and the table disagree
        conn.execute("insert into reviews_fts(reviews_fts) values('integrity-check')")

    site.site.stall_from = None
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert "(20 new, 0 changed" in done.stdout, done.stderr
    assert query(db, "select count(*), count(distinct film_id) from reviews")[0] == (120, 120)


def test_verbose_logs_each_request(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    done = run_scrape(
        "-v", "user", "rottentomatoes:critic/jane-critic", "--db", str(tmp_path / "a.db"), env=env
    )
    assert done.returncode == 0
    lines = [line for line in done.stderr.splitlines() if " -> 200 " in line]
    assert len(lines) == 4 and lines[0].startswith(f"GET {site.root}/robots.txt")
    assert site.site.agents == {f"scrape/{__version__} (personal review backup)"}
    assert lines[1].startswith(f"GET {site.root}/critics/jane-critic/movies")


def test_impersonating_transport_fetches_the_same_data(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user",
        "rottentomatoes:critic/jane-critic",
        "--impersonate",
        "chrome",
        "--db",
        str(db),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "120 reviews on 3 pages (120 new" in done.stdout
