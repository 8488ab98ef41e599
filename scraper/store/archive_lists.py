"""Writing a page's lists, the films on them and the watchlist (see schema.py: lists,
list_entries, watchlist), inside the transaction of the page's writer (writer.PageWriter).

An export is a snapshot taken at one time: what it says replaces what an older snapshot said
(a list's name, a film's place on it, its note), never what a newer one said, whatever order
the exports are imported in. Nothing is deleted: a film a newer export no longer lists keeps
its row, and the views call it removed (its last_captured_at is older than its list's).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from scraper.models import Page

if TYPE_CHECKING:
    from scraper.store.lookup import Batch


@dataclass(slots=True)
class ListCounts:
    lists: int = 0
    list_entries: int = 0
    watchlist: int = 0

    def add(self, other: ListCounts) -> None:
        self.lists += other.lists
        self.list_entries += other.list_entries
        self.watchlist += other.watchlist


def _upsert(table: str, key: tuple[str, ...], facts: tuple[str, ...]) -> str:
    """INSERT of one row, which on conflict takes `facts` only from a snapshot as new as the
    stored one, and widens the captured span."""
    columns = (*key, *facts, "first_captured_at", "last_captured_at")
    newer = "excluded.last_captured_at >= last_captured_at"
    kept = ", ".join(f"{c} = CASE WHEN {newer} THEN excluded.{c} ELSE {c} END" for c in facts)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT({', '.join(key)}) DO UPDATE SET {kept}, "
        "first_captured_at = min(first_captured_at, excluded.first_captured_at), "
        "last_captured_at = max(last_captured_at, excluded.last_captured_at)"
    )


_LIST_FACTS = ("site", "profile_id", "name", "url", "created_on", "description", "tags", "deleted")
_LIST = _upsert("lists", ("id",), _LIST_FACTS)
# A list's values in _LIST's order (a bool is stored as 0 or 1).
_LIST_VALUES = attrgetter("id", *_LIST_FACTS)
_ENTRY = _upsert("list_entries", ("list_id", "film_id"), ("position", "notes"))
_WATCH = _upsert("watchlist", ("profile_id", "film_id"), ("added_on",))


def write(batch: Batch, page: Page, film_ids: dict[str, str]) -> ListCounts:
    """The page's lists, entries and watchlist; `film_ids` maps the page's film ids to the
    ids the films are stored under."""
    for found in page.lists:
        batch.add(_LIST, (*_LIST_VALUES(found), found.captured_at, found.captured_at))
    for entry in page.list_entries:
        film_id = film_ids.get(entry.film_id, entry.film_id)
        span = (entry.captured_at, entry.captured_at)
        batch.add(_ENTRY, (entry.list_id, film_id, entry.position, entry.notes, *span))
    for watch in page.watchlist:
        film_id = film_ids.get(watch.film_id, watch.film_id)
        span = (watch.captured_at, watch.captured_at)
        batch.add(_WATCH, (watch.profile_id, film_id, watch.added_on, *span))
    if (held := page.collected) is not None:
        batch.flush()
        for column, whole in (
            ("lists_captured_at", held.lists),
            ("watchlist_captured_at", held.watchlist),
        ):
            if whole:
                batch.conn.execute(
                    f"UPDATE profiles SET {column} = max(coalesce({column}, ''), ?) WHERE id = ?",
                    (held.captured_at, held.profile_id),
                )
    return ListCounts(len(page.lists), len(page.list_entries), len(page.watchlist))
