"""The reading room as an installed Datasette plugin: a plain `datasette a.db b.db other.db`
(a real process, no scrape in between) gives each archive its own rooms, leaves the database
that is no archive as Datasette shows it, and shows nothing of an archive the config denies.
Checked over HTTP and in Chromium; the same file runs on Datasette 0.65 and 1.0a (.ci/run)."""

from __future__ import annotations

import importlib.metadata
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.conftest import scrape_command, scrape_env
from tests.test_datasette import free_port, rows, started
from tests.test_reading_room_browser import browser, open_tab, visit  # noqa: F401

MAJOR = int(importlib.metadata.version("datasette").split(".")[0])


def imported(folder: Path, name: str, *args: str) -> Path:
    db = folder / f"{name}.db"
    result = CliRunner().invoke(cli, ["import", *args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def denying(folder: Path, database: str) -> list[str]:
    """Datasette's own way to deny everyone a database: `allow: false` on it, in metadata on
    0.65 and in the config file on 1.x."""
    path = folder / "deny.json"
    path.write_text(json.dumps({"databases": {database: {"allow": False}}}), encoding="utf-8")
    return ["--metadata" if MAJOR < 1 else "--config", str(path)]


@pytest.fixture(scope="module")
def served(corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("plugin")
    a = imported(folder, "a", str(corpus / "rottentomatoes"))
    b = imported(
        folder, "b", str(corpus / "letterboxd" / "export-2026"), "--profile", "letterboxd:spazz"
    )
    hidden = imported(folder, "hidden", str(corpus / "metacritic"))
    other = folder / "other.db"
    with sqlite3.connect(other) as conn:  # columns named as ours, in a database that is not
        conn.execute("CREATE TABLE review_list (film TEXT, review_rowid INTEGER, text TEXT)")
        conn.execute("INSERT INTO review_list VALUES ('Not a film', 1, 'plain')")
    conn.close()
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(a), str(b), str(other)]
    command += [str(hidden), *denying(folder, "hidden"), "--port", str(port)]
    server, base = started(command, port)
    with httpx.Client(base_url=base, timeout=10) as client:
        yield client
    server.terminate()
    server.wait(timeout=10)


def test_datasette_plugins_lists_the_reading_room():
    listed = subprocess.run(
        [sys.executable, "-m", "datasette", "plugins"], capture_output=True, text=True, check=True
    )
    (ours,) = [p for p in json.loads(listed.stdout) if p["name"] == "film-review-archive"]
    assert ours["templates"] and ours["static"]
    assert {"register_routes", "render_cell", "extra_template_vars"} <= set(ours["hooks"])


def newest(client, database: str) -> dict:
    return rows(client, f"/{database}/review_list.json", _size=1, text__notblank=1)[0]


def test_each_archive_has_its_own_rooms(served):
    first, second = newest(served, "a"), newest(served, "b")
    assert first["film"] != second["film"]
    for database, review in (("a", first), ("b", second)):
        page = served.get(f"/{database}/-/review/{review['review_rowid']}")
        assert page.status_code == 200 and review["film"] in page.text, database
        assert f'href="/{database}/films/' in page.text
        people = served.get(f"/{database}/-/people")
        assert people.status_code == 200 and f"/{database}/-/people/" in people.text
        assert served.get(f"/{database}/-/charts").text.count("<canvas") == 3
    # The same rowid in the other archive is another review, or none: never this one.
    other = served.get(f"/b/-/review/{first['review_rowid']}")
    assert first["film"] not in other.text
    table = served.get("/a/review_list", params={"_size": 5}).text
    assert 'href="/a/-/review/' in table and "/b/-/review/" not in table


def test_the_index_leads_with_every_readable_archive(served):
    index = served.get("/").text
    assert index.count('class="reading-lead"') == 2
    assert 'href="/a/-/charts"' in index and 'href="/b/-/charts"' in index
    assert "/hidden/" not in index
    assert served.get("/a").text.count('class="reading-lead"') == 1
    assert "/b/review_list" not in served.get("/a").text  # its lead is its own


def test_a_database_that_is_no_archive_is_left_alone(served):
    assert served.get("/other/-/review/1").status_code == 404
    assert served.get("/other/-/people").status_code == 404
    page = served.get("/other/review_list")
    assert page.status_code == 200 and "Not a film" in page.text
    assert "reading-lead" not in served.get("/other").text
    assert "/-/review/" not in page.text  # its film cell is no link to a review
    # Our stylesheet and script (they restyle columns by name) stay off its pages.
    assert "reading.css" not in page.text and "reading.js" not in page.text
    assert "reading.css" in served.get("/a/review_list").text


def test_a_denied_archive_shows_no_review(served):
    assert served.get("/hidden").status_code == 403  # Datasette's own refusal
    for path in ("/hidden/-/review/1", "/hidden/-/people", "/hidden/-/charts"):
        assert served.get(path).status_code == 403, path
    # Several archives readable: the old instance-wide addresses cannot tell which.
    assert served.get("/-/people").status_code == 404


def test_both_rooms_in_the_browser(served, browser, tmp_path):  # noqa: F811
    first, second = newest(served, "a"), newest(served, "b")
    context, tab, errors = open_tab(browser, str(served.base_url), tmp_path, (1400, 1000))
    try:
        visit(tab, "/", "two-archives-index")
        assert tab.locator(".reading-lead").count() == 2
        for database, review in (("a", first), ("b", second)):
            visit(tab, f"/{database}/-/review/{review['review_rowid']}", f"review-{database}")
            assert tab.locator("h1").inner_text().startswith(review["film"])
            # The plugin's stylesheet came from its static folder and applies.
            assert tab.eval_on_selector("body", "b => b.classList.contains('reading')")
            visit(tab, f"/{database}/-/charts", f"charts-{database}")
            drawn = tab.evaluate(
                "() => [...document.querySelectorAll('canvas[data-chart]')]"
                ".filter(c => window.Chart && Chart.getChart(c)).length"
            )
            assert drawn == 3, "Chart.js from the plugin's static folder drew no chart"
        tab.goto("/a")
        tab.click(".reading-lead a.lead-reviews")
        tab.wait_for_load_state("networkidle")
        assert tab.url.endswith("/a/review_list")
    finally:
        context.close()
    assert errors == [], f"script errors in the page: {errors}"


def test_serve_passes_what_follows_the_double_dash_to_datasette(corpus, tmp_path):
    extra = tmp_path / "extra.db"
    sqlite3.connect(extra).close()
    archive = imported(tmp_path, "archive", str(corpus / "metacritic"))
    port = free_port()
    command = scrape_command("serve", "--db", str(archive), "--port", str(port))
    command += ["--", "--setting", "sql_time_limit_ms", "4321", str(extra)]
    server, base = started(command, port, env=scrape_env())
    try:
        settings = httpx.get(f"{base}/-/settings.json").json()
        extra_page = httpx.get(f"{base}/extra.json")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert settings["sql_time_limit_ms"] == 4321
    assert extra_page.status_code == 200  # the database given after -- is served too
