"""The on-disk maps Letterboxd's export joins are kept in behave as the dicts they replace."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scraper.sites.spill import Spill

KEYS = st.one_of(
    st.text(max_size=6),
    st.tuples(st.text(max_size=3), st.one_of(st.none(), st.integers(0, 3)), st.text(max_size=3)),
)


def copied(key):
    """An equal key made of other objects (pickle would tell them apart; a key must not)."""
    if isinstance(key, tuple):
        return tuple(copied(part) for part in key)
    return "".join(list(key)) if isinstance(key, str) else key


@given(st.lists(st.tuples(KEYS, st.integers()), max_size=40))
def test_a_spill_keeps_what_a_dict_keeps_in_the_same_order(puts):
    spill, first, last = Spill(), {}, {}
    try:
        for key, value in puts:
            assert spill.setdefault("first", copied(key), value) == first.setdefault(key, value)
            spill.put("last", copied(key), value)
            last[key] = value
            assert ("last", copied(key)) in spill
        assert list(spill.items("first")) == list(first.items())
        assert list(spill.items("last")) == list(last.items())
        spill.clear("last")
        assert list(spill.items("last")) == []
    finally:
        spill.close()
