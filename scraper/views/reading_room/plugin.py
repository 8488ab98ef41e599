"""The reading room as a Datasette plugin: `scrape serve` registers this module, so a plain
`datasette archive.db` is left as Datasette made it.

Only hooks that Datasette 0.65 and 1.x both keep are used (render_cell, register_routes,
extra_css_urls, extra_js_urls, extra_template_vars), and the page templates extend Datasette's
own base.html, index.html and database.html by their blocks."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from scraper import weblinks, wording
from scraper.views.reading_room import MOUNT, cells, queries

# The tables and views whose cells read as reviews (None: a canned or typed query).
READ_AS_REVIEWS = {"review_list", "changed_reviews", "deleted_reviews", None}


def _archive(datasette: Any) -> Any:
    """The archive: `scrape serve` serves one database (Datasette's first that is not its own)."""
    return datasette.get_database()


def review_path(datasette: Any, rowid: object) -> str:
    return str(datasette.urls.path(f"/-/review/{int(str(rowid))}"))


def person_path(datasette: Any, profile_id: str) -> str:
    return str(datasette.urls.path("/-/people/" + quote(profile_id, safe=":")))


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, datasette: Any) -> Any:
    if table not in READ_AS_REVIEWS or value is None:
        return None
    keys = set(row.keys()) if hasattr(row, "keys") else set()
    if column == "film" and "review_rowid" in keys and row["review_rowid"] is not None:
        return Markup('<a href="{}">{}</a>').format(
            review_path(datasette, row["review_rowid"]), value
        )
    if column == "reviewer" and "profile_id" in keys and row["profile_id"]:
        return Markup('<a href="{}">{}</a>').format(
            person_path(datasette, row["profile_id"]), value
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


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path(f"/{MOUNT}/reading.css")]


@hookimpl
def extra_js_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path(f"/{MOUNT}/reading.js")]


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> Any:
    if template not in ("index.html", "database.html"):
        return None

    async def lead() -> dict[str, Any]:
        db = _archive(datasette)
        if "review_list" not in await db.view_names():
            return {}
        # The view's row count includes the deleted: both numbers, so that they add up.
        count = await queries.rows(
            db,
            f"SELECT count(*) FILTER (WHERE {queries.LIVE}) AS n, "
            "count(*) FILTER (WHERE status = 'deleted') AS deleted FROM review_list",
        )
        everyone = await queries.people(db)
        return {
            "reading_room": {
                "database": db.name,
                "reviews": count[0]["n"],
                "deleted": count[0]["deleted"],
                "listed": await queries.listed(db),
                "people": [dict(p, href=person_path(datasette, p["id"])) for p in everyone[:8]],
                "people_count": len(everyone),
            }
        }

    return lead


async def _page(datasette: Any, request: Any, template: str, context: dict[str, Any]) -> Response:
    context |= {"database": _archive(datasette).name, "mount": f"/{MOUNT}"}
    return Response.html(await datasette.render_template(template, context, request=request))


async def review_page(request: Any, datasette: Any) -> Response:
    db = _archive(datasette)
    rowid = int(request.url_vars["rowid"])
    # SQLite's rowids are 64-bit: a longer number is no review (not an overflow, a 500).
    found = await queries.review(db, rowid) if rowid < 2**63 else None
    if found is None:
        raise NotFound("No such review in the archive")
    return await _page(
        datasette,
        request,
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
            "person_href": person_path(datasette, found["profile_id"])
            if found["profile_id"]
            else None,
            "film_href": datasette.urls.row(db.name, "films", tilde_encode(found["film_id"])),
        },
    )


async def person_page(request: Any, datasette: Any) -> Response:
    db = _archive(datasette)
    # Datasette matches routes on the raw path, so an id's "/" arrives as %2F.
    profile_id = unquote(request.url_vars["profile_id"])
    found = await queries.person(db, profile_id)
    if found is None:
        raise NotFound("No such person in the archive")
    return await _page(
        datasette,
        request,
        "scrape_person.html",
        {
            "person": dict(found, url=weblinks.web_url(found["url"])),
            "latest": [_linked(datasette, r) for r in found["latest"]],
            "charts": _as_json(await queries.charts(db, profile_id)),
            "all_reviews": datasette.urls.table(db.name, "review_list")
            + "?"
            + f"profile_id={quote(profile_id)}",
        },
    )


async def people_page(request: Any, datasette: Any) -> Response:
    db = _archive(datasette)
    everyone = await queries.people(db)
    return await _page(
        datasette,
        request,
        "scrape_people.html",
        {"people": [dict(p, href=person_path(datasette, p["id"])) for p in everyone]},
    )


async def charts_page(request: Any, datasette: Any) -> Response:
    db = _archive(datasette)
    return await _page(
        datasette, request, "scrape_charts.html", {"charts": _as_json(await queries.charts(db))}
    )


def _linked(datasette: Any, row: dict[str, Any]) -> dict[str, Any]:
    return row | {
        "href": review_path(datasette, row["review_rowid"]),
        "glyphs": wording.stars(row["stars"]),
        "excerpt": cells.fold(row["text"]) if row["text"] else "",
    }


def _as_json(charts: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each chart's spec as the JSON its <canvas data-chart> attribute carries."""
    return {name: json.dumps(spec, ensure_ascii=False) for name, spec in charts.items()}


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/review/(?P<rowid>\d+)$", review_page),
        (r"^/-/people$", people_page),
        (r"^/-/people/(?P<profile_id>.+)$", person_page),
        (r"^/-/charts$", charts_page),
    ]


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, Any]]:
    return [
        {"href": datasette.urls.path("/-/people"), "label": "People"},
        {"href": datasette.urls.path("/-/charts"), "label": "Charts"},
    ]
