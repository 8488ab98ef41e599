"""Which kinds of review id name one entry each, as the sites declare them (Identity.entry_kinds).

The archive (store/lookup.py) joins a record to a stored row by any key they share, except two
ids of one such kind that differ: two viewings on one day are two records. The store may not
import a site, so scraper.sites declares its sites' kinds here as it loads them.
"""

from __future__ import annotations

from collections.abc import Iterable

_KINDS: set[str] = set()


def declare(kinds: Iterable[str]) -> None:
    _KINDS.update(kinds)


def names_one_entry(kind: str) -> bool:
    """Whether ids under `kind` (an id less its last part: `<profile>/viewing`) each name one
    entry."""
    head, slash, last = kind.rpartition("/")
    return bool(head and slash) and last in _KINDS
