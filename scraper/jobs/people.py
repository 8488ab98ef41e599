"""Archiving people.

`scrape user`: one person's profiles archived. A bare name is looked up on every site where it
can be a handle; anything else is resolved (a URL, SITE:HANDLE, a person of the config), a bare
handle with --site asked which reading exists; then the profiles are crawled, and with
--remember written into the config for `scrape backup`.

`scrape backup`: every person of the config, each of their profiles crawled in one run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

from scraper import sites
from scraper.errors import NotFound, Unavailable, UsageError
from scraper.jobs import config, crawl_run, dry_run, plans, probe
from scraper.jobs import remember as remembering
from scraper.models import Target
from scraper.net.fetch import FetchSettings


@dataclass(frozen=True, slots=True)
class Asked:
    """The command's options, as parsed."""

    ident: str
    site: str | None = None
    cookies_path: Path | None = None
    browser: str | None = None
    delay: float | None = None
    ignore_robots: bool = False
    impersonate: str | None = None
    full: bool = False
    film_details: bool = True
    remember: bool = False


@dataclass(frozen=True, slots=True)
class Remembered:
    person: str
    path: Path
    profiles: list[str]
    # No config was in effect: this one was made (the user's config file).
    created: bool = False


@dataclass(slots=True)
class Archived:
    summary: crawl_run.Summary
    # What each site said of a bare name (none when the profile was named otherwise).
    verdicts: list[probe.Found] = field(default_factory=list)
    remembered: Remembered | None = None
    # --remember's failure, for the caller to raise once it has told what the crawl did: the
    # crawl itself is saved, and its lines came before the failure.
    remember_failed: Exception | None = None


def archive(
    settings: config.Config,
    db_path: Path,
    asked: Asked,
    voice: plans.Voice,
    *,
    asking: Callable[[str], None] | None = None,
    nowhere: Callable[[list[probe.Found]], None] | None = None,
) -> Archived:
    """`asking(site)` before a site is asked for a bare name; `nowhere(verdicts)` when no site
    has it, before the NotFound (or Unavailable, when no site answered) is raised."""
    overrides = {"impersonate": asked.impersonate, "robots": False if asked.ignore_robots else None}
    delay = asked.delay if asked.delay is not None else plans.env_delay()

    def fetching(site_name: str) -> FetchSettings:
        return settings.fetch_settings(site_name, delay=delay, **overrides)

    def cookies(site_name: str) -> CookieJar | None:
        return plans.cookies(settings, site_name, asked.cookies_path, asked.browser)

    ident, site = asked.ident, asked.site
    verdicts: list[probe.Found] = []
    if site is None and probe.is_name(ident) and sites.person(ident, settings.people) is None:
        # A name alone: ask every site where it can be a handle whether that profile exists.
        verdicts = probe.look_up_name(ident, fetching, cookies, asking=asking)
        targets = [v.target for v in verdicts if v.target]
        if not targets:
            if nowhere:
                nowhere(verdicts)
            raise _not_found(ident, verdicts)
    else:
        targets = sites.resolve(ident, site=site, people=settings.people)
    if site is not None and ":" not in ident and "/" not in ident:
        # A bare handle with --site: one request tells a critic from an audience profile.
        targets = [probe.existing(t, fetching(t.site), cookies(t.site)) for t in targets]
    planned = _user_plans(settings, targets, asked)
    summary = plans.run(settings, planned, db_path, command="user", full=asked.full, voice=voice)
    archived = Archived(summary, verdicts)
    if asked.remember:
        try:
            archived.remembered = _remember(ident, settings, targets, summary, db_path)
        except Exception as error:
            archived.remember_failed = error
    return archived


