"""The first hour with the tool, as a new user meets it (issue 16): real child processes."""

from __future__ import annotations

import socket
import sqlite3
import time

import pytest

from scraper.jobs.config import load as load_config
from scraper.site_names import NAMES
from tests.conftest import ROOT
from tests.fakes.letterboxd import FakeLetterboxd, make_member
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings
from tests.fakes.server import NOT_FOUND, LocalSite


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def quick_config(tmp_path):
    path = tmp_path / "scrape.toml"
    path.write_text("[fetch]\ntries = 2\nbackoff = 0.05\n")
    return path


@pytest.mark.parametrize(
    ("site", "ident", "root", "meaning"),
    [
        ("ROTTENTOMATOES", "rottentomatoes:critic/jane-critic", "closed", "connection refused"),
        ("ROTTENTOMATOES", "rottentomatoes:critic/jane-critic", "dns", "name not resolved"),
        # Letterboxd goes through curl (a browser's fingerprint): curl's words, the same line.
        ("LETTERBOXD", "letterboxd:jane", "closed", "connection refused"),
        ("LETTERBOXD", "letterboxd:jane", "dns", "name not resolved"),
    ],
)
def test_offline_says_the_site_cannot_be_reached_not_robots_or_limits(
    run_scrape, quick_config, tmp_path, site, ident, root, meaning
):
    host = f"127.0.0.1:{closed_port()}" if root == "closed" else "scrape-test.invalid"
    done = run_scrape(
        "user",
        ident,
        "--config",
        str(quick_config),
        "--db",
        str(tmp_path / "archive.db"),
        env={f"SCRAPE_{site}_ROOT": f"http://{host}"},
    )
    assert done.returncode == 1
    assert f"cannot reach {host} ({meaning}): check your network" in done.stderr
    assert "robots.txt" not in done.stderr and "limiting us" not in done.stderr


def test_a_bare_rotten_tomatoes_handle_is_the_critic_when_that_critic_exists(
    run_scrape, quick_config, tmp_path
):
    """Issue 16, item 3: the README's own `rain-jokinen --site rottentomatoes` archived an
    audience profile of that handle instead of the critic."""
    data = Site(
        critics={"rain-jokinen": make_ratings("critic", 30)},
        profiles={
            "rain-jokinen": make_ratings("audience", 10),
            "AbC123": make_ratings("audience", 7),
        },
    )
    db = tmp_path / "archive.db"
    with FakeRottenTomatoes(data) as site:
        env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root}
        args = ("--site", "rottentomatoes", "--config", str(quick_config), "--db", str(db))
        critic = run_scrape("user", "rain-jokinen", *args, env=env)
        audience = run_scrape("user", "AbC123", *args, env=env)
    assert critic.returncode == 0, critic.stderr
    assert "rottentomatoes:critic/rain-jokinen: 30 reviews" in critic.stdout
    assert audience.returncode == 0, audience.stderr
    assert "rottentomatoes:AbC123: 7 reviews" in audience.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM profiles ORDER BY id").fetchall() == [
            ("rottentomatoes:AbC123",),
            ("rottentomatoes:critic/rain-jokinen",),
        ]


def test_a_person_in_the_config_is_found_by_name_in_any_case(run_scrape, tmp_path):
    """Issue 16, item 1 (a): `scrape user RishiRamesh` with [people.rishiramesh] in the config."""
    config = tmp_path / "scrape.toml"
    config.write_text(
        '[people.rishiramesh]\nrottentomatoes = "rottentomatoes:critic/rishi-ramesh"\n'
        "[fetch]\ntries = 2\nbackoff = 0.05\n"
    )
    data = Site(critics={"rishi-ramesh": make_ratings("critic", 12)})
    with FakeRottenTomatoes(data) as site:
        done = run_scrape(
            "user",
            "RishiRamesh",
            "--config",
            str(config),
            "--db",
            str(tmp_path / "a.db"),
            env={"SCRAPE_ROTTENTOMATOES_ROOT": site.root},
        )
    assert done.returncode == 0, done.stderr
    assert "rottentomatoes:critic/rishi-ramesh: 12 reviews" in done.stdout


