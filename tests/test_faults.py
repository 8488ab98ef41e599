"""What a run does when the web misbehaves: a real `scrape` process against a fault-injecting
server on 127.0.0.1 serving Rotten Tomatoes' URL scheme.

Each scenario starts from the same archive (a complete earlier run), edits a review on the
site's third page, injects faults into the second page, and runs again with --full. A run that
can recover must end with complete data (the edit archived); one that cannot must fail with a
clear message and leave every archived value as it was. Either way the number of requests is
what the policy (3 tries, no retry of a refusal) says.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time

import pytest

from tests.conftest import scrape_command, scrape_env
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings

CRITIC = "rottentomatoes:critic/jane-critic"
PAGE_2 = "/napi/critics/jane-critic/movies?after=NTA"
CONFIG = """
[fetch]
tries = 3
backoff = 0.05
backoff_max = 0.2
timeout = 1
connect_timeout = 1
retry_after_max = 5
max_body_mb = 1
"""
CONTENT = "select id, film_id, rating, rating_raw, text, created_at from reviews order by id"


def fresh_site() -> Site:
    return Site(critics={"jane-critic": make_ratings("critic", 120)})


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """An archive holding the critic's 120 reviews, made once by a clean run."""
    folder = tmp_path_factory.mktemp("baseline")
    (folder / "scrape.toml").write_text(CONFIG)
    with FakeRottenTomatoes(fresh_site()) as server:
        done = subprocess.run(
            scrape_command(
                "user",
                CRITIC,
                "--db",
                str(folder / "archive.db"),
                "--config",
                str(folder / "scrape.toml"),
            ),
            env=scrape_env({"SCRAPE_ROTTENTOMATOES_ROOT": server.root}),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    return folder


def content(db) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute(CONTENT).fetchall()


def run_with_faults(baseline, tmp_path, run_scrape, faults, **site_changes):
    db = tmp_path / "archive.db"
    shutil.copy(baseline / "archive.db", db)
    before = content(db)
    data = fresh_site()
    data.critics["jane-critic"][110].text = "Edited on the site since the last run"
    data.faults = {PAGE_2: list(faults)}
    for name, value in site_changes.items():
        setattr(data, name, value)
    with FakeRottenTomatoes(data) as server:
        started = time.monotonic()
        done = run_scrape(
            "user",
            CRITIC,
            "--full",
            "--db",
            str(db),
            "--config",
            str(baseline / "scrape.toml"),
            env={"SCRAPE_ROTTENTOMATOES_ROOT": server.root},
        )
        elapsed = time.monotonic() - started
    page_2_requests = len([r for r in data.requests(PAGE_2) if "after=NTA" in r])
    return done, before, content(db), page_2_requests, elapsed


@pytest.mark.parametrize(
    ("faults", "page_2_requests"),
    [
        (["status:503", "status:503"], 3),
        (["status:502"], 2),
        (["reset"], 2),
        (["slow:2"], 2),
        (["truncate"], 2),
        (["retry-after:1"], 2),
    ],
    ids=["503-burst", "502", "connection-reset", "slow-past-timeout", "truncated", "429"],
)
def test_transient_faults_are_retried_to_complete_data(
    baseline, tmp_path, run_scrape, faults, page_2_requests
):
    done, before, after, requests, elapsed = run_with_faults(baseline, tmp_path, run_scrape, faults)
    assert done.returncode == 0, done.stderr
    assert "(0 new, 1 changed, 0 missing) [full]" in done.stdout
    assert len(after) == len(before) == 120
    assert "Edited on the site since the last run" in {row[4] for row in after}
    assert requests == page_2_requests
    if faults == ["retry-after:1"]:
        assert elapsed >= 1.0


@pytest.mark.parametrize(
    ("faults", "page_2_requests", "message"),
    [
        (["status:503"] * 5, 3, "failed 3 times (last: HTTP 503)"),
        (["reset"] * 5, 3, "failed 3 times (last: connection failed"),
        (["slow:2"] * 5, 3, "failed 3 times (last: timed out)"),
        (["truncate"] * 5, 3, "failed 3 times"),
        (["retry-after:3600"], 1, "asked us to wait 3600s; try again after"),
        (["huge:2"], 1, "over the 1 MiB limit"),
        (["bomb:16"], 1, "after decompression"),
        (["offsite"], 1, "redirected to another host (localhost"),
        (["cloudflare:200"], 1, "a Cloudflare challenge (HTTP 200)"),
        (["cloudflare:403"], 1, "a Cloudflare challenge (HTTP 403)"),
        (["awswaf"], 1, "an AWS WAF challenge (HTTP 202)"),
        (["login"], 1, "answered with a login page"),
        (["status:403"], 1, "refused access (403)"),
    ],
    ids=[
        "503-forever",
        "resets",
        "always-slow",
        "always-truncated",
        "429-too-long",
        "oversized",
        "gzip-bomb",
        "offsite-redirect",
        "cloudflare-200",
        "cloudflare-403",
        "aws-waf-202",
        "login-page",
        "forbidden",
    ],
)
def test_fatal_faults_fail_clearly_and_change_nothing(
    baseline, tmp_path, run_scrape, faults, page_2_requests, message
):
    done, before, after, requests, _ = run_with_faults(baseline, tmp_path, run_scrape, faults)
    assert done.returncode == 1
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert after == before
    assert requests == page_2_requests


def test_repeated_cursor_stops_the_crawl(baseline, tmp_path, run_scrape):
    done, before, after, requests, _ = run_with_faults(
        baseline, tmp_path, run_scrape, [], loop_cursor=True
    )
    assert done.returncode == 1 and "pagination is looping" in done.stderr
    assert requests == 1 and after == before


def test_robots_disallow_stops_before_any_listing_request(baseline, tmp_path, run_scrape):
    done, before, after, _, _ = run_with_faults(
        baseline, tmp_path, run_scrape, [], robots="User-agent: *\nDisallow: /napi/critics/\n"
    )
    assert done.returncode == 1 and "robots.txt" in done.stderr and "--ignore-robots" in done.stderr
    assert after == before


def test_page_ceiling_stops_the_crawl_keeping_whole_pages(tmp_path, run_scrape):
    (tmp_path / "scrape.toml").write_text(CONFIG + "max_pages = 2\n")
    db = tmp_path / "archive.db"
    with FakeRottenTomatoes(fresh_site()) as server:
        done = run_scrape(
            "user",
            CRITIC,
            "--db",
            str(db),
            "--config",
            str(tmp_path / "scrape.toml"),
            env={"SCRAPE_ROTTENTOMATOES_ROOT": server.root},
        )
    assert done.returncode == 1 and "more than 2 pages" in done.stderr
    assert len(content(db)) == 100


@pytest.mark.parametrize(
    "ident",
    [
        "rottentomatoes:critic/../../admin",
        "rottentomatoes:a%2Fb",
        "https://evil.example/critics/x",
        "rottentomatoes:" + "x" * 400,
    ],
)
def test_bad_identifiers_make_no_request(tmp_path, run_scrape, ident):
    data = fresh_site()
    with FakeRottenTomatoes(data) as server:
        done = run_scrape(
            "user",
            ident,
            "--db",
            str(tmp_path / "a.db"),
            env={"SCRAPE_ROTTENTOMATOES_ROOT": server.root},
        )
    assert done.returncode == 2 and data.log == []
    assert not (tmp_path / "a.db").exists()
