"""Issue 33, item 3: the config where people look. --config, $SCRAPE_CONFIG, ./config/scrape.toml
when present, then the user's config file ($XDG_CONFIG_HOME/scrape/config.toml here, set for
every test by conftest); a relative db is read from the config's folder, except that a config
kept as config/scrape.toml keeps meaning the folder that holds config/."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.errors import UsageError
from scraper.jobs import config
from scraper.jobs.config_location import user_path
from tests.conftest import ROOT

PAGE = ROOT / "tests/fixtures/letterboxd/reviews/reviews-2026-page2.html"
PAGE_URL = "https://letterboxd.com/dan/films/reviews/page/2/"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def imported(*args: str):
    """The two Letterboxd reviews of a saved page, imported with `args` (--db, --config)."""
    return invoke("import", str(PAGE), "--url", PAGE_URL, *args)


def reviews_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM reviews").fetchone()[0])


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """A working folder (the current one) and the user's config file, not yet written."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("SCRAPE_CONFIG", raising=False)
    monkeypatch.delenv("SCRAPE_DB", raising=False)
    return work, user_path()


def test_the_user_config_file_is_under_xdg_config_home(user_config_home):
    assert user_path() == user_config_home / "scrape" / "config.toml"


def test_precedence_config_then_env_then_legacy_then_user_file(folders, tmp_path, monkeypatch):
    work, user = folders
    assert config.load().path is None and config.default_path() == user
    write(user, 'db = "user.db"\n')
    assert config.load().path == user
    legacy = write(work / "config" / "scrape.toml", 'db = "legacy.db"\n')
    assert config.load().path == legacy and config.default_path() == legacy
    named = write(tmp_path / "named.toml", 'db = "named.db"\n')
    monkeypatch.setenv("SCRAPE_CONFIG", str(named))
    assert config.load().path == named
    given = write(tmp_path / "given.toml", "")
    assert config.load(given).path == given
    # Named and missing is an error naming the file in full, never a fall back to another.
    monkeypatch.setenv("SCRAPE_CONFIG", "nope.toml")
    with pytest.raises(UsageError, match=f"config file {work / 'nope.toml'} does not exist"):
        config.load()
    with pytest.raises(UsageError, match=f"config file {work / 'gone.toml'} does not exist"):
        config.load("gone.toml")


def test_errors_name_the_config_in_full(folders):
    work, _ = folders
    write(work / "config" / "scrape.toml", "[fetch]\ndelayy = 1\n")
    done = invoke("stats", "--db", "a.db")
    assert done.exit_code == 2
    assert f"{work / 'config' / 'scrape.toml'}:2: fetch.delayy is not a known" in done.output


def test_a_relative_db_is_read_from_the_config_folder(folders, tmp_path):
    work, user = folders
    write(user, 'db = "archive.db"\n')
    assert config.load().archive_path() == user.parent / "archive.db"
    mine = write(tmp_path / "mine" / "scrape.toml", 'db = "data/a.db"\n')
    assert config.load(mine).archive_path() == tmp_path / "mine" / "data" / "a.db"
    home = write(tmp_path / "h.toml", 'db = "~/x.db"\n')
    assert config.load(home).archive_path() == Path("~/x.db").expanduser()
    assert imported().exit_code == 0
    assert reviews_in(user.parent / "archive.db") == 2 and not (work / "archive.db").exists()


def test_the_db_and_cookies_of_a_config_kept_in_config_folder_mean_what_they_did(
    folders, tmp_path, monkeypatch
):
    """`db = "archive.db"` in ./config/scrape.toml meant ./archive.db, beside config/: it still
    does, from the project folder or named from anywhere, so an existing setup keeps its
    archive."""
    work, user = folders
    legacy = write(work / "config" / "scrape.toml", 'db = "archive.db"\n')
    write(user, 'db = "user.db"\n')  # present, but the project's config comes first
    assert imported().exit_code == 0
    assert reviews_in(work / "archive.db") == 2
    assert not (legacy.parent / "archive.db").exists() and not (user.parent / "user.db").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("SCRAPE_CONFIG", str(legacy))
    found = invoke("search", "harbour", "--json")
    assert found.exit_code == 0, found.output
    assert len(json.loads(found.output)) == 1
    # A relative cookies file follows the same rule as db.
    write(legacy, "[sites.letterboxd]\ncookies = 'cookies.txt'\n")
    assert config.load().site_setting("letterboxd", "cookies") == str(work / "cookies.txt")
    write(user, "[sites.letterboxd]\ncookies = 'cookies.txt'\n")
    assert config.load(user).site_setting("letterboxd", "cookies") == str(
        user.parent / "cookies.txt"
    )


