"""`scrape status`: the last runs, per profile its last run and last success, and who holds the
archive's lock right now."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.store import lock, runs
from scraper.store.schema import open_archive


@dataclass(frozen=True, slots=True)
class Status:
    # runs.report's, with "writer": the lock's holder as JSON (None when no run holds it).
    report: dict[str, Any]
    writer: lock.Holder | None

    @property
    def failing(self) -> bool:
        """A profile's last run did not succeed, or the run writing now is stuck."""
        return bool(self.report["failing"] or (self.writer and self.writer.stuck))


def status(path: Path, *, limit: int = 10) -> Status:
    writer = lock.holder(path)
    # A run past its time limit is stuck, not in progress: its profiles count as failing.
    report = runs.report(
        open_archive(path, write=False), limit=limit, writing=bool(writer and not writer.stuck)
    )
    report["writer"] = writer and {
        "pid": writer.pid,
        "started": writer.started and writer.started.isoformat(),
        "until": writer.until and writer.until.isoformat(),
        "stuck": writer.stuck,
    }
    return Status(report, writer)
