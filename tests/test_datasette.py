"""`scrape serve` starts a real Datasette on 127.0.0.1 over an archive built from the corpus;
everything is checked through Datasette's JSON API, as a browser or script would see it."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.views import datasette_config
from tests.conftest import scrape_command, scrape_env

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_serve(db: Path) -> tuple[subprocess.Popen, str]:
    """`scrape serve` on a free port, returned once Datasette answers."""
    port = free_port()
    command = scrape_command("serve", "--db", str(db), "--port", str(port))
    return started(command, port, scrape_env())


def started(command: list[str], port: int, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`command` (a Datasette, or scrape serve) started, returned once it answers on `port`."""
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/-/versions.json", timeout=1)
            return server, base
        except httpx.TransportError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"Datasette did not start: {server.stdout.read().decode()}")


@pytest.fixture(scope="module")
def datasette(corpus_db):
    server, base = start_serve(corpus_db)
    with httpx.Client(base_url=base, timeout=10) as client:
        yield client
    server.terminate()
    server.wait(timeout=10)


def rows(client, path: str, **params) -> list[dict]:
    response = client.get(path, params={"_shape": "objects", **params})
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def test_views_exist_and_metadata_is_applied(datasette):
    database = datasette.get("/archive.json").json()
    views = {view["name"] for view in database["views"]}
    assert {
        "review_list",
        "reviews_per_year",
        "reviews_per_rating",
        "changed_reviews",
        "deleted_reviews",
        "films_across_sites",
    } <= views
    # The instance's title as the page shows it (1.x has no /-/metadata.json).
    assert "<h1>Film reviews archive</h1>" in datasette.get("/").text
    page = datasette.get("/archive/review_list").text
    assert "One row per review or rating" in page and "Rating on a scale of 0 to 10" in page


def test_search_box_finds_a_phrase_in_text_and_titles(datasette):
    found = rows(datasette, "/archive/review_list.json", _search="clichés")
    assert "The Cabin in the Woods" in {r["film"] for r in found}
    assert all("clich" in (r["text"] or "").lower() for r in found)
    titles = rows(datasette, "/archive/review_list.json", _search="shawshank")
    assert {r["film"] for r in titles} == {"The Shawshank Redemption"} and len(titles) == 4


def test_facets_and_newest_first(datasette):
    # 1.x gives the facets in JSON when asked (_extra); 0.65 always, ignoring the parameter.
    params = {"_shape": "objects", "_extra": "facet_results"}
    data = datasette.get("/archive/review_list.json", params=params).json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # 1.x: {"results": {...}, "timed_out": [...]}
    assert set(facets) == {"site", "year_reviewed", "stars", "kind", "status"}
    stars = {item["value"]: item["count"] for item in facets["stars"]["results"]}
    assert stars["5"] == 99 and stars["3.5"] == 167
    dates = [r["date"] for r in data["rows"] if r["date"]]
    assert dates == sorted(dates, reverse=True)
    five_in_2014 = rows(
        datasette, "/archive/review_list.json", stars=5, year_reviewed="2014", _size="max"
    )
    assert len(five_in_2014) == 8 and all(
        r["stars"] == "5" and r["date"].startswith("2014") for r in five_in_2014
    )


def test_canned_queries(datasette):
    recent = rows(datasette, "/archive/recent_reviews.json")
    assert len(recent) == 100 and recent[0]["date"] >= recent[-1]["date"]
    matching = rows(
        datasette, "/archive/search_by_rating.json", q="cliches", min_rating="8", max_rating="10"
    )
    assert {r["film"] for r in matching} == {"The Cabin in the Woods", "10 Cloverfield Lane"}
    assert all(8 <= r["rating"] <= 10 for r in matching)
    year = rows(datasette, "/archive/year_in_review.json", year="2012")
    assert len(year) == 80 and all(r["date"].startswith("2012") for r in year)
    assert rows(datasette, "/archive/changed.json") == []


