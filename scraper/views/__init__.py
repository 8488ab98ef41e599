"""Reading the archive: search, stats, exports (flat files, Markdown, a static site), the
Datasette reading room and `scrape serve`. They read the archive and never fetch."""
