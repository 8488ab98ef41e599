"""Metacritic: the devalue decoder, the Nuxt payloads and the legacy profile from the corpus
(expected values checked by hand against the raw files), and `scrape import` of them."""

from __future__ import annotations

import json
import math
import sqlite3
from collections import Counter
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from scraper import sites
from scraper.cli import cli
from scraper.errors import ParseError
from scraper.sites import text
from scraper.sites.metacritic.devalue import unflatten

SEEN = datetime(2026, 5, 1, tzinfo=UTC)


def test_devalue_rebuilds_shared_and_typed_values():
    payload = [
        ["ShallowReactive", 1],
        {"a": 2, "b": 2, "when": 4, "tags": 5, "n": 7},
        [3],
        "x",
        ["Date", "2026-01-02T00:00:00Z"],
        ["Set", 3, 6],
        "y",
        1024,
    ]
    tree = unflatten(payload)
    assert tree == {
        "a": ["x"],
        "b": ["x"],
        "when": "2026-01-02T00:00:00Z",
        "tags": ["x", "y"],
        "n": 1024,
    }
    assert tree["a"] is tree["b"]  # one value referenced twice stays one value


def test_devalue_specials_cycles_and_errors():
    assert unflatten([{"u": -1, "nan": -3}])["u"] is None
    assert math.isnan(unflatten([{"u": -1, "nan": -3}])["nan"])
    cyclic = unflatten([{"self": 0}])
    assert cyclic["self"] is cyclic
    for bad in ([], [{"a": 9}], [["Nonsense", 1]], "text"):
        with pytest.raises(ValueError):
            unflatten(bad)


def test_invalid_utf8_bytes_are_read_as_what_they_were():
    assert text.decode_lenient(b"scale\xa1\xaathe") == "scale\u2014the"  # GBK em dash
    assert text.decode_lenient(b"caf\xe9 ok") == "caf\u00e9 ok"  # a lone Windows-1252 byte
    assert text.decode_lenient("plain ✓".encode()) == "plain ✓"


@pytest.mark.parametrize(
    ("name", "users", "critics", "films", "sample"),
    [
        (
            "nuxt-data-movie-page-2026.json",
            17,
            8,
            {"movie/lawrence-of-arabia-re-release": 1962},
            (
                "metacritic:oysteims/movie/lawrence-of-arabia-re-release",
                10.0,
                "10",
                "2026-03-05",
                "Without a doubt, one of the greatest movies ever made.",
            ),
        ),
        (
            "nuxt-data-tv-page-2026.json",
            2,
            13,
            {
                "tv/the-larry-sanders-show": 1992,
                "tv/the-larry-sanders-show/season-6": None,
                "tv/the-larry-sanders-show/season-5": None,
                "tv/the-larry-sanders-show/season-4": None,
                "tv/the-larry-sanders-show/season-1": None,
            },
            (
                "metacritic:critic/tom-shales/tv/the-larry-sanders-show/season-6",
                10.0,
                "100/100",
                "2013-07-17",
                "This brilliant and aching and achingly brilliant series",
            ),
        ),
    ],
)
def test_nuxt_payloads(corpus, name, users, critics, films, sample):
    body = (corpus / "metacritic" / name).read_bytes()
    assert sites.sniff(body) == ("metacritic", "nuxt_payload")
    page = sites.parse("metacritic", "nuxt_payload", body, "file:///p", SEEN)
    sources = Counter(r.source for r in page.reviews)
    assert sources == {"metacritic-user-reviews": users, "metacritic-critic-reviews": critics}
    assert {f.id.removeprefix("metacritic:"): f.year for f in page.films} == films
    review = next(r for r in page.reviews if r.id == sample[0])
    assert (review.rating, review.rating_raw, review.when.at.date().isoformat()) == sample[1:4]
    assert review.text.startswith(sample[4])
    assert all(0 <= r.rating <= 10 for r in page.reviews if r.rating is not None)
    assert not any("\ufffd" in (r.text or "") for r in page.reviews)


