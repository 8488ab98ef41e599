"""Rotten Tomatoes and Flixster captures of the shared corpus beyond their expected records
(which tests/test_corpus.py checks, with every other site's, against tests/expected/): the
cursor's exact time, the whole corpus archived, and the 2026 critic API's nested shape."""

from __future__ import annotations

import json
from pathlib import Path

from scraper import sites, timeparse
from scraper.store import schema
from scraper.store.writer import PageWriter
from tests import expectations as ex

EXPECTED = ex.EXPECTED / "rottentomatoes"
CASES = sorted(p.stem for p in EXPECTED.glob("*.json"))


def corpus_file(corpus: Path, stem: str) -> Path:
    (path,) = (corpus / "rottentomatoes").glob(f"{stem}.*")
    return path


def parse_case(corpus: Path, stem: str):
    """A corpus file parsed as its expected file says (parser, url, fetch time)."""
    expected = ex.load(EXPECTED / f"{stem}.json")
    page = ex.parse(expected, (corpus / expected["input"]).read_bytes())
    return expected, expected["parser"], page


def test_cursor_create_date_lies_inside_the_relative_bounds(corpus):
    """The 2019 and 2020 cursors give the true time of the page's last item; the age the same
    response shows for it ("1 year") must bound that time, for plausible capture times."""
    for stem, captured in (
        ("napi-userprofile-movieratings-2019-page1", "2019-07-05T12:00:00Z"),
        ("napi-userprofile-movieratings-2020-last", "2020-08-15T12:00:00Z"),
    ):
        body = corpus_file(corpus, stem).read_bytes()
        data = json.loads(body)
        from scraper.sites.rottentomatoes.api import decode_cursor

        truth = timeparse.from_iso(decode_cursor(data["pageInfo"]["endCursor"])["createDate"]).at
        age = data["ratings"][-1]["review"]["age"]
        bounds = timeparse.from_relative(age, timeparse.from_iso(captured).at)
        assert bounds.earliest <= truth <= bounds.latest, (stem, age, truth, bounds)


def test_whole_corpus_archives_and_repairs_mojibake(corpus, tmp_path):
    db = schema.open_archive(tmp_path / "a.db")
    total = 0
    for stem in CASES:
        _, _, page = parse_case(corpus, stem)
        total += PageWriter(db, entry_kinds=sites.entry_kinds()).save_page(page).counts.new
    assert db["reviews"].count == total == 842
    text, original = db.execute(
        "select text, text_original from reviews where film_id = ?",
        ["rottentomatoes:m/the_cabin_in_the_woods"],
    ).fetchone()
    assert "clichés" in text and "clichÃ (C)s" in original
    hits = db.execute("select count(*) from reviews_fts where reviews_fts match 'clichés'")
    assert hits.fetchone()[0] >= 1
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_critic_api_2026_nested_shape():
    """The 2026 shape (gscheinman/kalshi-rt, 2026-05) and the star scale of one critic."""
    import json
    from datetime import UTC, datetime

    from scraper import sites

    def review(title, ems, score, sentiment, **extra):
        critic = {
            "scoreSentiment": sentiment,
            "originalScore": score,
            "publicationName": "Gazette",
            "reviewCreateDate": "2026-03-01T10:00:00.000Z",
        }
        return {
            "critic": critic | extra,
            "media": {"title": title, "emsId": ems, "url": f"/m/{ems}"},
        }

    body = json.dumps(
        {
            "pageInfo": {"hasNextPage": True, "endCursor": "Mg=="},
            "reviews": [
                review("One", "one", "3/4", "POSITIVE", reviewQuote="Fine &amp; good"),
                review("Two", "two", "3 stars", "POSITIVE"),
                review("Three", "three", "", "NEGATIVE", reviewUrl="https://g.example/3"),
            ],
        }
    ).encode()
    assert sites.sniff(body) == ("rottentomatoes", "critic_api")
    url = "https://www.rottentomatoes.com/napi/critics/jo-critic/tv?pageCount=50"
    page = sites.parse("rottentomatoes", "critic_api", body, url, datetime(2026, 4, 1, tzinfo=UTC))
    one, two, three = page.reviews
    assert page.profiles[0].id == "rottentomatoes:critic/jo-critic"
    assert (one.id, one.rating, one.rating_raw, one.sentiment) == (
        "rottentomatoes:critic/jo-critic/one",
        7.5,
        "3/4",
        "fresh",
    )
    assert one.text == "Fine & good" and one.when.exact
    assert (two.rating, two.rating_raw) == (7.5, "3 stars")  # on the critic's own 4-star scale
    assert (three.rating, three.rating_raw, three.sentiment) == (None, "rotten", "rotten")
    assert three.url == "https://g.example/3" and three.source == "critic-reviews-tv"
    assert page.next.url.endswith("/napi/critics/jo-critic/tv")
    assert dict(page.next.params) == {"after": "Mg==", "pageCount": "50"}
