"""Run an iterator one item ahead in a thread, so producing the next item overlaps with
whatever the caller does with this one.

A full crawl reads its listing this way: the next page is fetched (mostly waiting on the
network) while this one is written to the archive (mostly waiting on SQLite; both release the
GIL). Errors reach the caller at the item where they happened, after every item before it,
exactly as without the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def read_ahead(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """Yield `items` in order while a thread produces up to `depth` items beyond the one the
    caller holds. Leaving the loop early stops the thread after the item it is producing."""
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    cancelled = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _put(handoff, (item, None), cancelled):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            _put(handoff, (_DONE, exc), cancelled)
            return
        _put(handoff, (_DONE, None), cancelled)

    # A daemon: a run killed mid-request must not wait for the thread's response.
    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = handoff.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        cancelled.set()


def _put(handoff: queue.Queue, entry: tuple, cancelled: threading.Event) -> bool:
    while not cancelled.is_set():
        try:
            handoff.put(entry, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