def _not_found(ident: str, verdicts: list[probe.Found]) -> NotFound | Unavailable:
    asked = [v for v in verdicts if v.verdict != "not a handle there"]
    if not any(v.answered for v in asked):
        return Unavailable(
            "could not reach any site: nothing was checked "
            f"({', '.join(v.site for v in asked)}); check your network and try again"
        )
    unreached = [v.site for v in asked if not v.answered]
    return NotFound(
        f"no profile named {ident!r} on any site (asked "
        f"{', '.join(v.site for v in asked if v.answered)}"
        + (f"; could not reach {', '.join(unreached)}" if unreached else "")
        + "); give a profile URL or SITE:HANDLE"
    )


def _remember(
    ident: str,
    settings: config.Config,
    targets: list[Target],
    summary: crawl_run.Summary,
    db_path: Path,
) -> Remembered | None:
    archived = [t for t, o in zip(targets, summary.outcomes, strict=False) if o.status == "ok"]
    if not archived:
        return None
    # A name is the person's name; for a URL or SITE:HANDLE, the handle's last part is.
    person = ident if probe.is_name(ident) else archived[0].handle.rsplit("/", 1)[-1]
    # The config in effect; with none, the user's config file, made private as its folder is.
    path = settings.path or config.default_path()
    created = settings.path is None
    # A config it creates names this archive in full: `scrape backup` from cron (in $HOME) or
    # from any folder then backs up into the archive this run made, not a new ./archive.db.
    db = db_path.resolve() if created else None
    remembering.remember(path, person, archived, private=created, db=db)
    return Remembered(person, path, [t.profile_id for t in archived], created)


def _user_plans(
    settings: config.Config, targets: list[Target], asked: Asked
) -> list[crawl_run.Plan]:
    return plans.plans(
        settings,
        targets,
        cookies_path=asked.cookies_path,
        browser=asked.browser,
        delay=asked.delay if asked.delay is not None else plans.env_delay(),
        film_details=settings.film_details and asked.film_details,
        impersonate=asked.impersonate,
        robots=False if asked.ignore_robots else None,
    )


def preview_user(settings: config.Config, db_path: Path, asked: Asked) -> list[dry_run.Preview]:
    """What `archive` would fetch for profiles named outright. A name, or a bare handle with
    --site, is found out only by asking the sites, which a dry run does not do."""
    ident, site = asked.ident, asked.site
    named = sites.person(ident, settings.people) is not None
    if (site is None and probe.is_name(ident) and not named) or (
        site is not None and ":" not in ident and "/" not in ident
    ):
        raise UsageError(
            f"--dry-run makes no request, and {ident!r} is looked up with one: give a profile "
            "URL, SITE:HANDLE or a person of the config"
        )
    targets = sites.resolve(ident, site=site, people=settings.people)
    planned = _user_plans(settings, targets, asked)
    return dry_run.preview(db_path, planned, full=asked.full, full_every=settings.full_every)


def back_up(
    settings: config.Config, db_path: Path, *, full: bool, film_details: bool, voice: plans.Voice
) -> crawl_run.Summary:
    planned = backup_plans(settings, film_details=film_details)
    return plans.run(settings, planned, db_path, command="backup", full=full, voice=voice)


def preview_backup(
    settings: config.Config, db_path: Path, *, full: bool, film_details: bool
) -> list[dry_run.Preview]:
    """What `back_up` would fetch, without a request or a write."""
    planned = backup_plans(settings, film_details=film_details)
    return dry_run.preview(db_path, planned, full=full, full_every=settings.full_every)


def backup_plans(settings: config.Config, *, film_details: bool) -> list[crawl_run.Plan]:
    """A plan per profile of every person in the config (refused, in one line, without any)."""
    if not settings.people:
        where = settings.path or config.default_path()
        remember = "`scrape user NAME --remember`"
        if settings.path:
            how = f"or name them under [people] in {where}"
            raise UsageError(f"no [people] in {where}: add who to back up with {remember}, {how}")
        raise UsageError(
            f"no config file (none at {where} or {config.legacy_path()}): add who to back up "
            f"with {remember}, or start from the example: `scrape example-config --write`"
        )
    targets = [t for name in settings.people for t in sites.resolve(name, people=settings.people)]
    return plans.plans(settings, targets, film_details=settings.film_details and film_details)
