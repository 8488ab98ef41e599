"""Recognising a refusal dressed as a page: challenge, denial and login pages.

Sites behind Akamai (Rotten Tomatoes), Cloudflare (Letterboxd) and AWS WAF (IMDb) answer a
client they distrust with a challenge page, often with status 200 or 202. Such a body must never
reach a parser, where it would look like a profile with no reviews.
"""

from __future__ import annotations

from collections.abc import Mapping

# (where to look, marker, what it is). Each marker belongs to an interstitial page only, so a
# real page that loads a CDN's script does not match.
_HEADER_MARKERS = (
    ("cf-mitigated", "challenge", "a Cloudflare challenge"),
    ("x-amzn-waf-action", "", "an AWS WAF challenge"),
)
_BODY_MARKERS = (
    (b"cf-chl-", "a Cloudflare challenge"),
    (b"<title>Just a moment...</title>", "a Cloudflare challenge"),
    (b"Attention Required! | Cloudflare", "a Cloudflare block page"),
    (b"/cdn-cgi/challenge-platform/", "a Cloudflare challenge"),
    (b"errors.edgesuite.net", "an Akamai denial"),
    (b"AwsWafIntegration", "an AWS WAF challenge"),
    (b"awswaf.com", "an AWS WAF challenge"),
)
_LOGIN_MARKERS = (b'type="password"', b"type='password'", b"type=password")
_SCAN = 200_000

ADVICE = (
    "use your browser's cookies (--cookies FILE), slow down (--delay 5), or present a "
    "browser's fingerprint (--impersonate chrome)"
)


def block_kind(status: int, headers: Mapping[str, str], body: bytes) -> str | None:
    """What kind of refusal this response is, or None when it looks like content."""
    for name, value, kind in _HEADER_MARKERS:
        found = headers.get(name)
        if found is not None and value in found.lower():
            return kind
    head = body[:_SCAN]
    for marker, kind in _BODY_MARKERS:
        if marker in head:
            return kind
    if status == 202 and not body.strip():
        return "an empty 202 (a challenge that needs a browser)"
    return None


def is_login_page(body: bytes) -> bool:
    """A page that asks for a password where data was expected."""
    return any(marker in body[:_SCAN].lower() for marker in _LOGIN_MARKERS)
