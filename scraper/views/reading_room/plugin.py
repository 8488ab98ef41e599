"""The reading room's Datasette hooks. Installed with scrape, the plugin loads in every Datasette
(the `datasette` entry point in pyproject.toml), so each hook first asks whether the database is
a scrape archive and leaves any other as Datasette shows it.

Only hooks that Datasette 0.65 and 1.x both keep are used (render_cell, register_routes,
extra_css_urls, extra_js_urls, extra_template_vars, menu_links); the templates beside this
module extend Datasette's own by their blocks ({% extends "default:index.html" %})."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup

from scraper import wording
from scraper.views.reading_room import PLUGIN, access, cells, pages, queries

# The tables and views whose cells read as reviews (None: a canned or typed query).
READ_AS_REVIEWS = {"review_list", "changed_reviews", "deleted_reviews", None}
OUR_COLUMNS = {"film", "reviewer", "stars", "date", "text"}


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    if table not in READ_AS_REVIEWS or value is None or column not in OUR_COLUMNS:
        return None

    async def cell() -> Any:
        if not await access.is_archive(datasette.get_database(database)):
            return None
        return _cell(row, value, column, database, datasette)

    return cell


def _cell(row: Any, value: Any, column: str, database: str, datasette: Any) -> Any:
    keys = set(row.keys()) if hasattr(row, "keys") else set()
    if column == "film" and "review_rowid" in keys and row["review_rowid"] is not None:
        return Markup('<a href="{}">{}</a>').format(
            pages.review_path(datasette, database, row["review_rowid"]), value
        )
    if column == "reviewer" and "profile_id" in keys and row["profile_id"]:
        return Markup('<a href="{}">{}</a>').format(
            pages.person_path(datasette, database, row["profile_id"]), value
        )
    if column == "stars" and (glyphs := wording.stars(value)):
        return Markup('<span class="stars" title="{} stars">{}</span>').format(value, glyphs)
    if column == "date" and isinstance(value, str) and len(value) > 10:
        return Markup('<span title="{}">{}</span>').format(value, value[:10])
    if column == "text" and isinstance(value, str):
        if "previous_text" in keys:  # changed_reviews, or a query of it
            return cells.changes(row["previous_text"], value)
        return cells.fold(value)
    return None


# Our stylesheet and script restyle tables by column names (col-text, col-film...) and fold
# column descriptions: only on the pages of an archive, the home page and ours, so that another
# database's tables look as Datasette made them.
@hookimpl
def extra_css_urls(database: str | None, datasette: Any) -> Any:
    return _ours_on(database, datasette, "reading.css")


@hookimpl
def extra_js_urls(database: str | None, datasette: Any) -> Any:
    return _ours_on(database, datasette, "reading.js")


def _ours_on(database: str | None, datasette: Any, name: str) -> Any:
    async def urls() -> list[str]:
        known = database is not None and database in datasette.databases
        if known and not await access.is_archive(datasette.get_database(database)):
            return []
        return [datasette.urls.static_plugins(PLUGIN, name)]

    return urls


@hookimpl
def extra_template_vars(template: str, database: str | None, request: Any, datasette: Any) -> Any:
    if template not in ("index.html", "database.html"):
        return None

    async def leads() -> dict[str, Any]:
        actor = request.actor if request else None
        rooms = await access.archives(datasette, actor)
        if template == "database.html":
            rooms = [db for db in rooms if db.name == database]
        return {"reading_rooms": [await _lead(datasette, db) for db in rooms]}

    return leads


async def _lead(datasette: Any, db: Any) -> dict[str, Any]:
    # The view's row count includes the deleted: both numbers, so that they add up.
    count = await queries.rows(
        db,
        f"SELECT count(*) FILTER (WHERE {queries.LIVE}) AS n, "
        "count(*) FILTER (WHERE status = 'deleted') AS deleted FROM review_list",
    )
    everyone = await queries.people(db)
    return {
        "database": db.name,
        "room": pages.room_path(datasette, db.name),
        "reviews": count[0]["n"],
        "deleted": count[0]["deleted"],
        "listed": await queries.listed(db),
        "people": [
            dict(p, href=pages.person_path(datasette, db.name, p["id"])) for p in everyone[:8]
        ],
        "people_count": len(everyone),
    }


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return pages.ROUTES


@hookimpl
def menu_links(datasette: Any, actor: Any) -> Any:
    async def links() -> list[dict[str, Any]]:
        rooms = await access.archives(datasette, actor)
        named = len(rooms) > 1  # with several archives, say whose
        found = []
        for db in rooms:
            room = pages.room_path(datasette, db.name)
            suffix = f" ({db.name})" if named else ""
            found += [
                {"href": f"{room}/-/people", "label": f"People{suffix}"},
                {"href": f"{room}/-/charts", "label": f"Charts{suffix}"},
            ]
        return found

    return links
