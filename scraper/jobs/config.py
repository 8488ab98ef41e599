"""The optional config file: people with their identifiers per site, and how to fetch.

[people.rishi]
rottentomatoes = "rottentomatoes:critic/rishi-ramesh"

[fetch]
delay = 1.0
tries = 4

[sites.rottentomatoes]
cookies = "~/cookies/rottentomatoes.txt"
delay = 2.0
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import stat
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scraper.errors import UsageError
from scraper.jobs.config_location import LEGACY_PATH, base_folder, locate
from scraper.site_names import NAMES as SITE_NAMES
from scraper.wording import cut

if TYPE_CHECKING:
    from http.cookiejar import MozillaCookieJar

    from scraper.net.fetch import FetchSettings

# A real config is a few KB; the bound keeps `SCRAPE_CONFIG=/dev/zero` (or a log file named by
# mistake) from being read whole into memory by every command.
MAX_CONFIG_BYTES = 1024 * 1024
_NUMBER = (int, float)
FETCH_KEYS: dict[str, type | tuple[type, ...]] = {
    "delay": _NUMBER,
    "user_agent": str,
    "timeout": _NUMBER,
    "connect_timeout": _NUMBER,
    "tries": int,
    "backoff": _NUMBER,
    "backoff_max": _NUMBER,
    "retry_after_max": _NUMBER,
    "max_body_mb": _NUMBER,
    "max_pages": int,
    "deadline": _NUMBER,
    "robots": bool,
    "impersonate": str,
}
# The keys every [sites.<name>] table may hold; the rest of a table is the site's own settings,
# the fields of its Site.settings type (see own_keys).
SITE_KEYS: dict[str, type | tuple[type, ...]] = {
    "cookies": str,
    "cookies_from_browser": str,
    "delay": _NUMBER,
    "user_agent": str,
    "impersonate": str,
}
# `impersonate = "none"` (or --impersonate none): plain httpx, even for a site that defaults
# to a browser's fingerprint.
NO_IMPERSONATION = {"none", "off", "no", "false", ""}
BACKUP_KEYS: dict[str, type | tuple[type, ...]] = {
    "full_every": int,
    "max_run_hours": _NUMBER,
    "film_details": bool,
}
TOP_KEYS = {"db", "people", "fetch", "sites", "backup"}


@dataclass(slots=True)
class Config:
    path: Path | None = None
    # The archive the config names: an absolute path (a relative one is read from the config's
    # folder, see config_location.base_folder), and as the file gives it.
    db: str | None = None
    db_as_written: str | None = None
    full_every: int = 7
    # Read films' own pages for the years listings leave out (scraper/jobs/film_details.py).
    film_details: bool = True
    # A run still going after this long is stopped (and a stuck one reported as stuck).
    max_run_hours: float = 12.0
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    fetch: dict[str, object] = field(default_factory=dict)
    sites: dict[str, dict[str, object]] = field(default_factory=dict)
    # Each site's own settings (an instance of its Site.settings), for a table that sets any.
    own: dict[str, object] = field(default_factory=dict)

    def archive_path(self) -> Path | None:
        """The config's db, unless it is relative and reading it from the config's folder
        would start a new empty archive beside the one the working folder holds (where a
        relative db used to be read from): that one line says how to keep the old archive."""
        if self.db is None or self.db_as_written is None:
            return None
        db, before = Path(self.db), Path(self.db_as_written)
        if before.is_absolute() or db.exists() or not before.exists():
            return db
        kept = before.resolve()
        raise UsageError(
            f"{self.path}: db = {cut(self.db_as_written)!r} is read from the config's folder: "
            f"{db} does not exist, but {kept} does; to keep using it, set "
            f'db = "{kept}" there (or move the archive)'
        )

    def own_settings(self, site: str) -> object | None:
        """The site's own settings as the config sets them; None: the site's defaults."""
        return self.own.get(site)

    def site_setting(self, site: str, key: str) -> object | None:
        return self.sites.get(site, {}).get(key)

    def fetch_settings(self, site: str, **overrides: object) -> FetchSettings:
        """Defaults, then [fetch], then [sites.SITE], then `overrides` (the command line)."""
        # Here, not at the top: loading a config (search, stats) must not import httpx or the
        # site parsers (unless it sets a site's own settings); only a command that fetches
        # asks for fetch settings.
        from scraper import sites
        from scraper.net.fetch import FetchSettings

        declared = sites.SITES.get(site)
        # Each value was checked against FetchSettings' field types when the config was loaded.
        values: dict[str, Any] = {"impersonate": None}
        if declared is not None:
            values["advice"] = declared.block_advice
            if declared.robots_advice:
                values["robots_advice"] = declared.robots_advice
            # A site that refuses plain clients is fetched as a browser unless told otherwise.
            values["impersonate"] = declared.impersonate
        for layer in (self.fetch, self.sites.get(site, {}), overrides):
            values |= {k: v for k, v in layer.items() if v is not None}
        if str(values["impersonate"]).lower() in NO_IMPERSONATION:
            values["impersonate"] = None
        if "max_body_mb" in values:
            values["max_body"] = int(float(values.pop("max_body_mb")) * 1024 * 1024)
        known = {f.name for f in dataclasses.fields(FetchSettings)}
        return FetchSettings(**{k: v for k, v in values.items() if k in known})


def legacy_path() -> Path:
    """./config/scrape.toml, in full: read when present, before the user's config file."""
    return Path(os.path.abspath(LEGACY_PATH))


