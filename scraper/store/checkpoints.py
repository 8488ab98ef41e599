"""Where a crawl was stopped mid-listing, kept so that the next run resumes there (issue 28).

A site that refuses us after so many pages (Letterboxd's 403 waves of May and September 2026,
letterboxdpy#191) would stop every run near the same page if each began at the top, and the
pages past it would never be read. So a crawl stopped by a refusal (401, 403, a challenge or a
login page, a 429 or 5xx past the retries, the run's time limit, Ctrl-C) on any page of a
listing but its first records the listing and the request that was refused. The next run of
that profile, whatever its mode, reads from that request to the end of that listing and the
listings after it, then crawls from the top as its mode says (crawl.py).

One row per profile in `checkpoints`. A request is stored with its site's origin (scheme, any
user:password@ of a SCRAPE_<SITE>_ROOT, host) replaced by ORIGIN: no credentials are stored,
and a root changed since is followed.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import sqlite_utils

from scraper import timeparse
from scraper.errors import Interrupted, OutOfTime, ScrapeError
from scraper.models import Request
from scraper.weblinks import without_userinfo

if TYPE_CHECKING:
    from scraper.store.reader import Reader

log = logging.getLogger(__name__)

# A checkpoint left longer than a week (seven nightly runs, the default full_every) is
# dropped: the listing has moved on since, and reading from the top is what a week-old
# archive needs anyway.
MAX_AGE = timedelta(days=7)
ORIGIN = "{origin}"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where a crawl stopped: the listing (its first request) and the request refused in it."""

    listing: Request
    request: Request
    # The refused request's page number in its listing (1 is the listing's first page).
    page: int
    # Why it stopped, in a few words: "403", "a Cloudflare challenge (HTTP 403)".
    reason: str
    stopped_at: datetime

    @property
    def label(self) -> str:
        """`letterboxd-reviews page 3`: the listing as the archive's `source` names it."""
        return f"{self.listing.source or self.listing.parser} page {self.page}"

    @property
    def where(self) -> str:
        """`page 3 of /alice/films/reviews/`."""
        return f"page {self.page} of {urlsplit(without_userinfo(self.listing.url)).path}"

    def shown(self) -> str:
        return f"{self.label} (stopped {self.stopped_at:%Y-%m-%d %H:%M}: {self.reason})"

    def placed(self, listings: list[Request]) -> Checkpoint | None:
        """This checkpoint on the listing the site lists today (on today's root), or None
        when the profile no longer has that listing."""
        for listing in listings:
            if _key(listing) == _key(self.listing):
                origin = _origin(listing.url)
                return replace(self, listing=listing, request=_rooted(self.request, origin))
        return None


def reason(error: ScrapeError) -> str:
    """Why a crawl stopped, in the few words `scrape status` shows."""
    if isinstance(error, Interrupted):
        return "interrupted"
    if isinstance(error, OutOfTime):
        return "the run's time limit"
    said = str(error)
    for pattern in (
        r"answered with (.+?) instead of data",  # a challenge: "a Cloudflare challenge (HTTP 403)"
        r"refused access \((\d{3})\)",  # a plain 401 or 403
        r"failed \w+(?: times)? \(last: (.+?)\)",  # retries spent: "HTTP 429"
        r"answered (\d{3}) and asked us to wait",  # a Retry-After too long to wait
    ):
        if found := re.search(pattern, said):
            return found[1]
    if "login page" in said or "logged-in session" in said:
        return "a login page"
    return said.split(";")[0][:100]


def load(db: sqlite_utils.Database | Reader, profile_id: str) -> Checkpoint | None:
    """The profile's checkpoint, or None. Raises ValueError when the row cannot be read."""
    row = db.execute(
        "SELECT listing, request, page, reason, stopped_at FROM checkpoints WHERE profile_id = ?",
        [profile_id],
    ).fetchone()
    if row is None:
        return None
    listing, request, page, why, stopped_at = row
    try:
        return Checkpoint(
            _decode(listing), _decode(request), int(page), str(why), timeparse.instant(stopped_at)
        )
    except (TypeError, KeyError, ValueError) as error:
        raise ValueError(f"cannot read the checkpoint of {profile_id}: {error}") from None


def pending(
    db: sqlite_utils.Database, profile_id: str, notes: list[str]
) -> tuple[Checkpoint | None, bool]:
    """(the checkpoint this run resumes from, whether a stored one is to be dropped), with a
    note for one dropped (too old, unreadable)."""
    try:
        point = load(db, profile_id)
    except ValueError as error:
        log.warning("%s", error)
        notes.append(f"{error}; dropped it and started over")
        return None, True
    if point is not None and datetime.now(UTC) - point.stopped_at > MAX_AGE:
        notes.append(
            f"dropped the checkpoint at {point.shown()}: older than {MAX_AGE.days} days; "
            "started over"
        )
        return None, True
    return point, False


def save(db: sqlite_utils.Database, profile_id: str, run_id: int, point: Checkpoint) -> None:
    """Record (or replace) the profile's checkpoint, inside the caller's transaction."""
    origin = _origin(point.listing.url)
    db.execute(
        "INSERT OR REPLACE INTO checkpoints (profile_id, run_id, listing_source, listing, "
        "request, page, label, reason, stopped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            profile_id,
            run_id,
            point.listing.source,
            _encode(point.listing, origin),
            _encode(point.request, origin),
            point.page,
            point.label,
            point.reason,
            timeparse.to_iso(point.stopped_at),
        ],
    )


def clear(db: sqlite_utils.Database, profile_id: str) -> None:
    db.execute("DELETE FROM checkpoints WHERE profile_id = ?", [profile_id])


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _encode(request: Request, origin: str) -> str:
    def placed(text: str) -> str:
        if text.startswith(origin):
            return ORIGIN + text[len(origin) :]
        return without_userinfo(text)

    fields = asdict(request)
    fields["url"] = placed(request.url)
    fields["headers"] = [[name, placed(value)] for name, value in request.headers]
    return json.dumps(fields)


def _rooted(request: Request, origin: str) -> Request:
    def rooted(text: str) -> str:
        return origin + text[len(ORIGIN) :] if text.startswith(ORIGIN) else text

    headers = tuple((name, rooted(value)) for name, value in request.headers)
    return replace(request, url=rooted(request.url), headers=headers)


def _decode(text: str) -> Request:
    fields: dict[str, Any] = json.loads(text)

    def pairs(name: str) -> tuple[tuple[str, str], ...]:
        return tuple((str(key), str(value)) for key, value in fields.get(name) or ())

    body = fields.get("json")
    return Request(
        url=str(fields["url"]),
        parser=str(fields["parser"]),
        method=str(fields.get("method") or "GET"),
        params=pairs("params"),
        json=body if isinstance(body, dict) else None,
        source=fields.get("source"),
        headers=pairs("headers"),
        cookie_fields=pairs("cookie_fields"),
        refusal=fields.get("refusal"),
    )


def _key(request: Request) -> tuple[object, ...]:
    """What makes a listing the same listing across runs and roots."""
    parts = urlsplit(request.url.replace(ORIGIN, "origin://", 1))
    params = tuple((str(key), str(value)) for key, value in request.params)
    return (request.source, request.parser, request.method, parts.path, parts.query, params)
