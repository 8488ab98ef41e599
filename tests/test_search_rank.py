"""scrape search: relevance ranking while it is cheap, newest first when a query matches too
much for ranking to mean anything (see search.RANK_LIMIT)."""

from __future__ import annotations

import pytest

from scraper import sites, timeparse
from scraper.models import Film, Page
from scraper.sites import common
from scraper.store import schema
from scraper.store.writer import PageWriter


@pytest.fixture
def db(tmp_path):
    return schema.open_archive(tmp_path / "a.db")


def _save(db, reviews: list[tuple[str, float | None]]) -> None:
    """One review (text, rating) of its own film each, archived in this order."""
    page = Page()
    for i, (text, rating) in enumerate(reviews):
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
                rating=rating,
                rating_raw=None,
            )
        )
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page)


def test_search_ranks_by_relevance_until_a_query_matches_too_much(db, monkeypatch):
    from scraper.views import search

    texts = ["harbour", "harbour harbour harbour harbour", "a harbour at night", "harbour fog"]
    _save(db, [(text, None) for text in texts])
    ranked = [row["id"] for row in search.search(db, "harbour")]
    assert ranked[0] == "bench:1"  # bm25: the review that is all harbour
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    newest = [row["id"] for row in search.search(db, "harbour")]
    assert newest == ["bench:3", "bench:2", "bench:1", "bench:0"]  # last archived first
    assert [row["id"] for row in search.search(db, "fog")] == ["bench:3"]  # few: ranked


def test_a_page_holds_exactly_its_limit_in_both_orders_and_filters_apply(db, monkeypatch):
    """The scan's gate keeps a page's rows as the cursor steps (one row ahead of the loop that
    reads it): the page must still come out whole, in order, and filtered."""
    from scraper.views import search

    _save(db, [("harbour " * (i + 1), float(i % 3) * 4) for i in range(12)])
    ranked = search.search(db, "harbour", limit=3)
    assert len(ranked) == 3 and all("[harbour]" in row["snippet"] for row in ranked)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    newest = [row["id"] for row in search.search(db, "harbour", limit=3)]
    assert newest == ["bench:11", "bench:10", "bench:9"]
    rated = [row["id"] for row in search.search(db, "harbour", limit=3, min_rating=8.0)]
    assert rated == ["bench:11", "bench:8", "bench:5"]
    every = search.search(db, "harbour", limit=50, min_rating=8.0)
    assert [row["id"] for row in every][-1] == "bench:2"
