"""Odd disks and odd files where the archive lives (issue 15, items 4, 13, 14, 15): another
application's database, a read-only folder, a lock path that is not a file, a full disk."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.store import schema
from scraper.store.lock import ArchiveLock
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Site, make_ratings

RATINGS = "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n" + "".join(
    f"tt{n:07d},{n % 10 + 1},2024-01-{n % 28 + 1:02d},Film {n},"
    f"https://www.imdb.com/title/tt{n:07d}/,Movie,{1990 + n % 30}\n"
    for n in range(1, 41)
)


def scrape(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def archive_with_reviews(tmp_path: Path) -> Path:
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(RATINGS)
    db = tmp_path / "archive.db"
    code, out = scrape("import", str(ratings), "--profile", "imdb:ur1234567", "--db", str(db))
    assert code == 0, out
    return db


# Item 4: another application's SQLite file is refused untouched.


def other_application(path: Path) -> Path:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.executescript(
            "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
            "INSERT INTO moz_places (url) VALUES ('https://example.org/');"
        )
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["import", "RATINGS", "--profile", "imdb:ur1234567"],
        ["reparse"],
        ["search", "film"],
        ["stats"],
        ["status"],
        ["export", "--format", "csv", "-o", "OUT"],
    ],
)
def test_another_applications_database_is_refused_untouched(tmp_path, command):
    db = other_application(tmp_path / "places.sqlite")
    before = digest(db)
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(RATINGS)
    args = [{"RATINGS": str(ratings), "OUT": str(tmp_path / "out.csv")}.get(a, a) for a in command]
    code, out = scrape(*args, "--db", str(db))
    assert code != 0
    assert "another application" in out and "moz_places" in out and "untouched" in out
    assert len(out.strip().splitlines()) == 1
    assert digest(db) == before
    assert not Path(f"{db}-wal").exists()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["moz_places"]


def test_a_database_stamped_by_another_application_is_refused(tmp_path):
    db = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA application_id = 1179602249")  # someone else's stamp
    code, out = scrape("reparse", "--db", str(db))
    assert code != 0 and "application_id 0x464f4d49" in out


def test_archives_are_stamped_and_older_unstamped_ones_still_open(tmp_path):
    db = archive_with_reviews(tmp_path)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        conn.execute("PRAGMA application_id = 0")  # as archived before the stamp existed
        conn.execute("PRAGMA user_version = 0")
    code, out = scrape("search", "film", "--db", str(db))
    assert code == 0 and "Film" in out
    schema.open_archive(db).conn.close()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID


def test_an_archive_from_a_newer_scrape_is_not_written(tmp_path):
    db = archive_with_reviews(tmp_path)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    before = digest(db)
    code, out = scrape("reparse", "--db", str(db))
    assert code == 1 and "newer scrape" in out
    assert digest(db) == before


# Item 14: the lock path is not a regular file.


def test_a_lock_path_that_is_a_folder_is_refused_in_one_line(tmp_path):
    (tmp_path / "archive.db.lock").mkdir()
    code, out = scrape("import", str(tmp_path), "--db", str(tmp_path / "archive.db"))
    assert code == 1 and "is a folder" in out and "Traceback" not in out
    assert not (tmp_path / "archive.db").exists()


def test_a_lock_path_that_is_a_symlink_is_not_followed(tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n")
    (tmp_path / "archive.db.lock").symlink_to(victim)
    code, out = scrape("import", str(tmp_path), "--db", str(tmp_path / "archive.db"))
    assert code == 1 and "symbolic link" in out
    assert victim.read_text() == "keep me\n"


def test_a_lock_path_that_is_a_fifo_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "archive.db.lock")
    code, out = scrape("import", str(tmp_path), "--db", str(tmp_path / "archive.db"))
    assert code == 1 and "not a regular file" in out


# Item 13: read-only locations.


@contextlib.contextmanager
def read_only(folder: Path):
    """`folder` made read-only for real: a read-only bind mount when we are root (whom file
    modes do not stop), its mode otherwise."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    view = folder.with_name(folder.name + "-ro")
    view.mkdir()
    subprocess.run(["mount", "--bind", str(folder), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        yield view
    finally:
        subprocess.run(["umount", str(view)], check=True)


def test_reading_commands_work_in_a_read_only_folder_and_create_nothing(tmp_path, run_scrape):
    folder = tmp_path / "shelf"
    folder.mkdir()
    archive_with_reviews(folder)
    before = sorted(p.name for p in folder.iterdir())
    assert "archive.db-wal" not in before  # checkpointed when the import ended
    with read_only(folder) as shelf:
        db = str(shelf / "archive.db")
        for command in (["search", "film"], ["stats"], ["status"]):
            done = run_scrape(*command, "--db", db)
            assert done.returncode == 0, done.stderr
        done = run_scrape("export", "--format", "csv", "-o", str(tmp_path / "o.csv"), "--db", db)
        assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == before
    assert (tmp_path / "o.csv").read_text().count("\n") == 41


def test_writing_commands_say_the_folder_is_read_only(tmp_path, run_scrape):
    folder = tmp_path / "shelf"
    folder.mkdir()
    db_file = archive_with_reviews(folder)
    before = digest(db_file)
    with read_only(folder) as shelf:
        done = run_scrape(
            "import", str(shelf / "ratings.csv"), "--profile", "imdb:ur1", "--db", f"{shelf}/a.db"
        )
        assert done.returncode == 1 and "read-only" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        done = run_scrape("reparse", "--db", str(shelf / "archive.db"))
        assert done.returncode == 1 and "read-only" in done.stderr
    assert digest(db_file) == before


# Item 15: a full disk.


def test_a_full_disk_fails_the_page_in_one_line_and_the_run_is_recorded_failed(
    tmp_path, monkeypatch
):
    """SQLite's own size ceiling (max_page_count) answers exactly as a full disk does
    (SQLITE_FULL, "database or disk is full"), on any machine."""
    real_open = schema.open_archive

    def nearly_full(path, **options):
        db = real_open(path, **options)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 2}")
        return db

    monkeypatch.setattr("scraper.store.runs.open_archive", nearly_full)
    critics = {"ann-critic": make_ratings("critic", 60), "bob-critic": make_ratings("critic", 60)}
    config = tmp_path / "scrape.toml"
    config.write_text(
        '[people.ann]\nrottentomatoes = "rottentomatoes:critic/ann-critic"\n'
        '[people.bob]\nrottentomatoes = "rottentomatoes:critic/bob-critic"\n'
        "[fetch]\ndelay = 0\n"
    )
    db = tmp_path / "archive.db"
    real_open(db).conn.close()
    with FakeRottenTomatoes(Site(critics=critics)) as site:
        # A page read ahead and dropped when the run stops makes the stand-in's socket fail;
        # its traceback (the server's, on the same stderr in-process) is not the CLI's output.
        site.server.handle_error = lambda *args: None
        monkeypatch.setenv("SCRAPE_ROTTENTOMATOES_ROOT", site.root)
        code, out = scrape("backup", "--config", str(config), "--db", str(db))
        asked = [r for r in site.site.log if "bob-critic" in r]
    assert code == 1, out
    assert "Traceback" not in out
    assert "disk full while writing" in out and "nothing of this page was kept" in out
    assert asked, "the second profile was skipped"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
        assert conn.execute("SELECT status FROM runs").fetchall() == [("failed",)]
        statuses = conn.execute("SELECT status FROM profile_runs").fetchall()
        assert statuses == [("failed",), ("failed",)]


def test_the_lock_of_a_run_is_released_whatever_ends_it(tmp_path):
    db = tmp_path / "archive.db"
    with pytest.raises(RuntimeError), ArchiveLock(db):
        raise RuntimeError("boom")
    with ArchiveLock(db):
        pass
