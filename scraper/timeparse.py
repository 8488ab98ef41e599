"""Turn the many ways sites write a date into a best estimate plus the bounds it is sure of.

Sites say "1 year", "41 minutes ago", "Jul 24, 2023" or give epoch milliseconds. Only the last is
an instant; the others are ranges, and the archive keeps the range so that later observations can
narrow it (see `intersect`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import overload

from dateutil.relativedelta import relativedelta

from scraper import numbers
from scraper.wording import shown


@dataclass(frozen=True, slots=True)
class When:
    """A point in time as well as we know it: estimate within [earliest, latest], all UTC."""

    at: datetime | None = None
    earliest: datetime | None = None
    latest: datetime | None = None
    # How the site gave it: "exact", "day" (a calendar date) or "relative" ("5 years ago").
    precision: str | None = None

    @property
    def exact(self) -> bool:
        return self.at is not None and self.earliest == self.latest == self.at


UNKNOWN = When()

_UNITS = {
    "second": relativedelta(seconds=1),
    "minute": relativedelta(minutes=1),
    "hour": relativedelta(hours=1),
    "day": relativedelta(days=1),
    "week": relativedelta(weeks=1),
    "month": relativedelta(months=1),
    "year": relativedelta(years=1),
}
_RELATIVE = re.compile(
    r"^\s*(?P<n>\d+|an?|one)\s+(?P<unit>second|minute|hour|day|week|month|year)s?(?:\s+ago)?\s*$",
    re.IGNORECASE,
)
_DAY_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%m/%d/%Y", "%d %b %Y", "%Y-%m-%d")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")
# A calendar date written by a site in its own zone covers these UTC instants: zones run from
# UTC-12 to UTC+14, so the local day D spans [D 00:00 - 14h, D+1 00:00 + 12h] in UTC.
_ZONE_EAST, _ZONE_WEST = timedelta(hours=14), timedelta(hours=12)


def exact(moment: datetime) -> When:
    moment = _utc(moment)
    return When(moment, moment, moment, "exact")


def from_epoch_ms(ms: int | float | str) -> When:
    """Epoch milliseconds; ValueError for a value no calendar holds."""
    # 10**15 ms is past the year 30000: no calendar here holds more.
    number = numbers.decimal(ms, -(10**15), 10**15)
    if number is None:
        raise ValueError(f"timestamp {shown(ms)} is no number of milliseconds")
    try:
        return exact(datetime.fromtimestamp(int(number) / 1000, tz=UTC))
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"timestamp {shown(ms)} is out of range ({exc})") from None


def from_iso(text: str) -> When:
    """An ISO 8601 instant; one without a zone is taken as UTC (RT's cursors write it so)."""
    return exact(instant(text))


def instant(text: str) -> datetime:
    """from_iso, as the moment itself (in UTC)."""
    return _utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))


def from_relative(text: str, fetched_at: datetime) -> When | None:
    """ "5 years ago" seen at `fetched_at`: sites round ages down, so the true age lies in
    [5 years, 6 years). Returns None when the text is not a relative age."""
    stripped = text.strip().lower()
    if stripped in ("just now", "now", "moments ago", "a few seconds ago"):
        stripped = "0 minutes ago"
    elif stripped == "yesterday":
        stripped = "1 day ago"
    match = _RELATIVE.match(stripped)
    if not match:
        return None
    n = match["n"]
    # Past a million units the date is before any calendar's, so no age anyone wrote.
    count = 1 if n in ("a", "an", "one") else numbers.whole(n, 0, 10**6)
    if count is None:
        return None
    unit = _UNITS[match["unit"].lower()]
    fetched_at = _utc(fetched_at)
    try:
        latest = fetched_at - unit * count
        earliest = fetched_at - unit * (count + 1)
    except (OverflowError, ValueError):  # "99999 years ago" is not a date anyone wrote
        return None
    return When(earliest + (latest - earliest) / 2, earliest, latest, "relative")


