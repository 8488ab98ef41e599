"""`scrape export` from an archive's path: into a folder (markdown, html), or as one file or
stream (jsonl, csv, letterboxd). The options are the CLI's to check."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO

from scraper.store.schema import open_to_read
from scraper.views import export
from scraper.views.export_files import Written


def to_folder(
    archive: Path,
    folder: Path,
    *,
    fmt: str,
    site: str | None = None,
    profile: str | None = None,
    since: datetime | None = None,
    only: str | None = None,
    prune: bool = False,
    dry_run: bool = False,
) -> Written:
    """Markdown files (fmt "markdown") or a static site ("html") of the current reviews."""
    export.check_output(folder, archive)
    db = open_to_read(archive, profile)
    rows = export.rows(
        db, site=site, profile=profile, since=since, only=only, current=True, original=True
    )
    if fmt == "html":
        from scraper.views import static_site

        return static_site.write_site(rows, folder, prune=prune, dry_run=dry_run)
    from scraper.views import markdown_export

    return markdown_export.write_folder(rows, folder, prune=prune, dry_run=dry_run)


def to_file(
    archive: Path,
    output: Path | None,
    stream: IO[str],
    *,
    fmt: str,
    what: str = "reviews",
    site: str | None = None,
    profile: str | None = None,
    since: datetime | None = None,
) -> int:
    """`what` (reviews, lists, watchlist) in `fmt` to `output`, written whole then moved into
    place, or to `stream` when there is no output file; returns how many rows were written."""
    if output:
        export.check_output(output, archive)
    db = open_to_read(archive, profile)  # before the output file is created
    columns: tuple[str, ...] = export.COLUMNS
    if what == "reviews":
        records = export.rows(db, site=site, profile=profile, since=since, ids=fmt == "letterboxd")
    else:
        columns, records = export.listed_rows(db, what, site=site, profile=profile)
    if output is None:
        return export.write(records, stream, fmt, columns)
    return export.write_file(records, output, fmt, columns)