@pytest.fixture
def four_sites():
    """Letterboxd knows rishiramesh; Rotten Tomatoes and Metacritic know nobody of that name."""
    nobody = LocalSite(lambda path, query: NOT_FOUND)
    with (
        FakeLetterboxd(make_member("rishiramesh", 12)) as letterboxd,
        FakeRottenTomatoes(Site()) as rottentomatoes,
        nobody as metacritic,
    ):
        yield {
            "SCRAPE_LETTERBOXD_ROOT": letterboxd.root,
            "SCRAPE_ROTTENTOMATOES_ROOT": rottentomatoes.root,
            "SCRAPE_METACRITIC_ROOT": metacritic.root,
            "SCRAPE_IMDB_ROOT": metacritic.root,
        }


def test_a_name_is_looked_up_on_every_site_and_each_one_found_is_archived(
    run_scrape, quick_config, tmp_path, four_sites
):
    """Issue 16, item 1 (b): `scrape user RishiRamesh` exited 2 with a list of forms."""
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user", "RishiRamesh", "--config", str(quick_config), "--db", str(db), env=four_sites
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("letterboxd:rishiramesh: ") and "new" in line for line in lines)
    assert "rottentomatoes: not found" in lines and "metacritic: not found" in lines
    assert "imdb: not a handle there" in lines
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM profiles").fetchall() == [("letterboxd:rishiramesh",)]
        assert conn.execute("SELECT count(*) FROM profile_runs").fetchone() == (1,)


def test_a_name_found_nowhere_says_what_was_tried_and_exits_1(
    run_scrape, quick_config, tmp_path, four_sites
):
    db = tmp_path / "archive.db"
    done = run_scrape(
        "user", "nobody_here", "--config", str(quick_config), "--db", str(db), env=four_sites
    )
    assert done.returncode == 1
    assert "no profile named 'nobody_here' on any site" in done.stderr
    assert "asked rottentomatoes, letterboxd, metacritic" in done.stderr
    assert not db.exists()


def test_remember_adds_the_person_to_the_config_keeping_its_comments(
    run_scrape, tmp_path, four_sites
):
    """Issue 16, item 2: the next `scrape backup` includes who `scrape user NAME --remember`
    found; the hand-written file keeps its comments and order."""
    config = tmp_path / "scrape.toml"
    handwritten = (
        "# my reviews\n"
        f'db = "{tmp_path / "archive.db"}"  # where they go\n\n'
        "[fetch]\ntries = 2  # be quick\nbackoff = 0.05\n"
    )
    config.write_text(handwritten)
    done = run_scrape("user", "RishiRamesh", "--remember", "--config", str(config), env=four_sites)
    assert done.returncode == 0, done.stderr
    assert f"remembered RishiRamesh in {config}: letterboxd:rishiramesh" in done.stdout
    text = config.read_text()
    assert text.startswith(handwritten)
    assert '[people.RishiRamesh]\nletterboxd = "letterboxd:rishiramesh"' in text
    nightly = run_scrape("backup", "--config", str(config), env=four_sites)
    assert nightly.returncode == 0, nightly.stderr
    assert "letterboxd:rishiramesh: " in nightly.stdout and "[incremental]" in nightly.stdout


def test_without_a_config_remember_creates_one_and_backup_says_how(
    run_scrape, tmp_path, four_sites, user_config_home
):
    user = user_config_home / "scrape" / "config.toml"
    before = run_scrape("backup")
    assert before.returncode == 2
    legacy = tmp_path / "config" / "scrape.toml"
    assert f"no config file (none at {user} or {legacy})" in before.stderr
    assert (
        "scrape user NAME --remember" in before.stderr and "scrape example-config" in before.stderr
    )
    done = run_scrape("user", "RishiRamesh", "--remember", env=four_sites)
    assert done.returncode == 0, done.stderr
    assert f"remembered RishiRamesh in {user} (a new config file): letterboxd:" in done.stdout
    created = user.read_text()
    assert '[people.RishiRamesh]\nletterboxd = "letterboxd:rishiramesh"' in created
    assert user.stat().st_mode & 0o777 == 0o600 and not legacy.parent.exists()
    # It names the archive this run made, so `scrape backup` from cron (in $HOME) finds it.
    assert load_config(user).archive_path() == (tmp_path / "archive.db").resolve()
    example = run_scrape("example-config")
    assert example.returncode == 0 and "[people." in example.stdout


