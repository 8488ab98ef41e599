"""Issue 30, items 5, 6, 7 and 18: what a site sends is text and data, never script. Only
http(s) URLs become links (when parsed, and again wherever a link is written); text that was
escaped stays text in the archive and in every export; an exported page stays well-formed and
its front matter reads back as the archive holds it, whatever characters a title has."""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml
from click.testing import CliRunner

from scraper import sites, weblinks
from scraper.cli import cli
from scraper.sites import common
from scraper.sites.fields import Fields
from scraper.sites.rottentomatoes.pages import flixster_film
from tests.test_datasette import start_serve

CRITIC = "rottentomatoes:critic/jo-critic"
URL = "https://www.rottentomatoes.com/napi/critics/jo-critic/movies?pageCount=50"
SCRIPTED = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    " \x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]
# A link target in Markdown: "](" not escaped as "\](" (which reads as text).
LIVE_TARGET = re.compile(r"(?<!\\)\]\(\s*(?:javascript|data):", re.I)
ESCAPED_QUOTE = (
    "Better than &lt;img src=x onerror=alert(1)&gt; a &lt;b c&gt;word&lt;/b&gt; &amp; more"
)
TYPED = "Better than <img src=x onerror=alert(1)> a <b c>word</b> & more"


def nested(n: int, *, url: str | None = None, quote: str | None = None, title: str = "") -> dict:
    """One review of RT's 2026 critic API (see rottentomatoes/critics.py)."""
    critic = {
        "scoreSentiment": "POSITIVE",
        "originalScore": "3/4",
        "publicationName": "Gazette",
        "reviewCreateDate": f"2026-03-{n + 1:02d}T10:00:00.000Z",
    }
    if url is not None:
        critic["reviewUrl"] = url
    if quote is not None:
        critic["reviewQuote"] = quote
    return {"critic": critic, "media": {"title": title or f"Film {n}", "url": f"/m/film_{n}"}}


def critic_body(*reviews: dict) -> bytes:
    return json.dumps({"vanity": "jo-critic", "reviews": list(reviews)}).encode()


def parse(body: bytes):
    return sites.parse("rottentomatoes", "critic_api", body, URL, datetime(2026, 4, 1, tzinfo=UTC))


def imported(tmp_path: Path, body: bytes) -> Path:
    """An archive made by `scrape import` of one critic API page."""
    page = tmp_path / "critic-2026.json"
    page.write_bytes(body)
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(cli, ["import", str(page), "--db", str(db), "--url", URL])
    assert result.exit_code == 0, result.output
    return db


def export(db: Path, folder: Path, form: str) -> list[Path]:
    result = CliRunner().invoke(
        cli, ["export", "--db", str(db), "--format", form, "-o", str(folder)]
    )
    assert result.exit_code == 0, result.output
    return sorted(folder.rglob("*.md" if form == "markdown" else "*.html"))


