"""Letterboxd's review cards in the 2025 layout (the 2026 one is read from the corpus in
test_letterboxd_corpus.py), and what the archive does with a full-text fragment."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import sites
from scraper.cli import cli
from scraper.errors import ParseError
from scraper.store.schema import open_archive
from scraper.store.writer import PageWriter
from tests.fakes.letterboxd import EXCERPT, FakeLetterboxd, make_member, reviews_page_2025

SEEN = datetime(2026, 11, 1, tzinfo=UTC)


def test_2025_cards_still_read():
    member = make_member("dan", 90)
    body = reviews_page_2025(member, 1).encode()
    assert sites.sniff(body) == ("letterboxd", "reviews")
    url = "https://letterboxd.com/dan/films/reviews/"
    page = sites.parse("letterboxd", "reviews", body, url, SEEN)
    shown = [e for e in member.entries if e.text][:12]
    assert [r.id for r in page.reviews] == [f"letterboxd:dan/viewing/{e.viewing_id}" for e in shown]
    for review, entry in zip(page.reviews, shown, strict=True):
        assert review.rating == (entry.stars * 2 if entry.stars else None)
        assert review.truncated == (len(entry.html) > EXCERPT)
        assert review.spoiler == entry.spoiler and review.likes == entry.likes
        assert f"letterboxd:viewing:{entry.viewing_id}" in review.keys
    assert page.next.url == "https://letterboxd.com/dan/films/reviews/page/2/"


def test_a_crawl_of_the_2025_layout_completes_its_excerpts(run_scrape, tmp_path):
    member = make_member("eve", 90, long_every=18)
    db = tmp_path / "a.db"
    with FakeLetterboxd(member, layout="2025") as site:
        env = {"SCRAPE_LETTERBOXD_ROOT": site.root}
        done = run_scrape("user", "letterboxd:eve", "--db", str(db), env=env)
        assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        texts = dict(conn.execute("select id, text from reviews where text is not null"))
        incomplete = conn.execute("select count(*) from reviews where text_incomplete = 1")
        assert incomplete.fetchone() == (0,)
    assert len(texts) == 30
    for entry in (e for e in member.entries if e.text):
        assert texts[f"letterboxd:eve/viewing/{entry.viewing_id}"] == "\n\n".join(entry.text)


def test_a_fragment_completes_only_a_review_the_archive_holds(tmp_path):
    db = open_archive(tmp_path / "a.db")
    member = make_member("fay", 3, long_every=1)
    entry = member.entries[-1]  # entry 0: reviewed, long
    listing = sites.parse(
        "letterboxd",
        "reviews",
        reviews_page_2025(member, 1).encode(),
        "https://letterboxd.com/fay/films/reviews/",
        SEEN,
    )
    fragment_url = f"https://letterboxd.com/s/full-text/viewing:{entry.viewing_id}/"
    fragment = sites.parse("letterboxd", "full_text", entry.html.encode(), fragment_url, SEEN)
    stray = sites.parse(
        "letterboxd", "full_text", b"<p>nobody's</p>", "https://x/s/full-text/viewing:1/", SEEN
    )

    assert PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(stray).counts.new == 0
    assert db.execute("select count(*) from reviews").fetchone() == (0,)
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(listing)
    review_id = f"letterboxd:fay/viewing/{entry.viewing_id}"
    before = db.execute(
        "select film_id, rating, text, text_incomplete from reviews where id = ?", [review_id]
    ).fetchone()
    assert before[2].endswith("…") and before[3] == 1
    saved = PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(fragment)
    assert saved.counts.completed == 1 and saved.counts.changed == 0
    after = db.execute(
        "select film_id, rating, text, text_incomplete from reviews where id = ?", [review_id]
    ).fetchone()
    assert after == (before[0], before[1], "\n\n".join(entry.text), None)
    # The listing's excerpt, seen again, neither replaces the whole text nor reopens it.
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(listing)
    again = db.execute("select text, text_incomplete from reviews where id = ?", [review_id])
    assert again.fetchone() == (after[2], None)


def test_a_first_page_without_cards_is_a_layout_change_unless_it_says_none_yet():
    from scraper.errors import ParseError
    from tests.fakes.letterboxd import reviews_page

    url = "https://letterboxd.com/gil/films/reviews/"
    empty = reviews_page(make_member("gil", 0), 1)  # no reviews: an empty card list on page 1
    assert empty is not None and "production-viewing" not in empty
    with pytest.raises(ParseError, match="review cards"):
        sites.parse("letterboxd", "reviews", empty.encode(), url, SEEN)
    notice = empty.replace(
        '<div class="viewing-list">',
        '<section class="-empty"><p>No reviews yet</p></section><div class="viewing-list">',
    )
    page = sites.parse("letterboxd", "reviews", notice.encode(), url, SEEN)
    assert (page.reviews, page.past_end) == ([], False)
    past = sites.parse("letterboxd", "reviews", empty.encode(), url + "page/2/", SEEN)
    assert (page.reviews, past.past_end) == ([], True)


def test_a_card_without_a_poster_takes_its_film_from_its_link_and_headline():
    card = (
        '<html><head><meta property="og:url" content="https://letterboxd.com/hal/films/reviews/">'
        '</head><body><div class="viewing-list"><article class="production-viewing">'
        '<h2 class="name"><a href="/hal/film/past-lives/1/">Past Lives</a></h2>'
        '<span class="releasedate"><a href="/films/year/2023/">2023</a></span>'
        '<div class="body-text js-review-body"><p>Again.</p></div>'
        '<p data-likeable-identifier=\'{"uid":"viewing:77"}\' data-count="3"></p>'
        "</article></div></body></html>"
    )
    url = "https://letterboxd.com/hal/films/reviews/"
    page = sites.parse("letterboxd", "reviews", card.encode(), url, SEEN)
    (review,), (film,) = page.reviews, page.films
    assert (film.id, film.title, film.year) == ("letterboxd:film/past-lives", "Past Lives", 2023)
    assert (review.id, review.text, review.likes) == ("letterboxd:hal/viewing/77", "Again.", 3)
    assert review.url == "https://letterboxd.com/hal/film/past-lives/1/"


@pytest.mark.parametrize(
    ("parser", "listing", "empty"),
    [
        (
            "diary",
            "films/diary",
            '<table class="diary-table" id="diary-table"><tbody></tbody></table>',
        ),
        ("films", "films", '<ul class="grid -p70"></ul>'),
        ("films", "likes/films", '<ul class="poster-list -p70 -grid clear"></ul>'),
    ],
)
def test_a_diary_or_grid_page_after_the_last_is_the_listings_end(parser, listing, empty):
    """As a film's reviews past their end (corpus film-reviews-2026, page 9999): 200, the list
    there but empty, a link back. Page 1 so is no end: a grid says "none yet", or is a layout
    change (a diary's empty table is an empty diary)."""
    from scraper.errors import ParseError

    def page(number: int) -> bytes:
        back = (
            f'<div class="pagination"><a class="previous" href="/ida/{listing}/">Newer</a></div>'
            if number > 1
            else ""
        )
        return f'<html><body><div id="content">{empty}{back}</div></body></html>'.encode()

    url = f"https://letterboxd.com/ida/{listing}/"
    past = sites.parse("letterboxd", parser, page(2), f"{url}page/2/", SEEN)
    assert (past.reviews, past.next, past.past_end) == ([], None, True)
    if parser == "films":
        with pytest.raises(ParseError, match="films grid"):
            sites.parse("letterboxd", parser, page(1), url, SEEN)
    else:
        first = sites.parse("letterboxd", parser, page(1), url, SEEN)
        assert (first.reviews, first.past_end) == ([], False)


FILM_PAGE = Path(__file__).resolve().parent / "fixtures/letterboxd/film_page/film-page-2026-01.html"


def test_a_film_page_s_popular_reviews_are_each_its_member_s_review_of_the_film(tmp_path):
    """Issue 29, item 4: a film's own page (/film/<slug>/, January 2026 markup; hand-written
    fixture, see its comment) is imported, every "Popular reviews" card as a review of the
    page's film (og:url, og:title "Unbelievable (2019)") by its data-person."""
    body = FILM_PAGE.read_bytes()
    assert sites.sniff(body) == ("letterboxd", "film_page")
    db = tmp_path / "a.db"
    done = CliRunner().invoke(
        cli, ["import", str(FILM_PAGE), "--captured-at", "2026-01-12T18:30:00Z", "--db", str(db)]
    )
    assert done.exit_code == 0, done.output
    with sqlite3.connect(db) as conn:
        films = conn.execute("select id, title, year from films").fetchall()
        rows = conn.execute(
            "select id, profile_id, film_id, rating, rating_raw, likes, liked, text_incomplete,"
            " url, created_at, created_at_earliest, created_at_latest, text from reviews"
            " order by id"
        ).fetchall()
        members = conn.execute("select id, display_name from profiles order by id").fetchall()
    assert films == [("letterboxd:film/unbelievable", "Unbelievable", 2019)]
    film, latest = "letterboxd:film/unbelievable", "2026-01-12T18:30:00Z"
    assert [row[:12] for row in rows] == [
        ("letterboxd:lindqvist/viewing/910552871", "letterboxd:lindqvist", film, None, None,
         15, 0, 1, "https://letterboxd.com/lindqvist/film/unbelievable/", None, None, latest),
        ("letterboxd:nat_reads/viewing/912004417", "letterboxd:nat_reads", film, 8.0, "4/5",
         1204, 1, 1, "https://letterboxd.com/nat_reads/film/unbelievable/1/", None, None, latest),
        ("letterboxd:okapifilms/viewing/913377020", "letterboxd:okapifilms", film, 9.0, "4.5/5",
         87, 0, 1, "https://letterboxd.com/okapifilms/film/unbelievable/2/", None, None, latest),
    ]  # fmt: skip
    assert rows[1][12].startswith("Merritt Wever and Toni Collette")
    assert members == [
        ("letterboxd:lindqvist", "Maja Lindqvist"),
        ("letterboxd:nat_reads", "Nat"),
        ("letterboxd:okapifilms", "okapi"),
    ]


def test_a_film_page_names_its_film_or_is_refused():
    body = FILM_PAGE.read_bytes().replace(b'property="og:title"', b'property="og:x"')
    with pytest.raises(ParseError, match="og:title"):
        sites.parse(
            "letterboxd", "film_page", body, "https://letterboxd.com/film/unbelievable/", SEEN
        )


def test_a_film_page_card_without_data_person_is_read_by_its_avatar():
    url = "https://letterboxd.com/film/unbelievable/"
    page = sites.parse("letterboxd", "film_page", FILM_PAGE.read_bytes(), url, SEEN)
    bare = re.sub(rb' data-person="[^"]*"', b"", FILM_PAGE.read_bytes())
    assert sites.parse("letterboxd", "film_page", bare, url, SEEN) == page
    odd = FILM_PAGE.read_bytes().replace(b'data-person="nat_reads"', b'data-person="../x"')
    with pytest.raises(ParseError, match="data-person"):
        sites.parse("letterboxd", "film_page", odd, url, SEEN)
