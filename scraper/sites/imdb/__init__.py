"""IMDb (https://www.imdb.com/user/ur<digits>/, imdb:ur<digits>).

Live: a member's reviews (/user/ur<digits>/reviews/, the 2024+ review cards, paged by
`paginationKey`) and ratings (/user/ur<digits>/ratings/, the `__NEXT_DATA__` payload, paged by
`?page=N`; see ratings_page.py for when it holds no rating values). The official "Your Ratings"
CSV export comes in through `scrape import`. AWS WAF guards the site since 2026.
"""

from __future__ import annotations

import re

from scraper.models import Request
from scraper.sites.identity import Identity
from scraper.sites.imdb.exports import SITE, SITE_URL, parse_ratings_export
from scraper.sites.imdb.ratings_page import parse_ratings_page
from scraper.sites.imdb.reviews import parse_review_cards

NAME = SITE
HOSTS = ("www.imdb.com", "imdb.com", "m.imdb.com")
PARSER_VERSION = 1
# IMDb sits behind AWS WAF (since 2026), which challenges anything that is not a browser.
BLOCK_ADVICE = (
    "IMDb (AWS WAF) challenges scripts: export your ratings instead (Your Ratings, Export; then "
    "scrape import), or use your browser's cookies with --impersonate chrome"
)
FORMS = ("https://www.imdb.com/user/ur<digits>/  or  imdb:ur<digits>",)
EXAMPLES = (
    ("https://www.imdb.com/user/ur12345678/", "ur12345678"),
    ("https://www.imdb.com/user/ur12345678/ratings", "ur12345678"),
    ("https://m.imdb.com/user/ur12345678/reviews/", "ur12345678"),
    ("imdb:ur12345678", "ur12345678"),
)
PARSERS = {
    "ratings_export": parse_ratings_export,
    "review_cards": parse_review_cards,
    "ratings_page": parse_ratings_page,
}
IDENTITY = Identity(
    name=SITE,
    default_root=SITE_URL,
    hosts=HOSTS,
    url_patterns=(re.compile(r"^/user/(?P<user>ur\d{1,12})(?:/[a-z]*)?/?$"),),
    handle_patterns=(re.compile(r"^(?P<user>ur\d{1,12})$"),),
)
root, owns_host = IDENTITY.root, IDENTITY.owns_host
handle_from_url, handle_from_text = IDENTITY.handle_from_url, IDENTITY.handle_from_text


def import_url(handle: str) -> str:
    """The URL an import of this person's export is parsed as (it names the owner)."""
    return f"{SITE_URL}/user/{handle}/ratings"


def listings(handle: str) -> list[Request]:
    """Written reviews, then ratings, each newest first."""
    base = f"{root()}/user/{handle}"
    return [
        Request(f"{base}/reviews/", "review_cards", source="imdb-review-cards"),
        Request(
            f"{base}/ratings/?sort=date_added%2Cdesc", "ratings_page", source="imdb-ratings-page"
        ),
    ]


def sniff(body: bytes) -> str | None:
    if body[:200].lstrip(b"\xef\xbb\xbf").startswith(b"Const,Your Rating,Date Rated,"):
        return "ratings_export"
    if b"__NEXT_DATA__" in body[:2_000_000] and b"advancedTitleSearch" in body[:5_000_000]:
        return "ratings_page"
    if b'data-testid="review-card-parent"' in body[:2_000_000]:
        return "review_cards"
    return None
