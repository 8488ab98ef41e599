"""The `scrape` command. Thin: options in, one library call, errors out as exit codes."""

from __future__ import annotations

import functools
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from scraper import __version__, archive, config, crawl, importer, search, sites
from scraper.errors import ScrapeError, UsageError
from scraper.fetch import Fetcher

DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SCRAPE_DB",
    default="archive.db",
    show_default=True,
    help="The archive file ($SCRAPE_DB).",
)
SITE_CHOICE = click.Choice(sorted(sites.SITES))


class Failed(click.ClickException):
    """A ScrapeError shown as one line, with the exit code DESIGN.md promises."""

    def __init__(self, error: ScrapeError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


def reports_errors(command):
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ScrapeError as error:
            raise Failed(error) from None
        except KeyboardInterrupt:
            click.echo("interrupted; every page already read is saved", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scrape")
@click.option("-v", "--verbose", is_flag=True, help="Log each request to stderr.")
def cli(verbose: bool) -> None:
    """Back up your film reviews and ratings from review sites into a searchable SQLite archive.

    Example:

        scrape user https://www.rottentomatoes.com/critics/rain-jokinen/movies
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(message)s", stream=sys.stderr
    )
    # httpx logs every request at INFO; our own DEBUG line says the same with timings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


@cli.command()
@click.argument("ident")
@DB_OPTION
@click.option("--site", type=SITE_CHOICE, help="The site of a bare handle.")
@click.option(
    "--cookies",
    "cookies_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A Netscape cookies.txt with your logged-in session (overrides the config).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: $SCRAPE_CONFIG or ./config/scrape.toml).",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    envvar="SCRAPE_DELAY",
    help="Seconds between requests to one host (default 1; $SCRAPE_DELAY).",
)
@click.option(
    "--ignore-robots",
    is_flag=True,
    help="Fetch pages robots.txt disallows. Your responsibility: respect the site's rules.",
)
@click.option(
    "--impersonate",
    metavar="BROWSER",
    help="Use a browser's TLS fingerprint (chrome, firefox, safari...); needs "
    "pip install 'scrape[impersonate]'.",
)
@reports_errors
def user(
    ident: str,
    db_path: Path,
    site: str | None,
    cookies_path: Path | None,
    config_path: Path | None,
    delay: float | None,
    ignore_robots: bool,
    impersonate: str | None,
) -> None:
    """Archive every review and rating of one person.

    IDENT is a profile URL, SITE:HANDLE, a person named in the config, or a bare handle with
    --site. Reviews already archived are updated in place, never duplicated.

    Examples:

        scrape user https://www.rottentomatoes.com/critics/rain-jokinen/movies

        scrape user rottentomatoes:critic/rain-jokinen --db reviews.db

        scrape user https://www.rottentomatoes.com/profiles/AbC123 --cookies cookies.txt

        scrape user 976284330 --site rottentomatoes   # same as rottentomatoes:user/976284330
    """
    settings = config.load(config_path)
    targets = sites.resolve(ident, site=site, people=settings.people)
    # Everything the user named is checked before the archive is opened or a request is sent.
    plans = []
    for target in targets:
        cookie_file = cookies_path or settings.site_setting(target.site, "cookies")
        jar = config.load_cookies(cookie_file) if cookie_file else None
        fetching = settings.fetch_settings(
            target.site,
            delay=delay,
            impersonate=impersonate,
            robots=False if ignore_robots else None,
        )
        plans.append((target, fetching, jar))
    db = archive.open_archive(db_path)
    show = _progress if sys.stderr.isatty() else None
    for target, fetching, jar in plans:
        with Fetcher(fetching, cookies=jar) as fetcher:
            result = crawl.crawl(db, fetcher, target, progress=show)
        if show:
            click.echo(err=True)
        c = result.counts
        click.echo(
            f"{target.profile_id}: {result.reviews} reviews on {result.pages} pages "
            f"({c.new} new, {c.changed} changed) in {db_path}"
        )


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@DB_OPTION
@click.option("--site", type=SITE_CHOICE, help="Only recognise formats of this site.")
@click.option(
    "--profile",
    "profile_handle",
    help="Whose reviews these are (SITE:HANDLE, or a handle with --site); keeps only "
    "that person's reviews from pages listing several people.",
)
@click.option(
    "--captured-at",
    help="When the files were saved (ISO 8601); relative ages such as "
    "'5 years ago' count back from it.",
)
@reports_errors
def import_(
    paths: tuple[Path, ...],
    db_path: Path,
    site: str | None,
    profile_handle: str | None,
    captured_at: str | None,
) -> None:
    """Archive saved pages and API responses, with no network.

    The format of each file (critic page, napi JSON, movie page, Flixster export...) is
    recognised from its content. Folders are read recursively.

    Examples:

        scrape import ~/rt-dump/*.json --captured-at 2019-07-05

        scrape import shawshank.html --profile rottentomatoes:user/971825204
    """
    when = _iso_datetime(captured_at) if captured_at else None
    target = None
    if profile_handle:
        (target,) = sites.resolve(profile_handle, site=site)[:1]
    db = archive.open_archive(db_path)
    result = importer.import_paths(db, list(paths), site=site, profile=target, captured_at=when)
    c = result.counts
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.formats.items()))
    click.echo(
        f"{result.files} files ({kinds}): {result.reviews} reviews "
        f"({c.new} new, {c.changed} changed) in {db_path}"
    )


@cli.command("search")
@click.argument("query")
@DB_OPTION
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@reports_errors
def search_(query: str, db_path: Path, limit: int, as_json: bool) -> None:
    """Full-text search of review text and film titles, best match first.

    FTS syntax works ("exact phrase", OR, NOT, prefix*); anything else is read as plain words.

    Examples:

        scrape search "cillian murphy"

        scrape search 'nolan OR kubrick' --json --limit 5
    """
    rows = search.search(archive.open_archive(db_path, write=False), query, limit=limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        year = f" ({row['year']})" if row["year"] else ""
        date = (row["created_at"] or "")[:10]
        click.echo(f"{row['title']}{year}  {row['rating_raw'] or '-'}  {date}  {row['site']}")
        click.echo(f"    {row['snippet']}")
        if row["url"]:
            click.echo(f"    {row['url']}")
    if not rows:
        click.echo("no matches", err=True)


def _progress(result: crawl.CrawlResult) -> None:
    c = result.counts
    click.echo(
        f"\r{result.target.profile_id}: page {result.pages}, {result.reviews} reviews "
        f"({c.new} new)",
        nl=False,
        err=True,
    )


def _iso_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--captured-at {text!r} is not an ISO 8601 date or time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def main() -> None:
    cli(prog_name="scrape", auto_envvar_prefix=None)
