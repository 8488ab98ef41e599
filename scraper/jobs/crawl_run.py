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
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import sqlite_utils

from scraper.errors import Interrupted, ScrapeError, unexpected
from scraper.jobs import film_details
from scraper.jobs.crawl import crawl
from scraper.jobs.crawl_films import FilmLookUp
from scraper.jobs.crawl_result import CrawlResult
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
class Summary:
    run_id: int
    # Each profile's result, in the order run.
    outcomes: list[CrawlResult] = field(default_factory=list)

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
                outcome = CrawlResult(plan.target, status="failed", error=unexpected(error))
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
) -> CrawlResult:
    target = plan.target
    mode = runs.choose_mode(db, target.profile_id, force_full=full, full_every=full_every)
    profile_run = runs.start_profile(db, run_id, target, mode)
    result = CrawlResult(target, "full" if mode.full else "incremental", incremental=not mode.full)
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
            result.status = "ok"
            if plan.film_details:
                looking = FilmLookUp(target, result, stop, progress, notice, left_over)
                looking.run(db, fetcher)
        except Interrupted as error:
            result.status, result.error = "interrupted", error
        except KeyboardInterrupt:
            # A second Ctrl-C lands wherever the run is (a request, a pause): the pages saved so
            # far are whole, and the run is recorded as interrupted with them, not left running.
            stopped = Interrupted(f"stopped at once after {plural(result.pages, 'page')}")
            result.status, result.error = "interrupted", stopped
        except ScrapeError as error:
            result.status, result.error = "failed", error
        except Exception as error:  # not ours (disk full, OverflowError...): still a failure
            result.status, result.error = "failed", unexpected(error)
        result.requests = fetcher.requests
    # A resumed run that caught up from the top incrementally was not a full crawl after all.
    full = mode.full and not result.incremental
    result.mode = "full" if full else "incremental"
    notes = list(result.notes)
    # Listings read to the end decide, even when Ctrl-C then stopped the films' pages.
    judged = full and result.listings_complete and result.status in ("ok", "interrupted")
    shrunk = tombstones.shrunk(held, result.listed, whole=judged)
    result.shrunk = " ".join(sorted(shrunk)) or None
    # Two full runs in a row that find a listing as short confirm it; one that answers nothing
    # never marks anything (tombstones.py), so it is told every time.
    confirmed = {s for s in shrunk if judged and s in shrunk_before and result.listed[s]}
    unconfirmed = set(shrunk) - confirmed
    result.warnings = [shrunk[s] for s in sorted(unconfirmed)]
    notes += result.warnings
    if result.resumed == "done" and full and not judged:
        notes.append(
            "nothing was marked missing: a run that resumed marks reviews missing only once it "
            "has read every page itself, from the top"
        )
    try:
        with db.conn:
            spent = drop or result.resumed is not None
            _settle_checkpoint(db, run_id, target, result, spent, notes)
            _finish_profile(db, judged, unconfirmed, profile_run, result, notes)
    except sqlite3.Error as exc:
        # The disk that failed the crawl may fail its bookkeeping too: the crawl's own error is
        # the one to tell, and a profile left "running" reads as interrupted next time.
        log.warning("could not record how %s ended (%s)", target.profile_id, exc)
        if result.error is None:
            result.status, result.error = "failed", unexpected(exc)
    return result


def _finish_profile(
    db: sqlite_utils.Database,
    tombstones_set: bool,
    held_back: set[str],
    profile_run: int,
    result: CrawlResult,
    notes: list[str],
) -> None:
    """Set tombstones when the crawl's end may (but not on the reviews of listings `held_back`:
    shrunk, unconfirmed) and write the profile's row from `result`."""
    # Inside the caller's transaction: the tombstones and the profile's finished row (its
    # watermark) move together, with its checkpoint.
    if tombstones_set:
        if result.suspicious_empty:
            notes.append(
                f"{result.suspicious_empty} page(s) had no reviews where some "
                "were expected; nothing was marked missing"
            )
        else:
            result.missing, result.deleted = tombstones.mark_missing(
                db.conn,
                result.profile_id,
                result.read_sources - held_back,
                result.seen,
                datetime.now(UTC),
            )
    result.note = "; ".join(notes) or None
    runs.finish_profile(db, profile_run, result)


def _settle_checkpoint(
    db: sqlite_utils.Database,
    run_id: int,
    target: Target,
    result: CrawlResult,
    spent: bool,
    notes: list[str],
) -> None:
    """Record where a refusal stopped the crawl (result.checkpoint), saying so in its error
    (or, interrupted, in a note); else drop the checkpoint the crawl resumed from (or found
    stale). A resume stopped again before it read on to the end keeps its checkpoint, or moves
    it on."""
    point = result.checkpoint
    if point is not None and result.status != "ok":
        checkpoints.save(db, target.profile_id, run_id, point)
        result.resumes_at = point.label
        where = f"stopped at {point.where}; the next run resumes there"
        if result.status == "interrupted" or result.error is None:
            notes.append(where)
        else:
            # The error is the run's one line (and its record): it says where it goes on.
            result.error.args = (f"{result.error}; {where}",)
    elif spent:
        checkpoints.clear(db, target.profile_id)
