"""The static site (`scrape export --format html`) in headless Chromium at a desktop's size and
a phone's (issue 31, item 4): no page is wider than the screen, the nav wraps instead of running
off it, and the histogram shows its title and counts. As the reading room's browser tests (whose
Chromium fixture this uses), it skips without Chromium, except under CI, where it fails.
Screenshots of every page at both sizes are written to the test's tmp folder."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from tests.test_reading_room_browser import (  # the Chromium fixture, and where shots go
    browser,  # noqa: F401
    shots_folder,
)

SIZES = {"desktop": (1400, 1000), "phone": (390, 844)}


@pytest.fixture(scope="module")
def site(corpus, tmp_path_factory) -> Path:
    """Four sites' reviews, some with no known date (Metacritic's ages, imported without
    --captured-at), and the longest names the corpus has (a 120-character Rotten Tomatoes
    handle, Letterboxd's long titles)."""
    folder = tmp_path_factory.mktemp("static-site")
    db = folder / "archive.db"
    runs = [
        [str(corpus / "rottentomatoes"), "--captured-at", "2023-06-01T00:00:00Z"],
        [str(corpus / "metacritic")],
        [str(corpus / "letterboxd" / "export-2026"), "--profile", "letterboxd:spazznolo"],
    ]
    for args in runs:
        done = CliRunner().invoke(cli, ["import", *args, "--db", str(db)])
        assert done.exit_code == 0, done.output
    out = folder / "site"
    done = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "html", "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out


def widest_review(site: Path) -> Path:
    """The review page with the longest unbroken word: the one most likely to widen a page."""

    def longest_word(page: Path) -> int:
        body = page.read_text(encoding="utf-8").split("<body>", 1)[1]
        return max(len(w) for w in re.sub(r"<[^>]*>", " ", html.unescape(body)).split())

    return max((site / "reviews").glob("*.html"), key=longest_word)


@pytest.mark.parametrize("size", sorted(SIZES))
def test_no_page_is_wider_than_the_screen_and_the_nav_wraps(browser, site, size, tmp_path):  # noqa: F811
    width, height = SIZES[size]
    pages = {
        "index": site / "index.html",
        "year": max((site / "years").glob("2*.html")),
        "undated": site / "years" / "undated.html",
        "review": widest_review(site),
    }
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    try:
        for name, path in pages.items():
            tab.goto(path.as_uri())
            tab.screenshot(path=str(shots_folder(tmp_path, "static-site") / f"{name}-{size}.png"))
            wide = tab.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{name} at {size}: {wide}px wide on a {width}px screen"
            nav = tab.locator("nav").bounding_box()
            assert nav is not None and nav["x"] + nav["width"] <= width
            last = tab.locator("nav a").last.bounding_box()
            assert last is not None and last["x"] + last["width"] <= width, f"{name}: nav"
            if size == "phone" and name != "review":  # a review page links home only
                # Twenty years of links take several lines on a phone, not one line off it.
                assert nav["height"] > 2 * last["height"], f"{name}: the nav did not wrap"
        tab.goto(pages["index"].as_uri())
        caption = tab.locator("figure figcaption")
        assert caption.is_visible() and caption.inner_text().startswith("Ratings in stars")
        chart = tab.locator("figure svg").bounding_box()
        assert chart is not None and chart["x"] + chart["width"] <= width
        assert tab.locator("figure svg text").count() == 20  # a count and a label a bar
    finally:
        context.close()
