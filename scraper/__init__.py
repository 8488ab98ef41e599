"""scrape: back up film reviews and ratings from review sites into SQLite."""

__version__ = "0.1.0"
