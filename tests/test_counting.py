"""One row per person and viewing, not per source (issue 16, item 8): a Letterboxd film that is
in ratings.csv and in the diary counted twice in stats, search and the canned queries."""

from __future__ import annotations

import json
import sqlite3

from tests.conftest import ROOT

EXPORT = ROOT / "tests" / "fixtures" / "letterboxd" / "export-with-profile"


def test_a_films_rating_beside_its_diary_entries_is_counted_once(run_scrape, tmp_path):
    db = str(tmp_path / "archive.db")
    assert run_scrape("import", str(EXPORT), "--db", db).returncode == 0
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*), count(DISTINCT film_id) FROM reviews").fetchone()
    assert stored == (5, 3)  # two films rated and logged: a rating row beside each entry
    stats = json.loads(run_scrape("stats", "--db", db, "--json").stdout)
    assert [p["reviews"] for p in stats["profiles"]] == [3]
    assert stats["profiles"][0]["avg_rating"] == 8.5
    assert sum(r["reviews"] for r in stats["ratings"] if r["stars"]) == 2
    found = json.loads(run_scrape("search", "holdovers", "--db", db, "--json").stdout)
    assert len(found) == 1 and "/entry/" in found[0]["id"]
    with sqlite3.connect(db) as conn:
        listed = conn.execute("SELECT film FROM review_list ORDER BY film").fetchall()
        assert listed == [("Past Lives",), ("Paterson",), ("The Holdovers",)]
        per_rating = conn.execute("SELECT sum(reviews) FROM reviews_per_rating").fetchone()
        assert per_rating == (3,)
        # A viewing logged without a rating takes the film's.
        conn.execute("UPDATE reviews SET rating = NULL WHERE id LIKE '%/entry/5qTXw9'")
        folded = conn.execute(
            "SELECT rating, stars FROM review_list WHERE film = 'The Holdovers'"
        ).fetchall()
        assert folded == [(8.0, "4")]
