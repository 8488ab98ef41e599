"""Hostile files for `scrape import` (issue 15, items 6-8): zip bombs, endless rows, giant
CSV fields, files past the size bounds. Each is made here, in tmp_path, at a size that is quick
to test (the bounds are lowered where the real ones would be slow to reach), and each must be
refused in one line, with no traceback, leaving the archive exactly as it was. Files within the
bounds are read in bounded memory: one import near them is measured in a child process."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.jobs import importer
from scraper.sites import csvfiles
from scraper.sites.letterboxd import export
from tests.docs_text import page

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MiB = 1024 * 1024
PROFILE = "Date Joined,Username\n2020-01-01,bomber\n"
DIARY = "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
WATCHED = "Date,Name,Year,Letterboxd URI\n"
IMDB = "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"


def run_import(db: Path, *args: str):
    return CliRunner().invoke(cli, ["import", *args, "--db", str(db)])


@pytest.fixture
def archive(tmp_path) -> Path:
    """An archive holding one real import, to show that a refused file alters nothing."""
    db = tmp_path / "archive.db"
    done = run_import(db, str(FIXTURES / "letterboxd" / "export-with-profile"))
    assert done.exit_code == 0, done.output
    gc.collect()  # the in-process import's connection: closed, its WAL checkpointed
    return db


def fingerprint(db: Path) -> dict[str, str]:
    """The bytes of the archive and of whatever SQLite keeps beside it."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(db.parent.glob(db.name + "*"))
    }


def assert_refused(result, *expected: str) -> None:
    """One clear line, saying why, and no traceback."""
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, MemoryError)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    for words in expected:
        assert words in lines[0], lines[0]


def refused_alone(archive: Path, path: Path, *expected: str, args: tuple[str, ...] = ()):
    before = fingerprint(archive)
    result = run_import(archive, str(path), *args)
    assert_refused(result, str(path.name), *expected)
    assert fingerprint(archive) == before


