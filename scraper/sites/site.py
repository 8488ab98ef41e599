"""What a site is to the rest of the tool: the one interface each site package declares, as one
`Site` instance in its __init__ (see the README's Development section, "Adding a site")."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from scraper.models import Page, Request
from scraper.sites.identity import Identity

# A parser is a pure function of (body, url, fetch time): see scraper.sites.parse.
Parser = Callable[[bytes, str, datetime], Page]
# A parser that reads a file as a stream, yielding a batch of rows a page (exports).
StreamParser = Callable[[Callable[[], BinaryIO], str, datetime], Iterator[Page]]


@dataclass(frozen=True, kw_only=True)
class Site:
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
    # The first request of each listing a profile has, newest items first in each. Keyword
    # options come from the command line (Metacritic's games=True).
    listings: Callable[..., list[Request]]
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
    # Parsers that read a file as a stream within their own bounds (exports); any other
    # parser's file is a page, read whole and held to importer.MAX_PAGE.
    streams: Mapping[str, StreamParser] = field(default_factory=dict)
    # Lower-case handles: the site's names are case-insensitive (Letterboxd).
    fold_case: bool = False
    # What a bare handle may name, most likely first (a critic's slug, else a profile's).
    readings: Callable[[str], list[str]] | None = None
    # A cheap feed of recent entries an incremental run reads first (see crawl.py).
    incremental_listings: Callable[[str], list[Request]] | None = None
    # Where the whole text of a review stored as an excerpt lies, by the review's site id.
    full_text_request: Callable[[str], Request | None] | None = None
    # The request for a film's own page, by the film's archive id, read for what its listing
    # left out (the year: see scraper/jobs/film_details.py); None for a film it cannot name.
    film_page: Callable[[str], Request | None] | None = None
    # Whether a folder is this site's unzipped export.
    is_export_folder: Callable[[Path], bool] | None = None
    # An unzipped export folder, zipped again as downloaded (None: not this site's export);
    # written `into` a file when given.
    pack_export: Callable[[Path, BinaryIO | None], bytes | None] | None = None
    # sniff() for a file too big to read whole, given its head and a way to read it all.
    sniff_stream: Callable[[bytes, Callable[[], BinaryIO]], str | None] | None = None

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
        return self._folded(self.identity.handle_from_url(url))

    def handle_from_text(self, text: str) -> str | None:
        return self._folded(self.identity.handle_from_text(text))

    def handles(self, handle: str) -> list[str]:
        """readings() of a handle, or the handle alone for a site whose handles are one thing."""
        return self.readings(handle) if self.readings else [handle]

    def _folded(self, handle: str | None) -> str | None:
        return handle.lower() if handle and self.fold_case else handle
