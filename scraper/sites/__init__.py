"""The registry of sites, and turning what a user typed into (site, handle) targets."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import BinaryIO
from urllib.parse import urlsplit

from scraper.errors import ParseError, UsageError
from scraper.models import Page
from scraper.nesting import Unbounded
from scraper.sites import imdb, letterboxd, metacritic, rottentomatoes

SITES: dict[str, ModuleType] = {
    module.NAME: module for module in (rottentomatoes, letterboxd, imdb, metacritic)
}
MAX_IDENT = 300
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]|\.\.|%2f|%5c|\\", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Target:
    """One profile on one site, named by the site's own handle."""

    site: str
    handle: str

    @property
    def profile_id(self) -> str:
        return f"{self.site}:{self.handle}"


def accepted_forms() -> str:
    lines = [form for module in SITES.values() for form in module.FORMS]
    lines += ["a person named in the config file", "a bare handle with --site SITE"]
    return "; ".join(lines)


def resolve(
    ident: str, *, site: str | None = None, people: dict[str, dict[str, str]] | None = None
) -> list[Target]:
    """Every target `ident` names (a person in the config may have several). No request is made.

    Raises UsageError, naming the accepted forms, for anything it cannot place.
    """
    ident = ident.strip()
    if not ident or len(ident) > MAX_IDENT:
        raise UsageError(f"identifier must be 1 to {MAX_IDENT} characters")
    if _UNSAFE.search(ident):
        raise UsageError(f"identifier {ident!r} holds characters no profile name has")
    if site is not None and site not in SITES:
        raise UsageError(f"unknown site {site!r}; known sites: {', '.join(SITES)}")
    found = person(ident, people) if site is None else None
    if found is not None:
        return [t for s, i in found.items() if s in SITES for t in resolve(i, site=s)]
    if re.match(r"^[a-z]+://", ident, re.IGNORECASE):
        return [_from_url(ident)]
    prefix, colon, rest = ident.partition(":")
    if colon and prefix.lower() in SITES:
        return [_from_handle(prefix.lower(), rest, ident)]
    if site is not None:
        return [_from_handle(site, ident, ident)]
    raise UsageError(f"cannot tell which profile {ident!r} is; accepted forms: {accepted_forms()}")


def person(name: str, people: dict[str, dict[str, str]] | None) -> dict[str, str] | None:
    """The config's person of that name, in any case (`RishiRamesh` finds [people.rishiramesh])."""
    folded = {key.casefold(): idents for key, idents in (people or {}).items()}
    return folded.get(name.casefold())


_BROKEN = (
    KeyError,
    TypeError,
    AttributeError,
    ValueError,
    IndexError,
    ArithmeticError,
    RecursionError,
)


def parse(site: str, parser: str, body: bytes, url: str, fetched_at: datetime) -> Page:
    """Run one parser. Whatever way the body breaks the parser's expectations (a list where an
    object was, a number where text was) comes out as a ParseError naming site and URL."""
    try:
        return SITES[site].PARSERS[parser](body, url, fetched_at)
    except Unbounded as exc:  # a page too deeply nested to build its tree in bounded time
        raise ParseError(site, url, f"{exc}; not a page this site serves") from None
    except _BROKEN as exc:
        raise _broken(site, url, exc) from exc


def stream(
    site: str, parser: str, open_body: Callable[[], BinaryIO], url: str, fetched_at: datetime
) -> Iterator[Page]:
    """parse() for a file read as a stream: a parser of STREAMS yields it a batch of rows a
    page; any other reads the body whole and gives one page."""
    streaming = getattr(SITES[site], "STREAMS", {}).get(parser)
    if streaming is None:
        with open_body() as file:
            body = file.read()
        yield parse(site, parser, body, url, fetched_at)
        return
    try:
        yield from streaming(open_body, url, fetched_at)
    except Unbounded as exc:
        raise ParseError(site, url, f"{exc}; not a page this site serves") from None
    except _BROKEN as exc:
        raise _broken(site, url, exc) from exc


def _broken(site: str, url: str, exc: Exception) -> ParseError:
    return ParseError(site, url, f"the expected structure ({type(exc).__name__}: {exc})")


def sniff(body: bytes, site: str | None = None) -> tuple[str, str] | None:
    """(site, parser) that reads a saved page, recognised from its content; None if none does."""
    for name, module in SITES.items():
        if site in (None, name) and (parser := module.sniff(body)):
            return name, parser
    return None


def _from_url(url: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{url!r} is not an http(s) URL")
    for name, module in SITES.items():
        if module.owns_host(parts.netloc if parts.port else parts.hostname):
            handle = module.handle_from_url(url)
            if handle is None:
                raise UsageError(
                    f"{url!r} is not a profile page; accepted forms: " + "; ".join(module.FORMS)
                )
            return Target(name, handle)
    raise UsageError(f"no supported site at {parts.hostname}; supported: {', '.join(SITES)}")


def _from_handle(site: str, text: str, ident: str) -> Target:
    handle = SITES[site].handle_from_text(text)
    if handle is None:
        raise UsageError(
            f"{ident!r} is not a {site} identifier; accepted forms: " + "; ".join(SITES[site].FORMS)
        )
    return Target(site, handle)
