"""Issue 20: the year a listing leaves out, read once from the film's own page and marked as
looked up; never over a listing's year; a 404 leaves it empty and fails nothing."""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from scraper import sites
from scraper.cli import cli
from scraper.errors import ParseError
from scraper.jobs import film_details
from scraper.models import Film, Page
from scraper.store import schema
from scraper.store.writer import PageWriter
from tests.fakes.rottentomatoes import FakeRottenTomatoes, Rating, Site

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def corpus_year(slug: str) -> int:
    """The stand-in's year for a corpus film (the corpus API gives none to compare with)."""
    return 1930 + zlib.crc32(slug.encode()) % 90


@pytest.fixture
def corpus_profile(corpus):
    """The 415-rating 2023+ profile of the corpus, served by the stand-in with a page for
    every film, in the 2026 shape."""
    data = json.loads((corpus / "rottentomatoes/napi-profiles-ratings-movie-2023.json").read_text())
    handle = data["api"].split("/")[4]
    ratings = [
        Rating(
            slug=r["media"]["pageLink"].removeprefix("/m/"),
            title=r["media"]["title"],
            year=corpus_year(r["media"]["pageLink"].removeprefix("/m/")),
            score=r["review"].get("score"),
            text=r["review"].get("review") or "",
            created_ms=r["createTime"],
        )
        for r in data["ratings"]
    ]
    with FakeRottenTomatoes(Site(profiles={handle: ratings})) as server:
        yield server, handle, ratings


def test_a_crawl_of_the_corpus_profile_ends_with_every_films_year(
    corpus_profile, run_scrape, tmp_path
):
    server, handle, ratings = corpus_profile
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": server.root}
    db = tmp_path / "archive.db"
    first = run_scrape("user", f"rottentomatoes:{handle}", "--db", str(db), env=env)
    assert first.returncode == 0, first.stderr
    assert "415 reviews" in first.stdout and "; 415 film pages read for years" in first.stdout
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, year, year_source, year_checked_at FROM films").fetchall()
    assert len(rows) == 415
    expected = {f"rottentomatoes:m/{r.slug}": r.year for r in ratings}
    assert {film_id: year for film_id, year, _, _ in rows} == expected
    assert {source for _, _, source, _ in rows} == {"film page"}
    assert all(checked for _, _, _, checked in rows)
    asked = len(server.site.requests())
    again = run_scrape("user", f"rottentomatoes:{handle}", "--db", str(db), env=env)
    assert again.returncode == 0, again.stderr
    assert "film page" not in again.stdout
    assert [r for r in server.site.requests()[asked:] if r.startswith("GET /m/")] == []


def test_import_stays_offline_and_details_fills_the_years(corpus_profile, tmp_path):
    server, handle, ratings = corpus_profile
    db = tmp_path / "archive.db"
    runner = CliRunner()
    saved = server.site.profiles[handle]
    env = {"SCRAPE_ROTTENTOMATOES_ROOT": server.root, "SCRAPE_DELAY": "0"}
    corpus_file = str(json_of_corpus(tmp_path, handle, saved))
    imported = runner.invoke(cli, ["import", corpus_file, "--db", str(db)], env=env)
    assert imported.exit_code == 0, imported.output
    assert server.site.requests() == []  # an import never goes online
    server.site.missing_film_pages = {ratings[0].path}
    filled = runner.invoke(cli, ["details", "--db", str(db)], env=env)
    assert filled.exit_code == 0, filled.output
    assert "415 film pages read for 415 films without a year: 414 found, 1 not" in filled.output
    with sqlite3.connect(db) as conn:
        missing = conn.execute("SELECT id, year_check_error FROM films WHERE year IS NULL")
        assert missing.fetchall() == [
            (f"rottentomatoes:m/{ratings[0].slug}", "its page answered 404")
        ]
    asked = len(server.site.requests())
    again = runner.invoke(cli, ["details", "--db", str(db)], env=env)
    assert again.exit_code == 0 and "0 film pages read for 0 films" in again.output
    assert len(server.site.requests()) == asked