@pytest.mark.parametrize("bound", ["min_rating", "max_rating"])
@pytest.mark.parametrize("typed", ["abc", "7,5", "1e1", "-"])
def test_a_rating_bound_that_is_no_number_says_so_instead_of_counting_as_0(datasette, bound, typed):
    """Issue 31, item 9: CAST('abc' AS REAL) is 0, so `min_rating=abc` matched every rating."""
    found = rows(datasette, "/archive/search_by_rating.json", q="", **{bound: typed})
    assert len(found) == 1, found
    assert found[0]["film"] == (
        f"{bound} '{typed}' is not a number: give a rating from 0 to 10 (3.5 stars = 7), "
        "or leave it empty"
    )
    assert found[0]["rating"] is None and found[0]["review_rowid"] is None
    # A number with spaces around it is still one.
    spaced = rows(datasette, "/archive/search_by_rating.json", q="", min_rating=" 9.5 ")
    assert spaced and all(r["rating"] >= 9.5 for r in spaced)


def test_shipped_files_are_the_declared_ones():
    for name, text in datasette_config.shipped().items():
        assert (ROOT / "config" / name).read_text(encoding="utf-8") == text, name
    config = json.loads((ROOT / "config" / "datasette.yaml").read_text())
    tables = config["databases"]["archive"]["tables"]
    assert tables["review_list"]["fts_table"] == "reviews_fts"
    meta = json.loads((ROOT / "config" / "datasette-1-metadata.json").read_text())
    assert "facets" not in meta["databases"]["archive"]["tables"]["review_list"]


def test_serve_without_datasette_says_how_to_install(tmp_path, monkeypatch, corpus):
    db = tmp_path / "a.db"
    CliRunner().invoke(
        cli,
        [
            "import",
            str(corpus / "rottentomatoes" / "napi-userprofile-movieratings-2020-last.json"),
            "--db",
            str(db),
        ],
    )
    real = __import__("importlib").util.find_spec
    monkeypatch.setattr(
        "importlib.util.find_spec", lambda name, *a: None if name == "datasette" else real(name, *a)
    )
    result = CliRunner().invoke(cli, ["serve", "--db", str(db)])
    assert result.exit_code == 2 and "pip install 'datasette>=0.65'" in result.output


def test_stopping_serve_stops_datasette(corpus_db):
    """SIGTERM to `scrape serve` (a service manager stopping it) ends Datasette too: nothing
    is left holding the port."""
    server, base = start_serve(corpus_db)
    try:
        server.terminate()
        assert server.wait(timeout=15) in (0, 128 + signal.SIGTERM)
        time.sleep(0.5)
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{base}/-/versions.json", timeout=2)
    finally:
        if server.poll() is None:
            server.kill()


