"""Commands that crawl sites: user, backup, and status (which reports on their runs)."""

from __future__ import annotations

import json
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scraper.cli.common import (
    SITE_CHOICE,
    Command,
    Failed,
    cli,
    config_option,
    db_option,
    db_path_for,
    emit,
    quiet,
    reports_errors,
    say,
    sections,
    shape_options,
)
from scraper.errors import ScrapeError, UsageError

# Each command imports the library it runs when it runs: `scrape status` or `scrape --help`
# must not pay for httpx, ftfy and every site's parsers (tests/test_start.py holds them out).
from scraper.jobs import config, config_location
from scraper.wording import about, cut, plural

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

    from scraper.jobs import crawl_run, dry_run, film_details, plans, probe
    from scraper.jobs.crawl_result import CrawlResult


def no_film_details_option(command: Command) -> Command:
    return click.option(
        "--no-film-details",
        "no_film_details",
        is_flag=True,
        help="Do not read films' own pages for the years their listings leave out (one request "
        "per film, once; [backup] film_details = false in the config does the same).",
    )(command)


@cli.command()
@click.argument("ident")
@db_option
@click.option("--site", type=SITE_CHOICE, help="The site of a bare handle.")
@click.option(
    "--cookies",
    "cookies_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A Netscape cookies.txt with your logged-in session (overrides the config).",
)
@click.option(
    "--cookies-from-browser",
    "browser",
    metavar="BROWSER[:PROFILE]",
    help="Use your logged-in session from a browser's own cookies (chrome, edge, firefox, "
    "safari, brave...; PROFILE: a Firefox profile folder). Only the site's cookies are read.",
)
@config_option
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
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
    help="Present a browser's TLS fingerprint and headers (chrome, firefox, safari...), "
    "or none for a plain client. Default: chrome for Letterboxd, none elsewhere.",
)
@click.option("--full", is_flag=True, help="Read every page, even on a profile archived before.")
@no_film_details_option
@click.option(
    "--remember",
    is_flag=True,
    help="Add the person and the profiles archived to the config (created if missing), so that "
    "`scrape backup` includes them.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print what the run would fetch, as `scrape backup --dry-run` does, making no request "
    "and writing nothing (a profile URL or SITE:HANDLE: a name is looked up with requests).",
)
@reports_errors
def user(
    ident: str,
    db_path: Path | None,
    site: str | None,
    cookies_path: Path | None,
    browser: str | None,
    config_path: Path | None,
    delay: float | None,
    ignore_robots: bool,
    impersonate: str | None,
    full: bool,
    no_film_details: bool,
    remember: bool,
    dry_run: bool,
) -> None:
    """Archive every review and rating of one person.

    IDENT is your name on the sites (looked up on every site where it can be a handle, each
    profile found archived), a profile URL, SITE:HANDLE, a person named in the config, or a
    bare handle with --site. The first run reads everything; later runs read only what is new
    (see `scrape backup`), and --full reads everything again. Reviews are updated in place,
    never duplicated.

    Examples:

    \b
        scrape user RishiRamesh --remember   # a name: every site asked
        scrape user https://www.rottentomatoes.com/critics/rain-jokinen/movies
        scrape user rottentomatoes:critic/rain-jokinen --db reviews.db
        scrape user https://www.rottentomatoes.com/profiles/AbC123 --cookies cookies.txt
        scrape user rottentomatoes:AbC123 --cookies-from-browser firefox
        scrape user 976284330 --site rottentomatoes   # same as rottentomatoes:user/976284330
        scrape user https://letterboxd.com/spazznolo/
        scrape user imdb:ur7654321
        scrape user metacritic:oysteims
    """
    from scraper.jobs import people as use_case

    settings = config.load(config_path)
    path = db_path_for(db_path, settings)
    asked = use_case.Asked(
        ident,
        site=site,
        cookies_path=cookies_path,
        browser=browser,
        delay=delay,
        ignore_robots=ignore_robots,
        impersonate=impersonate,
        full=full,
        film_details=not no_film_details,
        remember=remember,
    )
    if dry_run:
        if remember:
            raise UsageError("--dry-run writes nothing, the config included: drop --remember")
        _print_previews(use_case.preview_user(settings, path, asked), None)
        return
    archived = use_case.archive(
        settings, path, asked, _voice(quiet=quiet()), asking=_asking(ident), nowhere=_nowhere
    )
    summary = archived.summary
    _warn(summary)
    for outcome in summary.outcomes:
        if outcome.error is None or outcome.status == "interrupted":
            say(_line(outcome, path))
    for verdict in archived.verdicts:
        if verdict.target is None:
            say(f"{verdict.site}: {verdict.verdict}")
    if archived.remember_failed is not None:
        raise archived.remember_failed
    if known := archived.remembered:
        made = " (a new config file)" if known.created else ""
        say(
            f"remembered {known.person} in {known.path}{made}: {', '.join(known.profiles)} "
            "(`scrape backup` includes them)"
        )
    _exit_if_interrupted(summary)
    failed = [o for o in summary.outcomes if o.error]
    if archived.verdicts and len(failed) < len(summary.outcomes):
        for outcome in failed:
            click.echo(f"{outcome.profile_id}: {outcome.error}", err=True)
        return  # at least one profile of the name was archived
    if failed and failed[0].error:
        raise Failed(failed[0].error)