def from_day(text: str) -> When | None:
    """A calendar date without a time ("Jul 24, 2023"); None when it is not one."""
    return _from_day(text.strip())


# A listing repeats few dates, and strptime is slow enough to show in a page's parse time.
@lru_cache(maxsize=4096)
def _from_day(text: str) -> When | None:
    if _ISO_DAY.match(text):  # most common, and without strptime's failed tries first
        try:
            return _day(datetime.fromisoformat(text))
        except ValueError:
            return None
    for fmt in _DAY_FORMATS:
        try:
            return _day(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


class DayReader:
    """from_day for the many dates of one file, which writes them all one way: the format that
    read the first is tried first on the rest (from_day tries each format in turn, and its
    cache holds too few dates for a big export). Same results as from_day, text for text."""

    _KEEP = 50_000  # distinct dates remembered: a century of days, not a hostile file's all

    def __init__(self) -> None:
        self.format: str | None = None
        self._seen: dict[str, When | None] = {}

    def read(self, text: str) -> When | None:
        text = text.strip()
        if text in self._seen:
            return self._seen[text]
        found = None
        if self.format is not None:
            try:
                found = _day(datetime.strptime(text, self.format))
            except ValueError:
                found = None
        if found is None and (match := _match_day(text)) is not None:
            found, self.format = match
        if len(self._seen) < self._KEEP:
            self._seen[text] = found
        return found


def _match_day(text: str) -> tuple[When, str] | None:
    if _ISO_DAY.match(text):
        try:
            return _day(datetime.fromisoformat(text)), "%Y-%m-%d"
        except ValueError:
            return None
    for fmt in _DAY_FORMATS:
        try:
            return _day(datetime.strptime(text, fmt)), fmt
        except ValueError:
            continue
    return None


def _day(day: datetime) -> When:
    day = day.replace(tzinfo=UTC)
    return When(
        day + timedelta(hours=12), day - _ZONE_EAST, day + timedelta(days=1) + _ZONE_WEST, "day"
    )


def clear_caches() -> None:
    _from_day.cache_clear()


def parse(text: str | None, fetched_at: datetime) -> When:
    """Whatever form `text` has; UNKNOWN when it is empty or unrecognised."""
    if not text or not text.strip():
        return UNKNOWN
    if ":" in text:  # a time of day: an instant, never an age or a calendar date
        try:
            return from_iso(text)
        except ValueError:
            pass
    relative = from_relative(text, fetched_at)
    if relative:
        return relative
    day = from_day(text)
    if day:
        return day
    try:
        return from_iso(text)
    except ValueError:
        return UNKNOWN


def intersect(old: When, new: When) -> When:
    """Combine two observations of the same moment: the overlap of their bounds.

    An exact time beats a range; when two ranges do not overlap (the site changed the item), the
    newer observation wins.
    """
    if new.exact or old.earliest is None or old.latest is None:
        return new
    if old.exact or new.earliest is None or new.latest is None:
        return old
    earliest, latest = max(old.earliest, new.earliest), min(old.latest, new.latest)
    if earliest > latest:
        return new
    # When one observation already holds the narrower range, keep it whole (its estimate may
    # not be the midpoint: a calendar date is estimated at noon of that day).
    for side in (new, old):
        if (side.earliest, side.latest) == (earliest, latest):
            return side
    return When(earliest + (latest - earliest) / 2, earliest, latest, new.precision)


@overload
def to_iso(moment: datetime) -> str: ...
@overload
def to_iso(moment: datetime | None) -> str | None: ...
def to_iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, to the second (to the millisecond when it has them)."""
    if moment is None:
        return None
    spec = "milliseconds" if moment.microsecond else "seconds"
    return _utc(moment).isoformat(timespec=spec).replace("+00:00", "Z")


def to_millisecond(moment: datetime) -> datetime:
    """The moment as its to_iso text keeps it, read back: cut to the millisecond."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def from_row(
    at: str | None, earliest: str | None, latest: str | None, precision: str | None
) -> When:
    def read(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None

    return When(read(at), read(earliest), read(latest), precision)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