def test_a_relative_db_never_silently_becomes_a_new_empty_archive(folders, tmp_path):
    """A config elsewhere whose relative db meant an archive in the working folder: reading it
    from the config's folder would start an empty one and back everything up again. It says
    so in one line, and nothing is written anywhere."""
    work, _ = folders
    assert imported("--db", "archive.db").exit_code == 0
    before = (work / "archive.db").read_bytes()
    other = write(tmp_path / "settings" / "mine.toml", 'db = "archive.db"\n')
    for args in (["import", str(PAGE), "--url", PAGE_URL], ["search", "harbour"], ["status"]):
        done = invoke(*args, "--config", str(other))
        assert done.exit_code == 2, done.output
        (line,) = [line for line in done.output.splitlines() if line.startswith("Error: ")]
        assert line == (
            f"Error: {other}: db = 'archive.db' is read from the config's folder: "
            f"{other.parent / 'archive.db'} does not exist, but {work / 'archive.db'} does; "
            f'to keep using it, set db = "{work / "archive.db"}" there (or move the archive)'
        )
    assert sorted(p.name for p in other.parent.iterdir()) == ["mine.toml"]
    assert (work / "archive.db").read_bytes() == before
    # Once the config's folder holds the archive, that one is used.
    (work / "archive.db").rename(other.parent / "archive.db")
    assert invoke("search", "harbour", "--config", str(other)).exit_code == 0


def test_scrape_db_and_db_option_stay_relative_to_the_working_folder(
    folders, tmp_path, monkeypatch
):
    work, user = folders
    write(user, 'db = "archive.db"\n')
    assert imported("--db", "typed.db").exit_code == 0
    assert reviews_in(work / "typed.db") == 2
    monkeypatch.setenv("SCRAPE_DB", "from-env.db")
    assert imported().exit_code == 0
    assert reviews_in(work / "from-env.db") == 2
    assert not (user.parent / "archive.db").exists()


def test_search_from_another_folder_finds_the_archive_of_the_user_config(
    folders, tmp_path, run_scrape
):
    """The issue's case: `scrape search` run elsewhere said `archive.db does not exist`."""
    work, user = folders
    write(user, 'db = "archive.db"\n')
    assert imported().exit_code == 0
    # A child process in another folder (run_scrape's cwd is tmp_path), as a shell runs it; it
    # inherits XDG_CONFIG_HOME.
    found = run_scrape("search", "harbour", "--json")
    assert found.returncode == 0, found.stderr
    (review,) = json.loads(found.stdout)
    assert review["title"] == "Harbour Lights"
    assert Path.cwd() == work and tmp_path != work


def test_status_names_the_config_and_the_archive(folders, tmp_path):
    work, user = folders
    nothing = invoke("status")
    # A missing archive's one line names the config too.
    assert nothing.exit_code == 2
    assert nothing.output.splitlines() == [
        "Error: archive.db does not exist; archive something first (scrape user ...); "
        f"config: none (would be {user})"
    ], nothing.output
    write(user, 'db = "archive.db"\n')
    assert imported().exit_code == 0
    shown = invoke("status")
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[:2] == [
        f"config: {user}",
        f"archive: {user.parent}/archive.db",
    ]
    report = json.loads(invoke("status", "--json").output)
    assert (report["config"], report["archive"]) == (str(user), str(user.parent / "archive.db"))


def test_example_config_help_says_where_to_put_it():
    shown = invoke("example-config", "--help").output
    assert "~/.config/scrape/config.toml" in shown and "scrape status" in shown
    assert "$SCRAPE_CONFIG" in shown and "./config/scrape.toml" in shown


def test_remember_makes_the_user_config_private_in_a_private_folder(tmp_path):
    from scraper.jobs.remember import remember
    from scraper.models import Target

    made = tmp_path / "fresh" / "scrape" / "config.toml"
    umask = os.umask(0o022)
    try:
        remember(made, "Rishi", [Target("letterboxd", "rishiramesh")], private=True)
    finally:
        os.umask(umask)
    assert made.stat().st_mode & 0o777 == 0o600
    assert {p.stat().st_mode & 0o777 for p in (made.parent, made.parent.parent)} == {0o700}
    assert config.load(made).people == {"Rishi": {"letterboxd": "letterboxd:rishiramesh"}}
