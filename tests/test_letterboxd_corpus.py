"""Every Letterboxd capture in the shared corpus, parsed or imported, with counts and samples
checked by hand against the raw files (row by row in the HTML, line by line in the CSVs)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scraper import sites
from scraper.errors import ParseError
from scraper.sites import letterboxd

CAPTURED = datetime(2026, 7, 1, tzinfo=UTC)


def parse(corpus: Path, name: str, url: str | None = None):
    path = corpus / "letterboxd" / name
    body = letterboxd.pack_export(path) if path.is_dir() else path.read_bytes()
    found = sites.sniff(body)
    assert found is not None and found[0] == "letterboxd", name
    return found[1], sites.parse("letterboxd", found[1], body, url or path.as_uri(), CAPTURED)


# name: (parser, films, rows, rated rows, rows with text, has a next page)
CASES = {
    # 47 films: Past Lives, Sharp Stick and The Fabelmans each have a second viewing (/1/).
    "diary-2026.html": ("diary", 47, 50, 48, 0, True),
    # Every poster is a row: 64 rated, 8 only watched (a watched mark, rating NULL).
    "films-2026.html": ("films", 72, 72, 64, 0, True),
    "films-2022-page1.html": ("films", 72, 72, 72, 0, True),
    "films-2022-page5-last.html": ("films", 33, 33, 31, 0, False),
    "films-2022-single-page.html": ("films", 34, 34, 34, 0, False),
    "likes-2026.html": ("films", 72, 72, 72, 0, True),
    "profile-2022.html": ("profile", 0, 0, 0, 0, False),
    "profile-2026.html": ("profile", 0, 0, 0, 0, False),
    "rss-2020.xml": ("rss", 50, 50, 50, 0, False),
    "rss-2022.xml": ("rss", 49, 50, 49, 26, False),  # Pandemic twice
    "rss-2026.xml": ("rss", 50, 50, 50, 0, False),
    # 100 items: 50 reviews (all rated, with text), 50 list items that are skipped.
    "rss-2025-12.xml": ("rss", 50, 50, 50, 50, False),
    # A film's reviews, July 2026: 12 cards each by its own member, all of one film.
    "film-reviews-2026/oppenheimer-base.html": ("film_reviews", 1, 12, 12, 12, True),
    "film-reviews-2026/oppenheimer-rated5-page1.html": ("film_reviews", 1, 12, 12, 12, True),
    "film-reviews-2026/oppenheimer-rated5-page9999-empty.html": (
        "film_reviews",
        0,
        0,
        0,
        0,
        False,
    ),
}
FILM_REVIEWS = "https://letterboxd.com/film/oppenheimer-2023/reviews/"
# The full-text fragments name neither member nor film: they are read with their address.
FRAGMENTS = {
    # viewing id: (the card's excerpt was cut short, length of the whole text, its end)
    1401219145: (False, 98, "you’re still standing next to him WAKE UP !"),
    1401220279: (True, 936, "حرك مشاعري داخليا."),
    1401220529: (False, 525, "The detonation and aftermath sequences were good"),
    1401220676: (True, 3241, "I don’t know how this works so well."),
}


def test_every_corpus_file_is_covered(corpus):
    names = {p.name for p in (corpus / "letterboxd").iterdir()}
    assert names == {n.split("/")[0] for n in CASES} | {"export-2026"}
    reviews_dir = corpus / "letterboxd" / "film-reviews-2026"
    pages = {f"film-reviews-2026/{p.name}" for p in reviews_dir.glob("oppenheimer-*")}
    fragments = {p.name for p in reviews_dir.glob("s-full-text-*")}
    assert pages <= set(CASES)
    assert fragments == {f"s-full-text-viewing-{n}.html" for n in FRAGMENTS}
    assert len(pages) + len(fragments) == len(list(reviews_dir.iterdir()))


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file_parses_to_expected_counts(corpus, name):
    parser, page = parse(corpus, name)
    expected = CASES[name]
    rows = page.reviews
    got = (
        parser,
        len({f.id for f in page.films}),
        len(rows),
        sum(r.rating is not None for r in rows),
        sum(r.text is not None for r in rows),
        page.next is not None,
    )
    assert got == expected
    assert len({r.id for r in rows}) == len(rows), "ids are unique within a page"
    for review in rows:
        assert review.rating is None or 1 <= review.rating <= 10
        assert review.rating_raw is None or review.rating_raw.endswith("/5")


def test_film_review_cards_hand_checked(corpus):
    """The 2026 card, checked card by card against oppenheimer-base.html."""
    _, page = parse(corpus, "film-reviews-2026/oppenheimer-base.html", FILM_REVIEWS)
    (film,) = page.films[:1]
    assert (film.id, film.title, film.year) == (
        "letterboxd:film/oppenheimer-2023",
        "Oppenheimer",
        2023,
    )
    assert "letterboxd:lid:wUow" in film.keys
    by_id = {r.id: r for r in page.reviews}
    # Card 1: avatar /eugeniobegato/, aria-label "★★★★★", "Rewatched by Eugenio Beggy",
    # liked, datetime 2026-07-17, a whole (not collapsed) body in Italian, 0 likes.
    first = by_id["letterboxd:eugeniobegato/viewing/1401135796"]
    assert (first.rating, first.rating_raw, first.liked, first.rewatch, first.likes) == (
        10.0,
        "5/5",
        True,
        True,
        0,
    )
    assert not first.truncated and first.text.startswith("L'aspettativa su cosa un blockbuster")
    assert first.url == "https://letterboxd.com/eugeniobegato/film/oppenheimer-2023/6/"
    assert first.when.at.date().isoformat() == "2026-07-17"
    assert "letterboxd:viewing:1401135796" in first.keys
    # Card 3: "★★★★½", .collapsed-text: the excerpt ends in "…", marked truncated.
    third = by_id["letterboxd:ithrmal/viewing/1401220676"]
    assert (third.rating, third.rating_raw, third.truncated) == (9.0, "4.5/5", True)
    assert third.text.endswith("Nolan knows how to depict this story…")
    # Card 4: "★★", "Watched by Dizzarbs", not collapsed although it has data-full-text-url.
    fourth = by_id["letterboxd:dizzarbs/viewing/1401220529"]
    assert (fourth.rating, fourth.rewatch, fourth.liked, fourth.truncated) == (
        4.0,
        False,
        False,
        False,
    )
    # Card 12: a single "★", collapsed.
    last = by_id["letterboxd:realcolvynh0001/viewing/1401215965"]
    assert (last.rating, last.truncated) == (2.0, True)
    assert sum(r.truncated for r in page.reviews) == 5  # five cards hold .collapsed-text
    assert sum(bool(r.liked) for r in page.reviews) == 6
    assert {p.display_name for p in page.profiles} >= {"Eugenio Beggy", "Ahmed Tamer"}
    assert page.next.url == "https://letterboxd.com/film/oppenheimer-2023/reviews/page/2/"

    _, rated = parse(corpus, "film-reviews-2026/oppenheimer-rated5-page1.html", FILM_REVIEWS)
    assert {r.rating for r in rated.reviews} == {10.0}  # the page is filtered to five stars
    top = rated.reviews[0]
    assert (top.id, top.likes) == ("letterboxd:justinwuah/viewing/412989206", 30636)
    # "Added by hilyelo" with an exact time instead of a viewing day.
    added = next(r for r in rated.reviews if r.profile_id == "letterboxd:hilyelo")
    assert added.when.exact and added.when.at.isoformat().startswith("2023-07-11T23:26:24")
    assert added.rewatch is None


def test_page_past_the_last_ends_the_listing_quietly(corpus):
    url = FILM_REVIEWS + "rated/5/by/activity/page/9999/"
    name = "film-reviews-2026/oppenheimer-rated5-page9999-empty.html"
    _, page = parse(corpus, name, url)
    assert page.past_end and not page.reviews and page.next is None
    # The same empty list on a first page is no end signal: a layout change, said loudly.
    body = (corpus / "letterboxd" / name).read_bytes()
    body = body.replace(b'class="previous"', b'class="nothing"')
    with pytest.raises(ParseError, match="review cards"):
        sites.parse("letterboxd", "film_reviews", body, FILM_REVIEWS, CAPTURED)


@pytest.mark.parametrize("viewing", sorted(FRAGMENTS))
def test_full_text_fragments(corpus, viewing):
    body = corpus / "letterboxd" / "film-reviews-2026" / f"s-full-text-viewing-{viewing}.html"
    url = f"https://letterboxd.com/s/full-text/viewing:{viewing}/"
    page = sites.parse("letterboxd", "full_text", body.read_bytes(), url, CAPTURED)
    (review,) = page.reviews
    cut, length, end = FRAGMENTS[viewing]
    assert review.id == f"letterboxd:viewing:{viewing}" and review.only_text
    assert (len(review.text), review.text.endswith(end)) == (length, True)
    assert "<" not in review.text and review.text_original.lstrip().startswith("<")
    # The card on the film page shows the same review: cut short exactly when collapsed.
    _, cards = parse(corpus, "film-reviews-2026/oppenheimer-base.html", FILM_REVIEWS)
    card = next(r for r in cards.reviews if r.id.endswith(f"/viewing/{viewing}"))
    assert card.truncated == cut
    if cut:
        assert review.text.startswith(card.text.rstrip("…")[:-1])
    else:
        assert review.text == card.text


def test_full_text_of_another_shape_is_a_parse_error():
    url = "https://letterboxd.com/s/full-text/viewing:5/"
    for body in (b"", b"  \n ", b"<!DOCTYPE html><html><body><p>Sign in</p></body></html>"):
        with pytest.raises(ParseError, match="letterboxd"):
            sites.parse("letterboxd", "full_text", body, url, CAPTURED)
    with pytest.raises(ParseError, match="viewing id"):
        sites.parse("letterboxd", "full_text", b"<p>x</p>", "https://letterboxd.com/s/x/", CAPTURED)


def test_rss_2025_hand_checked(corpus):
    _, page = parse(corpus, "rss-2025-12.xml")
    first = page.reviews[0]
    # <guid>letterboxd-review-1115733957</guid>, memberRating 2.0,
    # pubDate "Tue, 23 Dec 2025 10:42:16 +1300", watchedDate 2025-12-22, tmdb 566268.
    assert first.id == "letterboxd:filipe_furtado/viewing/1115733957"
    assert (first.rating, first.rating_raw, first.watched_on) == (4.0, "2/5", "2025-12-22")
    assert first.when.at == datetime(2025, 12, 22, 21, 42, 16, tzinfo=UTC)
    assert first.text.startswith("Carvalho is working so hard")
    assert page.profiles[0].display_name == "Filipe Furtado"
    film = next(f for f in page.films if f.id == first.film_id)
    assert (film.title, film.year) == ("The Passion According to G.H.", 2023)
    assert "tmdb:566268" in film.keys


def test_diary_rows_hand_checked(corpus):
    _, page = parse(corpus, "diary-2026.html", "https://letterboxd.com/spazznolo/films/diary/")
    first, second = page.reviews[0], page.reviews[1]
    # <tr data-viewing-id="1104692589">: The Holdovers (2023), rated-10, liked, rewatch, Dec 14.
    assert first.id == "letterboxd:spazznolo/viewing/1104692589"
    assert first.film_id == "letterboxd:film/the-holdovers"
    assert (first.rating, first.rating_raw, first.liked, first.rewatch) == (10.0, "5/5", True, True)
    assert first.watched_on == "2025-12-14"
    assert first.url == "https://letterboxd.com/spazznolo/film/the-holdovers/2/"
    assert not first.text_known
    assert "letterboxd:spazznolo/watch/lid:vHza/2025-12-14" in first.keys
    # Jay Kelly (2025), rated-2 (one star), not liked, with a review link.
    assert (second.rating, second.liked, second.rewatch, second.watched_on) == (
        2.0,
        False,
        False,
        "2025-12-08",
    )
    assert second.url == "https://letterboxd.com/spazznolo/film/jay-kelly/"
    holdovers = next(f for f in page.films if f.id == first.film_id)
    assert (holdovers.title, holdovers.year, holdovers.site_film_id) == (
        "The Holdovers",
        2023,
        "755564",
    )
    assert page.next.url == "https://letterboxd.com/spazznolo/diary/films/page/2/"
    assert sum(r.liked for r in page.reviews) == 21  # 21 col-like cells hold icon-liked
    assert sum(r.rewatch for r in page.reviews) == 8  # 8 col-rewatch cells lack status-off


def test_rss_items_hand_checked(corpus):
    _, page = parse(corpus, "rss-2022.xml")
    first = page.reviews[0]
    assert first.id == "letterboxd:joshuasalazar/viewing/236144409"
    assert first.text == "ganda ni seohyun pero yung pelikula hindi masyado"
    assert (first.rating, first.watched_on, first.rewatch) == (5.0, "2022-02-12", False)
    # pubDate "Mon, 14 Feb 2022 01:05:19 +1300"
    assert first.when.exact and first.when.at == datetime(2022, 2, 13, 12, 5, 19, tzinfo=UTC)
    assert page.profiles[0].display_name == "jos"
    watch = next(r for r in page.reviews if r.id.endswith("/227470825"))
    assert watch.text is None and not watch.text_known  # "Watched on Saturday ..." is not text

    _, old = parse(corpus, "rss-2020.xml")  # 22 list items skipped, not turned into reviews
    assert sum(r.rewatch for r in old.reviews) == 7
    assert sum(r.url.rstrip("/").split("/")[-1].isdigit() for r in old.reviews) == 4

    _, new = parse(corpus, "rss-2026.xml")
    kill_list = next(f for f in new.films if f.title == "Kill List")
    assert "tmdb:74725" in kill_list.keys and kill_list.year == 2011


def test_films_grid_and_profiles_hand_checked(corpus):
    _, grid = parse(corpus, "films-2026.html", "https://letterboxd.com/spazznolo/films/")
    first = grid.reviews[0]
    assert first.id == "letterboxd:spazznolo/rating/lid:NfTM"
    assert (first.rating, first.rating_raw) == (3.0, "1.5/5")
    _, old = parse(corpus, "films-2022-page1.html")
    assert old.reviews[0].id == "letterboxd:erick99/rating/slug:senior-year-2022"
    assert old.reviews[0].rating == 4.0
    _, likes = parse(corpus, "likes-2026.html", "https://letterboxd.com/spazznolo/likes/films/")
    assert all(r.liked for r in likes.reviews)
    _, profile = parse(corpus, "profile-2022.html")
    assert profile.profiles[0].display_name == "Dan McCoy"
    assert profile.profiles[0].id == "letterboxd:dankmccoy"


@pytest.fixture(scope="module")
def export_db(corpus, tmp_path_factory):
    from click.testing import CliRunner

    from scraper.cli import cli

    db = tmp_path_factory.mktemp("letterboxd-export") / "archive.db"
    args = ["import", str(corpus / "letterboxd" / "export-2026"), "--db", str(db)]
    result = CliRunner().invoke(cli, [*args, "--profile", "letterboxd:aguitov"])
    assert result.exit_code == 0, result.output
    assert "1 file (1 export): 1857 reviews (1857 new, 0 changed)" in result.output
    again = CliRunner().invoke(cli, [*args, "--profile", "letterboxd:aguitov"])
    assert "1857 reviews (0 new, 0 changed)" in again.output, again.output
    return sqlite3.connect(db)


def test_export_entries_all_imported(export_db):
    count = export_db.execute(
        "select count(*), count(text), count(deleted_at) from reviews where id like '%/entry/%'"
    ).fetchone()
    # 913 diary entries (each with its review in reviews.csv) + 13 in deleted/
    assert count == (926, 926, 13)
    orphaned = export_db.execute(
        "select id, rating, watched_on, rewatch from reviews "
        "where id like '%/orphaned/%' order by id"
    ).fetchall()
    assert len(orphaned) == 18
    somedays = [row for row in orphaned if "/someday|2025/" in row[0]]
    assert [row[0].rsplit("/", 1)[1] for row in somedays] == ["2025-03-21", "2025-03-21#2"]


def test_export_text_has_no_html_and_ratings_are_on_ten(export_db):
    assert (
        export_db.execute("select count(*) from reviews where text like '%<%>%'").fetchone()[0] == 0
    )
    html_originals = export_db.execute(
        "select count(*) from reviews where text_original like '%<%'"
    ).fetchone()[0]
    assert html_originals >= 810  # 810 reviews in reviews.csv carry markup
    low, high = export_db.execute("select min(rating), max(rating) from reviews").fetchone()
    assert (low, high) == (1.0, 10.0)
    # reviews.csv line for Past Lives: Rating 5, Watched Date 2026-01-08, logged 2023-09-03.
    text, rating, raw, watched, created = export_db.execute(
        "select text, rating, rating_raw, watched_on, created_at from reviews "
        "where id = 'letterboxd:aguitov/entry/4N42O9'"
    ).fetchone()
    assert (rating, raw, watched, created[:10]) == (10.0, "5/5", "2026-01-08", "2023-09-03")
    assert "In-Yun" in text and "<i>" not in text and "5-Star ⭐ Movies" in text
    assert "\n\nHay una palabra en coreano." in text  # the paragraph break survives


def test_export_film_level_files(export_db):
    ratings = export_db.execute(
        "select count(*), sum(liked) from reviews where id like '%/rating/%'"
    ).fetchone()
    assert ratings == (913, 830)  # ratings.csv rows; likes/films.csv marks 830 of them
    # Every diary entry found its film's LID through watched.csv and ratings.csv.
    unresolved = export_db.execute(
        "select count(*) from reviews where id like '%/entry/%' and film_id not like '%:lid/%'"
    ).fetchone()[0]
    assert unresolved == 0
