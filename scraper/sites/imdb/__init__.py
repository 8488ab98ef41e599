"""IMDb (https://www.imdb.com/user/ur<digits>/ or /user/p.<id>/, imdb:ur<digits>, imdb:p.<id>).

The official "Your Ratings" CSV export, through `scrape import`, is the way in. Live, for a
mirror or whoever may fetch the site: a member's reviews (/user/<id>/reviews/, the 2024+ review
cards, paged by `paginationKey`) and ratings (/user/<id>/ratings/, the `__NEXT_DATA__` payload,
paged by `?page=N`; see ratings_page.py for when it holds no rating values).

How the site answers today, and the evidence relied on:
- robots.txt says `Disallow: /` to every crawler (the corpus README's 2026-09 probes), so a live
  run stops before its first request, with the export route (its robots_advice).
- AWS WAF answers non-browser clients with `202`, an empty body and `x-amzn-waf-action:
  challenge` since January 2026 (tboothman/imdbphp#340, 2026-01-17; tveronesi/imdbinfo PR #129,
  2026-01-22; fracpete/kodi-nfo-generator#10, 2026-03-22; Flexget/Flexget PR #5010,
  2026-05-10): blocks.py reports it as blocked, with the same route (its block_advice).
- Profile URLs became /user/p.<id>/ in 2026, `p.` and 26 characters of [a-z2-7] (or a readable
  name on older accounts): Kometa-Team/Kometa#3091, 2026-05-05; cecobask/imdb-trakt-sync#101,
  2026-05-03, and PR #104, 2026-06-05. Both forms are accepted; they name different handles.
- The export: the ratings page's Export button (or Actions, Export), then the file at
  /exports/ when it is ready (cecobask/imdb-trakt-sync internal/imdb/api.go @ 2da023e,
  2026-08-02; RileyXX/IMDB-Trakt-Syncer imdbData.py @ d0b0bba, 2025-10-19). Its "Your Rating"
  became a decimal ("8.0") in January 2026 (corpus README).
"""

from __future__ import annotations

import re

from scraper.models import Request
from scraper.sites.identity import Identity
from scraper.sites.imdb.exports import (
    MEMBER,
    SITE,
    SITE_URL,
    parse_ratings_export,
    stream_ratings_export,
)
from scraper.sites.imdb.ratings_page import parse_ratings_page
from scraper.sites.imdb.reviews import parse_review_cards
from scraper.sites.site import Export, NoSettings, Site

# The export, step by step: what every refusal from IMDb tells the user to do instead.
EXPORT_ROUTE = (
    "export your ratings instead: sign in at imdb.com, open Your Ratings "
    "(https://www.imdb.com/list/ratings), click Export (or Actions, then Export), open "
    "https://www.imdb.com/exports/ and download the CSV when it is ready, then run "
    "scrape import <that file> --profile imdb:<your id>"
)
# IMDb sits behind AWS WAF (since 2026), which challenges anything that is not a browser.
_BLOCK_ADVICE = f"IMDb (AWS WAF) challenges scripts: {EXPORT_ROUTE}"
_ROBOTS_ADVICE = (
    f"IMDb's robots.txt forbids every crawler the whole site: {EXPORT_ROUTE} "
    "(--ignore-robots would only meet the AWS WAF challenge)"
)
_EXAMPLES = (
    ("https://www.imdb.com/user/ur12345678/", "ur12345678"),
    ("https://www.imdb.com/user/ur12345678/ratings", "ur12345678"),
    ("https://m.imdb.com/user/ur12345678/reviews/", "ur12345678"),
    ("imdb:ur12345678", "ur12345678"),
    ("https://www.imdb.com/user/p.fza5a7zc6w5ngbgt57mgncjzqa/", "p.fza5a7zc6w5ngbgt57mgncjzqa"),
    ("https://www.imdb.com/user/p.colneedham/ratings/", "p.colneedham"),
    ("imdb:p.bngbdelewbg5xo6675jsuzfuvi", "p.bngbdelewbg5xo6675jsuzfuvi"),
)
_IDENTITY = Identity(
    name=SITE,
    default_root=SITE_URL,
    hosts=("www.imdb.com", "imdb.com", "m.imdb.com"),
    url_patterns=(re.compile(rf"^/user/(?P<user>{MEMBER})(?:/[a-z]*)?/?$"),),
    handle_patterns=(re.compile(rf"^(?P<user>{MEMBER})$"),),
)


def import_url(handle: str) -> str:
    """The URL an import of this person's export is parsed as (it names the owner)."""
    return f"{SITE_URL}/user/{handle}/ratings"


def listings(handle: str, settings: NoSettings) -> list[Request]:
    """Written reviews, then ratings, each newest first."""
    base = f"{_IDENTITY.root()}/user/{handle}"
    return [
        Request(f"{base}/reviews/", "review_cards", source="imdb-review-cards"),
        Request(
            f"{base}/ratings/?sort=date_added%2Cdesc", "ratings_page", source="imdb-ratings-page"
        ),
    ]


def sniff(body: bytes) -> str | None:
    head = body[:200].lstrip(b"\xef\xbb\xbf")
    # Today's header, and the pre-2017 one ("position","const","created",...).
    if head.startswith((b"Const,Your Rating,Date Rated,", b'"position","const","created",')):
        return "ratings_export"
    if b"__NEXT_DATA__" in body[:2_000_000] and b"advancedTitleSearch" in body[:5_000_000]:
        return "ratings_page"
    if b'data-testid="review-card-parent"' in body[:2_000_000]:
        return "review_cards"
    return None


SITE_DEF = Site(
    identity=_IDENTITY,
    forms=("https://www.imdb.com/user/ur<digits>/ or /user/p.<id>/  or  imdb:ur<digits>",),
    examples=_EXAMPLES,
    parsers={
        "ratings_export": parse_ratings_export,
        "review_cards": parse_review_cards,
        "ratings_page": parse_ratings_page,
    },
    # 2: title types in the account's language; an unknown one is no kind (was movie).
    parser_version=2,
    settings=NoSettings,
    listings=listings,
    import_url=import_url,
    sniff=sniff,
    block_advice=_BLOCK_ADVICE,
    robots_advice=_ROBOTS_ADVICE,
    export=Export(streams={"ratings_export": stream_ratings_export}),
)
