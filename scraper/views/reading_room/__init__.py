"""The reading room: how `scrape serve` shows the archive in Datasette, for reading one's
reviews rather than inspecting tables.

- plugin.py: the Datasette hooks (cells that read as reviews, the pages below, our CSS/JS);
- queries.py: what the pages show, read from the archive's views;
- cells.py: stars, folded texts, paragraphs and marked changes, as HTML;
- templates/: a page per review (/-/review/N), per person (/-/people/ID), everyone
  (/-/people), the charts (/-/charts), and the lead on the index and database pages;
- static/: reading.css, reading.js and Chart.js 4.6.1 (MIT, its dist/chart.umd.min.js
  unchanged, licence beside it), which draws the charts in the browser.

Why our own plugin and Chart.js rather than datasette-dashboards or datasette-vega: the
dashboards plugin (0.8.0, the latest) calls Datasette.permission_allowed, which Datasette
1.0a41 no longer has, so its pages fail on 1.x; datasette-vega (0.6.2) builds charts a
reader configures on a table page, not given charts on given pages. The hooks and templates
used here exist in 0.65 and 1.x (the browser tests pass on both, 0.65.5 and 1.0a41).
"""

from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
# Where `scrape serve` mounts STATIC (datasette --static MOUNT:STATIC).
MOUNT = "scrape-reading-room"