def _asking(name: str) -> Callable[[str], None]:
    """One stderr line per site as it is asked: an offline look-up once sat silent a minute."""

    def asking(site: str) -> None:
        say(f"asking {site} for {name!r}...", err=True)

    return asking


def _nowhere(verdicts: list[probe.Found]) -> None:
    """What each site said, before the error that no site has the name."""
    for verdict in verdicts:
        click.echo(f"{verdict.site}: {verdict.verdict}", err=True)


def _voice(*, quiet: bool = False) -> plans.Voice:
    """The run's progress on a terminal's stderr (not with --quiet), its notices, and Ctrl-C
    stopping it after the current page."""
    from scraper.jobs import plans

    show = _progress if sys.stderr.isatty() and not quiet else None

    def notice(line: str) -> None:
        # Below the progress line, which stays where it was.
        click.echo(f"\n{line}" if show else line, err=True)

    @contextmanager
    def stopping() -> Iterator[threading.Event]:
        # Kept here, not in jobs/: a signal is how a terminal talks to the run, and a handler
        # is the process's own, which a library should not take.
        stop = threading.Event()

        def on_interrupt(signum: int, frame: FrameType | None) -> None:
            stop.set()
            signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C stops now
            click.echo("\nstopping after this page (Ctrl-C again to stop at once)", err=True)

        previous = signal.signal(signal.SIGINT, on_interrupt)
        try:
            yield stop
        finally:
            signal.signal(signal.SIGINT, previous)
            if show:
                click.echo(err=True)

    return plans.Voice(progress=show, notice=None if quiet else notice, stopping=stopping)


@cli.command("backup")
@config_option
@db_option
@click.option("--full", is_flag=True, help="Read every page of every profile (edits, deletions).")
@no_film_details_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print what the run would fetch (each profile, full or incremental and why, the first "
    "request of each listing), making no request and writing nothing.",
)
@shape_options("the run's summary (--nl, --csv: a profile a line)")
@reports_errors
def backup_(
    config_path: Path | None,
    db_path: Path | None,
    full: bool,
    no_film_details: bool,
    dry_run: bool,
    shape: str | None,
) -> None:
    """Back up every person and site in the config; made for cron.

    Each profile is read newest first and only until a whole page holds nothing new (one
    request per listing when nothing changed). A profile whose last crawl did not finish, every
    Nth run ([backup] full_every, default 7) and --full read everything, which is how edits and
    deletions deep in the history are found. Exit codes: 0 all done, 1 a profile failed, 75
    another run holds the archive, 130 interrupted.

    Examples:

    \b
        scrape backup --quiet            # crontab: mail only problems
        scrape backup --full --json
        scrape backup --dry-run          # what it would fetch; no request, nothing written
    """
    from scraper.jobs import people

    quiet_run = quiet()  # -q: nothing on success, one line per failure (for cron's mail)
    settings = config.load(config_path)
    path = db_path_for(db_path, settings)
    if dry_run:
        previews = people.preview_backup(
            settings, path, full=full, film_details=not no_film_details
        )
        _print_previews(previews, shape)
        return
    summary = people.back_up(
        settings, path, full=full, film_details=not no_film_details, voice=_voice(quiet=quiet_run)
    )
    _warn(summary)
    if shape == "json":
        click.echo(json.dumps(summary.as_dict(), indent=2))
    elif shape:
        run = {"run_id": summary.run_id, "run_status": summary.status}
        emit([run | profile for profile in summary.as_dict()["profiles"]], shape)
    for outcome in summary.outcomes:
        if outcome.status == "interrupted" and not shape:
            click.echo(_line(outcome, path), err=quiet_run)
        elif outcome.error:
            click.echo(f"{outcome.profile_id}: {outcome.error}", err=True)
        elif not quiet_run and not shape:
            click.echo(_line(outcome, path))
    _exit_if_interrupted(summary)
    sys.exit(summary.exit_code)