def default_path() -> Path:
    """The config in effect, or where --remember and `example-config --write` would create one
    (see config_location for the order)."""
    return locate().path


def load(path: str | Path | None = None) -> Config:
    """The config at `path`, $SCRAPE_CONFIG, ./config/scrape.toml or the user's config file;
    empty when there is none."""
    located = locate(path)
    chosen = located.path
    if not located.present:
        return Config()
    if located.explicit and not os.path.lexists(chosen):
        raise UsageError(f"config file {chosen} does not exist")
    text = read_config_text(chosen)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{chosen}: not valid TOML ({exc})") from None
    at = _Locator(chosen, text)
    config = Config(path=chosen)
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise UsageError(
            f"{at(None, unknown[0])}: {cut(unknown[0])} is not a known setting "
            f"(known: {', '.join(sorted(TOP_KEYS))})"
        )
    if "db" in data:
        if not isinstance(data["db"], str) or not data["db"].strip():
            raise UsageError(f"{at(None, 'db')}: db must be a path")
        config.db_as_written = str(Path(data["db"]).expanduser())
        config.db = str(_beside(chosen, data["db"]))
    backup = _checked(_table(data, "backup", at), BACKUP_KEYS, "backup", at)
    config.full_every = backup.get("full_every", config.full_every)
    config.film_details = backup.get("film_details", config.film_details)
    config.max_run_hours = backup.get("max_run_hours", config.max_run_hours)
    for name, idents in _table(data, "people", at).items():
        if not isinstance(idents, dict) or not all(isinstance(v, str) for v in idents.values()):
            raise UsageError(
                f"{at('people', name)}: people.{cut(name)} must map site names to identifiers"
            )
        for site, ident in idents.items():
            where = f"{at(f'people.{name}', site)}: people.{cut(name)}.{cut(site)}"
            _check_identifier(site, ident, where)
        config.people[name] = idents
    config.fetch = _checked(_table(data, "fetch", at), FETCH_KEYS, "fetch", at)
    for site, settings in _table(data, "sites", at).items():
        if not isinstance(settings, dict):
            raise UsageError(f"{at('sites', site)}: [sites.{cut(site)}] must be a table")
        if site not in SITE_NAMES:
            raise UsageError(
                f"{at('sites', site)}: [sites.{cut(site)}] is not a site scrape knows "
                f"(known: {', '.join(SITE_NAMES)})"
            )
        if settings.get("cookies"):
            # Checked below; a str is read from the config's folder, as db is.
            settings = settings | {"cookies": _cookies_path(chosen, settings["cookies"])}
        if set(settings) <= set(SITE_KEYS):
            config.sites[site] = _checked(settings, SITE_KEYS, f"sites.{site}", at)
            continue
        # Only a table with more than the common keys loads the site's package to check them.
        own_type = _own_type(site)
        config.sites[site] = _checked(settings, SITE_KEYS | own_keys(own_type), f"sites.{site}", at)
        config.own[site] = own_type(**{k: v for k, v in settings.items() if k not in SITE_KEYS})
    return config


def _beside(config_path: Path, written: str) -> Path:
    """A path the config gives, `~` expanded, a relative one read from the config's folder."""
    path = Path(written).expanduser()
    return path if path.is_absolute() else base_folder(config_path) / path


def _cookies_path(config_path: Path, written: object) -> object:
    return str(_beside(config_path, written)) if isinstance(written, str) else written


def _own_type(site: str) -> type[Any]:
    from scraper import sites  # the site's package, for a config that sets its own settings

    return sites.SITES[site].settings


def own_keys(settings_type: type[Any]) -> dict[str, type | tuple[type, ...]]:
    """A site's own config keys and their types: the fields of its settings dataclass."""
    hints = typing.get_type_hints(settings_type)
    return {
        f.name: _NUMBER if hints[f.name] is float else hints[f.name]
        for f in dataclasses.fields(settings_type)
    }


