"""The record of runs: one `runs` row per command, one `profile_runs` row per profile in it.

The profile's watermark is derived from these rows, not stored apart: an incremental crawl is
allowed only when the profile's previous crawl finished ("ok"), since only then is everything
older than its newest page known to be archived.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scraper import timeparse
from scraper.errors import ScrapeError
from scraper.store.lock import ArchiveLock
from scraper.store.schema import COUNTERS, TABLES, open_archive

if TYPE_CHECKING:
    import sqlite_utils

    from scraper.models import Target
    from scraper.store.reader import Reader

log = logging.getLogger(__name__)

NOT_OK = ("failed", "killed", "interrupted")


def now() -> str:
    return timeparse.to_iso(datetime.now(UTC))


def start(db: sqlite_utils.Database, command: str) -> int:
    """A new run. Runs still marked running belong to processes that died (we hold the lock)."""
    with db.conn:
        for table in ("runs", "profile_runs"):
            db.execute(
                f"UPDATE {table} SET status = 'killed', finished_at = coalesce("
                "finished_at, started_at) WHERE status = 'running'"
            )
        cursor = db.execute(
            "INSERT INTO runs (command, pid, started_at, status) VALUES (?, ?, ?, 'running')",
            [command, os.getpid(), now()],
        )
    return _inserted(cursor)


@dataclass(slots=True)
class Run:
    """A run in progress: its archive and row, and how it ends, set by the command."""

    db: sqlite_utils.Database
    id: int
    status: str = "ok"
    error: str | None = None


@contextmanager
def recorded(
    db_path: str | Path,
    command: str,
    *,
    until: datetime | None = None,
    best_effort: bool = False,
    tallies: Callable[[], dict[str, int]] | None = None,
) -> Iterator[Run]:
    """Hold the archive's lock, open it and record a run of `command` for as long as the block
    runs. However the block ends, the run is closed: with the status the command set, or as
    failed with what stopped it (an error, Ctrl-C), which then goes on up. `tallies` gives
    what a run that crawls no profile did, read when it ends (see finish)."""
    with ArchiveLock(db_path, until=until) as lock, closing(_open(db_path, lock)) as db:
        run = Run(db, start(db, command))
        try:
            yield run
        except BaseException as stopped:
            said = str(stopped)[:300] or type(stopped).__name__
            error = "; ".join(filter(None, (run.error, said)))
            finish(db, run.id, "failed", error, tallies and tallies(), best_effort=True)
            raise
        finish(db, run.id, run.status, run.error, tallies and tallies(), best_effort=best_effort)


def _open(db_path: str | Path, lock: ArchiveLock) -> sqlite_utils.Database:
    try:
        return open_archive(db_path)
    except ScrapeError:
        lock.discard()  # a refused file (another application's) keeps no lock of ours beside it
        raise


@dataclass(frozen=True, slots=True)
class Mode:
    full: bool
    reason: str
    # Full only because the profile's last crawl stopped part-way (not --full, not its turn):
    # a run that resumes where that one stopped need not read the rest again (crawl.py).
    after_a_stop: bool = False
    # The listings the last run found shrunk: a full run now confirms or clears it.
    shrunk: frozenset[str] = frozenset()


def choose_mode(
    db: sqlite_utils.Database | Reader, profile_id: str, *, force_full: bool, full_every: int
) -> Mode:
    # A crawl whose listings were whole counts as such though Ctrl-C then stopped its films'
    # pages: the next run (incremental) reads the films left over.
    rows = db.execute(
        "SELECT mode, CASE WHEN status = 'interrupted' AND listings_complete = 1 THEN 'ok' "
        "ELSE status END, shrunk FROM profile_runs WHERE profile_id = ? AND status != 'running' "
        "ORDER BY id DESC LIMIT ?",
        [profile_id, max(full_every, 1)],
    ).fetchall()
    shrunk = frozenset(rows[0][2].split()) if rows and rows[0][2] else frozenset()
    if force_full:
        return Mode(True, "--full", shrunk=shrunk)
    if not rows:
        return Mode(True, "first crawl")
    if rows[0][1] != "ok":
        return Mode(True, f"the last crawl {rows[0][1]}", after_a_stop=True, shrunk=shrunk)
    if shrunk:
        # A listing that shrank is a layout change or a block until a full run says more.
        return Mode(True, "a listing shrank", shrunk=shrunk)
    since_full = rows[: full_every - 1] if full_every else rows
    if full_every and not any(mode == "full" and status == "ok" for mode, status, _ in since_full):
        return Mode(True, f"every {full_every} runs")
    return Mode(False, "incremental")


def start_profile(db: sqlite_utils.Database, run_id: int, target: Target, mode: Mode) -> int:
    with db.conn:
        cursor = db.execute(
            "INSERT INTO profile_runs (run_id, profile_id, site, handle, mode, status, started_at) "
            "VALUES (?, ?, ?, ?, ?, 'running', ?)",
            [
                run_id,
                target.profile_id,
                target.site,
                target.handle,
                "full" if mode.full else "incremental",
                now(),
            ],
        )
    return _inserted(cursor)


def _inserted(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT just made."""
    assert cursor.lastrowid is not None
    return cursor.lastrowid


