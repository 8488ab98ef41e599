"""The sites scrape knows, by the name of their package under scraper/sites: the registry.

Option choices and config checks need only the names; importing scraper.sites would load every
site's parsers (and through them ftfy, selectolax, dateutil) into commands that never parse.
scraper.sites.SITES holds each package's declared Site, in this order.
"""

NAMES: tuple[str, ...] = ("rottentomatoes", "letterboxd", "imdb", "metacritic")
