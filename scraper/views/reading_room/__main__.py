"""`python -m scraper.views.reading_room serve ARCHIVE ...`: Datasette's own command line, with the
reading room registered as a plugin for this process only (what `scrape serve` runs)."""

import sys

from datasette.cli import cli
from datasette.plugins import pm

from scraper.views.reading_room import plugin

pm.register(plugin, name="scrape-reading-room")
cli.main(sys.argv[1:], prog_name="datasette")
