"""Commands that work on the archive itself: import, reparse, search, export, stats, serve."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scraper.cli.common import (
    SITE_CHOICE,
    Rating,
    cli,
    config_option,
    db_option,
    db_path_for,
    emit,
    iso_datetime,
    reports_errors,
    say,
    sections,
    shape_options,
)
from scraper.errors import ScrapeError, UsageError

# Each command imports the library it runs when it runs: `scrape --help` or `scrape search`
# must not pay for httpx, ftfy and every site's parsers (tests/test_start.py holds them out).
from scraper.jobs import config
from scraper.wording import plural

if TYPE_CHECKING:
    from scraper.models import DateOrder
    from scraper.views.export_files import Written

# export.FORMATS, without importing export
EXPORT_FORMATS = ("jsonl", "csv", "letterboxd", "markdown", "html")
# export.WHAT, likewise
EXPORT_WHAT = ("reviews", "lists", "watchlist")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@config_option
@click.option("--site", type=SITE_CHOICE, help="Only recognise formats of this site.")
@click.option(
    "--profile",
    "profile_handle",
    help="Whose reviews these are (SITE:HANDLE, or a handle with --site); keeps only "
    "that person's reviews from pages listing several people.",
)
@click.option(
    "--captured-at",
    help="When the files were saved (ISO 8601); relative ages such as '5 years ago' count "
    "back from it.",
)
@click.option(
    "--url",
    "source_url",
    help="The address the page was saved from, for saved pages that do not say it themselves "
    "(an IMDb title's reviews, for the title).",
)
@click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    help="Whether d/m/yyyy dates are day or month first, for a ratings CSV re-saved by a "
    "spreadsheet whose rows do not show it (no day over 12).",
)
@reports_errors
def import_(
    paths: tuple[Path, ...],
    db_path: Path | None,
    config_path: Path | None,
    site: str | None,
    profile_handle: str | None,
    captured_at: str | None,
    source_url: str | None,
    date_order: DateOrder | None,
) -> None:
    """Archive official exports, saved pages and API responses, with no network.

    The format of each file (Letterboxd export zip or folder, IMDb ratings CSV, critic page,
    napi JSON, Flixster export, a review copied from a Rotten Tomatoes page as text...) is
    recognised from its content. Folders are read recursively, file by file: a file that is
    refused (with the reason, and the option that would help) leaves the others to be
    imported, and the command exits 1. A folder's documentation (README.md, notes.txt, a PDF,
    images) is passed over, named in one line. Files are read within size bounds, in bounded
    memory ("Size bounds" in docs/commands.md names them).

    Examples:

    \b
        scrape import ~/rt-dump/*.json --captured-at 2019-07-05
        scrape import shawshank.html --profile rottentomatoes:user/971825204
        scrape import reviews.html --url https://www.imdb.com/title/tt1213663/reviews/
        scrape import letterboxd-export.zip --profile letterboxd:spazznolo
    """
    from scraper.jobs import importer

    if source_url and not re.match(r"^https?://[^\s/]+/\S*$", source_url):
        raise UsageError(f"--url {source_url!r} is not an http(s) address")
    when = iso_datetime(captured_at, "--captured-at") if captured_at else None
    path = db_path_for(db_path, config.load(config_path))
    result = importer.import_paths(
        path,
        list(paths),
        site=site,
        profile=profile_handle,
        captured_at=when,
        source_url=source_url,
        date_order=date_order,
    )
    c = result.counts
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.formats.items()))
    deleted = f", {result.deleted} of them deleted on the site," if result.deleted else ""
    if result.files:
        say(
            f"{plural(result.files, 'file')} ({kinds}): {plural(result.reviews, 'review')} "
            f"({c.new} new, {c.changed} changed){deleted} in {path}"
        )
    else:
        say(f"no file imported into {path}")
    if passed := result.passed_over:
        named = ", ".join(Path(p).name for p in passed[:3])
        more = f" and {len(passed) - 3} more" if len(passed) > 3 else ""
        say(f"passed over {plural(len(passed), 'documentation file')}: {named}{more}")
    if line := importer.listed_line(result.listed):
        click.echo(line)
    for file, skipped in result.skipped.items():
        click.echo(importer.skipped_line(file, skipped))
    if result.undated:
        files = list(result.undated)
        named = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        undated = sum(result.undated.values())
        one = undated == 1
        whose = "file's" if len(files) == 1 else "files'"
        click.echo(
            f"warning: {plural(undated, 'review')} in {named} {'is' if one else 'are'} dated "
            f'by an age ("2 years ago") counted from the {whose} modification time, so only '
            f'"no later than" is known: {"it is" if one else "they are"} left out of per-year '
            "counts and newest-first lists. Pass --captured-at ISO (when the pages were saved) "
            f"to date {'it' if one else 'them'}",
            err=True,
        )
    for file, notes in result.notes.items():
        for note, count in notes.items():
            click.echo(f"warning: {file}: {plural(count, 'row')} {note}", err=True)
    for line in result.refused:
        click.echo(f"refused: {line}", err=True)
    if result.refused:
        total = result.files + len(result.refused)
        raise ScrapeError(f"{len(result.refused)} of {plural(total, 'file')} refused (see above)")


@cli.command("reparse")
@db_option
@config_option
@click.option("--site", type=SITE_CHOICE, help="Only pages of this site.")
@click.option(
    "--since",
    help="Only pages fetched at or after this time (ISO 8601, or a year or month: 2026-03).",
)
@reports_errors
def reparse_(
    db_path: Path | None, config_path: Path | None, site: str | None, since: str | None
) -> None:
    """Rebuild reviews from the raw pages kept in the archive, with no network.

    Run it after upgrading scrape: a parser fix then repairs reviews archived long ago.

    Example:

    \b
        scrape reparse --site rottentomatoes --since 2024-01-01
    """
    from scraper.jobs import reparse

    path = db_path_for(db_path, config.load(config_path))
    if not path.exists():
        raise UsageError(f"{path} does not exist; nothing to reparse")
    result = reparse.reparse(
        path, site=site, since=iso_datetime(since, "--since", period=True) if since else None
    )
    c = result.counts
    say(
        f"{plural(result.pages, 'page')}: {plural(result.reviews, 'review')} "
        f"({c.new} new, {c.changed} changed) in {path}"
    )
    for failure in result.failures:
        click.echo(failure, err=True)
    if result.failures:
        sys.exit(1)


@cli.command("search")
@click.argument("query")
@db_option
@config_option
@click.option("--site", type=SITE_CHOICE, help="Only reviews from this site.")
@click.option("--profile", help="Only this person's reviews (SITE:HANDLE, as in the archive).")
@click.option(
    "--min-rating",
    type=Rating(0, 10),
    help="Only reviews rated at least this, on the 0-10 scale (7 = 3.5 stars).",
)
@click.option("--year", type=click.IntRange(1900, 2200), help="Only reviews written that year.")
@click.option(
    "--limit",
    type=click.IntRange(1, 10_000),
    default=20,
    show_default=True,
    help="Show at most this many reviews, best match first.",
)
@shape_options("the results")
@reports_errors
def search_(
    query: str,
    db_path: Path | None,
    config_path: Path | None,
    site: str | None,
    profile: str | None,
    min_rating: float | None,
    year: int | None,
    limit: int,
    shape: str | None,
) -> None:
    """Full-text search of review text and film titles, best match first.

    FTS syntax works ("exact phrase", OR, NOT, prefix*); anything else is read as plain words.
    A query is at most 1,000 characters, 32 words and 4 prefix terms (exit 2 past them).

    Examples:

    \b
        scrape search "cillian murphy"
        scrape search 'nolan OR kubrick' --json --limit 5
        scrape search heist --csv > heist.csv
        scrape search heist --min-rating 8 --year 2019 --site rottentomatoes
    """
    from scraper.views import search

    rows = search.search(
        db_path_for(db_path, config.load(config_path)),
        query,
        limit=limit,
        site=site,
        profile=profile,
        min_rating=min_rating,
        year=year,
    )
    if shape:
        emit(rows, shape)
        return
    for row in rows:
        shown_year = f" ({row['year']})" if row["year"] else ""
        date = (row["created_at"] or "")[:10]
        title = row["title"] or row["film_id"]  # a saved page may not have named its film
        click.echo(f"{title}{shown_year}  {row['rating_raw'] or '-'}  {date}  {row['site']}")
        click.echo(f"    {row['snippet']}")
        if row["url"]:
            click.echo(f"    {row['url']}")
    if not rows:
        click.echo("no matches", err=True)


@cli.command("export")
@db_option
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl, csv, letterboxd (Letterboxd's import CSV); markdown or html (a static site), "
    "each a folder: -o DIR.",
)
@click.option(
    "--what",
    type=click.Choice(EXPORT_WHAT),
    default="reviews",
    show_default=True,
    help="reviews; lists (the films on each list, in its order) or watchlist, from "
    "Letterboxd exports: jsonl or csv.",
)
@click.option("--site", type=SITE_CHOICE, help="Only reviews from this site.")
@click.option("--profile", help="Only this person's reviews (SITE:HANDLE, as in the archive).")
@click.option(
    "--since",
    help="Only reviews written at or after this time (ISO 8601, or a year or month: 2026-03).",
)
@click.option(
    "--only",
    type=click.Choice(["reviews", "ratings"]),
    help="markdown, html: only reviews with text, or only ratings without (default: both).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="markdown, html: remove the files this export wrote before (and that are still as it "
    "wrote them) that it no longer writes.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="markdown, html: print the files the export would write and (with --prune) remove, "
    "and touch nothing.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Write here instead of standard output (written whole, then moved into place); "
    "for markdown, the folder.",
)
@reports_errors
def export_(
    db_path: Path | None,
    config_path: Path | None,
    fmt: str,
    what: str,
    site: str | None,
    profile: str | None,
    since: str | None,
    only: str | None,
    prune: bool,
    dry_run: bool,
    output: Path | None,
) -> None:
    """Write the reviews as JSON lines, CSV, a Letterboxd file, Markdown or an HTML site.

    Streams (constant memory) in a fixed column order, oldest review first. jsonl and csv hold
    every archived review with its status (current, missing, deleted); letterboxd holds the
    current ones in the columns Letterboxd's importer reads (LetterboxdURI, tmdbID, imdbID,
    Title, Year, Rating, Rating10, WatchedDate, Rewatch, Tags, Review), ready for
    letterboxd.com/import. markdown writes one file a review into -o DIR, with front matter
    for Hugo, Jekyll or Eleventy, rewriting only the files whose review changed (--prune
    removes its own files of reviews no longer exported; a file it did not write, or one
    changed since, is never written over or removed: the export is refused, naming it).
    html writes a self-contained static site into -o DIR, under the same rules.
    --what lists and --what watchlist write the films on a person's Letterboxd lists (list,
    position, film, year, notes, status) and watchlist (film, year, added_on, status).

    Examples:

    \b
        scrape export --format csv -o reviews.csv
        scrape export --format letterboxd --site rottentomatoes -o for-letterboxd.csv
        scrape export --format markdown --only reviews -o site/content/reviews
        scrape export --format html -o my-reviews
        scrape export --format markdown -o site/content/reviews --prune --dry-run
        scrape export --what watchlist --format csv -o watchlist.csv
    """
    from scraper.views import export, exporting

    archive_path = db_path_for(db_path, config.load(config_path))
    to_file = output if output is not None and str(output) != "-" else None
    if fmt in export.FOLDER_FORMATS and to_file is None:
        raise UsageError(f"--format {fmt} writes a folder of files: give it with -o DIR")
    if what != "reviews" and (fmt not in ("jsonl", "csv") or since or only or prune):
        raise UsageError(
            f"--what {what} is written as jsonl or csv, without --since, --only or --prune"
        )
    if fmt not in export.FOLDER_FORMATS and (only or prune or dry_run):
        raise UsageError("--only, --prune and --dry-run are for --format markdown and html")
    if to_file and fmt not in export.FOLDER_FORMATS and to_file.is_dir():
        raise UsageError(f"-o {output} is a folder; --format {fmt} writes one file")
    moment = iso_datetime(since, "--since", period=True) if since else None
    if fmt in export.FOLDER_FORMATS and to_file is not None:
        html = fmt == "html"
        done = exporting.to_folder(
            archive_path,
            to_file,
            fmt=fmt,
            site=site,
            profile=profile,
            since=moment,
            only=only,
            prune=prune,
            dry_run=dry_run,
        )
        if dry_run:
            _dry_run_lines(done, output)
            return
        say(
            f"{plural(done.reviews, 'review')} in {output}: {done.written}"
            f"{' pages' if html else ''} written, {done.unchanged} unchanged, "
            f"{done.pruned} pruned{f' (open {output}/index.html)' if html else ''}",
            err=True,
        )
        if done.left:
            # An earlier export's files not written now: out of this one's range, or renamed.
            click.echo(
                f"{plural(done.left, 'file')} of an earlier export not written this time "
                "(out of this export's range, or named anew): kept; --prune removes them",
                err=True,
            )
        return
    count = exporting.to_file(
        archive_path,
        to_file,
        sys.stdout,
        fmt=fmt,
        what=what,
        site=site,
        profile=profile,
        since=moment,
    )
    if not to_file:
        return
    noun = {"reviews": "review", "lists": "film on lists"}.get(what, "watchlist film")
    nouns = "films on lists" if what == "lists" else None
    say(f"{plural(count, noun, nouns)} written to {output}", err=True)


def _dry_run_lines(done: Written, output: Path | None) -> None:
    """What the export would do, a file a line (on stdout: it is what was asked for)."""
    for name in done.to_write:
        click.echo(f"would write {output}/{name}")
    for name in done.to_prune:
        click.echo(f"would remove {output}/{name}")
    say(
        f"dry run: {plural(done.reviews, 'review')}; {done.written} would be written, "
        f"{done.unchanged} unchanged, {done.pruned} removed; nothing was touched",
        err=True,
    )
    if done.left:
        say(f"{plural(done.left, 'file')} of an earlier export would be kept", err=True)


@cli.command("stats")
@db_option
@config_option
@shape_options("the figures (--nl, --csv: a row a line, each naming its section)")
@reports_errors
def stats_(db_path: Path | None, config_path: Path | None, shape: str | None) -> None:
    """Reviews per site and profile, a rating histogram, and reviews per year.

    Strangers whose single review came along on a film's page are counted on one line; --json
    lists every profile, each with from_film_pages.

    Example:

    \b
        scrape stats
    """
    from scraper.views import stats

    figures = stats.summary_of(db_path_for(db_path, config.load(config_path)))
    if shape == "json":
        click.echo(json.dumps(figures, indent=2))
    elif shape:
        emit(sections(figures), shape)
    else:
        click.echo(stats.render(figures))


@cli.command("serve")
@db_option
@config_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8001,
    show_default=True,
    help="Port to listen on (0: any free one).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (0.0.0.0 shares the archive with your network).",
)
@click.argument("datasette_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- DATASETTE ARGS]")
@reports_errors
def serve(
    db_path: Path | None,
    config_path: Path | None,
    port: int,
    host: str,
    datasette_args: tuple[str, ...],
) -> None:
    """Read, search and chart the archive in Datasette: the reading room.

    Needs Datasette: pip install 'datasette>=0.65' (or '.[datasette]' in a checkout). It
    opens on the reviews, newest first, with a page per review (/archive/-/review/N) and per
    person (/archive/-/people), charts (/archive/-/charts), facets, the search box and canned
    queries. A backup can run while it is open. Everything after -- goes to Datasette as it is
    (settings, more databases, plugins' options).

    Examples:

    \b
        scrape serve --port 8001
        scrape serve -- --setting sql_time_limit_ms 5000 other.db
    """
    from scraper.views import serving

    archive = db_path_for(db_path, config.load(config_path))
    sys.exit(serving.serve(archive, host, port, datasette_args))
