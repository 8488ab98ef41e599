"""Rebuild reviews from the raw pages kept in the archive, without the network: after a parser
fix, `scrape reparse` repairs old data. Pages are replayed in the order they were fetched, so
versions, first/last-seen times and narrowed dates come out as the original runs made them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from scraper import sites, timeparse
from scraper.errors import ParseError
from scraper.jobs.importer import apply_import_rules
from scraper.store import archive, rawpages, runs
from scraper.store.writer import PageWriter


@dataclass(slots=True)
class ReparseResult:
    pages: int = 0
    reviews: int = 0
    counts: archive.SaveCounts = field(default_factory=archive.SaveCounts)
    failures: list[str] = field(default_factory=list)
    # Whose reviews were saved again: `scrape status` counts them as the profiles touched.
    profiles: set[str] = field(default_factory=set)

    def tallies(self) -> dict[str, int]:
        """What the runs table records of this reparse."""
        return {
            "pages": self.pages,
            "reviews": self.reviews,
            "new": self.counts.new,
            "changed": self.counts.changed,
            "profiles": len(self.profiles),
        }


def reparse(
    db_path: str | Path, *, site: str | None = None, since: datetime | None = None
) -> ReparseResult:
    result = ReparseResult()
    with runs.recorded(db_path, "reparse", tallies=result.tallies) as run:
        db = run.db
        fetches = list(
            db.query(
                "SELECT * FROM fetches WHERE (:site IS NULL OR site = :site) "
                "AND (:since IS NULL OR fetched_at >= :since) ORDER BY fetched_at, id",
                {"site": site, "since": timeparse.to_iso(since) if since else None},
            )
        )
        writer = PageWriter(db)
        for row in fetches:
            if row["site"] not in sites.SITES:
                continue
            fetched_at = timeparse.instant(row["fetched_at"])
            body = rawpages.load(db.conn, row["sha256"])
            try:
                page = sites.parse(row["site"], row["parser"], body, row["url"], fetched_at)
            except ParseError as error:  # a page today's parser rejects: say so, keep going
                result.failures.append(str(error))
                continue
            apply_import_rules(
                page, keep_profile=row["keep_profile"], exact_capture=bool(row["exact_capture"])
            )
            saved = writer.save_page(page, seen_at=fetched_at)
            result.pages += 1
            result.reviews += len(page.reviews)
            result.profiles.update(r.profile_id for r in page.reviews if r.profile_id)
            result.counts.add(saved.counts)
        run.status = "failed" if result.failures else "ok"
        run.error = "; ".join(result.failures) or None
    return result
