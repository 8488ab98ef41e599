"""Politeness: a minimum pause between requests to one host, stretched when the host asks."""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacer:
    """Per-host pacing for one run. A 429 or a robots.txt Crawl-delay raises that host's pause
    for the rest of the run; nothing ever lowers it."""

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

    def slow_down(self, host: str, retry_after: float | None = None) -> None:
        """After a 429: double the pause (at least 1 s), or what the server asked for."""
        self.at_least(host, max(self.delay_for(host) * 2, 1.0, retry_after or 0.0))
