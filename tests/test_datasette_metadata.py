"""`scrape datasette-metadata` prints what a Datasette the user runs themselves reads: checked by
running the real command, then the installed Datasette (0.65 or 1.x) on the printed files."""

from __future__ import annotations

import importlib.metadata
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MAJOR = int(importlib.metadata.version("datasette").split(".")[0])


@pytest.fixture(scope="module")
def films_db(corpus_db, tmp_path_factory) -> Path:
    """The corpus archive under another name: Datasette calls it `films`, not `archive`."""
    db = tmp_path_factory.mktemp("named") / "films.db"
    with sqlite3.connect(corpus_db) as source, sqlite3.connect(db) as target:
        source.backup(target)
    return db


def datasette_get(db: Path, files: list[str], path: str) -> Any:
    """The page Datasette answers `path` with, as JSON where it is."""
    done = subprocess.run(
        [sys.executable, "-m", "datasette", str(db), *files, "--get", path],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout) if ".json" in path else done.stdout


def printed(run_scrape, tmp_path: Path, db: Path, *args: str) -> Path:
    done = run_scrape("datasette-metadata", "--db", str(db), *args)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    written = tmp_path / f"printed-{len(list(tmp_path.iterdir()))}.json"
    written.write_text(done.stdout, encoding="utf-8")
    return written


def test_the_installed_datasette_reads_what_it_prints(films_db, run_scrape, tmp_path):
    """Without --datasette-version it is for the installed Datasette: canned queries, facets
    and descriptions all arrive, keyed by the archive's own name."""
    files = ["-m", str(printed(run_scrape, tmp_path, films_db))]
    if MAJOR >= 1:
        files += ["-c", str(printed(run_scrape, tmp_path, films_db, "--part", "config"))]

    recent = datasette_get(films_db, files, "/films/recent_reviews.json?_shape=objects")
    assert recent["rows"] and set(recent["rows"][0]) >= {"film", "stars", "reviewer", "text"}
    listed = datasette_get(films_db, files, "/films/review_list.json?_extra=facet_results")
    facets = listed["facet_results"]
    facets = facets.get("results", facets)  # 1.x wraps them beside "timed_out"
    assert {"site", "year_reviewed", "stars"} <= set(facets)
    assert "<h1>Film reviews archive</h1>" in datasette_get(films_db, files, "/")
    if MAJOR >= 1:  # 1.x keeps metadata in its internal database, shown with a table's rows
        described = datasette_get(films_db, files, "/films/review_list.json?_extra=metadata")
        described = described["metadata"]
    else:
        metadata = datasette_get(films_db, files, "/-/metadata.json")
        described = metadata["databases"]["films"]["tables"]["review_list"]
    assert described["columns"]["rating"].startswith("Rating on a scale of 0 to 10")


def test_each_version_gets_its_own_shape(films_db, run_scrape, tmp_path):
    old = json.loads(
        printed(run_scrape, tmp_path, films_db, "--datasette-version", "0").read_text()
    )
    assert old["databases"]["films"]["tables"]["review_list"]["facets"][0] == "site"
    assert "recent_reviews" in old["databases"]["films"]["queries"]

    new = json.loads(
        printed(run_scrape, tmp_path, films_db, "--datasette-version", "1").read_text()
    )
    assert "facets" not in new["databases"]["films"]["tables"]["review_list"]
    assert "queries" not in new["databases"]["films"]
    config = printed(run_scrape, tmp_path, films_db, "--datasette-version", "1", "--part", "config")
    settings = json.loads(config.read_text())
    assert settings["databases"]["films"]["tables"]["review_list"]["facets"][0] == "site"
    assert settings["settings"]["suggest_facets"] is False


def test_config_part_for_0_65_is_refused_in_one_line(run_scrape, tmp_path):
    done = run_scrape("datasette-metadata", "--datasette-version", "0", "--part", "config")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("Error: --part config is for Datasette 1.x;")
    assert len(done.stderr.strip().splitlines()) == 1
