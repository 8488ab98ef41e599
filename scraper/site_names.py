"""The names of the sites scrape knows, without importing any site's parsers.

Option choices and config checks need only the names; importing scraper.sites would load every
site's parsers (and through them ftfy, selectolax, dateutil) into commands that never parse.
tests/test_start.py checks this list against scraper.sites.SITES.
"""

NAMES: tuple[str, ...] = ("rottentomatoes", "letterboxd", "imdb", "metacritic")
