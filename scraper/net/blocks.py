"""Recognising a refusal dressed as a page: challenge, denial and login pages.

Sites behind Akamai (Rotten Tomatoes), Cloudflare (Letterboxd, Metacritic) and AWS WAF (IMDb)
answer a client they distrust with an interstitial page, often with status 200 or 202. Such a
body must never reach a parser, where it would look like a profile with no reviews. And a normal
page must never be taken for one: the CDNs load scripts of their own into every page they serve,
so a marker counts only where it belongs to the interstitial alone. Every real page of
../shared/corpus is content to this module (tests/test_blocks.py).

Each marker, and where it is documented (checked 2026-12-07):
- `cf-mitigated: challenge` (header): Cloudflare sets it on every challenge page and only there
  ("challenge is the only valid value"), developers.cloudflare.com/cloudflare-challenges/
  challenge-types/challenge-pages/detect-response/ (added by cloudflare-docs PR #8590,
  2023-04-24). yt-dlp's generic extractor checks it (commit cea825e, 2025-12-28).
- `window._cf_chl_opt`, the `/cdn-cgi/challenge-platform/h/` orchestrate script
  (`.../h/b/orchestrate/chl_page/v1?ray=`): the challenge page's bootstrap, in the captured page
  of FlareSolverr issue #906 (2023-09); `_cf_chl_opt` is kept even when a site customises the
  challenge page's title and layout (cloudflare-docs PR #29174, 2026-03-20), and is the body
  marker least seen on normal pages (microlinkhq/is-antibot PR #55, 2026-08-16).
- `<title>Just a moment...</title>`: the challenge page's title (FlareSolverr CHALLENGE_TITLES,
  src/flaresolverr_service.py @ 0f05ed8, 2026-07-16; curl_cffi issues #136 2023-10, #581 2025-06).
- `cf-chl-` ids (`cf-chl-widget-...`): challenge markup, but Turnstile puts the same id on normal
  pages that embed its widget (is-antibot PR #65, 2026-08-25): counted on a refusal status only.
- `Attention Required! | Cloudflare`, `data-translate="block_headline"` ("Sorry, you have been
  blocked"): the block page of a firewall rule, HTTP 403 (Ekultek/WhatWaf #1566, 2022-07-18;
  FlareSolverr ACCESS_DENIED_TITLES since e3b4200, 2023-01-08). Not `cf-error-details`, which
  Cloudflare's 5xx error pages carry too: those are retried, not blocks.
- NOT a marker: `/cdn-cgi/challenge-platform/scripts/jsd/main.js` with `window.__CF$cv$params`,
  Cloudflare's JavaScript Detections, which "runs on every single request" and is inserted "in
  all HTML pages served on your website" (developers.cloudflare.com/cloudflare-challenges/
  challenge-types/javascript-detections/, updated 2026-07-06). It is in every 2026 Letterboxd and
  Metacritic capture of the corpus; taking it for a challenge refused every real Letterboxd page
  (issue 28). Neither are `server: cloudflare`, `cf-ray` or the `__cf_bm` cookie.
- `x-amzn-waf-action` (header): AWS WAF's challenge (HTTP 202) and CAPTCHA (HTTP 405) actions,
  docs.aws.amazon.com/waf/latest/developerguide/waf-captcha-and-challenge-actions.html; IMDb
  answers scripts 202 with it and an empty body in 2026 (tboothman/imdbphp #340, 2026-01;
  tveronesi/imdbinfo #162, 2026-05-07; Flexget PR #5010, 2026-05-10).
- `window.gokuProps` together with `/challenge.js`: the AWS WAF challenge page's own script
  (tveronesi/imdbinfo imdbinfo/aws.py @ 9cad874, 2026-05-09 requires both). Not `awswaf.com`,
  `challenge.js` or `AwsWafIntegration` alone: normal pages load the AWS WAF SDK, which CloudFront
  inserts into every HTML page since 2026-10-30 ("automatic SDK integration").
- `errors.edgesuite.net` (also written `errors&#46;edgesuite&#46;net`): the link on Akamai's
  "Access Denied ... Reference #18..." page, HTTP 403 (Ekultek/WhatWaf #1162, 2021-04-22;
  netbirdio/netbird #3670, 2025-04-14). Not "Reference #" alone, which Akamai's gateway errors
  carry too.
- `sec-if-cpt-container`, `/_sec/cp_challenge/`: Akamai Bot Manager's challenge, often HTTP 200
  (germondai/trawl PR #33, 2026-07-19; Hyper-Solutions hyper-sdk-py akamai/sec_cpt.py @ af62ca9,
  2024-09-16). Not `_abck`, `bm_sz` or the `/akam/13/` sensor script, which normal pages load.
No public capture shows what Rotten Tomatoes' own refusal looks like; its markers are Akamai's.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

# (header, a value it must contain, what it is).
_HEADER_MARKERS = (
    ("cf-mitigated", "challenge", "a Cloudflare challenge"),
    ("x-amzn-waf-action", "", "an AWS WAF challenge"),
)
# (every one of these in the body, what it is). Each belongs to an interstitial page alone.
_BODY_MARKERS: tuple[tuple[tuple[bytes, ...], str], ...] = (
    ((b"window._cf_chl_opt",), "a Cloudflare challenge"),
    ((b"/cdn-cgi/challenge-platform/h/",), "a Cloudflare challenge"),
    ((b"<title>Just a moment...</title>",), "a Cloudflare challenge"),
    ((b"Attention Required! | Cloudflare",), "a Cloudflare block page"),
    ((b'data-translate="block_headline"',), "a Cloudflare block page"),
    ((b"window.gokuProps", b"/challenge.js"), "an AWS WAF challenge"),
    ((b"errors.edgesuite.net",), "an Akamai denial"),
    ((b"errors&#46;edgesuite&#46;net",), "an Akamai denial"),
    ((b"sec-if-cpt-container",), "an Akamai challenge"),
    ((b"/_sec/cp_challenge/",), "an Akamai challenge"),
)
# Markers that normal pages may carry too: they count only on a refusal status.
_REFUSAL_MARKERS = ((b"cf-chl-", "a Cloudflare challenge"),)
_SCAN = 200_000

# A page that is only a sign-in form is small; a site's own pages carry a sign-in form in their
# header (every Letterboxd page, Rotten Tomatoes' 2019 pages), and are far larger.
_LOGIN_PAGE_MAX = 40_000
_LOGIN_MARKERS = (b'type="password"', b"type='password'", b"type=password")
_LOGIN_PATHS = ("login", "signin", "sign-in", "sign_in")

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
    for markers, kind in _BODY_MARKERS:
        if all(marker in head for marker in markers):
            return kind
    if status >= 400:
        for marker, kind in _REFUSAL_MARKERS:
            if marker in head:
                return kind
    if status == 202 and not body.strip():
        return "an empty 202 (a challenge that needs a browser)"
    return None


def is_login_page(body: bytes, url: str = "") -> bool:
    """A sign-in page where data was expected: the answer came from a sign-in address, or it is
    a small page whose point is a password field (not a site page with a sign-in form in its
    header)."""
    path = urlsplit(url).path.lower()
    if any(part in path for part in _LOGIN_PATHS):
        return True
    if len(body) > _LOGIN_PAGE_MAX:
        return False
    return any(marker in body.lower() for marker in _LOGIN_MARKERS)