def letterboxd_zip(path: Path, members: dict[str, str], stream: dict | None = None) -> Path:
    """A Letterboxd export; `stream` members (name -> iterable of text) are written piece by
    piece, as a bomb is: small on disk, large unpacked."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as packed:
        for name, text in {"profile.csv": PROFILE, "watched.csv": WATCHED, **members}.items():
            packed.writestr(name, text)
        for name, pieces in (stream or {}).items():
            info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with packed.open(info, "w") as target:
                for piece in pieces:
                    target.write(piece.encode())
    return path


def diary_rows(count: int, start: int = 0) -> str:
    return "".join(
        f"2020-01-01,Film {i},2000,https://boxd.it/e{i:x},3,,,2020-01-01\n"
        for i in range(start, start + count)
    )


# Item 6: zip bombs, and rows without end.


def test_zip_of_fake_rows_is_refused_at_the_row_bound(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfiles, "MAX_ROWS", 500)
    bomb = letterboxd_zip(tmp_path / "rows.zip", {}, {"diary.csv": [DIARY, diary_rows(2000)]})
    refused_alone(archive, bomb, "at most 500 rows in one file", "diary.csv")


def test_zip_of_fake_rows_is_refused_at_the_memory_bound(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfiles, "MAX_HELD", 1 * MiB)
    bomb = letterboxd_zip(tmp_path / "held.zip", {}, {"diary.csv": [DIARY, diary_rows(2000)]})
    refused_alone(archive, bomb, "at most 1 MiB of reviews in one file")


def test_zip_bomb_is_refused_while_it_unpacks(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_UNPACKED", 256 * 1024)
    rows = DIARY + "2020-01-01,Film,2000,https://boxd.it/abc,3,,{},2020-01-01\n".format("t" * 900)
    bomb = letterboxd_zip(tmp_path / "bomb.zip", {}, {"diary.csv": [rows] * 1000})
    assert bomb.stat().st_size < 20_000  # a megabyte unpacked
    refused_alone(archive, bomb, "unpack to at most 0.25 MiB", "diary.csv")


def test_zip_whose_sizes_lie_is_refused(archive, tmp_path):
    """A zip that declares its members small is still read as what it is (and its CRC then
    fails): the declared sizes are a first check only."""
    bomb = letterboxd_zip(tmp_path / "liar.zip", {"diary.csv": DIARY + diary_rows(3000)})
    data = bytearray(bomb.read_bytes())
    # The uncompressed size, in each member's local header and in the zip's directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            struct.pack_into("<I", data, at + offset, 10)
            at = data.find(signature, at + 4)
    bomb.write_bytes(bytes(data))
    refused_alone(archive, bomb, "a readable zip")


def test_one_giant_csv_field_in_a_zip_is_refused(archive, tmp_path):
    field = "A" * (csvfiles.MAX_FIELD + 1)
    bomb = letterboxd_zip(
        tmp_path / "field.zip",
        {},
        {"diary.csv": [DIARY, f'2020-01-01,"{field}",2000,https://boxd.it/abc,3,,,2020-01-01\n']},
    )
    refused_alone(archive, bomb, "fields of at most 1,000,000 characters", "line 2 of diary.csv")


def test_zip_of_too_many_members_is_refused_before_they_are_listed(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_MEMBERS", 20)
    lists = {f"lists/list-{i}.csv": "Name\n" for i in range(30)}
    bomb = letterboxd_zip(tmp_path / "members.zip", {"diary.csv": DIARY, **lists})
    refused_alone(archive, bomb, "an export of at most 20 files")


def test_export_folder_past_the_unpacked_bound_is_refused(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "MAX_UNPACKED", 64 * 1024)
    folder = tmp_path / "letterboxd-bomber-export"
    folder.mkdir()
    (folder / "profile.csv").write_text(PROFILE)
    (folder / "watched.csv").write_text(WATCHED)
    (folder / "diary.csv").write_text(DIARY + diary_rows(2000))
    refused_alone(archive, folder, "CSV files hold at most 0.0625 MiB")


def test_imdb_export_of_too_many_rows_is_refused(archive, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfiles, "MAX_ROWS", 100)
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(
        IMDB + "".join(f"tt{i:07d},8,2020-01-01,Film {i},,movie,2000\n" for i in range(300))
    )
    refused_alone(archive, ratings, "at most 100 rows", args=("--profile", "imdb:ur1"))


def test_hostile_file_among_others_is_refused_and_the_others_imported(tmp_path, monkeypatch):
    monkeypatch.setattr(csvfiles, "MAX_ROWS", 500)
    folder = tmp_path / "downloads"
    folder.mkdir()
    letterboxd_zip(folder / "bomb.zip", {}, {"diary.csv": [DIARY, diary_rows(2000)]})
    shutil.copytree(FIXTURES / "letterboxd" / "export-with-profile", folder / "export")
    db = tmp_path / "a.db"
    result = run_import(db, str(folder))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "1 file (1 export)" in result.output
    refusals = [line for line in result.output.splitlines() if line.startswith("refused: ")]
    assert len(refusals) == 1 and "bomb.zip" in refusals[0] and "500 rows" in refusals[0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select distinct profile_id from reviews").fetchall() == [
            ("letterboxd:rishiramesh",)
        ]


# Item 8: the CSV field bound is chosen, not the standard library's.


def test_field_past_the_standard_librarys_limit_imports(tmp_path):
    title = "T" * 200_000  # over csv's default of 131,072
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(IMDB + f'tt0000001,8,2020-01-01,"{title}",,movie,2000\n')
    db = tmp_path / "a.db"
    result = run_import(db, str(ratings), "--profile", "imdb:ur1")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select length(title) from films").fetchone() == (200_000,)


def test_field_past_the_bound_is_refused_naming_file_and_line(archive, tmp_path):
    ratings = tmp_path / "ratings.csv"
    field = "T" * (csvfiles.MAX_FIELD + 1)
    ratings.write_text(IMDB + "tt0000001,8,2020-01-01,Film,,movie,2000\n" + f'tt2,8,,"{field}"\n')
    refused_alone(
        archive,
        ratings,
        "fields of at most 1,000,000 characters",
        "line 3",
        args=("--profile", "imdb:ur1"),
    )


def test_endless_line_is_refused_before_it_is_read_whole(archive, tmp_path):
    endless = tmp_path / "ratings.csv"
    endless.write_text(IMDB + "tt0000001,8,2020-01-01," + "x" * (csvfiles.MAX_LINE + 10))
    refused_alone(
        archive,
        endless,
        "fields of at most 1,000,000 characters",
        "line 2",
        args=("--profile", "imdb:ur1"),
    )


# Item 7: files past the size bounds are refused unread; files within them take bounded
# memory, measured on the worst file the bounds admit, imported by the real command.


def test_file_past_the_size_bound_is_refused_unread(archive, tmp_path):
    huge = tmp_path / "nuls.csv"
    with huge.open("wb") as file:
        file.write(IMDB.encode())
        file.truncate(importer.MAX_FILE + 1)  # sparse: quick to make, 16 MiB of NULs to read
    refused_alone(
        archive,
        huge,
        f"larger than {importer.MAX_FILE // MiB} MiB, the most scrape imports from one file",
        args=("--profile", "imdb:ur1"),
    )


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("diary.html", b'<html>letterboxd <table id="diary-table">'),
        ("ratings.json", b'{"ratingsType":1,"ratings":['),
        ("payload.html", b'<html>metacritic <script id="__NUXT_DATA__">'),
    ],
)
def test_saved_page_past_the_page_bound_is_refused(archive, tmp_path, name, head):
    page = tmp_path / name
    page.write_bytes(head + b"<p>" * (importer.MAX_PAGE // 3 + 1))
    refused_alone(
        archive, page, "larger than 2 MiB, the most scrape imports from a saved page or response"
    )


def near_the_bounds(path: Path) -> Path:
    """A Letterboxd zip just inside every bound at once: as many film rows as the memory bound
    admits (each its own film, from watched.csv: the costliest rows measured), padded with a
    member the import never reads (comments.csv) to just under the file bound,
    incompressible."""
    rows = int(csvfiles.MAX_HELD * 0.95) // (csvfiles.RECORD_COST + csvfiles.ROW_COST)
    watched = WATCHED + "".join(
        f"2020-01-01,Film {i},2000,https://boxd.it/f{i:x}\n" for i in range(rows)
    )
    letterboxd_zip(path, {"watched.csv": watched, "diary.csv": DIARY})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as packed:
        packed.writestr("comments.csv", os.urandom(importer.MAX_FILE - path.stat().st_size - 4096))
    assert importer.MAX_FILE - 8192 < path.stat().st_size <= importer.MAX_FILE
    return path


def test_import_near_the_bounds_stays_under_300_mb(tmp_path):
    bomb = near_the_bounds(tmp_path / "near.zip")
    # Measured in a child of its own, so that no other test's children count.
    measure = textwrap.dedent(
        """
        import resource, subprocess, sys
        done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(done.returncode, peak, done.stdout.strip(), done.stderr.strip(), sep="\\n")
        """
    )
    command = [sys.executable, "-m", "scraper", "import", str(bomb), "--db", str(tmp_path / "a.db")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    result = subprocess.run(
        [sys.executable, "-c", measure, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    code, peak_kb, *output = result.stdout.splitlines()
    assert code == "0", "\n".join(output) + result.stderr
    # ru_maxrss is in kilobytes on Linux.
    assert int(peak_kb) * 1024 < 300 * 10**6, f"peak RSS {int(peak_kb) / 1000:.0f} MB"


# The docs (commands.md, `scrape import`) name the bounds the code enforces.


def test_readme_names_the_bounds_the_code_enforces():
    readme = page("commands")
    bounds = readme.split("**Size bounds.**", 1)[1].split("\n\n", 1)[0]
    for named in (
        f"one file: at most {importer.MAX_FILE // MiB} MiB",
        f"API response, which is parsed whole: at most {importer.MAX_PAGE // MiB} MiB",
        f"at most {export.MAX_UNPACKED // MiB} MiB unpacked",
        f"at most {export.MAX_MEMBERS:,}\n  files in the zip",
        f"at most {csvfiles.MAX_ROWS:,}",
        f"each field at most {csvfiles.MAX_FIELD:,} characters",
        f"at most\n  {csvfiles.MAX_HELD // MiB} MiB",
        "less than 300\nMB of memory",
    ):
        assert named in bounds, named


# Issue 30, item 13: a number no bound holds is that record's missing field, never the file's
# (or the run's) internal error.


def _legacy_ratings(tmp_path: Path, name: str, item: dict, review: dict) -> Path:
    fixture = FIXTURES / "rottentomatoes/napi-legacy-page-without-cursor.json"
    data = json.loads(fixture.read_text())
    data["ratings"][0]["item"] |= item
    data["ratings"][0]["review"] |= review
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("item", "review", "year", "rating"),
    [
        ({"releaseYear": 10**30}, {}, None, 9.0),  # past SQLite's integers
        ({"releaseYear": "²⁰¹⁶"}, {}, None, 9.0),
        ({}, {"score": 10**400}, 2016, None),  # past a float
        ({}, {"score": "²"}, 2016, None),
        ({}, {"score": float("inf")}, 2016, None),  # json.dumps writes Infinity
    ],
)
def test_a_number_past_every_bound_in_an_imported_file_is_no_number(
    tmp_path, item, review, year, rating
):
    db = tmp_path / "a.db"
    path = _legacy_ratings(tmp_path, "ratings", item, review)
    result = run_import(db, str(path), "--profile", "rottentomatoes:user/1")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT year FROM films").fetchall() == [(year,)]
        [(stored, raw)] = conn.execute("SELECT rating, rating_raw FROM reviews").fetchall()
    assert stored == rating and len(raw) <= 80


def test_a_json_number_past_int_s_digits_is_a_parse_error_naming_the_file(archive, tmp_path):
    path = tmp_path / "digits.json"
    fixture = FIXTURES / "rottentomatoes/napi-legacy-page-without-cursor.json"
    path.write_text(fixture.read_text().replace('"score":4.5', '"score":' + "9" * 5000))
    refused_alone(archive, path, "valid JSON", args=("--profile", "rottentomatoes:user/1"))


def test_a_letterboxd_year_or_rating_of_odd_digits_is_that_rows_field(tmp_path):
    db = tmp_path / "a.db"
    rows = (
        "2020-01-01,Film A,²,https://boxd.it/a1,3,,,2020-01-01\n"
        f"2020-01-01,Film B,{'9' * 5000},https://boxd.it/b1,4,,,2020-01-01\n"
        "2020-01-01,Film C,1999,https://boxd.it/c1,5,,,2020-01-01\n"
    )
    packed = letterboxd_zip(tmp_path / "export.zip", {"diary.csv": DIARY + rows})
    result = run_import(db, str(packed))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        years = conn.execute("SELECT title, year FROM films ORDER BY title").fetchall()
    assert years == [("Film A", None), ("Film B", None), ("Film C", 1999)]


# Issue 30, item 17: a value from a file is quoted cut (wording.shown), never whole.


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        (
            {
                "profile.csv": "Date Joined,Username\n2020-01-01," + "x" * 900_000 + "\n",
                "diary.csv": DIARY,
            },
            "username",
        ),
        (
            {
                "diary.csv": DIARY
                + "2020-01-01,A,2000,https://boxd.it/a,9"
                + "9" * 900_000
                + ",,,\n"
            },
            "star rating",
        ),
    ],
)
def test_a_huge_value_is_quoted_cut_in_the_one_line_that_refuses_it(
    archive, tmp_path, members, expected
):
    packed = letterboxd_zip(tmp_path / "export.zip", members)
    before = fingerprint(archive)
    result = run_import(archive, str(packed))
    assert_refused(result, expected, "900,0")
    assert len(result.output) < 500, len(result.output)
    assert fingerprint(archive) == before