def _print_previews(previews: list[dry_run.Preview], shape: str | None) -> None:
    if shape:
        rows = [p.as_dict() for p in previews]
        if shape == "json":
            click.echo(json.dumps({"dry_run": True, "profiles": rows}, indent=2))
        else:
            emit(rows, shape)
        return
    for p in previews:
        why = [p.reason] if p.mode == "full" else []  # an incremental run's reason is itself
        why += [f"resuming at {p.resume}"] if p.resume else []
        why += [] if p.film_details else ["no film pages"]
        said = f" ({', '.join(why)})" if why else ""
        click.echo(f"{p.profile_id}: {p.mode}{said}, {p.delay:g} s apart")
        until = "until a page holds nothing new" if p.mode == "incremental" else "to the end"
        for url in p.first_requests:
            click.echo(f"    from {url} ({until})")
    say("dry run: no request made, nothing written", err=True)


def _warn(summary: crawl_run.Summary) -> None:
    """On stderr even with --quiet: cron mails it, and a listing that shrank is worth a look."""
    for outcome in summary.outcomes:
        for warning in outcome.warnings:
            click.echo(f"warning: {outcome.profile_id}: {warning}", err=True)


def _exit_if_interrupted(summary: crawl_run.Summary) -> None:
    if summary.status == "interrupted":
        click.echo(
            "interrupted; every page already read is saved, and the next run goes on", err=True
        )
        sys.exit(summary.exit_code)


@cli.command("example-config")
@click.option(
    "--write",
    is_flag=True,
    help="Write it where scrape looks (your config file, unless $SCRAPE_CONFIG names one or "
    "./config/scrape.toml exists), making the folder; an existing file is never written over.",
)
@reports_errors
def example_config(write: bool) -> None:
    """Print an example config (who to back up, how to fetch), to start yours from.

    Put it in your config file: ~/.config/scrape/config.toml on Linux ($XDG_CONFIG_HOME/scrape
    when set), ~/Library/Application Support/scrape/config.toml on macOS; `scrape status`
    prints the one in use. Also read, first: --config FILE, $SCRAPE_CONFIG, and
    ./config/scrape.toml in the working folder. A relative db there is read from the config's
    folder (for config/scrape.toml, the folder holding config/).

    Examples:

    \b
        scrape example-config --write     # your config file, then edit its [people]
        scrape example-config > elsewhere.toml
    """
    from importlib import resources

    from scraper.jobs import remember

    text = resources.files("scraper").joinpath("scrape.example.toml").read_text("utf-8")
    if not write:
        click.echo(text, nl=False)
        return
    where = config_location.locate()
    # A new user config file is private, as its folder is; an explicit path keeps the umask's.
    remember.write_new(where.path, text, private=not where.explicit)
    click.echo(
        f"wrote {where.path}: name who to back up under [people] there, or run "
        "`scrape user NAME --remember`"
    )


@cli.command("status")
@db_option
@config_option
@click.option(
    "--runs",
    "limit",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many of the latest runs to list.",
)
@shape_options("the report (--nl, --csv: a row a line, each naming its section)")
@reports_errors
def status_(db_path: Path | None, config_path: Path | None, limit: int, shape: str | None) -> None:
    """The last runs, and per profile its last run and last success.

    Exits 1 when the last run of any profile did not succeed, so monitoring can alert on it.
    A failed import or reparse, which crawls no profile, is reported (its line ends with why)
    but does not make the exit code: the import itself exited 1.

    Example:

    \b
        scrape status --runs 5
    """
    from scraper.views.stats import status

    settings = config.load(config_path)
    archive = db_path_for(db_path, settings)
    try:
        now = status(archive, limit=limit)
    except UsageError as error:
        # A missing archive first asks which config named it: one line still.
        raise UsageError(f"{error}; {_config_line(settings)}") from None
    if not shape:
        click.echo(_config_line(settings))
        click.echo(f"archive: {archive.absolute()}")
    report, writer = now.report, now.writer
    # Beside the report's tables, not in them: --nl and --csv print the tables' rows.
    config_path_used = str(settings.path) if settings.path else None
    report = {"config": config_path_used, "archive": str(archive.absolute())} | report
    if shape == "json":
        click.echo(json.dumps(report, indent=2))
    elif shape:
        emit(sections(report), shape)
    else:
        if writer:
            click.echo(f"Now: {writer.describe()}")
        click.echo("Last runs:")
        for r in report["runs"]:
            click.echo(
                f"  #{r['id']} {r['command']:<7} {r['started_at']}  {r['status']:<11} "
                f"{_run_totals(r)}{_why_failed(r)}"
            )
        if report["profiles"]:
            click.echo("Profiles:")
        for p in report["profiles"]:
            click.echo(
                f"  {p['profile_id']}: last run {p['last_status']} ({p['last_mode']}, "
                f"{p['last_run_at']}), last success {p['last_success_at'] or 'never'}, "
                f"last full {p['last_full_at'] or 'never'}"
                + (f"; resumes at {p['resumes_at']}" if p["resumes_at"] else "")
            )
            if p["last_error"]:
                click.echo(f"    {p['last_error']}")
    if now.failing:
        sys.exit(1)


