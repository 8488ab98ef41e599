"""`scrape user` end to end: a real child process, a real HTTP server on 127.0.0.1 serving
Rotten Tomatoes' URL scheme, a real SQLite file queried afterwards."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from scraper import __version__
from scraper.cli import cli
from tests.conftest import scrape_command, scrape_env
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings


@pytest.fixture
def site():
    data = Site(
        critics={"jane-critic": make_ratings("critic", 132, tv_every=11)},
        profiles={"AudienceX9": make_ratings("audience", 130, tv_every=5)},
        legacy={"976284330": make_ratings("legacy", 47)},
        session_cookie="rt_session=s3cret",
        profile_tokens=True,
    )
    with FakeRottenTomatoes(data) as server:
        yield server


# A logged-in session: the fake's session cookie and the two the profile page's script copies
# into the ratings request's JSON body.
SESSION = {
    "rt_session": "s3cret",
    "__host_theme_options": "1716400000000",
    "__host_color_scheme": "tok-9f8e7d",
}


def query(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_critic_all_pages_then_second_run_adds_nothing(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    url = "https://www.rottentomatoes.com/critics/jane-critic/movies"
    first = run_scrape("user", url, "--db", str(db), env=env)
    assert first.returncode == 0, first.stderr
    # 120 films on 3 pages of the 2026 API, then 12 TV seasons on one; the API gives no
    # year, so each film's own page is read once for it (issue 20).
    assert "132 reviews on 4 pages (132 new, 0 changed, 0 missing) [full]" in first.stdout
    assert "; 132 film pages read for years" in first.stdout
    assert site.site.log[:5] == [
        "GET /robots.txt",
        "GET /napi/critics/jane-critic/movies?pageCount=50",
        "GET /napi/critics/jane-critic/movies?after=NTA%3D&pageCount=50",
        "GET /napi/critics/jane-critic/movies?after=MTAw&pageCount=50",
        "GET /napi/critics/jane-critic/tv?pageCount=50",
    ]
    ratings = site.site.critics["jane-critic"]
    assert sorted(site.site.log[5:]) == sorted(f"GET {r.path}" for r in ratings)
    assert query(db, "select count(*) from films where year is null") == [(0,)]
    looked_up = query(
        db,
        "select year_source, year_source_url from films where id = ?",
        "rottentomatoes:m/critic_film_4",
    )
    assert looked_up == [("film page", f"{site.root}/m/critic_film_4")]
    assert query(db, "select count(*) from reviews")[0][0] == 132
    assert query(db, "select count(*) from reviews where source = 'critic-reviews-tv'") == [(12,)]
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
        make_ratings("critic", 5)[4].year,  # from its own page: the 2026 API gives none
        "movie",
        5.0,
        "2.5/5",
        "rotten",
        "Review number 4 of critic: a lighthouse keeper story",
        "exact",
        "Local Gazette",
        "https://gazette.example/critic_film_4",
    )
    hits = query(db, "select count(*) from reviews_fts where reviews_fts match 'lighthouse'")
    assert hits[0][0] == 66

    site.site.log.clear()
    second = run_scrape("user", "rottentomatoes:critic/jane-critic", "--db", str(db), env=env)
    assert second.returncode == 0, second.stderr
    # Nothing new: the incremental run reads the first page of each listing and stops, and
    # reads no film page (every film has its year).
    assert "62 reviews on 2 pages (0 new, 0 changed) [incremental] in" in second.stdout
    assert "film page" not in second.stdout
    assert site.site.requests() == [
        "GET /napi/critics/jane-critic/movies?pageCount=50",
        "GET /napi/critics/jane-critic/tv?pageCount=50",
    ]
    assert query(db, "select count(*) from reviews")[0][0] == 132
    assert query(db, "select count(*) from films")[0][0] == 132


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
        "# Netscape HTTP Cookie File\n"
        + "".join(f"127.0.0.1\tFALSE\t/\tFALSE\t0\t{n}\t{v}\n" for n, v in SESSION.items())
    )
    cookies.chmod(0o600)
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    site.site.missing_film_pages = {"/m/audience_film_1"}
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
    assert site.site.requests()[:4] == [
        "POST /napi/profiles/ratings/AudienceX9/movie?pagecount=50",
        "POST /napi/profiles/ratings/AudienceX9/movie?pagecount=50&after=NTA%3D",
        "POST /napi/profiles/ratings/AudienceX9/movie?pagecount=50&after=MTAw",
        "POST /napi/profiles/ratings/AudienceX9/tv?pagecount=50",
    ]
    # The 2023+ API gives no year: each film's or season's own page is read once for it. One
    # answers 404: its year stays empty, with the reason, and the crawl still succeeds.
    ratings = site.site.profiles["AudienceX9"]
    assert sorted(site.site.requests()[4:]) == sorted(f"GET {r.path}" for r in ratings)
    assert "130 film pages read for years; 1 film page(s) gave no year" in done.stdout
    years = dict(query(db, "select id, year from films"))
    assert years == {f"rottentomatoes:{r.path[1:]}": r.year for r in ratings} | {
        "rottentomatoes:m/audience_film_1": None
    }
    assert query(db, "select year_check_error from films where year is null") == [
        ("its page answered 404",)
    ]
    kinds = dict(query(db, "select kind, count(*) from films group by kind"))
    assert kinds == {"movie": 104, "tv": 26}
    assert query(db, "select id from films where kind = 'tv' limit 1") == [
        ("rottentomatoes:tv/audience_film_0/s01",)
    ]
    before = len(site.site.requests())
    again = run_scrape(
        "user", "rottentomatoes:AudienceX9", "--db", str(db), "--cookies", str(cookies), env=env
    )
    assert "(0 new, 0 changed) [incremental]" in again.stdout, again.stderr
    # Nothing new, no film page: not even the one that answered 404.
    assert [r for r in site.site.requests()[before:] if r.startswith("GET ")] == []
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
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert "rottentomatoes:AudienceX9: this profile's ratings need your logged-in session" in (
        done.stderr
    )
    assert "--cookies-from-browser" in done.stderr and "--cookies FILE" in done.stderr
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
    assert "20 reviews on 1 page (0 new, 0 changed) [incremental]" in again.stdout
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
    assert "(32 new, 0 changed" in done.stdout, done.stderr  # 20 films, 12 TV seasons
    assert query(db, "select count(*), count(distinct film_id) from reviews")[0] == (132, 132)


def test_verbose_logs_each_request(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    done = run_scrape(
        "-v",
        "user",
        "rottentomatoes:critic/jane-critic",
        "--no-film-details",
        "--db",
        str(tmp_path / "a.db"),
        env=env,
    )
    assert done.returncode == 0
    lines = [line for line in done.stderr.splitlines() if " -> 200 " in line]
    assert len(lines) == 5 and lines[0].startswith(f"GET {site.root}/robots.txt")
    assert site.site.agents == {f"scrape/{__version__} (personal review backup)"}
    assert lines[1].startswith(f"GET {site.root}/napi/critics/jane-critic/movies?pageCount=50")


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
    assert "132 reviews on 4 pages (132 new" in done.stdout


def firefox_profile(folder, cookies: dict[tuple[str, str], str]):
    """A Firefox profile folder whose cookies.sqlite holds `cookies` ((host, name): value),
    in the schema Firefox writes since 2025 (version 17: expiry in milliseconds)."""
    folder.mkdir()
    with sqlite3.connect(folder / "cookies.sqlite") as conn:
        conn.execute(
            "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL "
            "DEFAULT '', name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, "
            "lastAccessed INTEGER, creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER, "
            "inBrowserElement INTEGER DEFAULT 0, sameSite INTEGER DEFAULT 0, schemeMap INTEGER "
            "DEFAULT 0, isPartitionedAttributeSet INTEGER DEFAULT 0, updateTime INTEGER, "
            "UNIQUE (name, host, path, originAttributes))"
        )
        now = int(time.time())
        conn.executemany(
            "INSERT INTO moz_cookies (name, value, host, path, expiry, lastAccessed, "
            "creationTime, isSecure, isHttpOnly, updateTime) VALUES (?, ?, ?, '/', ?, ?, ?, 0, "
            "1, ?)",
            [
                (name, value, host, (now + 86_400) * 1000, now * 10**6, now * 10**6, now * 10**6)
                for (host, name), value in cookies.items()
            ],
        )
        conn.execute("PRAGMA user_version = 17")
    return folder


def test_cookies_from_a_firefox_profile_open_a_2023_profile(site, run_scrape, tmp_path):
    profile = firefox_profile(
        tmp_path / "ff",
        {("127.0.0.1", name): value for name, value in SESSION.items()}
        | {
            ("127.0.0.10", "decoy"): "other-site",  # rookiepy's filter would let these in
            ("evil.example", "rt_session"): "stolen",
        },
    )
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user",
        "rottentomatoes:AudienceX9",
        "--cookies-from-browser",
        f"firefox:{profile}",
        "--db",
        str(db),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "130 reviews on 4 pages (130 new" in done.stdout
    sent = [c for c in site.site.cookies_seen if c]
    assert sent and all("tok-9f8e7d" in c and "s3cret" in c for c in sent)
    assert not any("decoy" in c or "stolen" in c for c in sent)

    # Through the config, per site; without the two token cookies the site refuses, and the
    # message says how to give the session.
    bare = firefox_profile(tmp_path / "ff2", {("127.0.0.1", "rt_session"): "s3cret"})
    config = tmp_path / "scrape.toml"
    config.write_text(f'[sites.rottentomatoes]\ncookies_from_browser = "firefox:{bare}"\n')
    refused = run_scrape(
        "user",
        "rottentomatoes:AudienceX9",
        "--config",
        str(config),
        "--full",
        "--db",
        str(db),
        env=env,
    )
    assert refused.returncode == 1, refused.stdout
    assert "need your logged-in session" in refused.stderr


def test_cookies_from_an_unknown_browser_or_missing_profile_are_usage_errors(run_scrape, tmp_path):
    unknown = run_scrape("user", "rottentomatoes:X1", "--cookies-from-browser", "netscape")
    assert unknown.returncode == 2 and "'netscape' is not a browser" in unknown.stderr
    missing = run_scrape(
        "user", "rottentomatoes:X1", "--cookies-from-browser", f"firefox:{tmp_path / 'nope'}"
    )
    assert missing.returncode == 2 and "no cookies.sqlite" in missing.stderr
    chrome = run_scrape("user", "rottentomatoes:X1", "--cookies-from-browser", "chrome:Default")
    assert chrome.returncode == 2 and "a profile can be named for Firefox" in chrome.stderr
    # A file that is no cookie store: rookiepy's error in one line, without its Rust trail.
    (tmp_path / "notdb.sqlite").write_text("not a database")
    broken = run_scrape(
        "user",
        "rottentomatoes:X1",
        "--cookies-from-browser",
        f"firefox:{tmp_path / 'notdb.sqlite'}",
    )
    assert broken.returncode == 2
    assert broken.stderr.strip() == "Error: cannot read firefox's cookies: file is not a database"


@pytest.mark.parametrize("given", ["option", "config"])
def test_cookies_from_browser_without_rookiepy_names_the_extra(given, monkeypatch, tmp_path):
    # rookiepy is an extra (no wheels for every Python): without it, one line saying how to
    # install it and that --cookies FILE needs nothing; exit 2, before anything is fetched.
    monkeypatch.setitem(sys.modules, "rookiepy", None)  # `import rookiepy` raises ImportError
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCRAPE_ROTTENTOMATOES_ROOT", "http://127.0.0.1:9")  # nothing listens
    args = ["user", "rottentomatoes:X1", "--db", str(tmp_path / "archive.db")]
    if given == "option":
        args += ["--cookies-from-browser", "firefox"]
    else:
        config = tmp_path / "scrape.toml"
        config.write_text('[sites.rottentomatoes]\ncookies_from_browser = "chrome"\n')
        args += ["--config", str(config)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "Error: reading a browser's cookies (--cookies-from-browser, cookies_from_browser) needs "
        "rookiepy: pip install 'film-review-archive[browser-cookies]'; --cookies FILE (a "
        "cookies.txt exported from the browser) works without it"
    ]
    assert not (tmp_path / "archive.db").exists()


def test_a_listing_that_promises_more_but_gives_no_cursor_is_incomplete(site, run_scrape, tmp_path):
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "archive.db"
    assert (
        run_scrape("user", "rottentomatoes:critic/jane-critic", "--db", str(db), env=env).returncode
        == 0
    )
    site.site.drop_cursor = True  # hasNextPage: true, endCursor: null
    done = run_scrape(
        "user", "rottentomatoes:critic/jane-critic", "--full", "--db", str(db), env=env
    )
    assert done.returncode == 1, done.stdout
    assert "gives no endCursor" in done.stderr and "nothing was marked missing" in done.stderr
    assert query(db, "select count(*) from reviews where missing_since is not null") == [(0,)]
    assert query(db, "select status from profile_runs order by id desc limit 1") == [("failed",)]


def test_credentials_in_a_root_url_are_never_shown_or_stored(site, run_scrape, tmp_path):
    root = site.root.replace("http://", "http://bob:s3cret-pw@")
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": root}
    db = tmp_path / "archive.db"
    done = run_scrape("-v", "user", "rottentomatoes:critic/jane-critic", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    status = run_scrape("status", "--db", str(db))
    site.site.drop_cursor = True  # and a failure, whose message names a URL
    failed = run_scrape(
        "user", "rottentomatoes:critic/jane-critic", "--full", "--db", str(db), env=env
    )
    assert failed.returncode == 1
    shown = done.stdout + done.stderr + status.stdout + failed.stderr
    assert "127.0.0.1" in shown and "s3cret-pw" not in shown
    with sqlite3.connect(db) as conn:
        stored = "\n".join(
            str(value)
            for table in ("fetches", "reviews", "profile_runs", "runs")
            for row in conn.execute(f"select * from {table}")
            for value in row
        )
    assert "s3cret-pw" not in stored and "bob@" not in stored


def test_verbose_after_the_command_logs_each_request_as_before_it(site, run_scrape, tmp_path):
    """Issue 33: `scrape user X -v` was 'No such option'; both places now log each request."""
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    quiet = run_scrape(
        "user", "rottentomatoes:critic/jane-critic", "--db", str(tmp_path / "q.db"), env=env
    )
    before = run_scrape(
        "-v", "user", "rottentomatoes:critic/jane-critic", "--db", str(tmp_path / "b.db"), env=env
    )
    after = run_scrape(
        "user", "rottentomatoes:critic/jane-critic", "--db", str(tmp_path / "a.db"), "-v", env=env
    )
    assert quiet.returncode == before.returncode == after.returncode == 0, after.stderr
    assert "/napi/critics/jane-critic" not in quiet.stderr
    assert "/napi/critics/jane-critic" in before.stderr
    assert "/napi/critics/jane-critic" in after.stderr
