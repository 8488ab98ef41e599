"""Every command that writes records its run and closes it however it ends (runs.recorded):
a crash in an import or a reparse is a failed run, never one left "running"."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from scraper import sites, timeparse
from scraper.jobs import importer, reparse
from scraper.models import Film, Page
from scraper.sites import common
from scraper.store import runs
from scraper.store.writer import PageWriter


def _runs(db) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT command, status, error, reviews FROM runs").fetchall()


def _page_file(tmp_path):
    """A critic API page scrape imports (the 2026 shape)."""
    page = tmp_path / "critic.json"
    page.write_text(
        '{"pageInfo": {"hasNextPage": false}, "reviews": [{"critic": {"originalScore": "3/5",'
        ' "scoreSentiment": "POSITIVE", "publicationName": "Gazette", "reviewCreateDate":'
        ' "2024-01-02T00:00:00.000Z", "reviewQuote": "Fine.", "reviewUrl": "https://g.test/1"},'
        ' "media": {"title": "A Film", "emsId": "e1", "url": "/m/a_film"}}]}'
    )
    return page


URL = "https://www.rottentomatoes.com/napi/critics/ann/movies"


def test_a_crash_in_an_import_is_recorded_failed_and_goes_on_up(tmp_path, monkeypatch):
    db = tmp_path / "archive.db"

    def broken(*args, **kwargs):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(PageWriter, "save_stream", broken)
    with pytest.raises(RuntimeError):
        importer.import_paths(db, [_page_file(tmp_path)], source_url=URL)
    assert _runs(db) == [("import", "failed", "the disk caught fire", 0)]


def test_ctrl_c_in_a_reparse_is_recorded_failed(tmp_path, monkeypatch):
    db = tmp_path / "archive.db"
    importer.import_paths(db, [_page_file(tmp_path)], source_url=URL)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(PageWriter, "save_page", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reparse.reparse(db)
    assert _runs(db)[-1][:3] == ("reparse", "failed", "KeyboardInterrupt")


def test_a_run_ends_with_the_status_its_command_set(tmp_path):
    db = tmp_path / "archive.db"
    with runs.recorded(db, "import", tallies=lambda: {"reviews": 1}) as run:
        page = Page()
        page.films.append(Film("bench:m/1", "bench", "One", 2001, "movie"))
        page.reviews.append(
            common.review(
                id="bench:1",
                site="bench",
                profile_id=None,
                film_id="bench:m/1",
                text="Yes.",
                when=timeparse.UNKNOWN,
                rating=None,
                rating_raw=None,
            )
        )
        PageWriter(run.db, entry_kinds=sites.entry_kinds()).save_page(page)
        run.status, run.error = "failed", "1 of 2 files refused"
    assert _runs(db) == [("import", "failed", "1 of 2 files refused", 1)]
