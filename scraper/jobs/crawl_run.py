"""One run over several profiles: the lock, the run's record, each profile's crawl in the mode
its history calls for, and tombstones after complete full crawls. Used by `scrape user` and
`scrape backup` alike.

A profile that fails does not stop the others (a nightly backup should save what it can); the
run's status says whether every profile succeeded.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import sqlite_utils

from scraper.errors import Interrupted, ScrapeError, unexpected
from scraper.jobs import film_details
from scraper.jobs.crawl import CrawlResult, crawl
from scraper.jobs.crawl_films import FilmLookUp
from scraper.models import Target
from scraper.net.fetch import Fetcher, FetchSettings, RunLimit
from scraper.store import checkpoints, runs, tombstones
from scraper.wording import plural

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Plan:
    target: Target
    settings: FetchSettings
    cookies: CookieJar | None = None
    # The site's own settings for its listings (Site.settings; None: the site's defaults).
    options: object | None = None
    # Read the own page of each film the listings left without a year (film_details.py).
    film_details: bool = True


@dataclass(slots=True)
class Outcome:
    profile_id: str
    mode: str
    status: str = "running"
    pages: int = 0
    requests: int = 0
    reviews: int = 0
    new: int = 0
    changed: int = 0
    missing: int = 0
    deleted: int = 0
    # Films' own pages read for their years after the crawl.
    film_pages: int = 0
    note: str | None = None
    error: ScrapeError | None = None
    # Where the next run resumes ("letterboxd-reviews page 3"): a refusal stopped this one.
    resumes_at: str | None = None
    # What the user should look at though nothing failed (a listing that shrank).
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if name != "error"} | {
            "error": str(self.error) if self.error else None
        }


@dataclass(slots=True)
class Summary:
    run_id: int
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def status(self) -> str:
        statuses = {o.status for o in self.outcomes}
        if "interrupted" in statuses:
            return "interrupted"
        return "failed" if statuses - {"ok"} else "ok"

    @property
    def exit_code(self) -> int:
        failures = [o.error.exit_code for o in self.outcomes if o.error]
        if self.status == "interrupted":
            return Interrupted.exit_code
        return max(failures, default=0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "profiles": [o.as_dict() for o in self.outcomes],
        }


def run(
    db_path: str | Path,
    plans: list[Plan],
    *,
    command: str,
    full: bool = False,
    full_every: int = 7,
    time_limit: float | None = None,
    progress: Callable[[CrawlResult], None] | None = None,
    stop: threading.Event | None = None,
    notice: Callable[[str], None] | None = None,
) -> Summary:
    """Every plan in turn under the archive's lock. With `time_limit` (seconds; 0 or None: no
    limit) no request starts, and none runs on, past that long after the start: the profile
    then fails as incomplete, and the lock tells `scrape status` until when the run may go.
    `notice(line)` tells what is about to take long (films' own pages)."""
    limit = RunLimit.starting_now(time_limit)
    until = limit.until if limit else None
    # A profile's failure is its own outcome; only what stops the whole run (Ctrl-C) leaves
    # the block, and the run is then recorded failed.
    with runs.recorded(db_path, command, until=until, best_effort=True) as run:
        summary = Summary(run.id)
        for plan in plans:
            try:
                outcome = _run_profile(
                    run.db, summary.run_id, plan, full, full_every, progress, stop, limit, notice
                )
            except Exception as error:  # a failure outside the crawl: the next profile runs
                outcome = Outcome(plan.target.profile_id, "unknown", "failed")
                outcome.error = unexpected(error)
            summary.outcomes.append(outcome)
            errors = [f"{o.profile_id}: {o.error}" for o in summary.outcomes if o.error]
            run.status, run.error = summary.status, "; ".join(errors) or None
            if outcome.status == "interrupted":
                break
        return summary


def _run_profile(
    db: sqlite_utils.Database,
    run_id: int,
    plan: Plan,
    full: bool,
    full_every: int,
    progress: Callable[[CrawlResult], None] | None,
    stop: threading.Event | None,
    limit: RunLimit | None,
    notice: Callable[[str], None] | None = None,
) -> Outcome:
    target = plan.target
    mode = runs.choose_mode(db, target.profile_id, force_full=full, full_every=full_every)
    profile_run = runs.start_profile(db, run_id, target, mode)
    outcome = Outcome(target.profile_id, "full" if mode.full else "incremental")
    result = CrawlResult(target, incremental=not mode.full)
    resume, drop = checkpoints.pending(db, target.profile_id, result.notes)
    # Films an earlier run left without their look-up (stopped in that phase, say).
    left_over = set(film_details.pending(db, site=target.site, profile_id=target.profile_id))
    held, shrunk_before = tombstones.held(db, target.profile_id), mode.shrunk
    with Fetcher(plan.settings, cookies=plan.cookies, run_limit=limit) as fetcher:
        try:
            crawl(
                db,
                fetcher,
                result,
                run_id=run_id,
                progress=progress,
                stop=stop,
                options=plan.options,
                resume=resume,
                catch_up=mode.after_a_stop,
            )
            outcome.status = "ok"
            if plan.film_details:
                looking = FilmLookUp(target, outcome, result, stop, progress, notice, left_over)
                looking.run(db, fetcher)
        except Interrupted as error:
            outcome.status, outcome.error = "interrupted", error
        except KeyboardInterrupt:
            # A second Ctrl-C lands wherever the run is (a request, a pause): the pages saved so
            # far are whole, and the run is recorded as interrupted with them, not left running.
            stopped = Interrupted(f"stopped at once after {plural(result.pages, 'page')}")
            outcome.status, outcome.error = "interrupted", stopped
        except ScrapeError as error:
            outcome.status, outcome.error = "failed", error
        except Exception as error:  # not ours (disk full, OverflowError...): still a failure
            outcome.status, outcome.error = "failed", unexpected(error)
        outcome.requests = fetcher.requests
    # A resumed run that caught up from the top incrementally was not a full crawl after all.
    full = mode.full and not result.incremental
    outcome.mode = "full" if full else "incremental"
    outcome.pages, outcome.reviews = result.pages, result.reviews
    outcome.new, outcome.changed = result.counts.new, result.counts.changed
    notes = list(result.notes)
    # Listings read to the end decide, even when Ctrl-C then stopped the films' pages.
    judged = full and result.complete and outcome.status in ("ok", "interrupted")
    shrunk = tombstones.shrunk(held, result.listed, whole=judged)
    # Two full runs in a row that find a listing as short confirm it; one that answers nothing
    # never marks anything (tombstones.py), so it is told every time.
    confirmed = {s for s in shrunk if judged and s in shrunk_before and result.listed[s]}
    unconfirmed = set(shrunk) - confirmed
    outcome.warnings = [shrunk[s] for s in sorted(unconfirmed)]
    notes += outcome.warnings
    if result.resumed == "done" and full and not judged:
        notes.append(
            "nothing was marked missing: a run that resumed marks reviews missing only once it "
            "has read every page itself, from the top"
        )
    try:
        with db.conn:
            spent = drop or result.resumed is not None
            _settle_checkpoint(db, run_id, target, outcome, result.checkpoint, spent, notes)
            kept = Judged(judged, unconfirmed, " ".join(sorted(shrunk)) or None)
            _finish_profile(db, target, kept, profile_run, outcome, result, notes)
    except sqlite3.Error as exc:
        # The disk that failed the crawl may fail its bookkeeping too: the crawl's own error is
        # the one to tell, and a profile left "running" reads as interrupted next time.
        log.warning("could not record how %s ended (%s)", target.profile_id, exc)
        if outcome.error is None:
            outcome.status, outcome.error = "failed", unexpected(exc)
    return outcome


@dataclass(frozen=True, slots=True)
class Judged:
    """What a crawl's end may decide: whether tombstones are set, which listings' reviews are
    held back from them (shrunk, unconfirmed), and the listings found shrunk (for the next)."""

    tombstones: bool
    held_back: set[str]
    shrunk: str | None


def _finish_profile(
    db: sqlite_utils.Database,
    target: Target,
    judged: Judged,
    profile_run: int,
    outcome: Outcome,
    result: CrawlResult,
    notes: list[str],
) -> None:
    # Inside the caller's transaction: the tombstones and the profile's finished row (its
    # watermark) move together, with its checkpoint.
    if judged.tombstones:
        if result.suspicious_empty:
            notes.append(
                f"{result.suspicious_empty} page(s) had no reviews where some "
                "were expected; nothing was marked missing"
            )
        else:
            outcome.missing, outcome.deleted = tombstones.mark_missing(
                db.conn,
                target.profile_id,
                result.read_sources - judged.held_back,
                result.seen,
                runs.now(),
            )
    outcome.note = "; ".join(notes) or None
    runs.finish_profile(
        db,
        profile_run,
        {
            "mode": outcome.mode,
            "status": outcome.status,
            "pages": outcome.pages,
            "requests": outcome.requests,
            "new": outcome.new,
            "changed": outcome.changed,
            "missing": outcome.missing,
            "deleted": outcome.deleted,
            "note": outcome.note,
            "error": str(outcome.error) if outcome.error else None,
            "listings_complete": int(result.complete),
            "shrunk": judged.shrunk,
        },
    )


def _settle_checkpoint(
    db: sqlite_utils.Database,
    run_id: int,
    target: Target,
    outcome: Outcome,
    point: checkpoints.Checkpoint | None,
    spent: bool,
    notes: list[str],
) -> None:
    """Record where a refusal stopped the crawl, saying so in its error (or, interrupted, in a
    note); else drop the checkpoint the crawl resumed from (or found stale). A resume stopped
    again before it read on to the end keeps its checkpoint, or moves it on."""
    if point is not None and outcome.status != "ok":
        checkpoints.save(db, target.profile_id, run_id, point)
        outcome.resumes_at = point.label
        where = f"stopped at {point.where}; the next run resumes there"
        if outcome.status == "interrupted" or outcome.error is None:
            notes.append(where)
        else:
            # The error is the run's one line (and its record): it says where it goes on.
            outcome.error.args = (f"{outcome.error}; {where}",)
    elif spent:
        checkpoints.clear(db, target.profile_id)
