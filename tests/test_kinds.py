"""One vocabulary for films.kind across sites (issue 16, item 10)."""

from __future__ import annotations

import contextlib
import sqlite3

from scraper.models import KINDS
from scraper.store import schema
from tests.conftest import ROOT


def test_every_site_files_its_films_under_one_vocabulary(tmp_path, corpus, run_scrape):
    db = tmp_path / "a.db"
    for folder in (ROOT / "tests" / "fixtures", corpus):
        # Some files want --profile and are refused; every other one is imported.
        run_scrape("import", str(folder), "--db", str(db))
    # IMDb's files do not name their member: under one, the ratings export's kinds too.
    run_scrape("import", str(corpus / "imdb"), "--profile", "imdb:ur1234567", "--db", str(db))
    with contextlib.closing(sqlite3.connect(db)) as conn:
        kinds = dict(conn.execute("SELECT kind, count(*) FROM films GROUP BY kind").fetchall())
        sites = {row[0] for row in conn.execute("SELECT DISTINCT site FROM films")}
        unknown = [row[0] for row in conn.execute("SELECT id FROM films WHERE kind IS NULL")]
    assert set(kinds) - {None} <= set(KINDS), kinds
    # No kind only where the source does not say: a review copied as text names no page.
    assert all(film.startswith("rottentomatoes:named/") for film in unknown), unknown
    assert {"movie", "tv"} <= set(kinds)
    assert sites == {"rottentomatoes", "letterboxd", "imdb", "metacritic"}


def test_letterboxd_films_of_older_archives_become_movies_when_opened(tmp_path):
    db = tmp_path / "a.db"
    schema.open_archive(db).conn.close()
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "INSERT INTO films (id, site, title, kind) VALUES ('letterboxd:film/x', 'letterboxd', "
            "'X', 'film')"
        )
    schema.open_archive(db).conn.close()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT kind FROM films").fetchall() == [("movie",)]
