"""Issue 30, items 1-4: the folder exports touch only the files they wrote (by their manifest
and each file's hash), follow no symbolic link out of the folder, give every review a file of
its own; no export is written over one of the archive's SQLite companions, and no lock file is
left beside another application's database."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.conftest import scrape_command, scrape_env

HEADER = "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
MANIFEST = ".scrape-export.json"


def rating(const: str, title: str, year: int, day: str = "2024-05-01") -> str:
    return f"{const},8,{day},{title},https://www.imdb.com/title/{const}/,Movie,{year}\n"


def scrape(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def archive(tmp_path: Path, *lines: str) -> Path:
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(HEADER + "".join(lines))
    db = tmp_path / "archive.db"
    code, out = scrape("import", ratings, "--profile", "imdb:ur1234567", "--db", db)
    assert code == 0, out
    return db


def export(db: Path, folder: Path, fmt: str, *args: str) -> tuple[int, str]:
    return scrape("export", "--db", db, "--format", fmt, "-o", folder, *args)


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry below `folder` as it is on disk (a link as its target, not followed)."""
    return {
        str(p.relative_to(folder)): (
            f"-> {p.readlink()}" if p.is_symlink() else (b"/" if p.is_dir() else p.read_bytes())
        )
        for p in sorted(folder.rglob("*"))
    }


@pytest.fixture
def alien(tmp_path) -> Path:
    return archive(
        tmp_path, rating("tt0078748", "Alien", 1979), rating("tt0090605", "Aliens", 1986)
    )


OWN_NAMES = {"html": "index.html", "markdown": "2024-05-01-alien.md"}


# Item 1: a file the export did not write, or that changed since, is never written over.


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_a_users_file_with_an_exports_name_is_refused_and_nothing_written(alien, tmp_path, fmt):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / OWN_NAMES[fmt]).write_text("<h1>mine</h1>\n")
    before = snapshot(folder)
    code, out = export(alien, folder, fmt)
    assert code == 1 and len(out.strip().splitlines()) == 1
    assert OWN_NAMES[fmt] in out and "nothing written" in out
    assert snapshot(folder) == before  # no manifest, no page


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_a_file_changed_since_it_was_written_is_neither_rewritten_nor_pruned(alien, tmp_path, fmt):
    folder = tmp_path / "out"
    assert export(alien, folder, fmt)[0] == 0
    mine = folder / ("reviews/2024-05-01-alien.html" if fmt == "html" else OWN_NAMES[fmt])
    mine.write_text("edited by hand\n")
    before = snapshot(folder)
    code, out = export(alien, folder, fmt)
    assert code == 1 and mine.name in out and snapshot(folder) == before
    # No longer exported, and --prune: still the user's now.
    code, out = export(alien, folder, fmt, "--since", "2030-01-01", "--prune")
    assert code == 1 and mine.name in out and snapshot(folder) == before
    mine.unlink()
    code, out = export(alien, folder, fmt, "--since", "2030-01-01", "--prune")
    assert code == 0, out
    assert not list(folder.rglob("*alien*"))  # its own files, unchanged, are pruned


def test_the_manifest_keeps_each_files_hash(alien, tmp_path):
    folder = tmp_path / "out"
    assert export(alien, folder, "markdown")[0] == 0
    files = json.loads((folder / MANIFEST).read_text())["files"]
    assert files == {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.md")
    }


def test_an_older_manifest_vouches_only_for_files_as_this_export_writes_them(alien, tmp_path):
    folder = tmp_path / "out"
    assert export(alien, folder, "markdown")[0] == 0
    names = sorted(p.name for p in folder.glob("*.md"))
    legacy = {"written_by": "scrape export", "files": [*names, "gone.md"]}
    (folder / MANIFEST).write_text(json.dumps(legacy))
    (folder / "gone.md").write_text("no hash to tell whose this is\n")
    (folder / names[0]).write_text("changed, by whom?\n")
    before = snapshot(folder)
    code, out = export(alien, folder, "markdown", "--prune")
    assert code == 1 and names[0] in out and snapshot(folder) == before
    (folder / names[0]).unlink()
    code, out = export(alien, folder, "markdown", "--prune")
    assert code == 0 and "1 written, 1 unchanged, 0 pruned" in out
    assert (folder / "gone.md").read_text() == "no hash to tell whose this is\n"
    assert set(json.loads((folder / MANIFEST).read_text())["files"]) == set(names)


# Item 2: no symbolic link is followed out of the folder.


