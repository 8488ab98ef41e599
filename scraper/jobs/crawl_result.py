"""What a profile's crawl did, as one value from its first page to its `profile_runs` row, the
line `scrape user`/`backup` print and their JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scraper.errors import ScrapeError
from scraper.models import Target
from scraper.store import archive
from scraper.store.checkpoints import Checkpoint

# What `scrape backup --json` prints of each profile, in this order.
REPORTED = (
    "profile_id",
    "mode",
    "status",
    "pages",
    "requests",
    "reviews",
    "new",
    "changed",
    "missing",
    "deleted",
    "film_pages",
    "note",
    "resumes_at",
    "warnings",
    "error",
)


@dataclass(slots=True)
class CrawlResult:
    """What a profile's crawl did so far; filled in page by page, so a failed crawl still
    tells. Its run's end fills in the rest: it is the profile's `profile_runs` row (written by
    the names of its columns: runs.finish_profile), the line the command prints and its JSON."""

    target: Target
    # "full" or "incremental" as the run ends (a resumed run may catch up incrementally);
    # "unknown" when the profile failed before its crawl began.
    mode: str = "unknown"
    status: str = "running"
    incremental: bool = False
    pages: int = 0
    reviews: int = 0
    counts: archive.SaveCounts = field(default_factory=archive.SaveCounts)
    seen: set[str] = field(default_factory=set)
    # Listings that ended without their own end signal (see Page.unfinished).
    unfinished: list[str] = field(default_factory=list)
    # Reviews this crawl archived first: a later listing showing them has not reached old ground.
    fresh: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    # Pages that parsed to no reviews where reviews were expected (see tombstones.py).
    suspicious_empty: int = 0
    # Reviews each listing (by source) answered, of those read from their first page on.
    listed: dict[str, int] = field(default_factory=dict)
    # Every listing was read to its end (a run then stopped in the films' own pages leaves
    # nothing for a full run to catch up on).
    listings_complete: bool = False
    # What went wrong without failing the crawl (a review's whole text that could not be read).
    notes: list[str] = field(default_factory=list)
    # Films' own pages read after the listings for their years (see film_details.py), of how
    # many, and about how long the rest take (seconds; None before the first is read).
    film_pages: int = 0
    film_total: int = 0
    film_left: float | None = None
    # The sources of listings that answered 404 on their first page: none for this profile,
    # so their reviews are not candidates for tombstones.
    skipped: set[str] = field(default_factory=set)
    # Where a refusal stopped this crawl mid-listing: the next run resumes there.
    checkpoint: Checkpoint | None = None
    # How the resume from the last run's checkpoint went: "done" (read to the end of its
    # listings), "dropped" (no longer valid); None when there was none or it stopped again.
    resumed: str | None = None
    # The HTTP requests the profile's run made, listings and films' pages alike.
    requests: int = 0
    # Reviews marked missing, and deleted, by tombstones after a complete full crawl.
    missing: int = 0
    deleted: int = 0
    # The run's notes joined, and the listing sources (space-separated) found shrunk, as the
    # run ends.
    note: str | None = None
    shrunk: str | None = None
    error: ScrapeError | None = None
    # Where the next run resumes ("letterboxd-reviews page 3"): a refusal stopped this one.
    resumes_at: str | None = None
    # What the user should look at though nothing failed (a listing that shrank).
    warnings: list[str] = field(default_factory=list)

    @property
    def profile_id(self) -> str:
        return self.target.profile_id

    @property
    def new(self) -> int:
        return self.counts.new

    @property
    def changed(self) -> int:
        return self.counts.changed

    @property
    def read_sources(self) -> set[str]:
        """The sources whose listings this crawl read: what tombstones may judge."""
        return self.sources - self.skipped

    def as_dict(self) -> dict[str, Any]:
        shown = {name: getattr(self, name) for name in REPORTED}
        return shown | {"error": str(self.error) if self.error else None}
