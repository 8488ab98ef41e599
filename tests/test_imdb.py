"""IMDb's ratings export, both header formats and both encodings, through the parser and the
`scrape import` command; expected values checked by hand against the corpus files."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from scraper import sites
from scraper.cli import cli
from scraper.errors import ParseError

OWNER = "https://www.imdb.com/user/ur1234567/ratings"
SEEN = datetime(2026, 5, 1, tzinfo=UTC)


def parse(body: bytes, url: str = OWNER):
    assert sites.sniff(body) == ("imdb", "ratings_export")
    return sites.parse("imdb", "ratings_export", body, url, SEEN)


@pytest.mark.parametrize(
    ("name", "count", "kinds", "first", "last"),
    [
        (
            "ratings-export-2023-old-format.csv",
            17,
            {"movie": 15, "tv": 2},
            ("tt11564570", "Glass Onion", 2022, 6.0, "6/10", "2023-01-31"),
            ("tt9686790", "Shotgun Wedding", 2022, 5.0, "5/10", "2023-02-15"),
        ),
        (
            "ratings-export-2026-new-format.csv",
            963,
            {"episode": 722, "movie": 221, "tv": 20},
            ("tt0088247", "The Terminator", 1984, 8.0, "8/10", "2026-04-18"),
            ("tt1745960", "Top Gun: Maverick", 2022, 10.0, "10/10", "2023-03-26"),
        ),
    ],
)
def test_corpus_exports(corpus, name, count, kinds, first, last):
    page = parse((corpus / "imdb" / name).read_bytes())
    assert len(page.reviews) == len(page.films) == count
    assert Counter(f.kind for f in page.films) == kinds
    films = {f.id: f for f in page.films}
    for review, expected in ((page.reviews[0], first), (page.reviews[-1], last)):
        film = films[review.film_id]
        assert (
            film.site_film_id,
            film.title,
            film.year,
            review.rating,
            review.rating_raw,
            review.when.at.date().isoformat(),
            review.when.precision,
        ) == (*expected, "day")
        assert review.id == f"imdb:ur1234567/{expected[0]}" and review.text is None
        assert film.url == f"https://www.imdb.com/title/{expected[0]}/"


HEADER = "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year\n"


def test_cp1252_and_bom_encodings():
    row = "tt0211915,9,2021-03-04,Le Fabuleux Destin d'Amélie Poulain,,movie,8.3,122,2001\n"
    for body in ((HEADER + row).encode("cp1252"), b"\xef\xbb\xbf" + (HEADER + row).encode()):
        (film,) = parse(body).films
        assert film.title == "Le Fabuleux Destin d'Amélie Poulain" and film.year == 2001


@pytest.mark.parametrize(
    ("body", "url", "missing"),
    [
        (
            (HEADER + "tt0211915,9,2021-03-04,X,,movie,8,1,2001\n").encode(),
            "file:///r.csv",
            "--profile imdb:ur",
        ),
        (
            (HEADER + "nm0000001,9,2021-03-04,X,,movie,8,1,2001\n").encode(),
            OWNER,
            "Const on line 2",
        ),
        (b"Const,Your Rating,Date Rated,Nope\ntt1,1,x,y\n", OWNER, "Title"),
    ],
)
def test_bad_exports_are_parse_errors(body, url, missing):
    with pytest.raises(ParseError, match=missing.replace("(", r"\(")):
        sites.parse("imdb", "ratings_export", body, url, SEEN)


def test_import_command(corpus, tmp_path):
    db = tmp_path / "a.db"
    source = str(corpus / "imdb" / "ratings-export-2026-new-format.csv")
    without = CliRunner().invoke(cli, ["import", source, "--db", str(db)])
    assert without.exit_code == 1 and "--profile imdb:ur" in without.output
    done = CliRunner().invoke(
        cli,
        ["import", source, "--db", str(db), "--profile", "https://www.imdb.com/user/ur1234567/"],
    )
    assert done.exit_code == 0, done.output
    assert "963 reviews (963 new" in done.output
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "select count(*), count(distinct film_id) from reviews "
            "where profile_id = 'imdb:ur1234567'"
        ).fetchone() == (963, 963)


TITLE_PAGE = "https://www.imdb.com/title/tt1213663/reviews/"


def test_review_cards_of_a_title_page(corpus):
    body = (corpus / "imdb" / "title-reviews-fragment-2025.html").read_bytes()
    assert sites.sniff(body) == ("imdb", "review_cards")
    with pytest.raises(ParseError, match="scrape import --url"):
        sites.parse("imdb", "review_cards", body, "file:///fragment.html", SEEN)
    page = sites.parse("imdb", "review_cards", body, TITLE_PAGE, SEEN)
    assert len(page.reviews) == 35 and len({r.profile_id for r in page.reviews}) == 35
    assert Counter(r.rating for r in page.reviews) == {8.0: 17, 10.0: 9, 9.0: 5, None: 4}
    first, last = page.reviews[0], page.reviews[-1]
    assert (first.id, first.film_id, first.rating_raw, first.reviewer_name) == (
        "imdb:ur29346022/review/rw2858099",
        "imdb:tt1213663",
        "8/10",
        "ikiru71-220-566499",
    )
    assert first.when.at.date().isoformat() == "2013-08-24"
    assert first.text.startswith("Another funny, clever, and wild one from Simon Pegg")
    assert 'Cornetto Trilogy ("Shaun of the Dead" & "Hot Fuzz")' in first.text
    assert first.text_original.startswith("<h3>Another funny")
    assert (last.reviewer_name, last.when.at.date().isoformat()) == ("vengeance20", "2023-12-13")


def test_review_cards_never_overwrite_a_rating(corpus, tmp_path):
    db = tmp_path / "a.db"
    header = "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year\n"
    export = tmp_path / "ratings.csv"
    export.write_text(header + "tt1213663,8,2013-08-24,The World's End,,movie,7,109,2013\n")
    # (the cards are imported second, so they are the ones that could overwrite)
    for args in (
        [str(export), "--profile", "imdb:ur29346022"],
        [str(corpus / "imdb" / "title-reviews-fragment-2025.html"), "--url", TITLE_PAGE],
    ):
        result = CliRunner().invoke(cli, ["import", *args, "--db", str(db)])
        assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select id, rating, text is not null from reviews "
            "where profile_id = 'imdb:ur29346022' order by id"
        ).fetchall()
        title = conn.execute("select title, year, kind from films where id = 'imdb:tt1213663'")
        # The card page named neither title nor year nor kind: the export's stay.
        assert title.fetchone() == ("The World's End", 2013, "movie")
    assert rows == [
        ("imdb:ur29346022/review/rw2858099", 8.0, 1),
        ("imdb:ur29346022/tt1213663", 8.0, 0),
    ]