def _config_line(settings: config.Config) -> str:
    if settings.path:
        return f"config: {settings.path}"
    return f"config: none (would be {config.default_path()})"


def _why_failed(run: dict[str, Any]) -> str:
    """A failed run's reason, on its own line: an import that refused files crawled no profile,
    so no profile line below would say it (and it is no profile's failure: exit 0)."""
    if run["status"] != "failed" or not run.get("error"):
        return ""
    return f"; {cut(' '.join(str(run['error']).split()), 200)}"


def _run_totals(run: dict[str, Any]) -> str:
    """What a run did: a crawl in profiles and requests, an import or a reparse in what it read
    and saved (it crawls no profile, so those counts would all be 0)."""
    # .get: an archive written before these columns existed is read as it is (read-only).
    if run.get("reviews") is not None:
        files = run.get("files")
        read = plural(files, "file") if files is not None else plural(run["pages"] or 0, "page")
        return (
            f"{read}, {plural(run['reviews'], 'review')} ({run['new'] or 0} new, "
            f"{run['changed'] or 0} changed), {plural(run['profiles'] or 0, 'profile')}"
        )
    if run["command"] in ("import", "reparse"):
        return "no counts recorded (run by an older scrape, or killed)"
    return (
        f"{plural(run['profiles'] or 0, 'profile')}, {plural(run['pages'] or 0, 'page')}, "
        f"{plural(run['requests'] or 0, 'request')}, {run['new'] or 0} new, "
        f"{run['changed'] or 0} changed, {run['missing'] or 0} missing"
    )


def _line(outcome: CrawlResult, db_path: Path) -> str:
    extra = f", {outcome.missing} missing" if outcome.mode == "full" else ""
    films = f"{plural(outcome.film_pages, 'film page')} read for years"
    notes = [films if outcome.film_pages else None, outcome.note]
    note = "".join(f"; {n}" for n in notes if n)
    mode = outcome.mode if outcome.status != "interrupted" else f"{outcome.mode}, {outcome.error}"
    return (
        f"{outcome.profile_id}: {plural(outcome.reviews, 'review')} on "
        f"{plural(outcome.pages, 'page')} ({outcome.new} new, {outcome.changed} changed{extra}) "
        f"[{mode}] in {db_path}{note}"
    )


def _progress(result: CrawlResult) -> None:
    c = result.counts
    films = ""
    if result.film_total:
        left = "" if result.film_left is None else f", {about(result.film_left)} left"
        films = f", film pages {result.film_pages}/{result.film_total}{left}"
    click.echo(
        f"\r{result.target.profile_id}: page {result.pages}, {result.reviews} reviews "
        f"({c.new} new){films}",
        nl=False,
        err=True,
    )


@cli.command("details")
@db_option
@config_option
@click.option("--site", type=SITE_CHOICE, help="Only films of this site.")
@click.option(
    "--profile",
    "profile_handle",
    metavar="SITE:HANDLE",
    help="Only the films of this profile's reviews.",
)
@click.option(
    "--ignore-robots",
    is_flag=True,
    help="Fetch pages robots.txt disallows. Your responsibility: respect the site's rules.",
)
@reports_errors
def details_(
    db_path: Path | None,
    config_path: Path | None,
    site: str | None,
    profile_handle: str | None,
    ignore_robots: bool,
) -> None:
    """Fill in the years of archived films whose listings gave none, from each film's page.

    One request per film, paced and robots-checked like a crawl, never repeated for a film
    that has its year or whose page was read already (a crawl does the same for the films it
    archives, unless --no-film-details). Imports never go online: run this after one.

    Examples:

    \b
        scrape details
        scrape details --site metacritic
        scrape details --profile rottentomatoes:AbC123
    """
    from scraper.jobs import details

    settings = config.load(config_path)
    path = db_path_for(db_path, settings)
    show = _details_progress if sys.stderr.isatty() and not quiet() else None
    totals = details.fill_in_years(
        settings,
        path,
        site=site,
        profile_handle=profile_handle,
        ignore_robots=ignore_robots,
        progress=show,
    )
    if show:
        click.echo("", err=True)
    say(
        f"{plural(totals.read, 'film page')} read for {plural(totals.pending, 'film')} "
        f"without a year: {totals.found} found, {len(totals.failed)} not ({path})"
    )
    if note := totals.note():
        click.echo(f"warning: {note}", err=True)
    if totals.stopped:
        raise ScrapeError(f"stopped before every film was looked up: {totals.stopped}")


def _details_progress(looked: film_details.LookedUp) -> None:
    click.echo(
        f"\rfilm pages: {looked.read} of {looked.pending}, {looked.found} years", nl=False, err=True
    )
