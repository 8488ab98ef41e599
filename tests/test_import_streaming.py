"""Exports are imported as streams (issue 18): a batch of rows at a time, the whole file in
one transaction. A bad row late in a long file leaves the archive as it was; a long file
imports in bounded memory; dates read by a learned format read as from_day reads them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from scraper import timeparse
from scraper.cli import cli
from scraper.jobs import reparse
from scraper.sites import csvfiles
from scraper.store import rawpages

IMDB = "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"


def ratings(path: Path, rows: int, bad_at: int | None = None) -> Path:
    with path.open("w") as file:
        file.write(IMDB)
        for i in range(rows):
            const = "nonsense" if i == bad_at else f"tt{i + 1:07d}"
            file.write(f"{const},{1 + i % 10},2020-01-{1 + i % 28:02d},Film {i},,movie,2000\n")
    return path


def contents(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as conn:
        return {
            table: conn.execute(f"select * from {table} order by 1").fetchall()
            for table in ("films", "reviews", "raw_pages", "fetches", "film_links", "review_keys")
        }


def test_a_stored_export_is_reparsed_as_a_stream(tmp_path, monkeypatch):
    """As import reads it: never loaded whole, all its batches in one transaction."""
    db = tmp_path / "a.db"
    rows = 2 * csvfiles.BATCH + 10
    long = ratings(tmp_path / "long.csv", rows)
    done = CliRunner().invoke(cli, ["import", str(long), "--db", str(db), "--profile", "imdb:ur1"])
    assert done.exit_code == 0, done.output
    before = contents(db)

    def whole(*args):
        raise AssertionError("a stored export was loaded whole")

    monkeypatch.setattr(rawpages, "load", whole)
    result = reparse.reparse(db)
    assert (result.pages, result.reviews, result.failures) == (1, rows, [])
    assert (result.counts.new, result.counts.unchanged) == (0, rows)
    assert contents(db) == before


def test_a_bad_row_late_in_a_long_file_changes_nothing(tmp_path):
    db = tmp_path / "a.db"
    first = CliRunner().invoke(
        cli,
        ["import", str(ratings(tmp_path / "ok.csv", 50)), "--db", str(db), "--profile", "imdb:ur1"],
    )
    assert first.exit_code == 0, first.output
    before = contents(db)
    # Several batches are written before the bad row is reached.
    late = ratings(tmp_path / "late.csv", 3 * csvfiles.BATCH + 10, bad_at=3 * csvfiles.BATCH)
    result = CliRunner().invoke(
        cli, ["import", str(late), "--db", str(db), "--profile", "imdb:ur1"]
    )
    assert result.exit_code == 1, result.output
    assert f"Const on line {3 * csvfiles.BATCH + 2}" in result.output
    assert "Traceback" not in result.output
    assert contents(db) == before


def test_a_bad_file_among_others_leaves_nothing_and_the_others_import(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    ratings(folder / "a-late.csv", 2 * csvfiles.BATCH + 5, bad_at=2 * csvfiles.BATCH + 1)
    ratings(folder / "b-good.csv", 30)
    db = tmp_path / "a.db"
    result = CliRunner().invoke(
        cli, ["import", str(folder), "--db", str(db), "--profile", "imdb:ur1"]
    )
    assert result.exit_code == 1 and "a-late.csv" in result.output, result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from reviews").fetchone() == (30,)
        assert conn.execute("select count(*) from raw_pages").fetchone() == (1,)


def test_a_long_export_imports_in_bounded_memory(tmp_path):
    """200,000 ratings: far more than one batch; the whole process stays under 150 MB."""
    path = ratings(tmp_path / "long.csv", 200_000)
    measure = textwrap.dedent(
        """
        import resource, subprocess, sys
        done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(done.returncode, peak, done.stdout.strip(), done.stderr.strip(), sep="\\n")
        """
    )
    db = tmp_path / "a.db"
    command = [sys.executable, "-m", "scraper", "import", str(path), "--db", str(db)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    result = subprocess.run(
        [sys.executable, "-c", measure, *command, "--profile", "imdb:ur1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    code, peak_kb, *output = result.stdout.splitlines()
    assert code == "0", "\n".join(output) + result.stderr
    assert int(peak_kb) * 1024 < 150 * 10**6, f"peak RSS {int(peak_kb) / 1000:.0f} MB"
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from reviews").fetchone() == (200_000,)


DAYS = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d.month}/{d.day}/{d.year}"),
    st.dates().map(lambda d: d.strftime("%b %d, %Y")),
    st.dates().map(lambda d: d.strftime("%d %b %Y")),
    st.text(max_size=12),
)


@given(st.lists(DAYS, max_size=30))
def test_dates_read_by_a_learned_format_read_as_from_day(texts):
    reader = timeparse.DayReader()
    for text in texts:
        assert reader.read(text) == timeparse.from_day(text), text


def test_a_long_letterboxd_export_imports_in_bounded_memory(tmp_path):
    """100,000 rows (once refused at the memory bound): its joins are kept on disk."""
    diary = ["Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"]
    reviews = ["Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"]
    watched = ["Date,Name,Year,Letterboxd URI\n"]
    for i in range(50_000):
        film = f"Film {i % 20_000},{1950 + i % 70}"
        diary.append(f"2020-01-01,{film},https://boxd.it/e{i:x},3.5,,,2020-01-01\n")
        if i % 5 == 0:
            reviews.append(
                f'2020-01-01,{film},https://boxd.it/e{i:x},3.5,,"Words {i}.",,2020-01-01\n'
            )
        watched.append(f"2020-01-02,Film {i},{1950 + i % 70},https://boxd.it/f{i:x}\n")
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("profile.csv", "Date Joined,Username\n2020-01-01,longmember\n")
        packed.writestr("diary.csv", "".join(diary))
        packed.writestr("reviews.csv", "".join(reviews))
        packed.writestr("watched.csv", "".join(watched))
    db = tmp_path / "a.db"
    code, peak_kb, output = measured([sys.executable, "-m", "scraper", "import", str(path)], db)
    assert code == "0", output
    assert int(peak_kb) * 1024 < 150 * 10**6, f"peak RSS {int(peak_kb) / 1000:.0f} MB"
    with sqlite3.connect(db) as conn:
        # Every diary entry, and a rating row for each film watched.
        assert conn.execute("select count(*) from reviews").fetchone() == (100_000,)
        texts = conn.execute("select count(*) from reviews where text is not null").fetchone()
        assert texts == (10_000,)


def measured(command: list[str], db: Path) -> tuple[str, str, str]:
    """(exit code, peak RSS in kB, output) of the command run in a child of its own."""
    measure = textwrap.dedent(
        """
        import resource, subprocess, sys
        done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(done.returncode, peak, done.stdout.strip(), done.stderr.strip(), sep="\\n")
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPE_")}
    result = subprocess.run(
        [sys.executable, "-c", measure, *command, "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    code, peak_kb, *output = result.stdout.splitlines()
    return code, peak_kb, "\n".join(output) + result.stderr


def test_an_unzipped_export_past_the_page_bound_imports_as_its_zip_does(tmp_path):
    """A folder is packed into a temporary zip, read as a stream like a downloaded one."""
    folder = tmp_path / "letterboxd-long-export"
    folder.mkdir()
    (folder / "profile.csv").write_text("Date Joined,Username\n2020-01-01,longmember\n")
    (folder / "watched.csv").write_text("Date,Name,Year,Letterboxd URI\n")
    (folder / "diary.csv").write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date\n"
        + "".join(
            f"2020-01-01,A film called {i},2001,https://boxd.it/e{i:x},4,,,2020-01-01\n"
            for i in range(40_000)
        )
    )
    assert sum(f.stat().st_size for f in folder.iterdir()) > 2 * 1024 * 1024
    db = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["import", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from reviews").fetchone() == (40_000,)
        assert conn.execute("select count(*) from raw_pages").fetchone() == (1,)
