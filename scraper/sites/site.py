"""What a site is to the rest of the tool: the one interface each site package declares, as one
`Site` instance in its __init__ (see docs/development.md, "Adding a site")."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Generic, Protocol, TypeVar

from scraper.models import NO_CONTEXT, Page, ParseContext, Request
from scraper.sites.identity import Identity

# A parser is a pure function of (body, url, fetch time): see scraper.sites.parse.
Parser = Callable[[bytes, str, datetime], Page]


class StreamParser(Protocol):
    """An export's parser: reads a file as a stream, yielding a batch of rows a page, with what
    the import was told of the file."""

    def __call__(
        self,
        open_body: Callable[[], BinaryIO],
        url: str,
        fetched_at: datetime,
        *,
        context: ParseContext = NO_CONTEXT,
    ) -> Iterator[Page]: ...


@dataclass(frozen=True)
class NoSettings:
    """The settings of a site that has none beyond the common ones (cookies, delay, ...)."""


# A site's own settings: a frozen dataclass of plain fields (bool, int, float, str) read from
# the rest of its [sites.<name>] config table, checked by jobs/config.py against its fields.
SettingsT = TypeVar("SettingsT")


@dataclass(frozen=True, kw_only=True)
class Export:
    """A file the site lets people download of their own data, read by `scrape import`."""

    # Parsers that read a file as a stream within their own bounds; any other parser's file is
    # a page, read whole and held to importer.MAX_PAGE.
    streams: Mapping[str, StreamParser]
    # sniff() for a file too big to read whole, given its head and a way to read it all.
    sniff_stream: Callable[[bytes, Callable[[], BinaryIO]], str | None] | None = None
    # Whether a folder is this site's unzipped export.
    is_export_folder: Callable[[Path], bool] | None = None
    # An unzipped export folder, zipped again as downloaded (None: not this site's export);
    # written `into` a file when given.
    pack_export: Callable[[Path, BinaryIO | None], bytes | None] | None = None


@dataclass(frozen=True, kw_only=True)
class FullText:
    """A review a listing shows cut short, whose whole text the site serves apart."""

    # The request for the whole text, by the review's site id (None: no such review).
    request: Callable[[str], Request | None]
    # What a saved file of that whole text alone is, in an import's refusal (None: not one).
    saved_alone: Callable[[bytes], str | None]


@dataclass(frozen=True, kw_only=True)
class Site(Generic[SettingsT]):
    """One site: how its identifiers read, what it lists, and how its pages are parsed."""

    identity: Identity
    # The identifier forms a user may type, shown when one cannot be placed.
    forms: tuple[str, ...]
    # (identifier, the handle it names): tests/test_sites.py checks each resolves to itself.
    examples: tuple[tuple[str, str], ...]
    # Parser name -> parser; a Request names the parser that reads its answer.
    parsers: Mapping[str, Parser]
    # Raised when a parser changes what it extracts, so stored pages say which parser read them.
    parser_version: int
    # The type of the site's own settings (NoSettings when it has none).
    settings: type[SettingsT]
    # The first request of each listing a profile has, newest items first in each, as the
    # site's settings ask.
    listings: Callable[[str, SettingsT], list[Request]]
    # The URL an import for a profile is parsed as, when the file does not name its owner.
    import_url: Callable[[str], str]
    # Which parser reads a saved page or response, judged from its content alone.
    sniff: Callable[[bytes], str | None]
    # What to do when the site refuses us, in the user's terms.
    block_advice: str
    # What to do when robots.txt forbids a request (None: the generic advice).
    robots_advice: str | None = None
    # The browser whose fingerprint every request presents unless the user turns it off.
    impersonate: str | None = None
    # What a bare handle may name, most likely first (a critic's slug, else a profile's).
    readings: Callable[[str], list[str]] | None = None
    # A cheap feed of recent entries an incremental run reads first (see crawl.py).
    incremental_listings: Callable[[str], list[Request]] | None = None
    # Reviews cut short in listings, completed from their own address after them (crawl.py).
    full_text: FullText | None = None
    # The request for a film's own page, by the film's archive id, read for what its listing
    # left out (the year: see scraper/jobs/film_details.py); None for a film it cannot name.
    film_page: Callable[[str], Request | None] | None = None
    # The site's own export, when it has one.
    export: Export | None = None

    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def hosts(self) -> tuple[str, ...]:
        return self.identity.hosts

    def root(self) -> str:
        """Where requests go: the real site, or what SCRAPE_<SITE>_ROOT names."""
        return self.identity.root()

    def owns_host(self, host: str) -> bool:
        return self.identity.owns_host(host)

    def handle_from_url(self, url: str) -> str | None:
        """The canonical handle a profile URL names, or None when it names no profile."""
        return self.identity.handle_from_url(url)

    def handle_from_text(self, text: str) -> str | None:
        return self.identity.handle_from_text(text)

    def handles(self, handle: str) -> list[str]:
        """readings() of a handle, or the handle alone for a site whose handles are one thing."""
        return self.readings(handle) if self.readings else [handle]

    def streams(self) -> Mapping[str, StreamParser]:
        """The parsers of the site's export that read a file as a stream."""
        return self.export.streams if self.export else {}
