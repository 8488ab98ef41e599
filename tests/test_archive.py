from dataclasses import replace
from datetime import UTC, datetime

import pytest

from scraper import sites, timeparse
from scraper.models import Film, Page, Profile, Review
from scraper.store import schema
from scraper.store.writer import PageWriter

SEEN = datetime(2024, 1, 1, tzinfo=UTC)


def page(text="Great lighthouse film", rating=8.0, year=2001, age="3 years ago", seen=SEEN):
    profile = Profile("rottentomatoes:critic/x", "rottentomatoes", "critic/x", "critic", "X")
    film = Film("rottentomatoes:m/f", "rottentomatoes", "The Film", year, "movie")
    review = Review(
        "rottentomatoes:critic/x/f",
        "rottentomatoes",
        profile.id,
        film.id,
        rating,
        f"{rating / 2:g}/5",
        text,
        text,
        timeparse.parse(age, seen),
    )
    return Page([profile], [film], [review])


@pytest.fixture
def db(tmp_path):
    return schema.open_archive(tmp_path / "a.db")


def test_same_page_twice_changes_nothing(db):
    assert PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page()).counts.new == 1
    before = list(db["reviews"].rows)
    counts = PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page()).counts
    assert (counts.new, counts.changed, counts.unchanged) == (0, 0, 1)
    after = list(db["reviews"].rows)
    for row in before + after:
        row.pop("last_seen_at")
    assert before == after
    assert db["reviews"].count == 1 and db["films"].count == 1 and db["profiles"].count == 1


def test_edit_updates_row_and_search_index(db):
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page())
    counts = (
        PageWriter(db, entry_kinds=sites.entry_kinds())
        .save_page(page(text="Now I hate the harbour", rating=2.0))
        .counts
    )
    assert counts.changed == 1
    row = db["reviews"].get("rottentomatoes:critic/x/f")
    assert (row["text"], row["rating"]) == ("Now I hate the harbour", 2.0)
    match = "select count(*) from reviews_fts where reviews_fts match ?"
    assert db.execute(match, ["lighthouse"]).fetchone()[0] == 0
    assert db.execute(match, ["harbour"]).fetchone()[0] == 1


def test_unknown_year_does_not_erase_a_known_one(db):
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page(year=2001))
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page(year=None))
    assert db["films"].get("rottentomatoes:m/f")["year"] == 2001


def test_relative_time_narrows_over_runs(db):
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page(seen=SEEN))
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(
        page(seen=datetime(2024, 7, 1, tzinfo=UTC))
    )
    row = db["reviews"].get("rottentomatoes:critic/x/f")
    assert row["created_at_earliest"] == "2020-07-01T00:00:00Z"
    assert row["created_at_latest"] == "2021-01-01T00:00:00Z"


def test_film_title_change_reaches_the_index(db):
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page())
    renamed = page()
    renamed.films = [replace(renamed.films[0], title="Lantern Keepers")]
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(renamed)
    hits = db.execute("select count(*) from reviews_fts where reviews_fts match 'lantern'")
    assert hits.fetchone()[0] == 1


def test_a_failing_page_leaves_nothing_half_written(db):
    bad = page()
    bad.reviews.append(replace(bad.reviews[0], id="second", film_id="rottentomatoes:m/missing"))
    with pytest.raises(Exception, match="FOREIGN KEY"):
        PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(bad)
    assert db["reviews"].count == 0 and db["films"].count == 0 and db["profiles"].count == 0


def test_schema_is_safe_to_ensure_again(db, tmp_path):
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page())
    again = schema.open_archive(tmp_path / "a.db")
    assert again["reviews"].count == 1
    assert again.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert again.execute("pragma integrity_check").fetchone()[0] == "ok"
