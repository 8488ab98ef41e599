import pytest

from scraper import sites
from scraper.errors import UsageError
from scraper.models import Target


@pytest.mark.parametrize(
    ("site", "ident", "handle"),
    [(name, ident, handle) for name, m in sites.SITES.items() for ident, handle in m.examples],
)
def test_every_example_resolves_to_its_own_site(site, ident, handle):
    assert sites.resolve(ident) == [Target(site, handle)]


def test_every_site_declares_examples_forms_and_parsers():
    for module in sites.SITES.values():
        assert module.examples and module.forms and module.parsers
        for _, handle in module.examples:
            requests = module.listings(handle, module.settings())
            assert requests and {r.parser for r in requests} <= set(module.parsers)
            quick = module.incremental_listings(handle) if module.incremental_listings else []
            assert {r.parser for r in quick} <= set(module.parsers)


def test_bare_handle_needs_site():
    assert sites.resolve("rain-jokinen", site="rottentomatoes") == [
        Target("rottentomatoes", "rain-jokinen")
    ]
    with pytest.raises(UsageError, match="accepted forms"):
        sites.resolve("rain-jokinen")


def test_person_from_config():
    people = {"rishi": {"rottentomatoes": "rottentomatoes:critic/rishi-r", "mars": "x"}}
    assert sites.resolve("rishi", people=people) == [Target("rottentomatoes", "critic/rishi-r")]


@pytest.mark.parametrize(
    ("ident", "message"),
    [
        ("nobody", "accepted forms"),
        ("https://example.com/critics/x", "no supported site"),
        ("ftp://www.rottentomatoes.com/critics/x", "not an http"),
        ("https://www.rottentomatoes.com/m/suzume", "not a profile page"),
        ("rottentomatoes:critic/../../etc", "characters"),
        ("rottentomatoes:critic/a%2Fb", "characters"),
        ("rottentomatoes:a b", "characters"),
        ("rottentomatoes:a\x00b", "characters"),
        ("rottentomatoes:" + "a" * 400, "1 to 300"),
        ("rottentomatoes:critic/a/b", "not a rottentomatoes identifier"),
        ("rottentomatoes:user/12ab", "not a rottentomatoes identifier"),
    ],
)
def test_bad_identifiers_are_refused_before_any_request(ident, message):
    with pytest.raises(UsageError, match=message):
        sites.resolve(ident)


def test_sniff_refuses_unknown_content():
    assert sites.sniff(b'{"hello": 1}') is None
    assert sites.sniff(b"<html><body>hi</body></html>") is None


@pytest.mark.parametrize(
    ("parser", "body"),
    [
        ("legacy_ratings", b'{"ratings": [1, 2]}'),
        ("legacy_ratings", b'{"ratings": {"a": 1}}'),
        (
            "profile_ratings",
            b'{"api": "/napi/profiles/ratings/x/movie", "ratings": [{"media": 3}]}',
        ),
        ("critic_api", b'{"vanity": "x", "reviews": [{"mediaUrl": 5}]}'),
        ("flixster_ratings", b'{"ratings": [{"user": {"id": 1}, "movie": []}]}'),
        ("critic_page", b"<html><body>No reviews here</body></html>"),
        ("movie_page", b"<html><body><section id='audience_reviews'></section></body></html>"),
        ("legacy_ratings", b"\xff\xfe not json"),
        ("legacy_ratings", b"[" * 100_000),
        (
            "profile_ratings",
            b'{"api": "/napi/profiles/ratings/x/movie", "ratings": '
            b'[{"createTime": 100000000000000000000, "media": {"pageLink": "/m/x"}}]}',
        ),
        (
            "profile_ratings",
            b'{"api": "/napi/profiles/ratings/x/movie", "ratings": '
            b'[{"createTime": 1e300, "media": {"pageLink": "/m/x"}}]}',
        ),
    ],
)
def test_malformed_bodies_are_parse_errors_naming_site_and_url(parser, body):
    from datetime import UTC, datetime

    from scraper.errors import ParseError

    url = "https://www.rottentomatoes.com/napi/userProfile/movieRatings/1"
    with pytest.raises(ParseError) as caught:
        sites.parse("rottentomatoes", parser, body, url, datetime.now(UTC))
    assert "rottentomatoes" in str(caught.value) and url in str(caught.value)