def test_serve_on_a_busy_port_says_so_in_one_line(corpus_db, run_scrape):
    """Issue 16, item 14: uvicorn's raw error and exit 3 before."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_scrape("serve", "--db", str(corpus_db), "--port", str(port))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Error: port {port} on 127.0.0.1 is in use (another scrape serve, or another server); "
        "pass --port to choose another"
    )


@pytest.mark.parametrize("name", sorted(datasette_config.QUERIES))
def test_every_canned_query_says_what_it_answers_and_runs_with_empty_fields(datasette, name):
    """Issue 17: empty parameters mean no filter (fts5 syntax error before)."""
    assert datasette_config.QUERIES[name]["description"].strip()
    response = datasette.get(f"/archive/{name}.json", params={"_shape": "objects"})
    assert response.status_code == 200, response.text
    if name != "changed":
        assert response.json()["rows"]


@pytest.mark.parametrize("term", ['it"s', "don't", "NEAR(", "AND", '"', "-", "a*"])
def test_a_search_term_is_never_an_fts_syntax_error(datasette, term):
    found = rows(datasette, "/archive/search_by_rating.json", q=term, min_rating="")
    assert isinstance(found, list)


def test_search_words_are_all_required_and_empty_bounds_do_not_filter(datasette):
    both = rows(datasette, "/archive/search_by_rating.json", q="cabin  woods", max_rating="")
    assert {r["film"] for r in both} == {"The Cabin in the Woods"}
    assert len(rows(datasette, "/archive/search_by_rating.json", q="cabin zzzunknown")) == 0
    every_year = rows(datasette, "/archive/year_in_review.json", year="", _size="max")
    assert len({r["date"][:4] for r in every_year if r["date"]}) > 3


def test_review_and_person_pages(datasette):
    profile = "rottentomatoes:critic/rain-jokinen"  # a "/" in the id: one path segment still
    latest = rows(datasette, "/archive/review_list.json", profile_id=profile, _size=1)[0]
    page = datasette.get(f"/archive/-/review/{latest['review_rowid']}")
    assert page.status_code == 200 and "<h1><a href=" in page.text
    assert latest["film"] in page.text and "Rain Jokinen" in page.text
    person = datasette.get("/archive/-/people/" + profile.replace("/", "%2F"))
    assert person.status_code == 200 and person.text.count("data-chart=") == 3
    assert f"/archive/-/review/{latest['review_rowid']}" in person.text
    assert datasette.get("/archive/-/review/999999").status_code == 404
    assert datasette.get("/archive/-/review/99999999999999999999999").status_code == 404
    assert datasette.get("/archive/-/people/nobody:here").status_code == 404
    assert datasette.get("/archive/-/charts").text.count("<canvas") == 3
    assert datasette.get("/nowhere/-/charts").status_code == 404


def test_the_old_addresses_lead_to_the_one_archive(datasette):
    """Before the rooms were per database they were /-/review/N, /-/people...: bookmarks of
    those still work while one archive is served."""
    for old in ("/-/charts", "/-/people", "/-/people/a:b%2Fc", "/-/review/7"):
        moved = datasette.get(old + "?x=1")
        assert moved.status_code == 302, old
        assert moved.headers["location"] == "/archive" + old + "?x=1"


def test_serve_refreshes_the_views_of_an_archive_written_by_an_older_scrape(corpus_db, tmp_path):
    """An archive whose review_list still has the old column order (internal ids first) reads
    with today's columns as soon as `scrape serve` opens it."""
    import shutil
    import sqlite3

    old = tmp_path / "archive.db"
    shutil.copy(corpus_db, old)
    with sqlite3.connect(old) as conn:
        conn.execute("DROP VIEW review_list")
        conn.execute("CREATE VIEW review_list AS SELECT rowid AS review_rowid, id FROM reviews")
    server, base = start_serve(old)
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            first = rows(client, "/archive/review_list.json", _size=1)[0]
        assert list(first)[:6] == ["film", "year", "stars", "date", "reviewer", "text"]
    finally:
        server.terminate()
        server.wait(timeout=10)


# Root writes anywhere; without these capabilities it meets file permissions as anyone does.
AS_ANYONE = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
]


def test_serve_reads_an_archive_in_a_folder_it_cannot_write(corpus_db, tmp_path):
    """Issue 30, item 16: a WAL archive in a read-only folder (a backup disk, another user's
    folder) is served, not Datasette's "attempt to write a readonly database" traceback; one
    whose -wal holds unsaved pages is one line."""
    import os
    import shutil

    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but setpriv (util-linux) is missing")
        pytest.skip("running as root without setpriv: a read-only folder cannot be made")
    prefix = AS_ANYONE if os.geteuid() == 0 else []
    folder = tmp_path / "read-only"
    folder.mkdir()
    shutil.copy(corpus_db, folder / "archive.db")
    folder.chmod(0o555)
    port = free_port()
    server = subprocess.Popen(
        prefix + scrape_command("serve", "--db", str(folder / "archive.db"), "--port", str(port)),
        env=scrape_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base, deadline, answered = f"http://127.0.0.1:{port}", time.monotonic() + 30, None
        while time.monotonic() < deadline and server.poll() is None and answered is None:
            try:
                answered = httpx.get(f"{base}/archive/review_list.json", timeout=2)
            except httpx.TransportError:
                time.sleep(0.2)
        assert answered is not None, server.stdout.read().decode() if server.stdout else ""
        assert answered.status_code == 200 and answered.json()["rows"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    folder.chmod(0o755)
    (folder / "archive.db-wal").write_bytes(b"\0" * 4096)
    folder.chmod(0o555)
    refused = subprocess.run(
        prefix + scrape_command("serve", "--db", str(folder / "archive.db"), "--port", "0"),
        env=scrape_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    folder.chmod(0o755)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"Error: {folder / 'archive.db'} is in a folder scrape cannot write, and archive.db-wal "
        "holds changes not yet in it: run any scrape command where the folder is writable (or "
        "copy the three files elsewhere) first"
    ]