def json_of_corpus(tmp_path, handle, ratings):
    """The profile API's answer for these ratings, saved as a browser would save it."""
    body = {
        "api": f"/napi/profiles/ratings/{handle}/movie",
        "pageInfo": {"hasNextPage": False},
        "ratings": [
            {
                "createTime": r.created_ms,
                "review": {"score": r.score},
                "media": {"title": r.title, "pageLink": r.path, "type": "Movie"},
            }
            for r in ratings
        ],
    }
    path = tmp_path / "ratings.json"
    path.write_text(json.dumps(body))
    return path


def test_the_2019_film_page_gives_its_year_from_title_and_in_theaters(corpus):
    body = (corpus / "rottentomatoes/movie-page-audience-reviews-2019.html").read_bytes()
    url = "https://www.rottentomatoes.com/m/shawshank_redemption"
    page = sites.parse("rottentomatoes", "film_page", body, url, WHEN)
    assert page.films[0].year == 1994


def test_a_metacritic_season_takes_its_own_year_from_its_shows_page(corpus):
    payload = (corpus / "metacritic/nuxt-data-tv-page-2026.json").read_bytes()
    body = b'<html><script id="__NUXT_DATA__" type="application/json">' + payload + b"</script>"
    base = "https://www.metacritic.com/tv/the-larry-sanders-show/"
    show = sites.parse("metacritic", "film_page", body, base, WHEN).films[0]
    season = sites.parse("metacritic", "film_page", body, base + "#season-2", WHEN).films[0]
    assert (show.id, show.year) == ("metacritic:tv/the-larry-sanders-show", 1992)
    assert (season.id, season.year) == ("metacritic:tv/the-larry-sanders-show/season-2", 1993)
    request = sites.SITES["metacritic"].film_page(season.id)
    assert request is not None and request.url.endswith("/tv/the-larry-sanders-show/#season-2")


@pytest.mark.parametrize(
    ("head", "year"),
    [
        (
            '<script type="application/ld+json">{"@type":"Movie","dateCreated":"2017-01-27"}'
            "</script>",
            2017,
        ),
        ("", None),  # a page that states no year is no error: the year stays empty
        (
            '</head><body><div data-qa="item"><rt-text data-qa="item-label">Release Date '
            '(Theaters)</rt-text><rt-text data-qa="item-value">Feb 25, 2022, Wide</rt-text>'
            "</div></body><head>",
            2022,
        ),
        (
            '<script type="application/ld+json">{"@type":"Movie",'
            '"dateCreated":"2005-11-20T14:50:02-08:00"}</script>',
            None,
        ),  # 2019's record time
    ],
)
def test_rt_film_page_years(head, year):
    body = f"<html><head><title>X | Rotten Tomatoes</title>{head}</head></html>".encode()
    page = sites.parse("rottentomatoes", "film_page", body, "https://x.test/m/x", WHEN)
    assert page.films[0].year == year


def test_a_page_that_is_no_film_page_is_a_parse_error():
    with pytest.raises(ParseError, match="a film, show or season page"):
        sites.parse("rottentomatoes", "film_page", b"<title>x</title>", "https://x.test/a", WHEN)


def test_a_looked_up_year_never_overwrites_a_listings_and_a_listing_takes_over(tmp_path):
    db = schema.open_archive(tmp_path / "a.db")
    listed = Film("rottentomatoes:m/a", "rottentomatoes", "A", 2001, "movie")
    unlisted = Film("rottentomatoes:m/b", "rottentomatoes", "B", None, "movie")
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(Page(films=[listed, unlisted]))
    assert film_details.pending(db) == [("rottentomatoes:m/b", "rottentomatoes")]
    film_details._record(db, "rottentomatoes:m/a", "https://x.test/m/a", 1999, None)
    film_details._record(db, "rottentomatoes:m/b", "https://x.test/m/b", 1988, None)
    rows = db.execute("SELECT id, year, year_source FROM films ORDER BY id").fetchall()
    assert rows == [
        ("rottentomatoes:m/a", 2001, "listing"),
        ("rottentomatoes:m/b", 1988, "film page"),
    ]
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(
        Page(films=[Film("rottentomatoes:m/b", "rottentomatoes", "B", 1987, None)])
    )
    row = db.execute(
        "SELECT year, year_source, year_source_url FROM films WHERE id = ?", ["rottentomatoes:m/b"]
    )
    assert row.fetchall() == [(1987, "listing", None)]
    assert film_details.pending(db) == []


