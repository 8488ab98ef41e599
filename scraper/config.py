"""The optional config file: people with their identifiers per site, and per-site settings.

[people.rishi]
rottentomatoes = "rottentomatoes:critic/rishi-ramesh"

[sites.rottentomatoes]
cookies = "~/cookies/rottentomatoes.txt"
delay = 2.0
"""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from dataclasses import dataclass, field
from http.cookiejar import LoadError, MozillaCookieJar
from pathlib import Path

from scraper.errors import UsageError

DEFAULT_PATH = Path("config/scrape.toml")
_SITE_KEYS = {"cookies": str, "delay": (int, float)}


@dataclass(slots=True)
class Config:
    path: Path | None = None
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    sites: dict[str, dict[str, object]] = field(default_factory=dict)

    def site_setting(self, site: str, key: str) -> object | None:
        return self.sites.get(site, {}).get(key)


def load(path: str | Path | None = None) -> Config:
    """The config at `path`, $SCRAPE_CONFIG or ./config/scrape.toml; empty when there is none."""
    explicit = path or os.environ.get("SCRAPE_CONFIG")
    chosen = Path(explicit).expanduser() if explicit else DEFAULT_PATH
    if not chosen.exists():
        if explicit:
            raise UsageError(f"config file {chosen} does not exist")
        return Config()
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{chosen}: not valid TOML ({exc})") from None
    config = Config(path=chosen)
    for name, idents in _table(data, "people", chosen).items():
        if not isinstance(idents, dict) or not all(isinstance(v, str) for v in idents.values()):
            raise UsageError(f"{chosen}: people.{name} must map site names to identifiers")
        config.people[name] = idents
    for site, settings in _table(data, "sites", chosen).items():
        for key, value in (settings if isinstance(settings, dict) else {}).items():
            expected = _SITE_KEYS.get(key)
            if expected is None or not isinstance(value, expected):
                raise UsageError(
                    f"{chosen}: sites.{site}.{key} is not a known setting "
                    f"of the right type (known: {', '.join(_SITE_KEYS)})"
                )
        config.sites[site] = dict(settings)
    return config


def load_cookies(path: str | Path) -> MozillaCookieJar:
    """A Netscape cookies.txt (as exported by browser add-ons, yt-dlp and gallery-dl)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise UsageError(f"cookies file {path} does not exist")
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        print(
            f"warning: {path} is readable by other users; it holds your login (chmod 600 {path})",
            file=sys.stderr,
        )
    jar = MozillaCookieJar(str(path))
    try:
        jar.load(ignore_discard=True, ignore_expires=True)
    except (LoadError, OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a Netscape cookies.txt file ({exc})") from None
    for cookie in jar:
        # Browser exports write session cookies with expiry 0, which the jar would call expired.
        if cookie.expires == 0:
            cookie.expires, cookie.discard = None, True
    return jar


def _table(data: dict, key: str, path: Path) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UsageError(f"{path}: [{key}] must be a table")
    return value
