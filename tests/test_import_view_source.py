"""Pages saved from Chrome's view-source tab (issue 29, item 3): the saved file is Chrome's
rendering of the source (tests/view_source.py, built here from a real corpus page), imported as
the page it shows, and kept as the raw page, so that reparse gives the same records."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import sites
from scraper.cli import cli
from scraper.sites import nesting, viewsource
from scraper.store import rawpages
from tests.view_source import view_source

CAPTURED = "2026-01-20T12:00:00Z"
DIARY_URL = "https://letterboxd.com/spazznolo/films/diary/"
# The archive's records of an import, without the columns that say when the run was.
TABLES = ("reviews", "films", "profiles")
RUN_TIMES = {"first_seen_at", "last_seen_at", "updated_at", "created", "checked_at"}


def _import(db: Path, path: Path) -> str:
    done = CliRunner().invoke(
        cli, ["import", str(path), "--captured-at", CAPTURED, "--db", str(db)]
    )
    assert done.exit_code == 0, done.output
    return done.output


def _records(db: Path) -> dict[str, list[tuple]]:
    records = {}
    with sqlite3.connect(db) as conn:
        for table in TABLES:
            columns = [row[1] for row in conn.execute(f"pragma table_info({table})")]
            kept = ", ".join(c for c in columns if c not in RUN_TIMES)
            records[table] = conn.execute(f"select {kept} from {table} order by id").fetchall()
    return records


def test_a_view_source_save_of_a_real_diary_imports_as_the_diary(corpus, tmp_path):
    page = (corpus / "letterboxd" / "diary-2026.html").read_bytes()
    saved = tmp_path / "view-source_letterboxd.com_spazznolo_films_diary.html"
    saved.write_bytes(view_source(page, DIARY_URL))
    plain = tmp_path / "diary.html"
    plain.write_bytes(page)
    assert sites.sniff(saved.read_bytes()) == ("letterboxd", "diary")

    _import(tmp_path / "plain.db", plain)
    shown = _import(tmp_path / "saved.db", saved)
    expected = _records(tmp_path / "plain.db")
    assert len(expected["reviews"]) == 50  # 34 reviews and 16 entries, as the corpus says
    assert _records(tmp_path / "saved.db") == expected
    assert "50 reviews" in shown, shown

    # The saved file itself is the raw page, under the diary's own address (its og:url).
    db = tmp_path / "saved.db"
    with sqlite3.connect(db) as conn:
        fetched = conn.execute("select url, parser, sha256 from fetches").fetchall()
        assert [(url, parser) for url, parser, _ in fetched] == [
            ("https://letterboxd.com/spazznolo/diary/", "diary")
        ]
        assert rawpages.load(conn, fetched[0][2]) == saved.read_bytes()
        conn.execute("delete from review_versions")
        conn.execute("delete from reviews")
    done = CliRunner().invoke(cli, ["reparse", "--db", str(db)])
    assert done.exit_code == 0, done.output
    assert _records(db)["reviews"] == expected["reviews"]


def test_unwrapping_gives_back_the_source_line_for_line(corpus):
    page = (corpus / "letterboxd" / "profile-2026.html").read_bytes()
    shown = viewsource.unwrapped(view_source(page, "https://letterboxd.com/spazznolo/"))
    assert shown == b"\xef\xbb\xbf" + page.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def test_a_page_is_not_taken_for_a_view_source_save():
    # A page that merely shows code in a table with these class names (a code host's blob
    # view) is not Chrome's wrapper: the wrapper's first row comes right after its head.
    body = b"<html><body>" + b"x" * 20_000 + b'<td class="line-number" value="1"></td>'
    body += b'<td class="line-content">&lt;p&gt;</td></body></html>'
    assert viewsource.unwrapped(body) is body


def test_a_view_source_save_of_a_json_response_is_json_again():
    saved = view_source(b'{"ratings": []}\n', "https://example.com/api")
    assert viewsource.unwrapped(saved) == b'{"ratings": []}\n'


def test_the_wrapper_is_held_to_the_nesting_bounds():
    deep = b"<span>" * (nesting.MAX_DEPTH + 10)
    saved = (
        b'<html><body><table><tbody><tr><td class="line-number" value="1"></td>'
        b'<td class="line-content">' + deep + b"</td></tr></tbody></table></body></html>"
    )
    with pytest.raises(nesting.Unbounded):
        viewsource.unwrapped(saved)
    assert sites.sniff(saved) is None
    when = datetime(2026, 1, 20, tzinfo=UTC)
    with pytest.raises(sites.ParseError):
        sites.parse("letterboxd", "diary", saved, DIARY_URL, when)


def test_a_view_source_save_of_a_film_page_reads_its_popular_reviews():
    # The three files were film and member pages: the film page's fixture, saved so.
    fixture = Path(__file__).parent / "fixtures/letterboxd/film_page/film-page-2026-01.html"
    page = fixture.read_bytes()
    saved = view_source(page, "https://letterboxd.com/film/unbelievable/")
    assert sites.sniff(saved) == ("letterboxd", "film_page")
    when = datetime(2026, 1, 12, tzinfo=UTC)
    url = "https://letterboxd.com/film/unbelievable/"
    shown = sites.parse("letterboxd", "film_page", saved, url, when)
    assert shown == sites.parse("letterboxd", "film_page", page, url, when)
    assert len(shown.reviews) == 3
