"""The registry of sites, and turning what a user typed into (site, handle) targets."""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from scraper.errors import ParseError, UsageError
from scraper.models import NO_CONTEXT, Page, ParseContext, Target
from scraper.site_names import NAMES
from scraper.sites import common, viewsource
from scraper.sites.nesting import Unbounded
from scraper.sites.site import Site
from scraper.wording import shown


def _declared(name: str) -> Site[Any]:
    site = importlib.import_module(f"scraper.sites.{name}").SITE_DEF
    if not isinstance(site, Site) or site.name != name:
        raise TypeError(f"scraper.sites.{name}.SITE_DEF is not the Site named {name!r}")
    return site


# Each package under scraper/sites declares its Site as SITE_DEF (see site.py).
SITES: dict[str, Site[Any]] = {name: _declared(name) for name in NAMES}
MAX_IDENT = 300


def entry_kinds() -> frozenset[str]:
    """The kinds of review id that name one entry each, of every site (Identity.entry_kinds):
    what the archive's writer is told, since it knows no site (store/lookup.py)."""
    return frozenset(kind for each in SITES.values() for kind in each.identity.entry_kinds)


_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f]|\.\.|%2f|%5c|\\", re.IGNORECASE)


def accepted_forms() -> str:
    lines = [form for each in SITES.values() for form in each.forms]
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
        raise UsageError(f"identifier {shown(ident)} holds characters no profile name has")
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
    raise UsageError(
        f"cannot tell which profile {shown(ident)} is; accepted forms: {accepted_forms()}"
    )


def person(name: str, people: dict[str, dict[str, str]] | None) -> dict[str, str] | None:
    """The config's person of that name, in any case (`RishiRamesh` finds [people.rishiramesh])."""
    folded = {key.casefold(): idents for key, idents in (people or {}).items()}
    return folded.get(name.casefold())


def parse(
    site: str,
    parser: str,
    body: bytes,
    url: str,
    fetched_at: datetime,
    *,
    context: ParseContext = NO_CONTEXT,
) -> Page:
    """Run one parser. A page that is not what the parser expects is a ParseError naming the
    site, the URL and what was missing (parsers check the shape of what they read: see
    fields.py); any other exception is a bug of ours, and propagates as one. A page saved from
    a browser's view-source tab is parsed as the page it shows (viewsource.py). An export's
    file is read through its stream parser, with the import's `context`, as one page."""
    streaming = SITES[site].streams().get(parser)
    try:
        body = viewsource.unwrapped(body)
        if streaming is not None:
            return common.joined(
                streaming(lambda: io.BytesIO(body), url, fetched_at, context=context)
            )
        return SITES[site].parsers[parser](body, url, fetched_at)
    except Unbounded as exc:  # a page too deeply nested to build its tree in bounded time
        raise ParseError(site, url, f"{exc}; not a page this site serves") from None


def stream(
    site: str,
    parser: str,
    open_body: Callable[[], BinaryIO],
    url: str,
    fetched_at: datetime,
    *,
    context: ParseContext = NO_CONTEXT,
) -> Iterator[Page]:
    """parse() for a file read as a stream: a parser of the site's export yields a batch of
    rows a page; any other reads the body whole and gives one page."""
    streaming = SITES[site].streams().get(parser)
    if streaming is None:
        with open_body() as file:
            body = file.read()
        yield parse(site, parser, body, url, fetched_at, context=context)
        return
    try:
        yield from streaming(open_body, url, fetched_at, context=context)
    except Unbounded as exc:
        raise ParseError(site, url, f"{exc}; not a page this site serves") from None


def sniff(body: bytes, site: str | None = None) -> tuple[str, str] | None:
    """(site, parser) that reads a saved page, recognised from its content (for a page saved
    from a view-source tab, from the page it shows); None if none does."""
    try:
        body = viewsource.unwrapped(body)
    except Unbounded:
        return None
    for name, each in SITES.items():
        if site in (None, name) and (parser := each.sniff(body)):
            return name, parser
    return None


def _from_url(url: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{shown(url)} is not an http(s) URL")
    for name, each in SITES.items():
        if each.owns_host(parts.netloc if parts.port else parts.hostname):
            handle = each.handle_from_url(url)
            if handle is None:
                raise UsageError(
                    f"{shown(url)} is not a profile page; accepted forms: " + "; ".join(each.forms)
                )
            return Target(name, handle)
    raise UsageError(f"no supported site at {parts.hostname}; supported: {', '.join(SITES)}")


def _from_handle(site: str, text: str, ident: str) -> Target:
    handle = SITES[site].handle_from_text(text)
    if handle is None:
        raise UsageError(
            f"{shown(ident)} is not a {site} identifier; accepted forms: "
            + "; ".join(SITES[site].forms)
        )
    return Target(site, handle)
