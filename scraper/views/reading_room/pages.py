"""The reading room's own pages, one set per archive: /<db>/-/review/N, /<db>/-/people,
/<db>/-/people/ID and /<db>/-/charts. A database that is not an archive has none (404); one
the actor may not read is refused as Datasette refuses its table page (403)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from datasette import Forbidden
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response

from scraper import weblinks, wording
from scraper.views.reading_room import PLUGIN, access, cells, queries


def room_path(datasette: Any, database: str) -> str:
    return str(datasette.urls.database(database))


def review_path(datasette: Any, database: str, rowid: object) -> str:
    return f"{room_path(datasette, database)}/-/review/{int(str(rowid))}"


def person_path(datasette: Any, database: str, profile_id: str) -> str:
    return f"{room_path(datasette, database)}/-/people/" + quote(profile_id, safe=":")


async def _archive(request: Any, datasette: Any) -> Any:
    try:
        db = datasette.get_database(route=tilde_decode(request.url_vars["database"]))
    except KeyError:
        raise NotFound("Database not found") from None
    if not await access.is_archive(db):
        raise NotFound("This database is not a scrape archive")
    if not await access.can_read(datasette, request.actor, db.name):
        raise Forbidden("You do not have permission to view this database")
    return db


async def _page(
    datasette: Any, request: Any, db: Any, template: str, context: dict[str, Any]
) -> Response:
    context |= {
        "database": db.name,
        "room": room_path(datasette, db.name),
        "chart_js": datasette.urls.static_plugins(PLUGIN, "chart.umd.min.js"),
    }
    return Response.html(await datasette.render_template(template, context, request=request))


async def review_page(request: Any, datasette: Any) -> Response:
    db = await _archive(request, datasette)
    rowid = int(request.url_vars["rowid"])
    # SQLite's rowids are 64-bit: a longer number is no review (not an overflow, a 500).
    found = await queries.review(db, rowid) if rowid < 2**63 else None
    if found is None:
        raise NotFound("No such review in the archive")
    return await _page(
        datasette,
        request,
        db,
        "scrape_review.html",
        {
            # A link from the archive is a link only when it is http(s): a javascript: one,
            # clicked here, would run in the reading room's origin (weblinks.py).
            "review": dict(
                found,
                film_url=weblinks.web_url(found["film_url"]),
                review_url=weblinks.web_url(found["review_url"]),
            ),
            "stars": wording.stars(found["stars"]),
            "paragraphs": wording.paragraphs(found["text"]),
            "versions": [
                dict(
                    v,
                    paragraphs=wording.paragraphs(v["text"]),
                    stars=wording.stars(None if v["rating"] is None else v["rating"] / 2),
                )
                for v in found["versions"]
            ],
            "person_href": person_path(datasette, db.name, found["profile_id"])
            if found["profile_id"]
            else None,
            "film_href": datasette.urls.row(db.name, "films", tilde_encode(found["film_id"])),
        },
    )


async def person_page(request: Any, datasette: Any) -> Response:
    db = await _archive(request, datasette)
    # Datasette matches routes on the raw path, so an id's "/" arrives as %2F.
    profile_id = unquote(request.url_vars["profile_id"])
    found = await queries.person(db, profile_id)
    if found is None:
        raise NotFound("No such person in the archive")
    return await _page(
        datasette,
        request,
        db,
        "scrape_person.html",
        {
            "person": dict(found, url=weblinks.web_url(found["url"])),
            "latest": [_linked(datasette, db.name, r) for r in found["latest"]],
            "charts": _as_json(await queries.charts(db, profile_id)),
            "all_reviews": datasette.urls.table(db.name, "review_list")
            + "?"
            + f"profile_id={quote(profile_id)}",
        },
    )


async def people_page(request: Any, datasette: Any) -> Response:
    db = await _archive(request, datasette)
    everyone = await queries.people(db)
    return await _page(
        datasette,
        request,
        db,
        "scrape_people.html",
        {"people": [dict(p, href=person_path(datasette, db.name, p["id"])) for p in everyone]},
    )


async def charts_page(request: Any, datasette: Any) -> Response:
    db = await _archive(request, datasette)
    return await _page(
        datasette,
        request,
        db,
        "scrape_charts.html",
        {"charts": _as_json(await queries.charts(db))},
    )


async def instance_page(request: Any, datasette: Any) -> Response:
    """The addresses of before the rooms were per database (/-/review/N, /-/people, ...): to the
    one archive when exactly one is readable, else there is no telling which (404)."""
    rooms = await access.archives(datasette, request.actor)
    if len(rooms) != 1:
        raise NotFound(
            "The reading room is per database: /<database>/-/" + request.url_vars["rest"]
        )
    target = f"{room_path(datasette, rooms[0].name)}/-/{request.url_vars['rest']}"
    query = request.query_string
    return Response.redirect(target + (f"?{query}" if query else ""))


def _linked(datasette: Any, database: str, row: dict[str, Any]) -> dict[str, Any]:
    return row | {
        "href": review_path(datasette, database, row["review_rowid"]),
        "glyphs": wording.stars(row["stars"]),
        "excerpt": cells.fold(row["text"]) if row["text"] else "",
    }


def _as_json(charts: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each chart's spec as the JSON its <canvas data-chart> attribute carries."""
    return {name: json.dumps(spec, ensure_ascii=False) for name, spec in charts.items()}


ROUTES = [
    (r"^/(?P<database>[^/]+)/-/review/(?P<rowid>\d+)$", review_page),
    (r"^/(?P<database>[^/]+)/-/people$", people_page),
    (r"^/(?P<database>[^/]+)/-/people/(?P<profile_id>.+)$", person_page),
    (r"^/(?P<database>[^/]+)/-/charts$", charts_page),
    (r"^/-/(?P<rest>review/\d+|people|people/.+|charts)$", instance_page),
]