def test_a_site_refusing_film_pages_stops_the_look_ups_and_they_wait_for_next_run(tmp_path):
    import httpx

    from scraper.net.fetch import Fetcher, FetchSettings

    db = schema.open_archive(tmp_path / "a.db")
    films = [
        Film(f"rottentomatoes:m/f{i}", "rottentomatoes", f"F{i}", None, "movie") for i in range(5)
    ]
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(Page(films=films))
    asked: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(403, text="<html>Access Denied</html>")

    settings = FetchSettings(delay=0, robots=False, tries=1)
    with Fetcher(settings, transport=httpx.MockTransport(refuse)) as fetcher:
        looked = film_details.look_up(db, fetcher, film_details.pending(db))
    assert len(asked) == film_details.REFUSALS_IN_A_ROW and looked.stopped
    assert looked.read == 0 and "film pages stopped" in (looked.note() or "")
    assert len(film_details.pending(db)) == 5  # nothing recorded: all asked again next run


def _rt_film_page(title: str, year_json: str, prop: str) -> bytes:
    """A 2026 film page whose where-to-watch releaseYear is the JSON `year_json` and whose
    hero names the year `prop`."""
    hero = json.dumps({"content": {"title": title, "metadataProps": ["PG-13", prop]}})
    return (
        f"<!DOCTYPE html><html><head><title>{title} | Rotten Tomatoes</title></head><body>"
        f'<script id="media-hero-json" type="application/json">{hero}</script>'
        f'<script id="where-to-watch-json" type="application/json">'
        f'{{"title": "{title}", "releaseYear": {year_json}}}</script></body></html>'
    ).encode()


@pytest.mark.parametrize(
    ("year_json", "prop"),
    [
        ('"²"', "²"),  # str.isdigit() says yes, int() says no
        ('"²⁰²⁴"', "٢٠١٩"),  # superscripts; Arabic-Indic digits, which int() reads
        ('"' + "9" * 5000 + '"', "9" * 5000),  # past int()'s 4,300 digits
        ("9" * 5000, "1" * 40),  # a bare JSON number past them: json.loads refuses it
        ("1" + "0" * 30, "1" + "0" * 30),  # past SQLite's integers
        ('"1869"', "2101"),  # digits, but no film's year
    ],
)
def test_a_film_page_with_a_year_no_number_holds_is_that_films_note_never_the_runs_end(
    tmp_path, year_json, prop
):
    """Issue 30, item 13: such a year ended `scrape details` (and every later crawl) with an
    internal error; it is no year, and the other films' look-ups go on."""
    from tests.fakes.server import NOT_FOUND, LocalSite

    path = tmp_path / "a.db"
    db = schema.open_archive(path)
    films = [Film(f"rottentomatoes:m/{s}", "rottentomatoes", s, None, "movie") for s in "ab"]
    PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(Page(films=films))
    db.close()
    pages = {"/m/a": _rt_film_page("A", year_json, prop), "/m/b": _rt_film_page("B", "2001", "")}

    def route(path, query):
        return (200, pages[path], "text/html") if path in pages else NOT_FOUND

    with LocalSite(route) as site:
        env = {"SCRAPE_ROTTENTOMATOES_ROOT": site.root, "SCRAPE_DELAY": "0"}
        result = CliRunner().invoke(cli, ["details", "--db", str(path)], env=env)
        assert result.exit_code == 0, result.output
        assert len(site.requests()) == 2
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, year, year_check_error FROM films ORDER BY id")
        assert rows.fetchall() == [
            ("rottentomatoes:m/a", None, "its page states no year"),
            ("rottentomatoes:m/b", 2001, None),
        ]
