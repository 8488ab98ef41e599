"""How a site recognises its own identifiers: its hosts, the root requests go to, and the
patterns that turn a profile URL or a typed handle into the site's canonical handle."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Identity:
    name: str
    default_root: str
    hosts: tuple[str, ...]
    # Each pattern has one named group; the group's name picks a prefix from `prefixes`
    # ("critic" -> "critic/<slug>"), so several URL forms can share one canonical handle.
    url_patterns: tuple[re.Pattern[str], ...]
    handle_patterns: tuple[re.Pattern[str], ...]
    prefixes: dict[str, str] = field(default_factory=dict)
    # Lower-case handles: the site's names are case-insensitive (Letterboxd).
    fold_case: bool = False
    # The kinds of review id that name one entry each (`<profile>/<kind>/<id>`): two such ids
    # of one kind that differ are two records, whatever keys they share (see store/lookup.py).
    entry_kinds: tuple[str, ...] = ()

    def root(self) -> str:
        """Where requests go: the real site, or what SCRAPE_<SITE>_ROOT names (mirrors, tests)."""
        variable = f"SCRAPE_{self.name.upper()}_ROOT"
        return os.environ.get(variable, self.default_root).rstrip("/")

    def owns_host(self, host: str) -> bool:
        return host.lower() in self.hosts or host.lower() == urlsplit(self.root()).netloc.lower()

    def handle_from_url(self, url: str) -> str | None:
        """The canonical handle a profile URL names, or None when the path is not a profile."""
        return self._folded(self._first_match(self.url_patterns, urlsplit(url).path))

    def handle_from_text(self, text: str) -> str | None:
        return self._folded(self._first_match(self.handle_patterns, text))

    def _folded(self, handle: str | None) -> str | None:
        return handle.lower() if handle and self.fold_case else handle

    def _first_match(self, patterns: tuple[re.Pattern[str], ...], text: str) -> str | None:
        # No site's handle has a character past ASCII; the patterns' \d alone would take
        # Arabic-Indic digits ("user/١٢٣") for an id.
        if not text.isascii():
            return None
        for pattern in patterns:
            match = pattern.match(text)
            if match:
                kind, value = next((k, v) for k, v in match.groupdict().items() if v)
                return self.prefixes.get(kind, "") + value
        return None
