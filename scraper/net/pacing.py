"""Politeness: a minimum pause between requests to one host, stretched when the host asks."""

from __future__ import annotations

import time
from collections.abc import Callable

# Repeated 429s raise a host's pause by half each time, up to this: a site that still limits
# us at one request a minute wants a run on another day, which Retry-After and tries decide.
SLOWEST = 60.0


class Pacer:
    """Per-host pacing for one run. A robots.txt Crawl-delay, or 429s that repeat, raise that
    host's pause for the rest of the run; nothing ever lowers it. A Retry-After is not pacing:
    it applies to the retry of its request only (see fetch)."""

    def __init__(
        self,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.default = delay
        self._delay: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._limited: dict[str, int] = {}
        self._clock, self._sleep = clock, sleep

    def delay_for(self, host: str) -> float:
        return self._delay.get(host, self.default)

    def wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = self.delay_for(host) - (self._clock() - last)
            if pause > 0:
                (self._sleep or time.sleep)(pause)

    def sent(self, host: str) -> None:
        self._last[host] = self._clock()

    def at_least(self, host: str, seconds: float | None) -> None:
        if seconds is not None and seconds > self.delay_for(host):
            self._delay[host] = seconds

    def slow_down(self, host: str) -> float | None:
        """After a 429: the first is forgiven (its retry waits as asked); each one after it
        raises the pause by half (at least to 1 s, at most SLOWEST). The new pause, if any."""
        self._limited[host] = self._limited.get(host, 0) + 1
        current = self.delay_for(host)
        if self._limited[host] < 2 or current >= SLOWEST:
            return None
        self._delay[host] = min(max(current * 1.5, 1.0), SLOWEST)
        return self._delay[host]
