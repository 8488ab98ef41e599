"""Which databases the reading room reads, and who may read them.

The plugin loads in every Datasette the user runs (its entry point), so it must leave a database
that is not a scrape archive as Datasette shows it: an archive is told by our own tables and the
review_list view. Reading is allowed as Datasette's own table page allows it; the API for that
changed between 0.65 (`check_visibility(permissions=[...])`, which cascades from the table to
the database to the instance) and 1.0a (resource objects, `datasette.allowed`), so one shim."""

from __future__ import annotations

import weakref
from typing import Any

from scraper.store.schema import OWN_TABLES

READING_VIEW = "review_list"
# Databases found to be archives: render_cell asks for every cell, and an archive stays one.
# Only yes is kept, so that a database made an archive while Datasette runs is seen.
_ARCHIVES: weakref.WeakSet[Any] = weakref.WeakSet()


async def is_archive(db: Any) -> bool:
    if db in _ARCHIVES:
        return True
    if db.name == "_internal" or getattr(db, "is_memory", False):
        return False
    try:
        found = READING_VIEW in await db.view_names() and set(await db.table_names()) >= OWN_TABLES
    except Exception:  # a file SQLite cannot read is simply no archive
        return False
    if found:
        _ARCHIVES.add(db)
    return found


async def can_read(datasette: Any, actor: Any, database: str, table: str = READING_VIEW) -> bool:
    """Whether `actor` may see `table` of `database`, as Datasette decides for its table page."""
    if hasattr(datasette, "allowed"):  # Datasette 1.0a: resources and SQL-backed rules
        from datasette.resources import TableResource

        visible, _ = await datasette.check_visibility(
            actor, action="view-table", resource=TableResource(database=database, table=table)
        )
    else:  # 0.65: the first of table, database, instance that has a rule decides
        visible, _ = await datasette.check_visibility(
            actor,
            permissions=[
                ("view-table", (database, table)),
                ("view-database", database),
                "view-instance",
            ],
        )
    return bool(visible)


async def archives(datasette: Any, actor: Any) -> list[Any]:
    """The archives behind this Datasette that `actor` may read, in Datasette's order."""
    found = []
    for db in list(datasette.databases.values()):
        if await is_archive(db) and await can_read(datasette, actor, db.name):
            found.append(db)
    return found