def test_critic_quote_keeps_its_dash(corpus):
    body = (corpus / "metacritic" / "nuxt-data-movie-page-2026.json").read_bytes()
    page = sites.parse("metacritic", "nuxt_payload", body, "file:///p", SEEN)
    larsen = next(r for r in page.reviews if r.profile_id == "metacritic:critic/josh-larsen")
    assert "senses of scale\u2014the intimate and the expansive\u2014with" in larsen.text
    assert larsen.publication == "LarsenOnFilm" and larsen.rating == 10.0


def test_legacy_profile(corpus):
    body = (corpus / "metacritic" / "user-profile-legacy-2020.html").read_bytes()
    assert sites.sniff(body) == ("metacritic", "legacy_profile")
    page = sites.parse("metacritic", "legacy_profile", body, "file:///p", SEEN)
    (profile,), (review,) = page.profiles, page.reviews
    assert profile.id == "metacritic:Gnomishninja"
    assert (review.film_id, review.rating, review.rating_raw) == (
        "metacritic:movie/captain-marvel",
        10.0,
        "10",
    )
    assert review.when.at.date().isoformat() == "2019-03-10"
    assert review.text.endswith("throughout the film\n\nYou should go see this movie.")
    assert review.text_original.startswith('<span class="blurb blurb_expanded">')


@pytest.mark.parametrize(
    "body",
    [
        b'[["ShallowReactive",1],{"data":2},[]] metacritic',
        json.dumps([{"a": 1}, "metacritic"]).encode(),
    ],
)
def test_payload_without_components_is_a_parse_error(body):
    with pytest.raises(ParseError, match="metacritic"):
        sites.parse("metacritic", "nuxt_payload", body, "file:///p", SEEN)


