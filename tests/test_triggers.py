"""Issue 34, item 2: a write that sets a column to the value it holds already fires no trigger
work. An unchanged film's upsert used to rewrite every review of the film and its FTS rows,
which made re-imports and nightly runs slower the larger the archive grew."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from scraper.store.schema import TRIGGERS, open_archive

# The definitions archives were made with before the WHEN clauses.
OLD = {
    "reviews_au": "CREATE TRIGGER reviews_au AFTER UPDATE OF film_title, text ON reviews BEGIN "
    "INSERT INTO reviews_fts(reviews_fts, rowid, film_title, text) "
    "VALUES ('delete', old.rowid, old.film_title, old.text); "
    "INSERT INTO reviews_fts(rowid, film_title, text) "
    "VALUES (new.rowid, new.film_title, new.text); "
    "END",
    "films_title_to_reviews": "CREATE TRIGGER films_title_to_reviews AFTER UPDATE OF title ON "
    "films BEGIN UPDATE reviews SET film_title = new.title WHERE film_id = new.id; END",
}


def busiest_film(conn: sqlite3.Connection) -> tuple[str, int]:
    return conn.execute(
        "SELECT film_id, count(*) AS n FROM reviews GROUP BY film_id ORDER BY n DESC LIMIT 1"
    ).fetchone()


def changes(conn: sqlite3.Connection, sql: str, *args: object) -> int:
    before = conn.total_changes  # counts the rows triggers change too
    with conn:
        conn.execute(sql, args)
    return conn.total_changes - before


def test_unchanged_values_fire_no_trigger_work_and_old_archives_are_brought_up(corpus_db, tmp_path):
    db = tmp_path / "archive.db"
    shutil.copy(corpus_db, db)
    with sqlite3.connect(db) as conn:
        for name, sql in OLD.items():
            conn.execute(f"DROP TRIGGER {name}")
            conn.execute(sql)
        film, reviews = busiest_film(conn)
        assert reviews > 1
        # The old triggers: the film row, each of its reviews, and their FTS rows.
        assert changes(conn, "UPDATE films SET title = title WHERE id = ?", film) > reviews
    open_archive(db).close()  # what every writing command does first
    with sqlite3.connect(db) as conn:
        held = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        assert {name: held[name] for name in TRIGGERS} == TRIGGERS
        assert changes(conn, "UPDATE films SET title = title WHERE id = ?", film) == 1
        text = conn.execute("SELECT rowid, text FROM reviews WHERE text != '' LIMIT 1").fetchone()
        assert changes(conn, "UPDATE reviews SET text = ? WHERE rowid = ?", text[1], text[0]) == 1
        # A real change still reaches the reviews and the search index.
        assert changes(conn, "UPDATE films SET title = 'Zyzzogeton' WHERE id = ?", film) > 1
        found = conn.execute(
            "SELECT count(*) FROM reviews_fts WHERE reviews_fts MATCH 'zyzzogeton'"
        ).fetchone()[0]
        assert found == reviews
        assert conn.execute("INSERT INTO reviews_fts(reviews_fts) VALUES ('integrity-check')")


def test_a_new_archive_has_the_triggers_as_declared(tmp_path: Path):
    open_archive(tmp_path / "new.db").close()
    with sqlite3.connect(tmp_path / "new.db") as conn:
        held = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    assert {name: held[name] for name in TRIGGERS} == TRIGGERS
