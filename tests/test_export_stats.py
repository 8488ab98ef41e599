"""Export round trips, Letterboxd's import format, stats and search filters, on an archive built
from the corpus."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.views.export import COLUMNS, LETTERBOXD, letterboxd_row
from tests.conftest import scrape_command, scrape_env


@pytest.fixture
def db(corpus_db):
    return corpus_db


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_jsonl_and_csv_hold_every_review_once_in_a_fixed_order(db):
    lines = run("export", "--db", str(db), "--format", "jsonl").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 842 and len({r["id"] for r in records}) == 842
    assert all(list(r) == list(COLUMNS) for r in records)
    table = list(csv.DictReader(io.StringIO(run("export", "--db", str(db), "--format", "csv"))))
    assert [r["id"] for r in table] == [r["id"] for r in records]
    cabin = next(r for r in records if r["film"] == "The Cabin in the Woods")
    assert cabin["text"].endswith("awesome clichés.") and cabin["rating"] == 8.0


def test_export_filters(db, tmp_path):
    out = tmp_path / "critic.jsonl"
    run(
        "export",
        "--db",
        str(db),
        "--profile",
        "rottentomatoes:critic/rain-jokinen",
        "--since",
        "2023-01-01",
        "-o",
        str(out),
    )
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 13 and all(r["date"] >= "2023-01-01" for r in records)


def test_letterboxd_csv_matches_the_import_format(db):
    text = run(
        "export",
        "--db",
        str(db),
        "--format",
        "letterboxd",
        "--profile",
        "rottentomatoes:GeDt0zCK1fenF8NTwehrduK0seeCXJTL4H28fjquRRCzRi1zIknSwBFllCxgFepI"
        "jgSZRuYYCdOcNGtk2Fv2HmWu9zSxLTZQfJjIB1FVKuYj",
    )
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == LETTERBOXD
    entries = list(reader)
    assert len(entries) == 415
    allowed = {f"{n / 2:g}" for n in range(1, 11)} | {""}
    assert {e["Rating"] for e in entries} <= allowed
    suzume = next(e for e in entries if e["Title"] == "Suzume")
    assert suzume["Rating"] == "5" and suzume["Rating10"] == "10"
    # Rotten Tomatoes says when a rating was given, never when the film was watched: no diary
    # entry on a guessed day (issue 33; this once carried the rating's date).
    assert {e["WatchedDate"] for e in entries} == {""}
    assert all(e["Rating10"] == f"{float(e['Rating']) * 2:g}" for e in entries if e["Rating"])


@pytest.mark.parametrize(
    ("rating", "shown"),
    [
        (7.0, "3.5"),
        (10.0, "5"),
        (1.0, "0.5"),
        (0.0, "0.5"),
        (7.5, "4"),
        (None, ""),
        # Halves round up (Python's round() gave 2 and 3 stars: half to even).
        (4.5, "2.5"),
        (5.5, "3"),
    ],
)
def test_letterboxd_scale(rating, shown):
    row = letterboxd_row(
        {"film": "X", "year": 2000, "rating": rating, "date": "2020-01-02T00:00:00Z", "text": None}
    )
    assert row["Rating"] == shown and row["Review"] == ""
    assert row["Rating10"] == (round(float(shown) * 2) if shown else "")
    # The review's own date is when it was written, not a watched day.
    assert row["WatchedDate"] == ""


def test_letterboxd_csv_names_films_and_diary_days_as_the_importer_reads_them(corpus, tmp_path):
    db = tmp_path / "a.db"
    fixtures = Path(__file__).parent / "fixtures"
    export_folder = fixtures / "letterboxd" / "export" / "export-2026"
    done = CliRunner().invoke(cli, ["import", str(export_folder), "--db", str(db)])
    assert done.exit_code == 0, done.output
    ratings = sorted((corpus / "imdb").glob("*.csv"))[0]  # a real IMDb export: its ids
    done = CliRunner().invoke(
        cli, ["import", str(ratings), "--db", str(db), "--profile", "imdb:ur1"]
    )
    assert done.exit_code == 0, done.output
    text = run("export", "--db", str(db), "--format", "letterboxd")
    entries = list(csv.DictReader(io.StringIO(text)))
    lb = [e for e in entries if e["LetterboxdURI"]]
    assert lb and all(e["LetterboxdURI"].startswith("https://boxd.it/") for e in lb)
    rewatched = [e for e in entries if e["Rewatch"] == "true"]
    assert rewatched and all(e["WatchedDate"] for e in rewatched)
    assert any(len(e["WatchedDate"]) == 10 for e in lb)
    imdb_rows = [e for e in entries if e["imdbID"]]
    assert imdb_rows and all(e["imdbID"].startswith("tt") for e in imdb_rows)
    assert all(e["LetterboxdURI"] == "" for e in imdb_rows)


def test_stats_counts_add_up(db):
    figures = json.loads(run("stats", "--db", str(db), "--json"))
    assert sum(p["reviews"] for p in figures["profiles"]) == 842
    assert sum(r["reviews"] for r in figures["ratings"]) == 842
    assert sum(y["reviews"] for y in figures["years"]) == 842
    table = run("stats", "--db", str(db))
    assert "Reviews per profile" in table and "Ratings (stars out of 5)" in table


def test_search_filters(db):
    def titles(*extra: str) -> set[str]:
        found = json.loads(run("search", "cliches", "--db", str(db), "--json", *extra))
        return {r["title"] for r in found}

    everything = titles()
    assert "The Cabin in the Woods" in everything and len(everything) > 3
    # Both rated 4/5 = 8.0 on the 0-10 scale; the other matches are rated lower.
    assert titles("--min-rating", "8") == {"The Cabin in the Woods", "10 Cloverfield Lane"}
    assert titles("--year", "2012") == {"The Cabin in the Woods"}
    assert (
        titles("--site", "rottentomatoes", "--profile", "rottentomatoes:critic/rain-jokinen")
        == set()
    )


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "a OR", "'; DROP TABLE reviews; --"])
def test_hostile_search_with_filters_never_errors(db, query):
    result = CliRunner().invoke(
        cli,
        [
            "search",
            query,
            "--db",
            str(db),
            "--min-rating",
            "5",
            "--year",
            "2014",
            "--site",
            "rottentomatoes",
        ],
    )
    assert result.exit_code == 0 and "Traceback" not in result.output


@pytest.mark.parametrize("suffix", ["", "-journal", "-wal", "-shm", ".lock"])
def test_export_refuses_to_write_over_the_archive(tmp_path, suffix):
    from click.testing import CliRunner

    from scraper.cli import cli
    from scraper.store.schema import open_archive

    db = tmp_path / "archive.db"
    open_archive(db).conn.close()
    before = db.read_bytes()
    done = CliRunner().invoke(cli, ["export", "-o", f"{db}{suffix}", "--db", str(db)])
    assert done.exit_code == 2 and "is the archive" in done.output
    assert db.read_bytes() == before
    assert not Path(f"{db}{suffix}").exists() or not suffix  # issue 30: -journal was written


def test_export_to_a_file_is_moved_into_place_whole(tmp_path):
    from click.testing import CliRunner

    from scraper.cli import cli
    from scraper.store.schema import open_archive

    db = tmp_path / "archive.db"
    open_archive(db).conn.close()
    out = tmp_path / "out.csv"
    out.write_text("yesterday's export\n")
    done = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(out), "--db", str(db)])
    assert done.exit_code == 0, done.output
    assert out.read_text().startswith("id,site,profile_id")
    assert not list(tmp_path.glob(".scrape-export-*"))


def test_export_to_a_full_device_and_a_nan_rating_are_one_line_errors(tmp_path):
    from click.testing import CliRunner

    from scraper.cli import cli
    from scraper.store.schema import open_archive

    db = tmp_path / "archive.db"
    open_archive(db).conn.close()
    full = CliRunner().invoke(
        cli, ["export", "--format", "csv", "-o", "/dev/full", "--db", str(db)]
    )
    assert full.exit_code == 1 and "No space left on device" in full.output
    assert Path("/dev/full").is_char_device()  # written in place, never replaced
    nan = CliRunner().invoke(cli, ["search", "x", "--min-rating", "nan", "--db", str(db)])
    assert nan.exit_code == 2 and "'nan' is not a number" in nan.output


def test_an_export_piped_into_a_reader_that_stops_early_says_nothing(db):
    """`scrape export | head -1`: the reader leaving is no error worth a line."""
    export = subprocess.Popen(
        scrape_command("export", "--db", str(db), "--format", "csv"),
        env=scrape_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert export.stdout is not None and export.stderr is not None
    first = export.stdout.readline()
    export.stdout.close()  # as head does after its line
    _, err = export.communicate(timeout=60)
    assert first.startswith(b"id,site,profile_id")
    assert err == b"" and export.returncode == 1


def test_search_and_stats_print_nl_and_csv_too(db):
    """Issue 33: every command with --json has --nl and --csv, with the same rows."""
    as_json = json.loads(run("search", "film OR movie", "--db", str(db), "--json"))
    as_nl = [
        json.loads(line)
        for line in run("search", "film OR movie", "--db", str(db), "--nl").splitlines()
    ]
    as_csv = list(
        csv.DictReader(io.StringIO(run("search", "film OR movie", "--db", str(db), "--csv")))
    )
    assert as_json and as_nl == as_json
    assert [r["id"] for r in as_csv] == [r["id"] for r in as_json]
    figures = json.loads(run("stats", "--db", str(db), "--json"))
    lines = [json.loads(line) for line in run("stats", "--db", str(db), "--nl").splitlines()]
    assert len(lines) == sum(len(rows) for rows in figures.values())
    assert {line["section"] for line in lines} == set(figures)
    table = list(csv.DictReader(io.StringIO(run("stats", "--db", str(db), "--csv"))))
    assert len(table) == len(lines) and table[0]["section"] == "profiles"
