"""A site's JSON read field by field, its shape checked as it is read.

A site decides the shape of what it sends: a list where an object was, a number where text
was, is the site's change, and reads as a ParseError naming the field. A TypeError or KeyError
from a parser is then always a bug of ours, and is reported as one (see scraper.sites.parse).
"""

from __future__ import annotations

from collections.abc import Iterator

from scraper import weblinks
from scraper.errors import ParseError

# A field that holds one value, not an object or a list.
Scalar = str | int | float | bool | None


class Fields:
    """One JSON object of a response; `where` names it in errors ("reviews[3].media")."""

    __slots__ = ("_data", "_site", "_url", "_where")

    def __init__(self, site: str, url: str, data: object, where: str = "the body") -> None:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ParseError(site, url, f"{where} as a JSON object")
        self._data: dict[str, object] = data
        self._site, self._url, self._where = site, url, where

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def __bool__(self) -> bool:
        return bool(self._data)

    def missing(self, what: str) -> ParseError:
        """The error for a field this object lacks (or holds empty)."""
        return ParseError(self._site, self._url, f"{what} in {self._where}")

    def value(self, key: str) -> Scalar:
        """A field holding one value (or absent: None)."""
        found = self._data.get(key)
        if found is None or isinstance(found, str | int | float | bool):
            return found
        raise ParseError(self._site, self._url, f"{self._name(key)} as a single value")

    def text(self, key: str) -> str | None:
        """A field read as text: a string, or a number written as one; empty reads None."""
        found = self.value(key)
        if isinstance(found, bool):
            raise ParseError(self._site, self._url, f"{self._name(key)} as text")
        return str(found) if found is not None and found != "" else None

    def link(self, key: str) -> str:
        """A field holding a link (a URL or a path), which must be there."""
        found = self.value(key)
        if not isinstance(found, str) or not found.strip():
            raise ParseError(self._site, self._url, f"{self._name(key)} (a link)")
        return found

    def url(self, key: str) -> str | None:
        """A field holding an address to link to: None unless it is an http(s) URL, so that a
        `javascript:` or `data:` one is never archived as a review's link (weblinks.py)."""
        return weblinks.web_url(self.text(key))

    def required(self, key: str) -> str:
        """text(key), which must be there."""
        found = self.text(key)
        if found is None:
            raise ParseError(self._site, self._url, self._name(key))
        return found

    def obj(self, key: str) -> Fields:
        """A field holding an object (absent or null: an empty one)."""
        return Fields(self._site, self._url, self._data.get(key), self._name(key))

    def objs(self, key: str, *, required: bool = False) -> list[Fields]:
        """A field holding a list of objects; absent or null is an empty list unless
        `required`, when its absence is a layout change, not an empty profile."""
        found = self._data.get(key)
        if found is None and not required:
            return []
        if not isinstance(found, list):
            raise ParseError(self._site, self._url, f"the list {self._name(key)}")
        return [
            Fields(self._site, self._url, item, f"{self._name(key)}[{index}]")
            for index, item in enumerate(found)
        ]

    def raw(self, key: str) -> object:
        """A field as it came, for readers that take any value (common.year_in)."""
        return self._data.get(key)

    def keys(self) -> Iterator[str]:
        return iter(self._data)

    def _name(self, key: str) -> str:
        return key if self._where == "the body" else f"{self._where}.{key}"
