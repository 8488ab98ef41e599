"""scrape search: relevance ranking while it is cheap, newest first when a query matches too
much for ranking to mean anything (see search.RANK_LIMIT)."""

from __future__ import annotations

import pytest

from scraper import archive, schema, timeparse
from scraper.models import Film, Page
from scraper.sites import common


@pytest.fixture
def db(tmp_path):
    return schema.open_archive(tmp_path / "a.db")


def test_search_ranks_by_relevance_until_a_query_matches_too_much(db, monkeypatch):
    from scraper import search

    page = Page(url="file:///t", fetched_at="2026-01-01T00:00:00Z")
    texts = ["harbour", "harbour harbour harbour harbour", "a harbour at night", "harbour fog"]
    for i, text in enumerate(texts):
        film = Film(f"bench:m/{i}", "bench", f"Film {i}", 2000, "movie")
        page.films.append(film)
        page.reviews.append(
            common.review(
                id=f"bench:{i}",
                site="bench",
                profile_id=None,
                film_id=film.id,
                text=text,
                when=timeparse.UNKNOWN,
                rating=None,
                rating_raw=None,
            )
        )
    archive.save_page(db, page)
    ranked = [row["id"] for row in search.search(db, "harbour")]
    assert ranked[0] == "bench:1"  # bm25: the review that is all harbour
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    newest = [row["id"] for row in search.search(db, "harbour")]
    assert newest == ["bench:3", "bench:2", "bench:1", "bench:0"]  # last archived first
    assert [row["id"] for row in search.search(db, "fog")] == ["bench:3"]  # few: ranked
