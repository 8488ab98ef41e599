"""The reading room: a Datasette plugin for reading one's reviews rather than inspecting tables.
Installed with scrape, it is in every Datasette (pyproject's `datasette` entry point names this
package), and shows itself only on databases that are scrape archives.

- plugin.py: the Datasette hooks (cells that read as reviews, the lead on the index and database
  pages, our CSS/JS, the menu);
- pages.py: a page per review (/<db>/-/review/N), per person (/<db>/-/people/ID), everyone
  (/<db>/-/people) and the charts (/<db>/-/charts), in each archive;
- access.py: which databases are archives, and whether the actor may read one;
- queries.py: what the pages show, read from the archive's views;
- cells.py: stars, folded texts, paragraphs and marked changes, as HTML;
- templates/ and static/: found by Datasette beside the package it registered, as every
  plugin's are (static/ served at /-/static-plugins/<distribution>/): reading.css, reading.js
  and Chart.js 4.6.1 (MIT, its dist/chart.umd.min.js unchanged, licence beside it).

Why our own plugin and Chart.js rather than datasette-dashboards or datasette-vega: the
dashboards plugin (0.8.0, the latest) calls Datasette.permission_allowed, which Datasette
1.0a41 no longer has, so its pages fail on 1.x; datasette-vega (0.6.2) builds charts a
reader configures on a table page, not given charts on given pages. The hooks and templates
used here exist in 0.65 and 1.x (the browser tests pass on both, 0.65.5 and 1.0a41).
"""

# The package must be the entry point, not plugin.py: Datasette looks for templates/ and static/
# with importlib.resources.files(<the registered module>), which on Python 3.11 accepts only a
# package. So the hooks are imported here, where pluggy finds them on the registered module.
# Static files are served under the distribution's name (Datasette's get_plugins()).
PLUGIN = "film-review-archive"

from scraper.views.reading_room.plugin import (  # noqa: E402
    extra_css_urls,
    extra_js_urls,
    extra_template_vars,
    menu_links,
    register_routes,
    render_cell,
)

__all__ = [
    "extra_css_urls",
    "extra_js_urls",
    "extra_template_vars",
    "menu_links",
    "register_routes",
    "render_cell",
]
