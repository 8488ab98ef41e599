"""read_ahead: the next item is produced in a thread while the caller holds this one, and the
caller sees exactly what a plain loop would (order, errors, early exit)."""

from __future__ import annotations

import time

import pytest

from scraper.readahead import read_ahead


def test_items_arrive_in_order_and_production_overlaps_use():
    def items():
        for n in range(5):
            time.sleep(0.05)  # a fetch
            yield n

    seen = []
    started = time.perf_counter()
    for item in read_ahead(items()):
        time.sleep(0.05)  # a write, while the next fetch runs
        seen.append(item)
    elapsed = time.perf_counter() - started
    assert seen == [0, 1, 2, 3, 4]
    # One after the other: 10 x 50 ms. Overlapped: the first fetch, then 5 writes.
    assert elapsed < 0.42, elapsed


def test_an_error_reaches_the_caller_after_every_item_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("page 3 did not parse")

    seen = []
    with pytest.raises(ValueError, match="page 3"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_leaving_early_stops_the_producer():
    made = []

    def items():
        for n in range(100):
            made.append(n)
            yield n

    for item in read_ahead(items()):
        if item == 2:
            break
    time.sleep(0.3)
    # The one the caller held, the one queued, the one being produced: never the rest.
    assert len(made) <= 5