# A profile's row as its run ends: every column but those start_profile wrote and the time.
FINISHED = tuple(
    column
    for column in TABLES["profile_runs"]["columns"]
    if column not in ("id", "run_id", "profile_id", "site", "handle", "started_at", "finished_at")
)


def finish_profile(db: sqlite_utils.Database, profile_run_id: int, result: object) -> None:
    """Close a profile's row from its run's `result`, which has an attribute named for each
    column of FINISHED. Called inside the caller's transaction (with the tombstones)."""
    values = {column: _cell(getattr(result, column)) for column in FINISHED}
    values["finished_at"] = now()
    assignments = ", ".join(f"{k} = ?" for k in values)
    db.execute(
        f"UPDATE profile_runs SET {assignments} WHERE id = ?", [*values.values(), profile_run_id]
    )


def _cell(value: object) -> object:
    """A value as its column stores it: a flag as 0/1, an error as what it says."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, BaseException):
        return str(value)
    return value


# What a run that crawls no profile (an import, a reparse) records of its own work.
TALLIES = ("files", "pages", "reviews", "new", "changed", "profiles")


def finish(
    db: sqlite_utils.Database,
    run_id: int,
    status: str,
    error: str | None,
    tallies: dict[str, int] | None = None,
    *,
    best_effort: bool = False,
) -> None:
    """Close the run. A crawl's totals are summed from its profiles' rows; a run with no such
    rows (import, reparse) passes `tallies` instead, else it would read as having done nothing.

    `best_effort`: after a failure, when even this cannot be written (the disk that failed the
    run is still full), say so on stderr rather than hide the run's own error behind it."""
    if best_effort:
        try:
            finish(db, run_id, status, error, tallies)
        except sqlite3.Error as exc:
            log.warning("could not record the end of run #%d in the archive (%s)", run_id, exc)
        return
    if tallies is not None:
        unknown = set(tallies) - set(TALLIES)
        if unknown:
            raise ValueError(f"not a run tally: {', '.join(sorted(unknown))}")
        assignments = "".join(f", {column} = :{column}" for column in tallies)
        with db.conn:
            db.execute(
                "UPDATE runs SET status = :status, error = :error, finished_at = :now"
                f"{assignments} WHERE id = :id",
                {"status": status, "error": error, "now": now(), "id": run_id, **tallies},
            )
        return
    totals = ", ".join(
        f"{column} = (SELECT total({column}) FROM profile_runs WHERE run_id = :id)"
        for column in COUNTERS
    )
    with db.conn:
        db.execute(
            "UPDATE runs SET status = :status, error = :error, finished_at = :now, "
            f"profiles = (SELECT count(*) FROM profile_runs WHERE run_id = :id), {totals} "
            "WHERE id = :id",
            {"status": status, "error": error, "now": now(), "id": run_id},
        )


# As Checkpoint.shown() says it: "letterboxd-reviews page 3 (stopped 2026-12-07 21:04: 403)".
RESUMES_AT = """(SELECT c.label || ' (stopped ' || substr(replace(c.stopped_at, 'T', ' '), 1, 16)
    || ': ' || c.reason || ')' FROM checkpoints c WHERE c.profile_id = p.profile_id)
    AS resumes_at"""


def report(
    db: sqlite_utils.Database | Reader, *, limit: int = 10, writing: bool = False
) -> dict[str, Any]:
    """The last runs, and per profile its last run and last success (for `scrape status`).

    A run still marked running counts as failing unless `writing` (the archive's lock is held
    right now): then it is simply in progress; otherwise its process died."""
    recent = list(db.query("SELECT * FROM runs ORDER BY id DESC LIMIT ?", [limit]))
    # Where the profile's next run resumes (checkpoints.py); an archive written before
    # checkpoints has none, and is read as it is.
    resumes_at = RESUMES_AT if "checkpoints" in db.table_names() else "NULL AS resumes_at"
    profiles = list(
        db.query(f"""
        SELECT p.profile_id, p.mode AS last_mode, p.status AS last_status,
               coalesce(p.finished_at, p.started_at) AS last_run_at, p.error AS last_error,
               (SELECT max(finished_at) FROM profile_runs s
                 WHERE s.profile_id = p.profile_id AND s.status = 'ok') AS last_success_at,
               (SELECT max(finished_at) FROM profile_runs s WHERE s.profile_id = p.profile_id
                 AND s.status = 'ok' AND s.mode = 'full') AS last_full_at,
               {resumes_at}
        FROM profile_runs p
        WHERE p.id = (SELECT max(id) FROM profile_runs q WHERE q.profile_id = p.profile_id)
        ORDER BY p.profile_id
    """)
    )
    return {
        "runs": recent,
        "profiles": profiles,
        "failing": [
            p["profile_id"]
            for p in profiles
            if p["last_status"] in NOT_OK or (p["last_status"] == "running" and not writing)
        ],
    }
