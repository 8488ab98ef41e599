"""The page a person copies (issue 29, item 6): a Rotten Tomatoes review copied from the page
as text, the project's founding example (corpus copied-text/review-saved-as-text.txt, read in
place), imported through the real `scrape` command into a real archive."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta

from scraper import timeparse

PROFILE = "rottentomatoes:unlinked/RishiRamesh"
FILM = "rottentomatoes:named/de_rouille_et_d_os_rust_and_bone_2012"
REFUSED = "not a page or response that scrape recognises"


def rows(db: Path, sql: str) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql)]


def the_copy(corpus: Path) -> Path:
    return corpus / "copied-text" / "review-saved-as-text.txt"


def test_a_copied_review_is_one_review_dated_from_the_capture(tmp_path, corpus, run_scrape):
    copy, db = the_copy(corpus), tmp_path / "a.db"
    done = run_scrape("import", str(copy), "--captured-at", "2026-11-20T10:00:00Z", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "1 file (1 copied_review): 1 review (1 new, 0 changed)" in done.stdout
    assert "warning" not in done.stderr
    # The text is everything after the title with its year, as copied.
    text = copy.read_text(encoding="utf-8").split("(2012)\n", 1)[1].strip()
    assert text.startswith("Jacques Audiard's follow up") and text.endswith("experience.")
    [review] = rows(db, "SELECT * FROM reviews")
    assert review["id"] == f"{PROFILE}/named/de_rouille_et_d_os_rust_and_bone_2012"
    assert review["site"] == "rottentomatoes"
    assert review["profile_id"] == PROFILE
    assert review["film_id"] == FILM
    assert review["reviewer_name"] == "RishiRamesh"
    # No star survives the copy.
    assert (review["rating"], review["rating_raw"]) == (None, None)
    assert review["text"] == text and review["text_original"] == text
    # "5 years ago" seen on 2026-11-20T10:00Z: at least 5 years, less than 6.
    assert review["created_at_earliest"] == "2020-11-20T10:00:00Z"
    assert review["created_at_latest"] == "2021-11-20T10:00:00Z"
    assert review["created_at"] == "2021-05-21T22:00:00Z"
    assert review["created_at_precision"] == "relative"
    assert review["url"] is None  # the copy names no address, and a file:// one is none
    assert review["source"] == "copied-review-text"
    [film] = rows(db, "SELECT * FROM films")
    assert (film["id"], film["site"], film["title"], film["year"]) == (
        FILM,
        "rottentomatoes",
        "De rouille et d'os (Rust and Bone)",
        2012,
    )
    # The copy says neither the film's page nor whether it is a film or a show.
    assert (film["kind"], film["url"], film["site_film_id"]) == (None, None, None)
    [profile] = rows(db, "SELECT * FROM profiles")
    # Named by the name shown, marked as a name and not a site handle.
    assert (profile["id"], profile["handle"], profile["kind"], profile["display_name"]) == (
        PROFILE,
        "unlinked/RishiRamesh",
        "named",
        "RishiRamesh",
    )
    assert profile["url"] is None
    # The same copy again is the same review.
    again = run_scrape(
        "import", str(copy), "--captured-at", "2026-11-20T10:00:00Z", "--db", str(db)
    )
    assert "1 review (0 new, 0 changed)" in again.stdout, again.stdout
    assert rows(db, "SELECT count(*) AS n FROM reviews") == [{"n": 1}]


def test_without_captured_at_the_files_time_bounds_it_and_the_import_warns(
    tmp_path, corpus, run_scrape
):
    copy, db = the_copy(corpus), tmp_path / "a.db"
    done = run_scrape("import", str(copy), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert f"warning: 1 review in {copy} is dated by an age" in done.stderr
    assert "the file's modification time" in done.stderr and "to date it" in done.stderr
    assert "--captured-at" in done.stderr
    saved = datetime.fromtimestamp(copy.stat().st_mtime, tz=UTC)
    [review] = rows(db, "SELECT * FROM reviews")
    assert review["created_at_earliest"] is None  # a copy may be newer than the capture
    assert review["created_at_latest"] == timeparse.to_iso(saved - relativedelta(years=5))


def test_a_text_file_that_is_not_a_copied_review_is_refused_as_before(tmp_path, run_scrape):
    db = tmp_path / "a.db"
    notes = tmp_path / "notes.txt"
    notes.write_text("Films to watch\n\nRust and Bone (2012)\n5 years ago via a friend\n")
    # The heading's first line alone is not a copy: the rest of its shape is missing.
    near = tmp_path / "near.txt"
    near.write_text(
        "RishiRamesh's Rating of Rust and Bone\n\nRishi's Review of Rust and Bone\n\n"
        "some day via Rotten Tomatoes\nRust and Bone\n\nRust and Bone\n\nNo year.\n"
    )
    for path in (notes, near):
        done = run_scrape("import", str(path), "--db", str(db))
        assert done.returncode == 2  # a usage error, as for any file scrape does not know
        assert f"{path}: {REFUSED}" in done.stderr, done.stderr
    assert not db.exists() or rows(db, "SELECT count(*) AS n FROM reviews") == [{"n": 0}]