def test_remember_writes_into_the_config_in_effect_not_a_new_one(
    run_scrape, tmp_path, four_sites, user_config_home
):
    """Issue 33, item 3: ./config/scrape.toml, when there is one, is the config in effect."""
    project = tmp_path / "config" / "scrape.toml"
    project.parent.mkdir()
    project.write_text("# ours\n[backup]\nfilm_details = false\n")
    done = run_scrape("user", "RishiRamesh", "--remember", env=four_sites)
    assert done.returncode == 0, done.stderr
    assert f"remembered RishiRamesh in {project}: letterboxd:rishiramesh" in done.stdout
    text = project.read_text()
    assert text.startswith("# ours\n") and "[people.RishiRamesh]" in text
    assert not (user_config_home / "scrape").exists()
    assert (tmp_path / "archive.db").exists()  # its relative default: the working folder


def test_ages_counted_from_a_files_time_are_warned_of_and_kept_out_of_dated_lists(
    run_scrape, tmp_path, corpus
):
    """Issue 16, item 7: reviews dated "2 years ago" from a file's modification time landed at
    the top of newest first and in this year's counts."""
    folder = str(corpus / "rottentomatoes")
    guessed, exact = tmp_path / "guessed.db", tmp_path / "exact.db"
    done = run_scrape("import", folder, "--db", str(guessed))
    assert done.returncode == 0, done.stderr
    assert "warning: 359 reviews in " in done.stderr and "--captured-at ISO" in done.stderr
    assert "flixster-user-ratings-2017.json" in done.stderr
    again = run_scrape("import", folder, "--db", str(exact), "--captured-at", "2020-06-01")
    assert again.returncode == 0 and "warning" not in again.stderr
    undated = (
        "SELECT count(*) FROM review_list WHERE date_precision = 'relative' AND date IS NULL "
        "AND year_reviewed IS NULL AND date_latest IS NOT NULL"
    )
    with sqlite3.connect(guessed) as conn, sqlite3.connect(exact) as other:
        assert conn.execute(undated).fetchone() == (359,)
        assert other.execute(undated).fetchone() == (0,)
        newest = conn.execute("SELECT date_precision FROM review_list ORDER BY date DESC LIMIT 50")
        assert "relative" not in {row[0] for row in newest}


@pytest.mark.parametrize("command", ["search", "export"])
def test_a_profile_not_in_the_archive_is_refused_with_the_closest(run_scrape, tmp_path, command):
    """Issue 16, item 9: a mistyped --profile wrote 0 rows and exited 0."""
    export = ROOT / "tests" / "fixtures" / "letterboxd" / "export-with-profile"
    db = str(tmp_path / "archive.db")
    assert run_scrape("import", str(export), "--db", db).returncode == 0
    out = tmp_path / "out.csv"
    args = ["Past"] if command == "search" else ["--format", "csv", "-o", str(out)]
    done = run_scrape(command, *args, "--profile", "letterboxd:rishiramsh", "--db", db)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "Error: no such profile in the archive: 'letterboxd:rishiramsh'; "
        "closest: letterboxd:rishiramesh"
    )
    assert not out.exists()
    good = run_scrape(command, *args, "--profile", "letterboxd:rishiramesh", "--db", db)
    assert good.returncode == 0, good.stderr


@pytest.mark.parametrize("root", ["dns", "closed"])
def test_offline_a_bare_name_says_no_site_was_reached_fast_and_exits_69(run_scrape, tmp_path, root):
    """Issue 31, item 2: offline, a bare name sat silent ~70 s (four tries per site of a name
    that does not resolve), then said no site had that profile, exit 1."""
    host = f"127.0.0.1:{closed_port()}" if root == "closed" else "nonexistent.invalid"
    roots = {f"SCRAPE_{site}_ROOT": f"http://{host}" for site in map(str.upper, NAMES)}
    started = time.monotonic()
    done = run_scrape("user", "RishiRamesh", "--db", str(tmp_path / "archive.db"), env=roots)
    assert time.monotonic() - started < 20, done.stderr
    assert done.returncode == 69, done.stderr
    assert "could not reach any site: nothing was checked" in done.stderr
    assert "no profile named" not in done.stderr
    assert "asking rottentomatoes for 'RishiRamesh'..." in done.stderr
    assert "asking letterboxd for 'RishiRamesh'..." in done.stderr
    assert not (tmp_path / "archive.db").exists()