def test_import_and_user_command(corpus, tmp_path):
    db = tmp_path / "a.db"
    result = CliRunner().invoke(cli, ["import", str(corpus / "metacritic"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (
        "5 files (1 legacy_profile, 2 nuxt_payload, 2 profile_page): 101 reviews (101 new"
        in result.output
    )
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("select count(*) from reviews where site = 'metacritic'").fetchone()[0]
            == 101
        )
        # The game pages' critics are publications (no author is named on them).
        assert conn.execute(
            "select count(*) from profiles where kind = 'publication'"
        ).fetchone() == (10,)


# The August 2026 review pages of a game, checked against the cards rendered in the same
# file (author, date, score): the payload and the markup agree.
@pytest.mark.parametrize(
    ("name", "source", "count", "samples"),
    [
        (
            "user-reviews-page-2026-08.html",
            "metacritic-user-reviews",
            50,
            {
                "metacritic:Rickee079/game/elden-ring": (10.0, "10", "2026-03-15", "Para mi es"),
                "metacritic:ibra208/game/elden-ring": (9.0, "9", "2026-08-12", "In my opinion"),
                "metacritic:Libi_Aeryn/game/elden-ring": (1.0, "1", "2026-06-08", "-no believ"),
            },
        ),
        (
            "critic-reviews-page-2026-08.html",
            "metacritic-critic-reviews",
            10,
            {
                "metacritic:publication/areajugones/game/elden-ring": (
                    10.0,
                    "100/100",
                    "2022-02-23",
                    "Elden Ring is the real next step",
                ),
            },
        ),
    ],
)
def test_review_pages_2026(corpus, name, source, count, samples):
    body = (corpus / "metacritic" / name).read_bytes()
    assert sites.sniff(body) == ("metacritic", "profile_page")
    url = f"https://www.metacritic.com/game/elden-ring/{name.split('-page')[0]}/"
    page = sites.parse("metacritic", "profile_page", body, url, SEEN)
    assert [f.id for f in page.films] == ["metacritic:game/elden-ring"]
    assert (page.films[0].year, page.films[0].kind) == (2022, "game")  # the product component
    assert Counter(r.source for r in page.reviews) == {source: count}
    assert len({r.profile_id for r in page.reviews}) == count
    for review_id, (rating, raw, day, start) in samples.items():
        review = next(r for r in page.reviews if r.id == review_id)
        assert (review.rating, review.rating_raw, review.when.at.date().isoformat()) == (
            rating,
            raw,
            day,
        )
        assert review.text.startswith(start)
    critic = page.reviews[0]
    if source == "metacritic-critic-reviews":
        assert critic.publication == "Areajugones" and critic.reviewer_name is None
        assert critic.url.startswith("https://areajugones.sport.es/")


def test_a_user_page_with_an_embedded_payload_reads_it(corpus):
    """The current site serves /user/<name>/ with its data in a __NUXT_DATA__ script."""
    payload = (corpus / "metacritic" / "nuxt-data-movie-page-2026.json").read_bytes()
    page_html = (
        b'<!DOCTYPE html><html><head><title>Metacritic</title></head><body><div id="__nuxt">'
        b'</div><script type="application/json" data-nuxt-data="nuxt-app" data-ssr="true" '
        b'id="__NUXT_DATA__">' + payload + b"</script></body></html>"
    )
    url = "https://www.metacritic.com/user/oysteims/"
    fetched = datetime(2026, 6, 1, tzinfo=UTC)
    embedded = sites.parse("metacritic", "profile_page", page_html, url, fetched)
    direct = sites.parse("metacritic", "nuxt_payload", payload, url, fetched)
    assert [r.id for r in embedded.reviews] == [r.id for r in direct.reviews]
    assert len(embedded.reviews) > 10


API = (
    "https://backend.metacritic.com/reviews/metacritic/user/users/oysteims/web"
    "?filterByType=movies&offset={}&limit=2&componentType=ReviewListComponent&sort=date"
)


def _api_item(n: int) -> dict:
    return {
        "id": f"u{n}",
        "quote": f"Review {n}",
        "score": 7,
        "date": "2026-01-02",
        "spoiler": False,
        "reviewedProduct": {"id": n, "type": "movie", "title": f"M{n}", "url": f"/movie/m{n}/"},
    }


def test_user_reviews_api_pages_by_offset_to_total():
    body = json.dumps({"data": {"totalResults": 3, "items": [_api_item(1), _api_item(2)]}})
    assert sites.sniff(body.encode()) == ("metacritic", "user_reviews_api")
    page = sites.parse("metacritic", "user_reviews_api", body.encode(), API.format(0), SEEN)
    assert [r.id for r in page.reviews] == [
        "metacritic:oysteims/movie/m1",
        "metacritic:oysteims/movie/m2",
    ]
    assert page.reviews[0].rating == 7.0 and page.reviews[0].source == "metacritic-user-movies"
    assert "offset=2" in page.next.url and "filterByType=movies" in page.next.url
    last = json.dumps({"data": {"totalResults": 3, "items": [_api_item(3)]}}).encode()
    assert sites.parse("metacritic", "user_reviews_api", last, API.format(2), SEEN).next is None
    none = json.dumps({"data": {"totalResults": 0, "items": []}}).encode()
    assert sites.parse("metacritic", "user_reviews_api", none, API.format(0), SEEN).reviews == []


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ({"errors": ["bad"]}, "data.items"),
        ({"data": {"items": "x"}}, "data.items"),
        ({"data": {"items": []}}, "totalResults"),
        ({"data": {"totalResults": 9, "items": []}}, "the page was empty"),
        ({"data": {"totalResults": 1, "items": [{"quote": "no product"}]}}, "reviewedProduct"),
    ],
)
def test_user_reviews_api_of_another_shape_is_a_parse_error(body, what):
    with pytest.raises(ParseError, match=what):
        sites.parse(
            "metacritic", "user_reviews_api", json.dumps(body).encode(), API.format(0), SEEN
        )
