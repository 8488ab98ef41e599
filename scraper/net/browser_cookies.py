"""Cookies from the user's own browser (--cookies-from-browser BROWSER[:PROFILE], the form
yt-dlp users know), for sites whose listings need the logged-in session.

rookiepy reads the cookie stores of Chrome, Chromium, Brave, Edge, Opera, Vivaldi, Arc,
Firefox, LibreWolf and Safari, decrypting them where the browser encrypts. Its domain filter
matches substrings ("rottentomatoes.com" also finds "evilrottentomatoes.com"), so only
cookies whose domain is the site's own host or a parent of it are kept: a site's cookies are
loaded for that site alone, and the jar sends each only to the hosts it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from http.cookiejar import (  # type: ignore[attr-defined]  # domain_match: not in typeshed
    Cookie,
    CookieJar,
    domain_match,
)
from pathlib import Path
from typing import Any

from scraper.errors import UsageError

# Browsers rookiepy reads by name; the Firefox family also from a profile folder or file.
BROWSERS = (
    "chrome",
    "chromium",
    "brave",
    "edge",
    "opera",
    "vivaldi",
    "arc",
    "firefox",
    "librewolf",
    "safari",
)
_FIREFOX_FAMILY = ("firefox", "librewolf")

# rookiepy is an extra (pyproject.toml: it has no wheels for every Python scrape runs on).
INSTALL_HINT = (
    "reading a browser's cookies (--cookies-from-browser, cookies_from_browser) needs rookiepy: "
    "pip install 'film-review-archive[browser-cookies]'; --cookies FILE (a cookies.txt exported "
    "from the browser) works without it"
)


def load(spec: str, hosts: Iterable[str]) -> CookieJar:
    """The cookies BROWSER[:PROFILE] holds for `hosts` (and their parent domains)."""
    browser, _, profile = spec.partition(":")
    browser = browser.strip().lower()
    if browser not in BROWSERS:
        raise UsageError(
            f"--cookies-from-browser: {browser!r} is not a browser scrape can read "
            f"(one of: {', '.join(BROWSERS)})"
        )
    hosts = sorted({h.lower() for h in hosts if h})
    try:
        import rookiepy  # only runs that use a browser's cookies load it
    except ImportError:
        raise UsageError(INSTALL_HINT) from None

    try:
        if profile:
            # rookiepy 0.5.6 takes (db_path, domains); its stub adds a key_path it does not take.
            store = str(_firefox_store(browser, profile))
            rows = rookiepy.firefox_based(store, hosts)  # type: ignore[arg-type]
        else:
            rows = getattr(rookiepy, browser)(hosts)
    except UsageError:
        raise
    except Exception as exc:  # rookiepy reports every failure as a bare Exception
        raise UsageError(f"cannot read {browser}'s cookies: {_first_line(exc)}") from None
    jar = CookieJar()
    for row in rows:
        cookie = _cookie(row)
        if _belongs(cookie.domain, hosts) and not cookie.is_expired():
            jar.set_cookie(cookie)
    return jar


def _first_line(exc: Exception) -> str:
    """What rookiepy says went wrong, without its Rust error chain ("Caused by: ...",
    "Location: rookie-rs/src/...") after it: one line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    return first if len(first) <= 200 else first[:197] + "..."


def _firefox_store(browser: str, profile: str) -> Path:
    if browser not in _FIREFOX_FAMILY:
        raise UsageError(
            f"--cookies-from-browser {browser}:PROFILE: a profile can be named for Firefox and "
            f"LibreWolf; {browser}'s default profile is read without one"
        )
    path = Path(profile).expanduser()
    store = path / "cookies.sqlite" if path.is_dir() else path
    if not store.is_file():
        raise UsageError(f"--cookies-from-browser: no cookies.sqlite at {path}")
    return store


def _belongs(domain: str, hosts: list[str]) -> bool:
    """Whether a cookie set for `domain` is one the site's hosts would be sent (the cookie
    jar's own rule: ".example.com" for every host under it, "example.com" for itself)."""
    return bool(domain.strip(".")) and any(domain_match(host, domain.lower()) for host in hosts)


def _cookie(row: dict[str, Any]) -> Cookie:
    domain = str(row["domain"])
    expires = row.get("expires")
    # Firefox stores milliseconds since 2025 (cookie schema 16), seconds before.
    if isinstance(expires, int | float) and expires > 10**11:
        expires = expires / 1000
    expires = int(expires) if expires else None  # 0: a session cookie
    return Cookie(
        version=0,
        name=str(row["name"]),
        value=str(row["value"]),
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=domain.startswith("."),
        domain_initial_dot=domain.startswith("."),
        path=str(row.get("path") or "/"),
        path_specified=True,
        secure=bool(row.get("secure")),
        expires=expires,
        discard=not expires,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": ""} if row.get("http_only") else {},
    )
