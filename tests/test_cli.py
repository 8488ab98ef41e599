"""The command line as a user meets it: import, search, bad input, help."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from click.testing import CliRunner

from scraper.cli import cli

HOSTILE = [
    '"unbalanced',
    "-",
    "NEAR(",
    "*",
    "a OR",
    "'; DROP TABLE reviews; --",
    "x" * 1_000,
    "a-" * 32,
    '"',
    "AND",
    "title:",
    "^",
    "(((",
    "film_title:lighthouse OR",
    "\\",
]


def test_import_twice_adds_nothing(corpus_db, corpus):
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(corpus / "rottentomatoes"),
            "--db",
            str(corpus_db),
            "--captured-at",
            "2023-06-01T00:00:00Z",
        ],
    )
    assert "(0 new, 0 changed)" in result.output
    with sqlite3.connect(corpus_db) as conn:
        assert conn.execute("select count(*) from reviews").fetchone()[0] == 842


def test_search_finds_best_match_first_with_snippet(corpus_db):
    result = CliRunner().invoke(cli, ["search", "clichés", "--db", str(corpus_db), "--json"])
    rows = json.loads(result.output)
    assert rows[0]["title"] == "The Cabin in the Woods"
    assert "[clichés]" in rows[0]["snippet"]
    assert rows[0]["rating_raw"] == "4/5" and rows[0]["created_at"].startswith("2012-08-26")


def test_search_matches_titles_too(corpus_db):
    result = CliRunner().invoke(cli, ["search", "shawshank", "--db", str(corpus_db), "--json"])
    assert {r["title"] for r in json.loads(result.output)} == {"The Shawshank Redemption"}


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_search_never_errors(corpus_db, query):
    result = CliRunner().invoke(cli, ["search", query, "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (" ".join(["a*"] * 800), "2,399 characters, at most 1,000"),  # took 26 s
        ("x " * 50_000, "100,000 characters, at most 1,000"),  # took over 60 s
        ("a " * 33, "33 words, at most 32"),
        ("-".join(["the"] * 40), "40 words, at most 32"),  # searched as a phrase of 40
        ('"the ' + "the " * 40 + '"', "41 words, at most 32"),
        ("a* b* c* d* e*", "5 prefix terms (word*), at most 4"),
    ],
)
def test_a_costly_search_is_refused_in_one_line(corpus_db, query, message):
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["search", query, "--db", str(corpus_db)])
    assert time.perf_counter() - started < 1
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and message in result.output
    assert "a* a*" not in result.output and "x x" not in result.output  # not echoed


def test_a_search_at_the_bounds_runs(corpus_db):
    words = " ".join(["the"] * 28 + [f"{c}*" for c in "abcd"])
    result = CliRunner().invoke(cli, ["search", words, "--db", str(corpus_db), "--json"])
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output), list)


def test_search_without_archive_says_so(tmp_path):
    result = CliRunner().invoke(cli, ["search", "x", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "none.db").exists()


def test_import_without_captured_at_keeps_only_the_sound_bound(tmp_path, corpus):
    db = tmp_path / "a.db"
    source = corpus / "rottentomatoes" / "flixster-user-ratings-2017.json"
    assert CliRunner().invoke(cli, ["import", str(source), "--db", str(db)]).exit_code == 0
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "select created_at_earliest, created_at_latest, created_at_precision "
            "from reviews limit 1"
        ).fetchone()
    assert row[0] is None and row[1] is not None and row[2] == "relative"


def test_import_profile_keeps_that_persons_reviews(tmp_path, corpus):
    db = tmp_path / "a.db"
    page = corpus / "rottentomatoes" / "movie-page-audience-reviews-2019.html"
    result = CliRunner().invoke(
        cli, ["import", str(page), "--db", str(db), "--profile", "rottentomatoes:user/971825204"]
    )
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select profile_id from reviews").fetchall() == [
            ("rottentomatoes:user/971825204",)
        ]


def test_unrecognised_file_is_refused_and_the_archive_keeps_what_it_had(tmp_path, corpus):
    db = tmp_path / "a.db"
    good = corpus / "rottentomatoes" / "napi-userprofile-movieratings-2020-last.json"
    CliRunner().invoke(cli, ["import", str(good), "--db", str(db)])
    junk = tmp_path / "junk.json"
    junk.write_text('{"hello": "world"}')
    result = CliRunner().invoke(cli, ["import", str(good), str(junk), "--db", str(db)])
    assert result.exit_code == 1
    assert "refused: " in result.output and "junk.json: not a page or response" in result.output
    assert "1 of 2 files refused" in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from reviews").fetchone()[0] == 20


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        # A bare name is looked up on the sites (tests/test_first_run.py); this is no name.
        (["user", "@nobody"], 2, "accepted forms"),
        (["user", "https://www.rottentomatoes.com/m/suzume"], 2, "not a profile page"),
        (["user", "x", "--site", "myspace"], 2, "myspace"),
        (["import", "/no/such/file"], 2, "does not exist"),
        (["import", "."], 2, "not a page or response"),
        (["user", "rottentomatoes:critic/x", "--cookies", "/no/cookies.txt"], 2, "does not exist"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path, args, code, text, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("hello")
    result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "a.db")])
    assert result.exit_code == code, result.output
    assert text in result.output and "Traceback" not in result.output


def test_captured_at_must_be_iso(tmp_path, corpus):
    source = corpus / "rottentomatoes" / "flixster-user-ratings-2017.json"
    result = CliRunner().invoke(
        cli,
        ["import", str(source), "--captured-at", "last tuesday", "--db", str(tmp_path / "a.db")],
    )
    assert result.exit_code == 2 and "ISO 8601" in result.output


def test_python_dash_m_works(run_scrape):
    done = run_scrape("--help")
    assert done.returncode == 0 and "user" in done.stdout and "import" in done.stdout


def test_an_unknown_browser_is_refused_before_the_archive_or_network(tmp_path):
    db = tmp_path / "a.db"
    result = CliRunner().invoke(
        cli, ["user", "letterboxd:someone", "--impersonate", "netscape", "--db", str(db)]
    )
    assert result.exit_code == 2
    assert "'netscape' is not a browser curl_cffi can present" in result.output
    assert "chrome" in result.output and not db.exists()
