from datetime import UTC, datetime

import pytest

from scraper import timeparse

SEEN = datetime(2024, 3, 31, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        (
            "1 hour",
            datetime(2024, 3, 31, 10, 0, tzinfo=UTC),
            datetime(2024, 3, 31, 11, 0, tzinfo=UTC),
        ),
        (
            "41 minutes ago",
            datetime(2024, 3, 31, 11, 18, tzinfo=UTC),
            datetime(2024, 3, 31, 11, 19, tzinfo=UTC),
        ),
        (
            "5 years ago",
            datetime(2018, 3, 31, 12, tzinfo=UTC),
            datetime(2019, 3, 31, 12, tzinfo=UTC),
        ),
        # Calendar months: one month before March 31 is February 29 in a leap year.
        (
            "a month ago",
            datetime(2024, 1, 31, 12, tzinfo=UTC),
            datetime(2024, 2, 29, 12, tzinfo=UTC),
        ),
        ("0 minutes ago", datetime(2024, 3, 31, 11, 59, tzinfo=UTC), SEEN),
        ("yesterday", datetime(2024, 3, 29, 12, tzinfo=UTC), datetime(2024, 3, 30, 12, tzinfo=UTC)),
    ],
)
def test_relative_ages_become_bounds(text, earliest, latest):
    when = timeparse.parse(text, SEEN)
    assert (when.earliest, when.latest, when.precision) == (earliest, latest, "relative")
    assert earliest < when.at < latest


def test_known_true_times_fall_inside_their_bounds():
    # Flixster showed "41 minutes ago" for a rating made at 11:18:30 and seen at 12:00.
    truth = datetime(2024, 3, 31, 11, 18, 30, tzinfo=UTC)
    when = timeparse.parse("41 minutes ago", SEEN)
    assert when.earliest <= truth <= when.latest
    # A rating made 1 year 10 months before it was seen is shown as "1 year" (ages round down).
    truth = datetime(2022, 5, 31, tzinfo=UTC)
    when = timeparse.parse("1 year", SEEN)
    assert when.earliest <= truth <= when.latest


def test_exact_forms():
    assert timeparse.from_epoch_ms(1683217595163).at == datetime(
        2023, 5, 4, 16, 26, 35, 163000, tzinfo=UTC
    )
    when = timeparse.parse("2017-09-04T11:54:25", SEEN)
    assert when.exact and when.at == datetime(2017, 9, 4, 11, 54, 25, tzinfo=UTC)
    assert timeparse.to_iso(when.at) == "2017-09-04T11:54:25Z"


def test_a_day_covers_every_time_zone():
    when = timeparse.parse("Jul 24, 2023", SEEN)
    assert when.precision == "day"
    assert when.earliest == datetime(2023, 7, 23, 10, tzinfo=UTC)
    assert when.latest == datetime(2023, 7, 25, 12, tzinfo=UTC)


def test_unknown_text_is_unknown():
    assert timeparse.parse("sometime", SEEN) == timeparse.UNKNOWN
    assert timeparse.parse("99999999999 years ago", SEEN) == timeparse.UNKNOWN
    assert timeparse.parse("", SEEN) == timeparse.UNKNOWN


def test_intersect_narrows_and_prefers_exact():
    first = timeparse.parse("5 years ago", SEEN)
    later = timeparse.parse("5 years ago", datetime(2024, 9, 30, tzinfo=UTC))
    both = timeparse.intersect(first, later)
    assert both.earliest == later.earliest and both.latest == first.latest
    assert both.latest - both.earliest < first.latest - first.earliest
    exact = timeparse.exact(datetime(2019, 1, 1, tzinfo=UTC))
    assert timeparse.intersect(both, exact) == exact
    assert timeparse.intersect(exact, later) == exact
    # Disjoint observations mean the item changed: the newer one wins.
    far = timeparse.parse("1 hour", SEEN)
    assert timeparse.intersect(first, far) == far


def test_the_same_observation_twice_is_unchanged():
    for text in ("Jul 24, 2023", "5 years ago", "2017-09-04T11:54:25"):
        when = timeparse.parse(text, SEEN)
        assert timeparse.intersect(when, when) == when
