"""The block detector on real pages: every capture in ../shared/corpus is content, whatever its
site and year, and the interstitials of Cloudflare, AWS WAF and Akamai are still caught.

No capture of an interstitial exists in the corpus, so the refusals below are written here, in
the shape of the public captures blocks.py cites (each says which)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.net.blocks import block_kind, is_login_page


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "README.md")


def test_every_real_capture_is_content(corpus):
    files = corpus_files(corpus)
    assert len(files) >= 40
    taken = {}
    for path in files:
        body = path.read_bytes()
        # A site's real headers for a normal page say nothing of a challenge.
        headers = {"server": "cloudflare", "cf-ray": "9c1cd6b88e26295d-AMS"}
        for status in (200, 404):  # a normal 404 page is no block either
            if kind := block_kind(status, headers, body):
                taken[f"{path.relative_to(corpus)} ({status})"] = kind
        if is_login_page(body, "https://letterboxd.com/spazznolo/films/"):
            taken[f"{path.relative_to(corpus)} (login)"] = "a login page"
    assert taken == {}


def test_cloudflares_detection_script_is_no_challenge(corpus):
    """The script Cloudflare loads into every page it serves, which issue 28 found taken for a
    challenge on every 2026 Letterboxd page."""
    pages = [
        p
        for p in corpus_files(corpus)
        if b"/cdn-cgi/challenge-platform/scripts/jsd/main.js" in p.read_bytes()
    ]
    names = {p.name for p in pages}
    assert {"films-2026.html", "profile-2026.html", "user-reviews-page-2026-08.html"} <= names
    assert all(block_kind(200, {}, p.read_bytes()) is None for p in pages)


# Written here in the shape of Cloudflare's managed challenge (FlareSolverr issue #906's capture,
# 2023-09): the ray and tokens are made up.
CLOUDFLARE_CHALLENGE = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    b'<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
    b'<meta name="robots" content="noindex,nofollow"></head><body><div class="main-wrapper" '
    b'role="main"><div class="main-content"><noscript><div class="h2"><span id="challenge-'
    b'error-text">Enable JavaScript and cookies to continue</span></div></noscript></div></div>'
    b"<script>(function(){window._cf_chl_opt={cvId: '3',cZone: \"letterboxd.com\",cType: "
    b"'managed',cRay: '8f00000000000000',cTplC: 0};var cpo = document.createElement('script');"
    b"cpo.src = '/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8f00000000000000';"
    b"document.getElementsByTagName('head')[0].appendChild(cpo);}());</script></body></html>"
)
# A site's own challenge template (cloudflare-docs PR #29174): no standard title.
CLOUDFLARE_CUSTOM = (
    b"<html><head><title>Checking</title></head><body><p>One moment</p><script>"
    b"window._cf_chl_opt={cType: 'managed', cTplC: 1};</script></body></html>"
)
# Ekultek/WhatWaf #1566's capture (2022-07): a firewall rule's block page.
CLOUDFLARE_BLOCK = (
    b'<!DOCTYPE html><html lang="en-US"><head><title>Attention Required! | Cloudflare</title>'
    b'</head><body><div id="cf-wrapper"><div id="cf-error-details"><h1 data-translate="block_'
    b'headline">Sorry, you have been blocked</h1></div></div></body></html>'
)
# AWS WAF's challenge page (the body sent when Accept names text/html; imdbinfo aws.py).
AWS_CHALLENGE = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title></title><script>'
    b'window.awsWafCookieDomainList = [];window.gokuProps = {"key":"AQID","iv":"A6we","context":'
    b'"x"};</script><script src="https://0a1b2c3d4e5f.edge.sdk.awswaf.com/0a1b2c3d4e5f/'
    b'9a8b7c6d5e4f/challenge.js"></script></head><body><div id="challenge-container"></div>'
    b"<script>AwsWafIntegration.saveReferrer();AwsWafIntegration.checkForceRefresh().then(f=>{"
    b"if(!f){AwsWafIntegration.forceRefreshToken().then(()=>{window.location.reload(true);});}"
    b"});</script></body></html>"
)
# Akamai's Access Denied (WhatWaf #1162, netbird #3670): the link's dots written as entities.
AKAMAI_DENIED = (
    b"<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n"
    b"You don't have permission to access \"http&#58;&#47;&#47;www&#46;rottentomatoes&#46;com"
    b'&#47;napi&#47;critics&#47;x&#47;movies" on this server.<P>\nReference&#32;&#35;18&#46;'
    b"5d3e1002&#46;1765112345&#46;6a7b8c9\n<P>https&#58;&#47;&#47;errors&#46;edgesuite&#46;"
    b"net&#47;18&#46;5d3e1002&#46;1765112345&#46;6a7b8c9</P>\n</BODY>\n</HTML>\n"
)
# Akamai Bot Manager's challenge (trawl PR #33's capture, 2026-07), answered with 200.
AKAMAI_CHALLENGE = (
    b'<!DOCTYPE html><html><head><title>Challenge</title></head><body><div id="sec-if-cpt-'
    b'container"><div id="sec-text-container">Powered and protected by Akamai</div></div>'
    b'<script src="/_sec/cp_challenge/ak-challenge-4-1.htm"></script></body></html>'
)


@pytest.mark.parametrize(
    ("status", "headers", "body", "kind"),
    [
        (403, {"cf-mitigated": "challenge"}, CLOUDFLARE_CHALLENGE, "a Cloudflare challenge"),
        (200, {}, CLOUDFLARE_CHALLENGE, "a Cloudflare challenge"),
        (200, {}, CLOUDFLARE_CUSTOM, "a Cloudflare challenge"),
        (403, {}, CLOUDFLARE_BLOCK, "a Cloudflare block page"),
        (403, {}, b"<div id='cf-chl-widget-a1b2c'></div>", "a Cloudflare challenge"),
        (202, {"x-amzn-waf-action": "challenge"}, b"", "an AWS WAF challenge"),
        (405, {"x-amzn-waf-action": "captcha"}, b"", "an AWS WAF challenge"),
        (200, {}, AWS_CHALLENGE, "an AWS WAF challenge"),
        (202, {}, b"", "an empty 202 (a challenge that needs a browser)"),
        (403, {"server": "AkamaiGHost"}, AKAMAI_DENIED, "an Akamai denial"),
        (200, {}, AKAMAI_CHALLENGE, "an Akamai challenge"),
    ],
)
def test_interstitials_are_still_caught(status, headers, body, kind):
    assert block_kind(status, headers, body) == kind


@pytest.mark.parametrize(
    "body",
    [
        # Turnstile embedded in a normal page's form (is-antibot PR #65).
        b'<form><input name="cf-turnstile-response" id="cf-chl-widget-a1b2c_response"></form>',
        # The AWS WAF SDK that CloudFront inserts into normal pages (2026-10-30).
        b'<script src="https://x.edge.sdk.awswaf.com/x/y/challenge.js" defer></script><p>page',
        # Akamai's sensor script and cookie names on a normal page.
        b'<script src="/akam/13/7e1c2b3a" defer></script><p>_abck bm_sz</p>',
    ],
)
def test_what_normal_pages_load_is_content(body):
    assert block_kind(200, {"server": "cloudflare"}, body) is None


def test_a_login_page_is_a_sign_in_form_not_a_page_with_one_in_its_header(corpus):
    form = b'<html><form action="/login"><input type="password" name="p"></form></html>'
    assert is_login_page(form, "https://www.rottentomatoes.com/napi/profiles/ratings/x/movie")
    # Redirected to a sign-in address: whatever the page holds.
    assert is_login_page(b"<html>...</html>", "https://letterboxd.com/sign-in/")
    header_form = (corpus / "letterboxd" / "films-2026.html").read_bytes()
    assert b'type="password"' in header_form
    assert not is_login_page(header_form, "https://letterboxd.com/spazznolo/films/")
