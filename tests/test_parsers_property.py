"""Whatever bytes arrive, a parser either returns a Page or raises ParseError: never another
exception, so a hostile or broken response can only ever be a clear, named failure."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper import sites
from scraper.errors import ParseError
from scraper.models import Page

PARSERS = [(site, name) for site, module in sites.SITES.items() for name in module.parsers]
URL = "https://www.rottentomatoes.com/napi/profiles/ratings/someone/movie"
WHEN = datetime(2024, 1, 1, tzinfo=UTC)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**20, -(10**20), 1e300, -1, 0, "", "1 year", "STAR_3_5", "/m/x"])
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "ratings",
                    "reviews",
                    "review",
                    "item",
                    "media",
                    "movie",
                    "user",
                    "pageInfo",
                    "score",
                    "createTime",
                    "pageLink",
                    "url",
                    "vanityUrl",
                    "title",
                    "mediaUrl",
                    "endCursor",
                    "id",
                    "hasNextPage",
                    "age",
                    "comment",
                    "quote",
                    "date",
                    "api",
                    "vanity",
                    "lastUpdated",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)
fragments = st.sampled_from(
    [
        b"<html>",
        b"<body>",
        b"</body>",
        b'<script id="reviews-json" type="application/json">',
        b"</script>",
        b'<section id="audience_reviews">',
        b'<li class="mop-audience-reviews__review-item">',
        b'<a href="/user/id/12">',
        b'<div id="user-reviews">',
        b'<div class="review" bax:sub="listItem">',
        b'<meta property="og:title" content="X (1999)">',
        b'<link rel="canonical" href="/m/x">',
        b'<meta property="al:ios:url" content="flixster://?movieId=1">',
        b"{",
        b"}",
        b"[",
        b'"',
        b"\xff",
        b"\x00",
        b"\xc3\x28",
    ]
)
html_like = st.lists(fragments | st.binary(max_size=30), max_size=25).map(b"".join)


def check(site: str, parser: str, body: bytes) -> None:
    try:
        page = sites.parse(site, parser, body, URL, WHEN)
    except ParseError as error:
        assert site in str(error) and URL in str(error)
    else:
        assert isinstance(page, Page)


@pytest.mark.parametrize(("site", "parser"), PARSERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=2000) | html_like)
def test_arbitrary_bytes_give_a_page_or_a_parse_error(site, parser, body):
    check(site, parser, body)


@pytest.mark.parametrize(("site", "parser"), PARSERS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.dictionaries(
        st.sampled_from(["ratings", "reviews", "pageInfo", "api", "vanity"]),
        json_values,
        max_size=5,
    )
)
def test_arbitrary_json_gives_a_page_or_a_parse_error(site, parser, data):
    check(site, parser, json.dumps(data).encode())
