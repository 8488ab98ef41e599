"""Status and data shapes (issue 31, item 9): a failed import says why on its status line
without failing status, no empty `Profiles:` heading, stars as a number in jsonl (text in CSV),
and `--since` a year or a month."""

from __future__ import annotations

import csv
import io
import json
import shutil

from click.testing import CliRunner

from scraper.cli import cli

RATINGS = "napi-userprofile-movieratings-2020-last.json"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_status_after_an_import_that_refused_a_file(tmp_path, corpus, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = "a.db"
    shutil.copy(corpus / "rottentomatoes" / RATINGS, "good.json")
    (tmp_path / "junk.json").write_text('{"hello": "world"}')
    assert invoke("import", "good.json", "junk.json", "--db", db).exit_code == 1
    status = invoke("status", "--db", db)
    # Status reports: the import failed (and exited 1 itself); no profile's last run failed.
    assert status.exit_code == 0, status.output
    (line,) = [line for line in status.output.splitlines() if line.startswith("  #1 ")]
    assert " failed " in line
    assert line.endswith(
        "1 file, 20 reviews (20 new, 0 changed), 1 profile; 1 of 2 files refused: "
        "junk.json: not a page or response that scrape recognises (known: rottentomatoes, "
        "letterboxd, imdb, metacritic pages and API responses)"
    ), line
    assert "Profiles:" not in status.output
    report = json.loads(invoke("status", "--db", db, "--json").output)
    assert report["runs"][0]["error"].startswith("1 of 2 files refused: ")


def test_stars_is_a_number_in_jsonl_and_text_in_csv(tmp_path, corpus):
    db = str(tmp_path / "a.db")
    invoke("import", str(corpus / "rottentomatoes" / RATINGS), "--db", db)
    lines = invoke("export", "--db", db, "--format", "jsonl").output.splitlines()
    records = [json.loads(line) for line in lines]
    rated = [r for r in records if r["rating"] is not None]
    assert rated and all(isinstance(r["stars"], float) for r in rated)
    assert all(r["stars"] == r["rating"] / 2 for r in rated)
    assert all(r["stars"] is None for r in records if r["rating"] is None)
    table = list(
        csv.DictReader(io.StringIO(invoke("export", "--db", db, "--format", "csv").output))
    )
    assert {r["stars"] for r in table} >= {"3.5", "4"}


def test_since_takes_a_year_or_a_month_as_its_start(tmp_path, corpus):
    db = str(tmp_path / "a.db")
    invoke("import", str(corpus / "rottentomatoes" / "critic-movies-page-2023.html"), "--db", db)

    def dates(since: str) -> list[str]:
        done = invoke("export", "--db", db, "--since", since)
        assert done.exit_code == 0, done.output
        return [json.loads(line)["date"] for line in done.output.splitlines()]

    assert dates("2021") == dates("2021-01-01") and dates("2021")
    assert dates("2021-07") == dates("2021-07-01T00:00:00Z")
    assert all(d >= "2021-07" for d in dates("2021-07"))
    assert len(dates("2021-07")) < len(dates("2021"))
    for wrong in ("2021-13", "201", "2021-7"):
        refused = invoke("export", "--db", db, "--since", wrong)
        assert refused.exit_code == 2 and "a year or month (2026, 2026-03)" in refused.output
    assert invoke("reparse", "--db", db, "--since", "2026").exit_code == 0
