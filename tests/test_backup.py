"""`scrape backup` as cron runs it: a real process, a real archive, and a local site whose data
changes between runs. After every run the archive must match the site's truth exactly."""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import sqlite3
import subprocess
import time

import pytest

from tests.conftest import scrape_command, scrape_env
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Rating, Site, make_ratings

PROFILE = "rottentomatoes:critic/jane-critic"


def review_id(rating: Rating) -> str:
    return f"{PROFILE}/{rating.ems_id}"


@pytest.fixture
def site():
    data = Site(critics={"jane-critic": make_ratings("critic", 120)})
    with FakeRottenTomatoes(data) as server:
        yield server


@pytest.fixture
def config(tmp_path, site):
    path = tmp_path / "scrape.toml"
    path.write_text(f"""
db = "{tmp_path / "archive.db"}"
[people.jane]
rottentomatoes = "{PROFILE}"
[fetch]
tries = 2
backoff = 0.05
[backup]
# These tests count the listings' requests; films' own pages are test_e2e_rottentomatoes'.
film_details = false
""")
    return path


@pytest.fixture
def backup(run_scrape, site, config):
    def run(*args: str):
        site.site.log.clear()
        return run_scrape(
            "backup", "--config", str(config), *args, env={"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
        )

    return run


def archive_state(db) -> dict:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, text, rating, missing_since IS NOT NULL, "
            "deleted_at IS NOT NULL FROM reviews"
        ).fetchall()
        versions = conn.execute(
            "SELECT review_id, text FROM review_versions ORDER BY id"
        ).fetchall()
    return {
        "live": {r[0]: (r[1], r[2]) for r in rows if not r[4]},
        "missing": {r[0] for r in rows if r[3] and not r[4]},
        "deleted": {r[0] for r in rows if r[4]},
        "versions": versions,
    }


def truth(site: FakeRottenTomatoes) -> dict:
    return {
        review_id(r): (r.text or "(no quote)", r.score * 2)
        for r in site.site.critics["jane-critic"]
    }


def test_archive_follows_the_site_across_runs(site, backup, tmp_path):
    db = tmp_path / "archive.db"
    reviews = site.site.critics["jane-critic"]

    first = backup()
    assert first.returncode == 0, first.stderr
    assert "[full]" in first.stdout
    assert archive_state(db)["live"] == truth(site)

    # Three new reviews on top and an edit on the first page: one incremental run finds them,
    # reading page 1 (changes) and page 2 (none) and stopping there.
    reviews[0:0] = make_ratings("fresh", 3)
    old_text = reviews[10].text or "(no quote)"
    reviews[10].text = "Rewritten after a second viewing"
    second = backup()
    assert "(3 new, 1 changed) [incremental]" in second.stdout, second.stdout + second.stderr
    assert site.site.requests() == [
        "GET /napi/critics/jane-critic/movies?pageCount=50",
        "GET /napi/critics/jane-critic/movies?after=NTA%3D&pageCount=50",
        "GET /napi/critics/jane-critic/tv?pageCount=50",
    ]
    state = archive_state(db)
    assert state["live"] == truth(site)
    assert state["versions"] == [(review_id(reviews[10]), old_text)]

    # A review removed deep in the history: the first full crawl marks it missing, the second
    # marks it deleted; neither removes it from the archive.
    removed = reviews.pop(100)
    third = backup("--full")
    assert "1 missing" in third.stdout
    state = archive_state(db)
    assert state["missing"] == {review_id(removed)} and not state["deleted"]
    assert {k: v for k, v in state["live"].items() if k != review_id(removed)} == truth(site)
    fourth = backup("--full")
    assert fourth.returncode == 0
    state = archive_state(db)
    assert state["deleted"] == {review_id(removed)} and state["live"] == truth(site)

    # It comes back: the tombstone is lifted.
    reviews.insert(100, removed)
    fifth = backup("--full")
    assert fifth.returncode == 0
    state = archive_state(db)
    assert state["live"] == truth(site) and not state["missing"] and not state["deleted"]

    # Nothing changed: one request per listing (robots.txt is read once per run, too).
    sixth = backup("--json")
    summary = json.loads(sixth.stdout)
    assert summary["status"] == "ok"
    (profile,) = summary["profiles"]
    assert (profile["mode"], profile["pages"], profile["new"]) == ("incremental", 2, 0)
    assert site.site.requests() == [
        "GET /napi/critics/jane-critic/movies?pageCount=50",
        "GET /napi/critics/jane-critic/tv?pageCount=50",
    ]
    assert profile["requests"] == 3  # robots.txt and the first page of each listing