@pytest.mark.parametrize("hashed", [True, False], ids=["manifest", "older-manifest"])
def test_prune_never_deletes_through_a_symlinked_folder(alien, tmp_path, hashed):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.md"
    victim.write_text("not yours\n")
    folder = tmp_path / "out"
    assert export(alien, folder, "markdown")[0] == 0
    (folder / "link").symlink_to(outside)
    ours = sorted(p.name for p in folder.glob("*.md"))
    files = [*ours, "link/victim.md"]
    if hashed:
        files = {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in files}
    (folder / MANIFEST).write_text(json.dumps({"written_by": "scrape export", "files": files}))
    code, out = export(alien, folder, "markdown", "--since", "2030-01-01", "--prune")
    assert code == 1 and "link (a symbolic link" in out and len(out.strip().splitlines()) == 1
    assert victim.read_text() == "not yours\n" and len(list(folder.glob("*.md"))) == 2


def test_a_symlinked_subfolder_is_refused(alien, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "reviews").symlink_to(outside)
    code, out = export(alien, folder, "html")
    assert code == 1 and "reviews" in out and len(out.strip().splitlines()) == 1
    assert list(outside.iterdir()) == [] and not (folder / "index.html").exists()


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_a_symlink_at_a_temporary_or_an_exports_name_is_not_followed(alien, tmp_path, fmt):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("precious\n")
    folder = tmp_path / "out"
    folder.mkdir()
    planted = folder / f".{OWN_NAMES[fmt]}.partial"
    planted.symlink_to(elsewhere)
    code, out = export(alien, folder, fmt)
    assert code == 0, out
    assert elsewhere.read_text() == "precious\n" and planted.is_symlink()
    assert not (folder / OWN_NAMES[fmt]).is_symlink()
    # A link where the export's own file goes is not the export's file.
    (folder / OWN_NAMES[fmt]).unlink()
    (folder / OWN_NAMES[fmt]).symlink_to(elsewhere)
    code, out = export(alien, folder, fmt)
    assert code == 1 and OWN_NAMES[fmt] in out
    assert elsewhere.read_text() == "precious\n"


# Item 3: one file a review, whatever the films are called.


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_two_heats_and_a_heat_named_like_a_hash_make_three_files(tmp_path, fmt):
    taken = hashlib.sha1(b"imdb:ur1234567/tt0113277").hexdigest()[:6]
    db = archive(
        tmp_path,
        rating("tt0113277", "Heat", 1995),
        rating("tt0091183", "Heat", 1986),
        rating("tt9999999", f"Heat {taken}", 2030),
    )
    folder = tmp_path / "out"
    code, out = export(db, folder, fmt)
    assert code == 0, out
    files = list((folder / "reviews").glob("*.html") if fmt == "html" else folder.glob("*.md"))
    assert len(files) == 3 and "3 reviews in" in out
    written = int(out.split(": ", 1)[1].split(" ", 1)[0])
    assert written == len([p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST])


# Item 4 (the companions are in test_export_stats.py): no lock beside a stranger's database.


@pytest.mark.parametrize("command", [["reparse"], ["import", "RATINGS", "--profile", "imdb:ur1"]])
def test_no_lock_file_is_left_beside_another_applications_database(tmp_path, command):
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    ratings = tmp_path / "ratings.csv"
    ratings.write_text(HEADER + rating("tt0078748", "Alien", 1979))
    args = [str(ratings) if a == "RATINGS" else a for a in command]
    code, out = scrape(*args, "--db", other)
    assert code == 1 and "another application" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db", "ratings.csv"]


# A run killed part-way (SIGKILL) leaves every file the export's own, and no temporary file
# once the next run is done: whatever the moment of the kill.


def test_an_export_killed_part_way_is_finished_by_the_next(tmp_path, run_scrape):
    db = archive(tmp_path, *(rating(f"tt{n:07d}", f"Film {n}", 1990 + n % 30) for n in range(400)))
    folder = tmp_path / "site"
    for delay in (0.4, 0.8, 1.2):
        child = subprocess.Popen(
            scrape_command("export", "--db", str(db), "--format", "html", "-o", str(folder)),
            env=scrape_env(None),
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        again = run_scrape("export", "--db", str(db), "--format", "html", "-o", str(folder))
        assert again.returncode == 0, again.stderr
        assert len(list((folder / "reviews").glob("*.html"))) == 400
        assert not [p for p in folder.rglob("*") if p.name.endswith(".partial")]
        shutil.rmtree(folder)
