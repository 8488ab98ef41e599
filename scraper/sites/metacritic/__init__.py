"""Metacritic (https://www.metacritic.com/user/<name>/, metacritic:<name>).

Live: the user's page, whose reviews are embedded as a Nuxt payload (current site) or rendered
as `li.review.user_review` items with a "next" pager (before 2023). Saved film and show pages
(their Nuxt payload: user and critic reviews) come in through `scrape import`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from scraper.models import Request
from scraper.sites.identity import Identity
from scraper.sites.metacritic.parsers import (
    SITE,
    SITE_URL,
    parse_legacy_profile,
    parse_nuxt_payload,
    parse_profile_page,
)

NAME = SITE
HOSTS = ("www.metacritic.com", "metacritic.com")
PARSER_VERSION = 2
BLOCK_ADVICE = (
    "Metacritic refused us: save the pages in your browser and run scrape import, or slow down "
    "(--delay 5) and use your browser's cookies (--cookies FILE)"
)
FORMS = ("https://www.metacritic.com/user/<name>/  or  metacritic:<name>",)
EXAMPLES = (
    ("https://www.metacritic.com/user/Gnomishninja/", "Gnomishninja"),
    ("https://www.metacritic.com/user/oysteims", "oysteims"),
    ("metacritic:oysteims", "oysteims"),
)
PARSERS = {
    "nuxt_payload": parse_nuxt_payload,
    "legacy_profile": parse_legacy_profile,
    "profile_page": parse_profile_page,
}
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
IDENTITY = Identity(
    name=SITE,
    default_root=SITE_URL,
    hosts=HOSTS,
    url_patterns=(re.compile(rf"^/user/(?P<user>{_NAME})(?:/[a-z-]*)?/?$"),),
    handle_patterns=(re.compile(rf"^(?P<user>{_NAME})$"),),
)
root, owns_host = IDENTITY.root, IDENTITY.owns_host
handle_from_url, handle_from_text = IDENTITY.handle_from_url, IDENTITY.handle_from_text


def import_url(handle: str) -> str:
    return f"{SITE_URL}/user/{quote(handle)}/"


def listings(handle: str) -> list[Request]:
    return [
        Request(f"{root()}/user/{quote(handle)}/", "profile_page", source="metacritic-user-profile")
    ]


def sniff(body: bytes) -> str | None:
    head = body[:300_000]
    if head.lstrip()[:2] == b"[[" and b'"ShallowReactive"' in head[:200] and b"metacritic" in head:
        return "nuxt_payload"
    # The payload script sits after the page's markup (365 kB into a 2026 review page).
    if b'id="__NUXT_DATA__"' in body[:5_000_000] and b"metacritic" in head.lower():
        return "profile_page"  # a saved page with its payload inside (user or product page)
    if b"user_review" in head and b"metacritic" in head.lower():
        return "legacy_profile"
    return None
