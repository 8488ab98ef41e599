"""scraper/numbers.py: the one place numbers from a site or a file are read (issue 30, item 13)."""

from __future__ import annotations

import pytest

from scraper import numbers
from scraper.sites import common, ratings


@pytest.mark.parametrize(
    "value",
    ["²", "¹⁹⁹⁹", "٢٠١٩", "9" * 5000, 10**30, "1e3", "", None, True, "1869", 2101, "20 19"],
)
def test_no_year(value):
    assert numbers.year(value) is None
    assert common.year_in(value) is None


@pytest.mark.parametrize("value", [1999, "1999", " 2019 ", "+2019"])
def test_a_year(value):
    assert numbers.year(value) in (1999, 2019)


def test_decimals_are_ascii_finite_and_bounded():
    assert numbers.decimal("3.5", 0, 5) == 3.5 and numbers.decimal(4, 0, 5) == 4.0
    for value in ["½", "٣", "nan", "inf", "1e3", 10**400, float("inf"), float("nan"), "6", True]:
        assert numbers.decimal(value, 0, 5) is None, value


@pytest.mark.parametrize("raw", [10**400, "9" * 5000, float("inf"), "²/4", "STAR_²"])
def test_a_score_past_every_bound_is_no_rating(raw):
    assert ratings.to_ten(raw, out_of=5) is None
    assert ratings.critic_to_ten(raw) is None
    assert len(ratings.stars_raw(raw) or "") <= 80


@pytest.mark.parametrize("value", ["²", "9" * 5000, 10**400, float("nan"), float("inf"), 1e300])
def test_an_epoch_no_calendar_holds_is_a_value_error_quoted_cut(value):
    from scraper import timeparse

    with pytest.raises(ValueError, match="timestamp") as caught:
        timeparse.from_epoch_ms(value)
    assert len(str(caught.value)) < 200


def test_a_letterboxd_film_id_of_odd_digits_is_no_key():
    from scraper.sites.letterboxd import records

    assert "letterboxd:id:42" in records.film(title="A", year=None, film_id="42").keys
    assert not any(":id:" in k for k in records.film(title="A", year=None, film_id="²").keys)
