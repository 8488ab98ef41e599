"""Issue 30, item 14: a handle read from a page or a file (a critic's `vanity`, a reviewer's
link, a user id) holds to the rules of a handle the user types (sites.resolve): a page's owner
with any other is a ParseError, a record with one is skipped and named, never archived as
`rottentomatoes:critic/../../x`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import sites
from scraper.cli import cli
from scraper.errors import ParseError, UsageError
from scraper.sites import common

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WHEN = datetime(2026, 4, 1, tzinfo=UTC)
HOSTILE = ["../../x", '"><script>alert(1)</script>', "a/b", "x" * 400, "a\x00b", "..", ""]


def _import(db: Path, *args: str):
    return CliRunner().invoke(cli, ["import", *args, "--db", str(db)])


@pytest.mark.parametrize("vanity", HOSTILE[:4])
def test_a_critic_page_whose_vanity_is_no_handle_is_refused_and_nothing_archived(tmp_path, vanity):
    data = json.loads((FIXTURES / "rottentomatoes/critic_api/critics-tv-2026.json").read_text())
    data["vanity"] = vanity
    path = tmp_path / "critic.json"
    path.write_text(json.dumps(data))
    db = tmp_path / "a.db"
    result = _import(db, str(path))
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "vanity name" in lines[0] and "Traceback" not in result.output
    assert len(lines[0]) < 400  # the vanity is quoted cut, never whole
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM reviews").fetchone() == (0,)
            assert conn.execute("SELECT id FROM profiles").fetchall() == []


def test_a_rating_whose_user_id_is_no_handle_is_skipped_and_named(tmp_path):
    fixture = FIXTURES / "rottentomatoes/flixster_ratings/flixster-ratings-2017.json"
    data = json.loads(fixture.read_text())
    data["ratings"][0]["user"]["id"] = "../../x"
    path = tmp_path / "flixster.json"
    path.write_text(json.dumps(data))
    db = tmp_path / "a.db"
    result = _import(db, str(path))
    assert result.exit_code == 0, result.output
    assert "rating 1" in result.output and "'user/../../x'" in result.output, result.output
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM profiles")]
        stored = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    assert stored == len(data["ratings"]) - 1
    assert ids and all(".." not in i for i in ids), ids


def test_a_metacritic_reviewer_link_that_is_no_handle_is_skipped_and_named():
    fixture = FIXTURES / "metacritic/movie-user-reviews-2019.html"
    body = fixture.read_bytes().replace(
        b'href="/user/Gnomishninja"', b'href="/user/&quot;&gt;&lt;script&gt;"'
    )
    url = "https://www.metacritic.com/movie/x/user-reviews"
    whole = sites.parse("metacritic", "legacy_film_page", fixture.read_bytes(), url, WHEN)
    page = sites.parse("metacritic", "legacy_film_page", body, url, WHEN)
    assert len(page.reviews) == len(whole.reviews) - 1
    assert [s.why for s in page.skipped] == [
        "its handle '\"><script>' is not one a user could type"
    ]
    assert all("<" not in p.handle for p in page.profiles)


@pytest.mark.parametrize("handle", HOSTILE)
def test_a_metacritic_profile_page_owned_by_no_handle_is_refused(handle):
    with pytest.raises(ParseError, match="a metacritic handle"):
        common.owner_handle("metacritic", "https://x.test/", handle, "the user's name")


@pytest.mark.parametrize(
    ("site", "handle"),
    [
        ("rottentomatoes", "critic/mara-lindqvist"),
        ("rottentomatoes", "user/976284330"),
        ("rottentomatoes", "rishi-ramesh"),
        ("metacritic", "Gnomishninja"),
        ("letterboxd", "jos"),
    ],
)
def test_a_handle_a_user_could_type_is_one_a_page_may_give(site, handle):
    assert common.typed_handle(site, handle)
    assert [t.handle for t in sites.resolve(f"{site}:{handle}")] == [handle]


@pytest.mark.parametrize("site", ["rottentomatoes", "metacritic", "letterboxd", "imdb"])
@pytest.mark.parametrize("handle", [*HOSTILE, "critic/../x", "user/١٢٣"])
def test_content_and_the_command_line_refuse_the_same_handles(site, handle):
    try:
        typed = [t.handle for t in sites.resolve(f"{site}:{handle}")] == [handle]
    except UsageError:
        typed = False
    assert common.typed_handle(site, handle) is typed
    assert not typed  # none of these is a profile on any site