def test_nl_and_csv_print_a_profile_a_line(site, backup, run_scrape, config):
    """Issue 33: --nl and --csv beside --json, for scripts."""
    as_nl = backup("--nl")
    assert as_nl.returncode == 0, as_nl.stderr
    (line,) = as_nl.stdout.splitlines()
    profile = json.loads(line)
    assert profile["profile_id"] == PROFILE and profile["run_status"] == "ok"
    assert profile["status"] == "ok" and isinstance(profile["run_id"], int)
    as_csv = backup("--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    (row,) = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert row["profile_id"] == PROFILE and row["mode"] == "incremental" and row["new"] == "0"
    status = run_scrape("status", "--config", str(config), "--csv")
    table = list(csv.DictReader(io.StringIO(status.stdout)))
    assert [r["section"] for r in table].count("runs") == 2
    assert [r["profile_id"] for r in table if r["section"] == "profiles"] == [PROFILE]


def test_quiet_prints_nothing_on_success_and_one_line_per_failure(site, backup, run_scrape, config):
    done = backup("--quiet")
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    # -q before the command, as the group's option, and after it, as people type it.
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    before = run_scrape("-q", "backup", "--config", str(config), env=env)
    after = run_scrape("backup", "-q", "--config", str(config), env=env)
    loud = run_scrape("backup", "--config", str(config), env=env)
    for quiet in (before, after):
        assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert loud.returncode == 0 and PROFILE in loud.stdout
    site.site.faults = {"/napi/critics/": ["status:403"]}
    failed = backup("--quiet")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.count("\n") == 1 and failed.stderr.startswith(PROFILE)


def test_status_reports_runs_and_fails_when_a_profile_failed(site, backup, run_scrape, config):
    assert backup().returncode == 0
    ok = run_scrape("status", "--config", str(config))
    assert ok.returncode == 0, ok.stderr
    assert f"{PROFILE}: last run ok (full" in ok.stdout
    # A crawl's line counts profiles, pages and requests (an import's counts files instead).
    assert re.search(
        r"#1 backup +\S+  ok +1 profiles?, \d+ pages?, \d+ requests?, \d+ new", ok.stdout
    )
    site.site.faults = {"/napi/critics/": ["cloudflare:403"]}
    assert backup().returncode == 1
    bad = run_scrape("status", "--config", str(config), "--json")
    assert bad.returncode == 1
    report = json.loads(bad.stdout)
    assert report["failing"] == [PROFILE]
    assert report["runs"][0]["status"] == "failed" and "Cloudflare" in report["runs"][0]["error"]
    assert report["profiles"][0]["last_success_at"] is not None


@pytest.mark.parametrize(
    ("change", "expect_code", "note"),
    [
        ({"faults": {"/napi/critics/": ["cloudflare:200"]}}, 1, None),
        ({"faults": {"/napi/critics/jane-critic/movies?after=": ["login"]}}, 1, None),
        ({"empty_after": 50}, 0, "page(s) had no reviews where some were expected"),
    ],
    ids=["challenge-page", "login-page-midway", "empty-layout"],
)
def test_blocks_and_empty_layouts_mark_nothing_missing(
    site, backup, tmp_path, change, expect_code, note
):
    db = tmp_path / "archive.db"
    assert backup().returncode == 0
    before = archive_state(db)
    if "empty_after" in change:
        # The site now shows an empty list past the first page: a layout change, not deletions.
        site.site.critics["jane-critic"] = site.site.critics["jane-critic"][:50]
        site.site.empty_tail = 70
    else:
        site.site.faults = change["faults"]
    done = backup("--full")
    assert done.returncode == expect_code, done.stdout + done.stderr
    if note:
        assert note in done.stdout
    after = archive_state(db)
    assert after["missing"] == set() and after["deleted"] == set()
    assert after["live"] == before["live"]


def start_slow_backup(site, config, latency: float) -> tuple[subprocess.Popen, dict]:
    """A backup in the background against a slow site, returned once it made its first request."""
    site.site.latency = latency
    env = scrape_env({"SCRAPE_ROTTENTOMATOES_ROOT": site.root})
    child = subprocess.Popen(
        scrape_command("backup", "--config", str(config)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not site.site.requests() and time.monotonic() < deadline:
        time.sleep(0.02)
    return child, env


def test_second_run_exits_75_while_the_first_completes(site, config, tmp_path):
    # Slow enough that the second process starts inside the first even on a loaded machine.
    first, env = start_slow_backup(site, config, 2.5)
    second = subprocess.run(
        scrape_command("backup", "--config", str(config)),
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    out, err = first.communicate(timeout=60)
    assert second.returncode == 75
    assert f"another scrape run (PID {first.pid}, started" in second.stderr
    assert first.returncode == 0, err
    assert "120 reviews on 4 pages" in out  # 3 of films, 1 (empty) of TV


def test_ctrl_c_stops_after_the_current_page_with_a_summary(site, config, tmp_path):
    child, _ = start_slow_backup(site, config, 0.3)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "stopping after this page" in err
    assert (
        "50 reviews on 1 page (50 new, 0 changed, 0 missing) [full, interrupted after 1 page]"
        in out
    )
    assert "every page already read is saved" in err and "Error" not in err
    # Where it stopped is kept: the next run reads from the second page first (issue 28).
    assert "stopped at page 2 of /napi/critics/jane-critic/movies; the next run resumes" in out
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("select count(*) from reviews").fetchone()[0] == 50
        assert conn.execute("select status from runs").fetchall() == [("interrupted",)]
        assert conn.execute("select label, reason from checkpoints").fetchall() == [
            ("critic-reviews page 2", "interrupted")
        ]


def test_a_second_ctrl_c_stops_at_once_and_is_recorded_as_interrupted(
    site, config, tmp_path, run_scrape
):
    """Issue 16, item 5: a double Ctrl-C recorded the run as ok with 0 pages and left the
    profile `running (full, None)`."""
    child, _ = start_slow_backup(site, config, 3.0)
    child.send_signal(signal.SIGINT)
    time.sleep(0.3)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert "[full, stopped at once after 0 pages]" in out and "Traceback" not in err
    with sqlite3.connect(tmp_path / "archive.db") as conn:
        assert conn.execute("select status, error from runs").fetchall() == [
            ("interrupted", f"{PROFILE}: stopped at once after 0 pages")
        ]
        assert conn.execute("select status from profile_runs").fetchall() == [("interrupted",)]
    status = run_scrape("status", "--config", str(config))
    assert "None" not in status.stdout and "interrupted (full" in status.stdout


def test_status_tells_a_run_in_progress_from_a_killed_one(site, config, run_scrape):
    child, _ = start_slow_backup(site, config, 1.0)
    during = run_scrape("status", "--config", str(config))
    assert during.returncode == 0, during.stdout + during.stderr
    assert "running" in during.stdout
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    after = run_scrape("status", "--config", str(config))
    assert after.returncode == 1 and "last run running" in after.stdout


def test_a_failure_that_is_not_ours_fails_its_profile_only_and_is_recorded(
    site, tmp_path, monkeypatch
):
    """OverflowError, a full disk, MemoryError... escaped the run once, recording it ok and
    skipping the profiles after it."""
    import sqlite3 as sqlite

    from scraper.jobs import crawl as crawl_module
    from scraper.jobs import crawl_run
    from scraper.models import Target
    from scraper.net.fetch import FetchSettings

    real = crawl_module.crawl

    def flaky(db, fetcher, result, **kwargs):
        if result.target.handle == "critic/jane-critic":
            raise OverflowError("int too large to convert to float")
        return real(db, fetcher, result, **kwargs)

    monkeypatch.setattr(crawl_run, "crawl", flaky)
    monkeypatch.setenv("SCRAPE_ROTTENTOMATOES_ROOT", site.root)
    site.site.critics["other-critic"] = make_ratings("other", 10)
    settings = FetchSettings(delay=0)
    plans = [
        crawl_run.Plan(Target("rottentomatoes", "critic/jane-critic"), settings),
        crawl_run.Plan(Target("rottentomatoes", "critic/other-critic"), settings),
    ]
    db = tmp_path / "archive.db"
    summary = crawl_run.run(db, plans, command="backup")
    first, second = summary.outcomes
    assert (first.status, str(first.error)) == (
        "failed",
        "internal error, please report it with the output of scrape -v "
        "(OverflowError: int too large to convert to float)",
    )
    assert second.status == "ok" and second.new == 10
    assert summary.exit_code == 1
    with sqlite.connect(db) as conn:
        assert conn.execute("select status from runs").fetchall() == [("failed",)]
        statuses = conn.execute("select profile_id, status from profile_runs order by id")
        assert statuses.fetchall() == [
            ("rottentomatoes:critic/jane-critic", "failed"),
            ("rottentomatoes:critic/other-critic", "ok"),
        ]


def test_dry_run_says_what_it_would_fetch_with_no_request_and_no_write(site, backup, tmp_path):
    """Issue 33: backup --dry-run on a new archive, then on one archived before."""
    first = backup("--dry-run")
    assert first.returncode == 0, first.stderr
    assert site.site.log == [] and not (tmp_path / "archive.db").exists()
    assert first.stdout.startswith(f"{PROFILE}: full (first crawl, no film pages), 0 s apart\n")
    assert f"    from {site.root}/napi/critics/jane-critic/movies" in first.stdout
    assert "no request made, nothing written" in first.stderr
    assert backup().returncode == 0
    db = tmp_path / "archive.db"
    # The file itself: a reader of a WAL archive may leave SQLite's -shm beside it.
    kept = db.read_bytes()
    later = backup("--dry-run", "--json")
    assert later.returncode == 0, later.stderr
    assert site.site.log == [] and db.read_bytes() == kept
    (profile,) = json.loads(later.stdout)["profiles"]
    assert profile["profile_id"] == PROFILE and profile["mode"] == "incremental"
    assert profile["first_requests"] and profile["film_details"] is False
    full = json.loads(backup("--dry-run", "--full", "--json").stdout)["profiles"][0]
    assert (full["mode"], full["reason"]) == ("full", "--full")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1


def test_user_dry_run_makes_no_request_and_refuses_what_needs_one(site, run_scrape, tmp_path):
    """Issue 33: `scrape user --dry-run` shares backup's preview; a name would need a look-up."""
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
    db = tmp_path / "user.db"
    shown = run_scrape("user", PROFILE, "--db", str(db), "--dry-run", "-q", env=env)
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    assert shown.stdout.startswith(f"{PROFILE}: full (first crawl), 0 s apart\n")
    assert f"    from {site.root}/napi/critics/jane-critic/movies" in shown.stdout
    assert site.site.log == [] and not db.exists()
    for args, said in [
        (["jane-critic", "--site", "rottentomatoes"], "is looked up with one"),
        (["janecritic"], "is looked up with one"),
        ([PROFILE, "--remember"], "drop --remember"),
    ]:
        refused = run_scrape("user", *args, "--db", str(db), "--dry-run", env=env)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    assert site.site.log == [] and not db.exists()