def front_and_body(path: Path) -> tuple[dict, str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


# Item 5: a review's link from the site's data is archived only when it is http(s).


@pytest.mark.parametrize("url", SCRIPTED)
def test_a_review_url_that_is_not_http_is_no_link(url):
    assert weblinks.web_url(url) is None
    fields = Fields("rottentomatoes", URL, {"reviewUrl": url})
    assert fields.url("reviewUrl") is None
    assert common.absolute("https://letterboxd.com/dan/films/", url) is None
    review = parse(critic_body(nested(1, url=url))).reviews[0]
    assert review.url == "https://www.rottentomatoes.com/m/film_1"  # the film's page instead
    assert flixster_film(7, "Frost Line", 2017, url).url is None


def test_an_http_review_url_stays_a_link():
    for url in ("https://g.example/review/1", "HTTP://g.example/r?a=1", " https://g.example/x "):
        assert weblinks.web_url(url) == url.strip()
        assert parse(critic_body(nested(1, url=url))).reviews[0].url == url.strip()
    assert common.absolute("https://letterboxd.com/x/", "/dan/film/heat/") == (
        "https://letterboxd.com/dan/film/heat/"
    )
    assert common.absolute("file:///home/me/page.html", "/dan/film/heat/") is None
    assert weblinks.web_url("//g.example/no-scheme") is None


def test_no_page_links_a_script_url_an_older_archive_holds(tmp_path):
    """An archive written before the check (or edited by hand) holds javascript: and data:
    links; the reading room, the static site and the Markdown export link none of them."""
    db = imported(tmp_path, critic_body(nested(1, url="https://g.example/1", quote="Fine.")))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE reviews SET url = 'javascript:alert(document.domain)'")
        conn.execute("UPDATE films SET url = 'data:text/html,<script>alert(1)</script>'")
        conn.execute("UPDATE profiles SET url = ' javascript:alert(2)'")
        (rowid,) = conn.execute("SELECT rowid FROM reviews").fetchone()
    for page in export(db, tmp_path / "site", "html"):
        text = page.read_text(encoding="utf-8")
        assert "javascript:" not in text and "data:" not in text, page.name
    (markdown,) = export(db, tmp_path / "md", "markdown")
    front, _ = front_and_body(markdown)
    assert front["review_url"] is None and front["film_url"] is None
    server, base = start_serve(db)
    try:
        # The old instance-wide addresses lead to the one archive served.
        with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as client:
            review = client.get(f"/-/review/{rowid}")
            person = client.get("/-/people/" + CRITIC.replace("/", "%2F"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert review.status_code == 200 and "Fine." in review.text
    assert person.status_code == 200 and "jo-critic" in person.text
    for page in (review.text, person.text):
        assert 'href="javascript:' not in page and 'href="data:' not in page
        assert 'href=" javascript:' not in page
    assert "the review where it was published" not in review.text


# Item 6: the Markdown body writes text as text and links to http(s) alone.


def test_markdown_body_keeps_escaped_html_as_text_and_drops_script_links(tmp_path):
    html_quote = (
        "Loud &amp; <em>very</em> &lt;img src=x onerror=alert(1)&gt; "
        '<a href="javascript:alert(1)">clicked</a> <a href="https://g.example/a_(b)">kept</a> '
        '<img src="data:image/svg+xml,x" alt="&lt;svg onload=alert(1)&gt;"> '
        "[typed](javascript:alert(3))"
    )
    flat = {
        "quote": html_quote,
        "date": "Jul 24, 2023",
        "mediaTitle": "Flat",
        "mediaUrl": "/m/flat",
        "originalScore": "3/4",
    }
    plain_quote = "&lt;img src=x onerror=alert(2)&gt; and [x](javascript:alert(4)) &lt;!-- c --&gt;"
    db = imported(tmp_path, critic_body(flat, nested(2, quote=plain_quote, title="Plain")))
    bodies = {
        front["film"]: body
        for front, body in map(front_and_body, export(db, tmp_path / "md", "markdown"))
    }
    for body in bodies.values():
        assert "<img" not in body and "<svg" not in body and "<!--" not in body
        assert not LIVE_TARGET.search(body), body
    assert "*very*" in bodies["Flat"] and "clicked" in bodies["Flat"]
    assert "&lt;img src=x onerror=alert(1)>" in bodies["Flat"]
    assert "[kept](https://g.example/a_%28b%29)" in bodies["Flat"]
    assert "\\[typed\\](javascript:alert(3))" in bodies["Flat"]
    assert bodies["Plain"].strip() == (
        "&lt;img src=x onerror=alert(2)> and \\[x\\](javascript:alert(4)) &lt;!-- c -->"
    )


def test_a_fence_in_preformatted_text_does_not_end_its_code_block():
    from scraper.views.markdown_export import body

    converted = body("<pre>```\n&lt;img src=x onerror=alert(1)&gt;\n```</pre>")
    assert converted.startswith("````\n") and converted.rstrip().endswith("\n````")


# Item 7: a critic's quote is read as HTML once; an escaped "<" in it stays text.


def test_an_escaped_tag_in_a_critic_quote_stays_text_with_every_word(tmp_path):
    review = parse(critic_body(nested(1, quote=ESCAPED_QUOTE))).reviews[0]
    assert review.text == TYPED
    assert review.text_original == ESCAPED_QUOTE  # as the site gave it
    db = imported(tmp_path, critic_body(nested(1, quote=ESCAPED_QUOTE)))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT text FROM reviews").fetchone()[0] == TYPED
        hits = conn.execute("SELECT count(*) FROM reviews_fts WHERE reviews_fts MATCH 'word'")
        assert hits.fetchone()[0] == 1
    pages = export(db, tmp_path / "site", "html")
    review_page = next(p for p in pages if p.parent.name == "reviews").read_text("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt; a &lt;b c&gt;word&lt;/b&gt; &amp; more" in (
        review_page
    )


# Item 18: odd characters in a title keep pages well-formed and front matter exact.

ODD_TITLE = "Heat\x00 2\x0b\x1b\x85\u2028\u2029\ufffe end"


def test_a_title_with_xml_invalid_characters_leaves_every_page_well_formed(tmp_path):
    db = imported(tmp_path, critic_body(nested(1, quote="Fine\x00 words\x08.", title=ODD_TITLE)))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT title FROM films").fetchone()[0] == ODD_TITLE
    pages = export(db, tmp_path / "site", "html")
    assert len(pages) >= 3
    for page in pages:
        root = ET.parse(page).getroot()  # well-formed, or this raises
        assert root.tag == "html"
    review_page = next(p for p in pages if p.parent.name == "reviews")
    assert ET.parse(review_page).getroot().find(".//h1").text.startswith("Heat\ufffd 2")


@pytest.mark.parametrize("title", ["Heat\x852", "Heat\x85", "A\u2028B\u2029C", ODD_TITLE])
def test_front_matter_reads_back_every_character_of_a_title(tmp_path, title):
    db = imported(tmp_path, critic_body(nested(1, quote="Fine.", title=title)))
    (markdown,) = export(db, tmp_path / "md", "markdown")
    front, body = front_and_body(markdown)
    assert front["film"] == title and front["title"] == title
    assert body.strip() == "Fine."
