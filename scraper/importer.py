"""Archive saved pages and API responses (browser "save as", RatS dumps) without the network."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from scraper import archive, sites
from scraper.errors import UsageError
from scraper.models import Page
from scraper.sites import Target

MAX_FILE = 200 * 1024 * 1024


@dataclass(slots=True)
class ImportResult:
    files: int = 0
    reviews: int = 0
    counts: archive.SaveCounts = field(default_factory=archive.SaveCounts)
    formats: dict[str, int] = field(default_factory=dict)


def import_paths(
    db: sqlite_utils.Database,
    paths: list[Path],
    *,
    site: str | None = None,
    profile: Target | None = None,
    captured_at: datetime | None = None,
) -> ImportResult:
    """Parse and archive every file under `paths`. Each file is one transaction.

    Relative ages ("5 years ago") are counted back from `captured_at`; without it, from the
    file's modification time, and since a copy may be newer than the capture, only the upper
    bound is kept then (earliest stays unknown).
    """
    files = list(_files(paths))
    # Every file is parsed before anything is written: one bad file leaves the archive untouched.
    parsed = [_parse(path, site, profile, captured_at) for path in files]
    result = ImportResult()
    for parser, page in parsed:
        result.counts.add(archive.save_page(db, page))
        result.files += 1
        result.reviews += len(page.reviews)
        result.formats[parser] = result.formats.get(parser, 0) + 1
    return result


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise UsageError(f"{path}: no such file or folder")


def _parse(
    path: Path, site: str | None, profile: Target | None, captured_at: datetime | None
) -> tuple[str, Page]:
    try:
        if path.stat().st_size > MAX_FILE:
            raise UsageError(f"{path}: larger than {MAX_FILE // 2**20} MiB; not a saved page")
        body = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
    found = sites.sniff(body, site)
    if found is None:
        raise UsageError(
            f"{path}: not a page or response that scrape recognises "
            f"(known: {', '.join(sites.SITES)} pages and API responses)"
        )
    site_name, parser = found
    fetched_at = captured_at or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    # With --profile, parse as if the file came from that profile's own listing URL, so formats
    # that do not name their owner still get one.
    url = sites.SITES[site_name].first_request(profile.handle).url if profile else path.as_uri()
    page = sites.parse(site_name, parser, body, url, fetched_at)
    if profile:
        page.reviews = [r for r in page.reviews if r.profile_id in (profile.profile_id, None)]
    if captured_at is None:
        page.reviews = [_open_lower_bound(r) for r in page.reviews]
    return parser, page


def _open_lower_bound(review):
    if review.when.precision != "relative":
        return review
    return replace(review, when=replace(review.when, earliest=None))