def read_config_text(path: Path) -> str:
    """The text of the config at `path`, which must be a regular file of at most
    MAX_CONFIG_BYTES: a FIFO would block every command on open or read, and a device such as
    /dev/zero never ends."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait; the type is checked on the
        # open descriptor, so a swap between a check and the open changes nothing.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UsageError(f"config file {path}: cannot open it ({exc.strerror})") from None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise UsageError(f"config file {path} is not a regular file")
        if status.st_size > MAX_CONFIG_BYTES:
            raise UsageError(f"config file {path} is over {MAX_CONFIG_BYTES // 1024} KiB")
        os.set_blocking(handle, True)
        with os.fdopen(handle, "rb", closefd=False) as file:
            data = file.read(MAX_CONFIG_BYTES + 1)
    finally:
        os.close(handle)
    if len(data) > MAX_CONFIG_BYTES:  # it grew while being read
        raise UsageError(f"config file {path} is over {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML ({exc})") from None


def load_cookies(path: str | Path) -> MozillaCookieJar:
    """A Netscape cookies.txt (as exported by browser add-ons, yt-dlp and gallery-dl)."""
    from http.cookiejar import LoadError, MozillaCookieJar  # ~10 ms, only for a crawl's cookies

    path = Path(path).expanduser()
    if not path.is_file():
        raise UsageError(f"cookies file {path} does not exist")
    if os.name == "posix" and path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        logging.getLogger(__name__).warning(
            "warning: %s is readable by other users; it holds your login (chmod 600 %s)",
            path,
            path,
        )
    _check_cookie_lines(path)
    jar = MozillaCookieJar(str(path))
    try:
        jar.load(ignore_discard=True, ignore_expires=True)
    except (LoadError, OSError, UnicodeDecodeError):
        # The standard library's message quotes the line, cookie value included: never shown.
        raise UsageError(f"{path}: not a Netscape cookies.txt file") from None
    for cookie in jar:
        # Browser exports write session cookies with expiry 0, which the jar would call expired.
        if cookie.expires == 0:
            cookie.expires, cookie.discard = None, True
    return jar


def _check_cookie_lines(path: Path) -> None:
    """Name the first line that is not a cookies.txt record, by number only: a cookie's value
    is a password and is never printed."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"{path}: not a readable UTF-8 cookies.txt file") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or (line.startswith("#") and not line.startswith("#HttpOnly_")):
            continue
        fields = line.split("\t")
        if (
            len(fields) != 7
            or fields[1].upper() not in ("TRUE", "FALSE")
            or fields[3].upper() not in ("TRUE", "FALSE")
            or not (fields[4].strip() or "0").isdigit()
        ):
            raise UsageError(
                f"{path}:{number}: not a cookies.txt line (7 tab-separated fields: domain, "
                "TRUE/FALSE, path, TRUE/FALSE, expiry in seconds, name, value)"
            )


class _Locator:
    """ "path:line" of a key in the config text, for errors a person can act on (tomllib does
    not keep positions)."""

    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.lines = path, text.splitlines()

    def __call__(self, section: str | None, key: str) -> str:
        current: str | None = None
        wanted = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number, line in enumerate(self.lines, start=1):
            header = self._HEADER.match(line)
            if header:
                current = re.sub(r"[\s\"']", "", header[1])
                if section is None and current == key:
                    return f"{self.path}:{number}"
                if section is not None and current == f"{section}.{key}":
                    return f"{self.path}:{number}"
            elif current == section and wanted.match(line):
                return f"{self.path}:{number}"
        return str(self.path)


def _check_identifier(site: str, ident: str, where: str) -> None:
    """A person's identifier must name a profile on that very site (checked before any run)."""
    if site not in SITE_NAMES:
        raise UsageError(f"{where}: not a site scrape knows (known: {', '.join(SITE_NAMES)})")
    from scraper import sites  # the parsers' handle rules, only for a config that names people

    try:
        targets = sites.resolve(ident, site=site)
    except UsageError as error:
        raise UsageError(f"{where}: {error}") from None
    if any(t.site != site for t in targets):
        raise UsageError(f"{where}: {ident!r} is a profile on another site")


def _table(data: dict[str, Any], key: str, at: _Locator) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UsageError(f"{at(None, key)}: [{key}] must be a table")
    return value


def _checked(
    table: dict[str, Any], known: dict[str, Any], section: str, at: _Locator
) -> dict[str, Any]:
    for key, value in table.items():
        where = f"{at(section, key)}: {section}.{cut(key)}"
        expected = known.get(key)
        if expected is None:
            raise UsageError(f"{where} is not a known setting (known: {', '.join(known)})")
        if not isinstance(value, expected) or (expected is _NUMBER and isinstance(value, bool)):
            raise UsageError(f"{where} has the wrong type ({type(value).__name__})")
        if expected is _NUMBER and value < 0:
            raise UsageError(f"{where} must not be negative")
    return dict(table)
