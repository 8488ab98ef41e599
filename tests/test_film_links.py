"""film_links and review_keys: one film row per film within a site whatever source named it,
films joined across sites by identifiers where sources give them and title + year otherwise."""

from __future__ import annotations

import pytest

from scraper import sites, timeparse
from scraper.models import Film, Page, Review
from scraper.sites import common
from scraper.sites.letterboxd import records
from scraper.store import archive, schema
from scraper.store.writer import PageWriter


@pytest.fixture
def db(tmp_path):
    return schema.open_archive(tmp_path / "a.db")


def rating(site: str, film: Film, profile: str = "p", **extra) -> Review:
    return common.review(
        id=f"{site}:{profile}/{film.id}",
        site=site,
        profile_id=None,
        film_id=film.id,
        text=None,
        when=timeparse.UNKNOWN,
        rating=8.0,
        rating_raw="4/5",
        **extra,
    )


def save(db, *pairs: tuple[Film, Review]) -> archive.Saved:
    page = Page()
    for film, review in pairs:
        page.films.append(film)
        page.reviews.append(review)
    return PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page)


def test_one_sites_sources_land_on_one_film_row(db):
    from_export = records.film(title="The Holdovers", year=2023, lid="vHza")
    from_diary = records.film(title="The Holdovers", year=2023, slug="the-holdovers", lid="vHza")
    from_feed = records.film(title="The Holdovers", year=2023, slug="the-holdovers", tmdb="840430")
    save(db, (from_export, rating("letterboxd", from_export, "a")))
    save(db, (from_diary, rating("letterboxd", from_diary, "b")))
    save(db, (from_feed, rating("letterboxd", from_feed, "c")))
    assert db.execute("select id from films").fetchall() == [("letterboxd:lid/vHza",)]
    films_of_reviews = {r[0] for r in db.execute("select film_id from reviews").fetchall()}
    assert films_of_reviews == {"letterboxd:lid/vHza"}
    keys = {r[0] for r in db.execute("select key from film_links").fetchall()}
    assert {"letterboxd:slug:the-holdovers", "tmdb:840430", "title:the holdovers|2023"} <= keys


def test_a_title_key_alone_never_merges_films_that_have_their_own_ids(db):
    one = records.film(title="Dune", year=2021, slug="dune-2021", lid="AAAA")
    other = records.film(title="Dune", year=2021, slug="dune-part-x", lid="BBBB")
    save(db, (one, rating("letterboxd", one, "a")), (other, rating("letterboxd", other, "b")))
    assert db.execute("select count(*) from films").fetchone() == (2,)
    # An export row that knows only the name and year joins the first film of that name.
    orphan = records.film(title="Dune", year=2021)
    save(db, (orphan, rating("letterboxd", orphan, "c")))
    assert db.execute("select count(*) from films").fetchone() == (2,)


def test_films_across_sites_joins_on_ids_first_then_title_and_year(db):
    lb = records.film(title="The Matrix", year=1999, slug="the-matrix", tmdb="603")
    imdb = Film("imdb:tt0133093", "imdb", "The Matrix", 1999, "movie", site_film_id="tt0133093")
    rt = Film("rottentomatoes:m/the_matrix", "rottentomatoes", "the matrix ", 1999, "movie")
    # A site whose source gives the TMDB id but another title spelling: joined by the id.
    other = Film(
        "metacritic:movie/matrix", "metacritic", "Matrix", 1999, "movie", keys=("tmdb:603",)
    )
    lone = Film("imdb:tt0000001", "imdb", "Nothing Alike", 1999, "movie")
    save(
        db,
        *((f, rating(f.site, f)) for f in (lb, imdb, rt, other, lone)),
    )
    rows = db.execute(
        "select site, match_kind, film_key from films_across_sites order by site"
    ).fetchall()
    assert rows == [
        ("imdb", "title", "title:the matrix|1999"),
        ("letterboxd", "id", "title:the matrix|1999"),
        ("metacritic", "id", "tmdb:603"),
        ("rottentomatoes", "title", "title:the matrix|1999"),
    ]


def test_review_keys_find_a_row_stored_under_another_sources_id(db):
    film = records.film(title="Aftersun", year=2022, lid="ZZZZ")
    first = rating("letterboxd", film, keys=("letterboxd:x/watch/lid:ZZZZ/2024-01-02",))
    save(db, (film, first))
    later = rating(
        "letterboxd", film, "viewing-9", keys=("letterboxd:x/watch/lid:ZZZZ/2024-01-02",)
    )
    saved = save(db, (film, later))
    assert saved.review_ids == {first.id} and saved.counts.unchanged == 1
    assert db.execute("select count(*) from reviews").fetchone() == (1,)
    # The second source's own id is now a key of the row too.
    assert db.execute("select review_id from review_keys where key = ?", [later.id]).fetchone() == (
        first.id,
    )


def test_sources_meeting_within_one_page_land_on_one_row(db):
    """The page's lookups are read before it is written: a film and a review that an earlier
    item of the same page wrote must still be found (not written twice)."""
    from_export = records.film(title="The Holdovers", year=2023, lid="vHza")
    from_diary = records.film(title="The Holdovers", year=2023, slug="the-holdovers", lid="vHza")
    first = rating("letterboxd", from_export, "a", keys=("letterboxd:a:entry-1",))
    again = common.review(
        id="letterboxd:a/viewing/99",
        site="letterboxd",
        profile_id=None,
        film_id=from_diary.id,
        text="Kind and funny.",
        when=timeparse.UNKNOWN,
        rating=8.0,
        rating_raw="4/5",
        keys=("letterboxd:a:entry-1",),
    )
    saved = save(db, (from_export, first), (from_diary, again))
    assert db.execute("select id from films").fetchall() == [("letterboxd:lid/vHza",)]
    assert db.execute("select id, text from reviews").fetchall() == [(first.id, "Kind and funny.")]
    assert saved.counts.new == 1 and saved.counts.completed == 1
    keys = dict(db.execute("select key, review_id from review_keys").fetchall())
    assert keys == {first.id: first.id, "letterboxd:a:entry-1": first.id, again.id: first.id}
